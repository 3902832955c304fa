package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
	"github.com/hfcache/hfcache/internal/target"
)

// RmOptions are the inputs of rm.
type RmOptions struct {
	IO      *iostreams.IOStreams
	Dir     string
	Targets []string
	Yes     bool
	DryRun  bool
	Format  FormatFlags
	// Include, Exclude and Revision select files of the targets to
	// delete instead of whole revisions (see files.go).
	Include, Exclude []string
	Revision         string
}

func newRmCmd(ios *iostreams.IOStreams) *cobra.Command {
	opts := &RmOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "rm TARGETS...",
		Short: "Remove cached repositories, revisions or files.",
		Long: `Remove cached repositories, revisions or single files, like "hf cache rm" of huggingface_hub 1.x.

A target is a repo as type/repo_id (model/gpt2, dataset/org/name), a
repo-level hf:// URI (hf://models/org/name, hf://datasets/org/name), a
40-character revision hash (any case), or a bare repo_id (org/name) when only
one cached repo has it. A revision of one repo is named type/repo_id@hash
(model/org/name@4fa2...): a bare hash that several cached repos hold (a fork
copied with cp -a, one model cached under two names) deletes nothing and
exits 2, listing the repos. The plan is printed first, then confirmed; in the
agent, json and quiet formats, --yes is required.

Single files: an hf:// file URI (hf://models/org/name/path/to/file, as
huggingface_hub after 1.28) removes that exact file from every cached revision of
the repo (--revision REF: from that one only); --include/--exclude GLOB
(repeatable, '*' matches '/' too, as hf download) remove the matching files
of repo or revision targets. The snapshot entries go, and each blob only
when no file left in any revision of any repo uses it, so a blob shared
with another revision frees nothing. What remains is a valid partial
snapshot: huggingface_hub downloads a removed file again when asked for it.
File targets cannot be mixed with repo or revision targets.`,
		Example: `  hfcache rm model/gpt2
  hfcache rm hf://models/openai-community/gpt2
  hfcache rm 4fa2b4ee5e6c2d9e1a8f7c6b5a4d3c2b1a0f9e8d
  hfcache rm model/org/fork@4fa2b4ee5e6c2d9e1a8f7c6b5a4d3c2b1a0f9e8d
  hfcache rm model/gpt2 --dry-run
  hfcache rm openai-community/gpt2 --yes
  hfcache rm hf://models/TheBloke/Llama-2-7B-GGUF/llama-2-7b.Q8_0.gguf
  hfcache rm model/TheBloke/Llama-2-7B-GGUF --include "*.gguf" --exclude "*Q4_K_M*" --dry-run`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &UsageError{Err: fmt.Errorf("missing argument 'TARGETS...'")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			negated(cmd, &opts.DryRun, "dry-run")
			opts.Targets = args
			formatFlagsGiven(cmd, &opts.Format)
			return runRm(opts)
		},
	}
	addCacheDirFlag(cmd, &opts.Dir)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "skip the confirmation prompt")
	addNegatable(cmd, &opts.DryRun, "dry-run", "show what would be deleted without deleting anything")
	cmd.Flags().StringArrayVar(&opts.Include, "include", nil, "delete the files of the targets matching this glob; repeatable")
	cmd.Flags().StringArrayVar(&opts.Exclude, "exclude", nil, "delete the files of the targets except those matching this glob; repeatable")
	cmd.Flags().StringVar(&opts.Revision, "revision", "", "with file targets or globs: only this revision of each repo (a ref such as main, or a hash)")
	addFormatFlags(cmd, &opts.Format, false)
	return cmd
}

func runRm(opts *RmOptions) error {
	o, err := newModernOut(opts.IO, "rm", "[OPTIONS] TARGETS...", opts.Format, false)
	if err != nil {
		return err
	}
	if isFileDeletion(opts) {
		return runRmFiles(opts, o)
	}
	if opts.Revision != "" {
		return o.usageError("--revision goes with hf:// file URIs or --include/--exclude.")
	}
	cache, res, err := resolveRm(o, opts)
	if err != nil {
		return err
	}
	warnMissing(o, res.Missing)
	if len(res.Hashes) == 0 {
		o.text("Nothing to delete.")
		return nil
	}
	sel := res.Selections()
	plan := delete.PlanSelected(cache, sel)
	counts := target.Count(sel)
	freed := render.Size(plan.ExpectedFreedSize)
	o.text(fmt.Sprintf("About to delete %s totalling %s.", rmSummary(counts), freed))
	o.text(render.SelectedRevisions(sel))
	if opts.DryRun {
		o.result("Dry run: no files were deleted.", render.Object{
			{Key: "dry_run", Value: true},
			{Key: "repos", Value: counts.Repos},
			{Key: "revisions", Value: counts.Revisions},
			{Key: "size", Value: freed},
		})
		return nil
	}
	if err := o.confirm("Proceed with deletion?", opts.Yes); err != nil {
		return err
	}
	done := executeSelections(opts.IO, plan, sel)
	if reportResult(o, done.res) {
		return o.incomplete(done, "")
	}
	fmt.Fprintf(opts.IO.ErrOut, "Cache deletion done. Saved %s.\n", freed)
	o.result(fmt.Sprintf("Deleted %d repo(s) and %d revision(s); freed %s.", counts.Repos, counts.Revisions, freed), render.Object{
		{Key: "repos_deleted", Value: counts.Repos},
		{Key: "revisions_deleted", Value: counts.Revisions},
		{Key: "freed", Value: freed},
	})
	return nil
}

