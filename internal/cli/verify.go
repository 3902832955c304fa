package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/pycompat"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
	"github.com/hfcache/hfcache/internal/verify"
)

// VerifyOptions are the inputs of verify.
type VerifyOptions struct {
	IO       *iostreams.IOStreams
	Dir      string
	RepoID   string
	RepoType string
	Revision string
	All      bool
	Format   FormatFlags

	// RepoTypeSet is true when --repo-type or --type was given: an id of
	// the form "dataset/org/name" then only matches that type.
	RepoTypeSet bool
}

func newVerifyCmd(ios *iostreams.IOStreams) *cobra.Command {
	opts := &VerifyOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "verify [REPO_ID]",
		Short: "Verify the checksums of cached files, offline.",
		Long: `Verify the files of a cached revision against the hashes the cache itself
records, without the network: LFS blobs are named by the sha256 of their
content and other blobs by their git blob sha1. When huggingface_hub 1.x saved
the commit's file listing (trees/<commit>.json), its sizes and hashes are used
too. Corrupt, truncated and missing files are listed and the exit code is 1.

Files copied into the snapshot instead of linked to a blob (huggingface_hub
does that on Windows without developer mode) have no known hash unless such a
listing records it. When not a single file could be checked, verify says so
and exits 3: no problem was found, but nothing was proven either.

--revision takes a ref (main, refs/pr/1, a tag), a commit hash or a unique
prefix of one; the default is main. --all verifies every revision of every
repo in the cache, with a progress line on a terminal.`,
		Example: `  hfcache verify gpt2
  hfcache verify dataset/glue      # the ids "hfcache ls" prints
  hfcache verify gpt2 --revision refs/pr/1
  hfcache verify my-org/my-dataset --repo-type dataset
  hfcache verify --all
  hfcache verify --all --format json

  # In a script: 0 verified, 1 problems found, 3 nothing could be checked
  hfcache verify gpt2; echo $?`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.RepoID = args[0]
			}
			formatFlagsGiven(cmd, &opts.Format)
			opts.RepoTypeSet = cmd.Flags().Changed("repo-type") || cmd.Flags().Changed("type")
			return runVerify(opts)
		},
	}
	cmd.Flags().StringVar(&opts.RepoType, "repo-type", "model", "repo type: model, dataset or space")
	cmd.Flags().StringVar(&opts.RepoType, "type", "model", "alias of --repo-type")
	cmd.Flags().StringVar(&opts.Revision, "revision", "", "ref, commit hash or hash prefix to verify (default: main)")
	cmd.Flags().BoolVar(&opts.All, "all", false, "verify every revision of every cached repo")
	addCacheDirFlag(cmd, &opts.Dir)
	addFormatFlags(cmd, &opts.Format, false)
	return cmd
}