// resolveRm scans the cache and resolves rm's targets in it. The whole
// cache is scanned in summary mode: the targets need only the repos and
// their revisions, and the plan needs of the other repos only the files
// they use outside their own folders (shared payloads, another repo's
// blobs), which a summary keeps. Then the selected repos alone are scanned
// again with their blob lists, and the targets resolved once more in that
// cache, so that the selection and the plan see the same repos. Memory
// stays that of a summary, whatever the size of the cache.
func resolveRm(o *modernOut, opts *RmOptions) (*scan.Cache, *target.Resolution, error) {
	cache, err := scanModern(o, opts.Dir, modernScan{summary: true})
	if err != nil {
		return nil, nil, err
	}
	res, err := resolveTargets(o, cache, opts.Targets)
	if err != nil || len(res.Hashes) == 0 {
		return cache, res, err
	}
	var repos []*scan.Repo
	for _, s := range res.Selections() {
		repos = append(repos, s.Repo)
	}
	cache = cache.Rescan(repos, scan.Options{Modern: true})
	res, err = resolveTargets(o, cache, opts.Targets)
	return cache, res, err
}

// resolveTargets resolves rm's targets in cache, reporting a target that
// names several things (exit 2 for a bare hash several repos hold).
func resolveTargets(o *modernOut, cache *scan.Cache, targets []string) (*target.Resolution, error) {
	res, err := target.Resolve(cache, targets)
	var ambiguous *target.AmbiguousRevisionError
	if errors.As(err, &ambiguous) {
		o.errorMsg(err.Error())
		return nil, &ExitCodeError{Code: ExitUsage}
	}
	if err != nil {
		return nil, o.failErr(err.Error(), err)
	}
	return res, nil
}

// rmSummary names what rm deletes as upstream does: "2 repo(s) and 1
// revision(s)".
func rmSummary(c target.Counts) string {
	var parts []string
	if c.Repos > 0 {
		parts = append(parts, fmt.Sprintf("%d repo(s)", c.Repos))
	}
	if c.PartialRevisions > 0 {
		parts = append(parts, fmt.Sprintf("%d revision(s)", c.PartialRevisions))
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d revision(s)", c.Revisions))
	}
	return strings.Join(parts, " and ")
}

// warnMissing warns about the targets that name nothing cached.
func warnMissing(o *modernOut, missing []string) {
	if len(missing) == 0 {
		return
	}
	lines := make([]string, len(missing))
	for i, m := range missing {
		lines[i] = "  - " + m
	}
	o.warning("Could not find in cache:\n" + strings.Join(lines, "\n"))
}

// executed is what an execution really removed, counted the way the
// summaries count: a whole repo counts its selected revisions.
type executed struct {
	res              *delete.Result
	repos, revisions int
}

// executeSelections runs plan, the deletion of sel, and counts what is
// really gone.
func executeSelections(ios *iostreams.IOStreams, plan *delete.Plan, sel []scan.Selection) executed {
	revsOf := map[string]int{}
	for _, s := range sel {
		revsOf[s.Repo.Path] = len(s.Revisions)
	}
	var e executed
	e.res = executeWithProgress(ios, plan, selectedRepoSizes(plan, sel), func(kind delete.Kind, path string) {
		switch kind {
		case delete.KindRepo:
			e.repos++
			e.revisions += revsOf[path]
		case delete.KindSnapshot:
			e.revisions++
		}
	})
	return e
}

// incomplete reports a deletion that did not remove everything: only what
// is really gone is counted, never the plan; extra names what else failed.
// It returns the exit-1 error.
func (o *modernOut) incomplete(e executed, extra string) error {
	var why []string
	if n := len(e.res.Failures); n > 0 {
		why = append(why, fmt.Sprintf("%d path(s) could not be deleted", n))
	}
	if n := len(e.res.Locked); n > 0 {
		why = append(why, fmt.Sprintf("%d repo(s) skipped because a download holds their lock", n))
	}
	if extra != "" {
		why = append(why, extra)
	}
	o.errorMsg(fmt.Sprintf("Deletion incomplete (%s). Only %d repo(s) and %d revision(s) were deleted; freed %s.",
		strings.Join(why, "; "), e.repos, e.revisions, render.Size(e.res.FreedSize)))
	return &ExitCodeError{Code: ExitError}
}

// reportResult warns about what an execution could not remove or left on
// purpose, and reports whether anything asked for is still there.
func reportResult(o *modernOut, result *delete.Result) bool {
	for _, f := range result.Unreclaimed {
		o.warning(fmt.Sprintf("Couldn't delete %s: %v", f.Kind, f.Err))
	}
	for _, repo := range result.Locked {
		o.warning(fmt.Sprintf("Skipped %s: another process holds one of its download locks (download in progress?)", filepath.Base(repo)))
	}
	for _, s := range result.Skipped {
		if errors.Is(s.Reason, delete.ErrLocked) {
			continue // reported once per repo above
		}
		o.warning(fmt.Sprintf("Kept %s %s: %v", s.Kind, s.Path, s.Reason))
	}
	for _, f := range result.Failures {
		o.warning(fmt.Sprintf("Couldn't delete %s: %v", f.Kind, f.Err))
	}
	if err := trashRefusal(result); err != nil {
		o.hint("The trash was refused. " + trashAdvice(err))
	}
	return !result.OK()
}