func runVerify(opts *VerifyOptions) error {
	o, err := newModernOut(opts.IO, "verify", "[OPTIONS] REPO_ID", opts.Format, false)
	if err != nil {
		return err
	}
	if err := checkVerifyArgs(o, opts); err != nil {
		return err
	}
	dir, err := cacheDir(opts.IO, opts.Dir)
	if err != nil {
		return o.failErr(err.Error(), err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return o.failErr("Cache directory not found: "+dir, err)
	}
	if opts.All {
		return verifyAll(o, dir)
	}
	repo := verify.FindRepo(dir, opts.RepoType, opts.RepoID, opts.RepoTypeSet)
	if repo.Path == "" {
		return o.fail(fmt.Sprintf("%s '%s' is not in the cache (%s).", repo.Type, repo.ID, dir))
	}
	rev, err := verify.ResolveRevision(repo.Path, opts.Revision)
	if err != nil {
		return o.failErr(fmt.Sprintf("Cannot verify %s '%s': %v.", repo.Type, repo.ID, err), err)
	}
	rep, err := verify.New().Revision(repo.Path, rev)
	if err != nil {
		return o.failErr(err.Error(), err)
	}
	return reportVerified(o, repo, rep)
}

// checkVerifyArgs rejects a bad command line (a usage error, printed).
func checkVerifyArgs(o *modernOut, opts *VerifyOptions) error {
	switch opts.RepoType {
	case scan.TypeModel, scan.TypeDataset, scan.TypeSpace:
	default:
		return o.usageError(fmt.Sprintf("Invalid value for '--type' / '--repo-type': '%s' is not one of 'model', 'dataset', 'space'.", opts.RepoType))
	}
	switch {
	case opts.All && opts.RepoID != "":
		return o.usageError("REPO_ID and --all are mutually exclusive.")
	case !opts.All && opts.RepoID == "":
		return o.usageError("Missing argument 'REPO_ID'.")
	case opts.All && opts.Revision != "":
		return o.usageError("--revision needs a REPO_ID, not --all.")
	}
	return nil
}

// reportVerified prints the report of one revision and maps it to the
// exit code.
func reportVerified(o *modernOut, repo verify.Repo, rep *verify.Report) error {
	if o.mode == render.FormatJSON {
		fmt.Fprintln(o.ios.Out, pycompat.JSON(reportObject(rep)))
	}
	if !rep.OK() {
		printProblems(o, rep)
		// As upstream: the error line, no traceback hint, exit 1.
		o.errorMsg(fmt.Sprintf("Verification failed for '%s' (%s) in %s.\n  Revision: %s", repo.ID, repo.Type, rep.SnapshotPath, rep.Revision))
		return &ExitCodeError{Code: ExitError}
	}
	if rep.Checked == 0 && rep.Unverifiable > 0 {
		o.errorMsg(fmt.Sprintf("Nothing could be verified for %s '%s' (revision %s): %s", repo.Type, repo.ID, rep.Revision, unverifiedWhy(rep.Unverifiable)))
		return &ExitCodeError{Code: ExitUnverified}
	}
	if o.mode != render.FormatJSON {
		data := render.Object{
			{Key: "repo_id", Value: repo.ID},
			{Key: "repo_type", Value: repo.Type},
			{Key: "revision", Value: rep.Revision},
			{Key: "checked", Value: rep.Checked},
		}
		if rep.Unverifiable > 0 {
			data = append(data, render.KV{Key: "unverifiable", Value: rep.Unverifiable})
		}
		data = append(data, render.KV{Key: "path", Value: rep.SnapshotPath})
		o.result(fmt.Sprintf("Verified %d file(s) for %s '%s'. All checksums match.", rep.Checked, repo.Type, repo.ID), data)
	}
	return nil
}

func verifyAll(o *modernOut, dir string) error {
	ios := o.ios
	targets, err := verify.CacheTargets(dir)
	if err != nil {
		return o.failErr(err.Error(), err)
	}
	v := verify.New()
	progress := ios.ErrTTY && o.mode == render.FormatHuman
	var reports []*verify.Report
	checked, unverifiable, bad := 0, 0, 0
	repos := map[string]bool{}
	for i, t := range targets {
		if progress {
			typ, id, _ := scan.ParseFolderName(filepath.Base(t.RepoPath))
			line := fmt.Sprintf("Verifying %s/%s: %s/%s@%s", humanize.Comma(int64(i+1)), humanize.Comma(int64(len(targets))), typ, id, short(t.Revision))
			fmt.Fprint(ios.ErrOut, "\r\x1b[K"+o.ansi.Gray(line))
		}
		rep, err := v.Revision(t.RepoPath, t.Revision)
		if err != nil {
			if progress {
				fmt.Fprint(ios.ErrOut, "\r\x1b[K")
			}
			return o.failErr(err.Error(), err)
		}
		reports = append(reports, rep)
		repos[t.RepoPath] = true
		checked += rep.Checked
		unverifiable += rep.Unverifiable
		if !rep.OK() {
			bad++
		}
	}
	if progress {
		fmt.Fprint(ios.ErrOut, "\r\x1b[K")
	}
	if o.mode == render.FormatJSON {
		objs := make([]render.Object, len(reports))
		for i, r := range reports {
			objs[i] = reportObject(r)
		}
		fmt.Fprintln(ios.Out, pycompat.JSON(objs))
	}
	nProblems := 0
	for _, r := range reports {
		if !r.OK() {
			nProblems += len(r.Problems)
			o.text(fmt.Sprintf("%s/%s (revision %s):", r.RepoType, r.RepoID, r.Revision))
			printProblems(o, r)
		}
	}
	if bad > 0 {
		o.errorMsg(fmt.Sprintf("Verification failed: %d problem(s) in %d of %d revision(s).", nProblems, bad, len(reports)))
		return &ExitCodeError{Code: ExitError}
	}
	if checked == 0 && unverifiable > 0 {
		o.errorMsg(fmt.Sprintf("Nothing could be verified in %d revision(s) of %d repo(s): %s", len(reports), len(repos), unverifiedWhy(unverifiable)))
		return &ExitCodeError{Code: ExitUnverified}
	}
	if o.mode != render.FormatJSON {
		data := render.Object{
			{Key: "repos", Value: len(repos)},
			{Key: "revisions", Value: len(reports)},
			{Key: "checked", Value: checked},
		}
		if unverifiable > 0 {
			data = append(data, render.KV{Key: "unverifiable", Value: unverifiable})
		}
		data = append(data, render.KV{Key: "path", Value: dir})
		o.result(fmt.Sprintf("Verified %d file(s) in %d revision(s) of %d repo(s). All checksums match.", checked, len(reports), len(repos)), data)
	}
	return nil
}

// unverifiedWhy says why none of files files could be checked.
func unverifiedWhy(files int) string {
	return fmt.Sprintf("none of the %d file(s) has a known hash. They are plain copies, not links to blobs "+
		"named by the hash of their content (huggingface_hub copies files where it cannot make symlinks, "+
		"as on Windows without developer mode), and no trees/<commit>.json listing records their hashes. "+
		"Nothing was found corrupt, but nothing was checked either.", files)
}

func short(h string) string {
	if len(h) > 8 {
		return h[:8]
	}
	return h
}

// printProblems lists a report's problems the way upstream lists checksum
// mismatches and missing files.
func printProblems(o *modernOut, rep *verify.Report) {
	var bad, missing []string
	for _, p := range rep.Problems {
		switch p.Kind {
		case verify.Missing:
			missing = append(missing, fmt.Sprintf("  - %s (blob %s)", p.File, filepath.Base(p.Blob)))
		case verify.Truncated:
			bad = append(bad, fmt.Sprintf("  - %s: truncated, %d of %d bytes; expected %s (%s), got %s", p.File, p.Size, p.ExpectedSize, p.Expected, p.Algorithm, p.Actual))
		default:
			bad = append(bad, fmt.Sprintf("  - %s: expected %s (%s), got %s", p.File, p.Expected, p.Algorithm, p.Actual))
		}
	}
	if len(bad) > 0 {
		o.text("❌ Checksum verification failed for the following file(s):\n" + strings.Join(bad, "\n"))
	}
	if len(missing) > 0 {
		o.text("❌ Missing files (in the snapshot, absent from the cache):\n" + strings.Join(missing, "\n"))
	}
}

// reportObject is a report for --format json.
func reportObject(r *verify.Report) render.Object {
	problems := make([]render.Object, len(r.Problems))
	for i, p := range r.Problems {
		obj := render.Object{
			{Key: "file", Value: p.File},
			{Key: "kind", Value: string(p.Kind)},
			{Key: "blob", Value: p.Blob},
		}
		if p.Algorithm != "" {
			obj = append(obj, render.KV{Key: "algorithm", Value: p.Algorithm}, render.KV{Key: "expected", Value: p.Expected}, render.KV{Key: "actual", Value: p.Actual})
		}
		if p.Size >= 0 {
			obj = append(obj, render.KV{Key: "size", Value: p.Size})
		}
		if p.ExpectedSize >= 0 {
			obj = append(obj, render.KV{Key: "expected_size", Value: p.ExpectedSize})
		}
		problems[i] = obj
	}
	return render.Object{
		{Key: "repo_id", Value: r.RepoID},
		{Key: "repo_type", Value: r.RepoType},
		{Key: "revision", Value: r.Revision},
		{Key: "path", Value: r.SnapshotPath},
		{Key: "ok", Value: r.OK()},
		{Key: "checked", Value: r.Checked},
		{Key: "unverifiable", Value: r.Unverifiable},
		{Key: "problems", Value: problems},
	}
}
