package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
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

var hex40 = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)

// rmResolution is what the targets of rm select.
type rmResolution struct {
	selected map[*scan.Repo]map[*scan.Revision]bool
	hashes   []string
	missing  []string
}

func (r *rmResolution) add(repo *scan.Repo, rev *scan.Revision) {
	if r.selected[repo] == nil {
		r.selected[repo] = map[*scan.Revision]bool{}
	}
	if !r.selected[repo][rev] {
		r.selected[repo][rev] = true
		r.hashes = append(r.hashes, rev.Hash)
	}
}

func (r *rmResolution) selections() []scan.Selection {
	var sel []scan.Selection
	for repo, revs := range r.selected {
		s := scan.Selection{Repo: repo}
		for rev := range revs {
			s.Revisions = append(s.Revisions, rev)
		}
		sel = append(sel, s)
	}
	sort.Slice(sel, func(i, j int) bool { return sel[i].Repo.Path < sel[j].Repo.Path })
	return sel
}

// ambiguousRevisionError says a bare revision hash is held by several
// cached repos (a fork copied with cp -a, one model cached under two
// names): rm removes nothing and names the repos, so that the user picks
// one as type/repo_id@hash.
type ambiguousRevisionError struct {
	hash  string
	repos []string
}

func (e *ambiguousRevisionError) Error() string {
	return fmt.Sprintf("revision %s is held by %d cached repos: %s. Nothing was deleted; name the one to delete as %s@%s.",
		e.hash, len(e.repos), strings.Join(e.repos, ", "), e.repos[0], e.hash)
}

// resolveTargets maps rm's targets to revisions as upstream does, plus bare
// repo ids that name exactly one cached repo and type/repo_id@hash for one
// revision of one repo. A bare hash that several repos hold is refused
// (*ambiguousRevisionError): which copy to delete is the user's choice.
func resolveTargets(c *scan.Cache, targets []string) (*rmResolution, error) {
	res := &rmResolution{selected: map[*scan.Repo]map[*scan.Revision]bool{}}
	byCacheID := map[string]*scan.Repo{}
	byRepoID := map[string][]*scan.Repo{}
	type holder struct {
		repo *scan.Repo
		rev  *scan.Revision
	}
	byHash := map[string][]holder{}
	for _, repo := range c.Repos {
		byCacheID[strings.ToLower(render.CacheID(repo))] = repo
		byRepoID[strings.ToLower(repo.ID)] = append(byRepoID[strings.ToLower(repo.ID)], repo)
		for _, rev := range repo.Revisions {
			h := strings.ToLower(rev.Hash)
			byHash[h] = append(byHash[h], holder{repo, rev})
		}
	}
	for _, raw := range targets {
		target := strings.TrimSpace(raw)
		if target == "" {
			continue
		}
		if hex40.MatchString(target) {
			holders := byHash[strings.ToLower(target)]
			switch len(holders) {
			case 0:
				res.missing = append(res.missing, raw)
			case 1:
				res.add(holders[0].repo, holders[0].rev)
			default:
				e := &ambiguousRevisionError{hash: strings.ToLower(target)}
				for _, h := range holders {
					e.repos = append(e.repos, render.CacheID(h.repo))
				}
				sort.Strings(e.repos)
				return nil, e
			}
			continue
		}
		id, hash := target, ""
		if at := strings.LastIndex(target, "@"); at > 0 && !strings.HasPrefix(target, "hf://") && hex40.MatchString(target[at+1:]) {
			id, hash = target[:at], strings.ToLower(target[at+1:])
		}
		isURI := strings.HasPrefix(id, "hf://")
		if isURI {
			var err error
			if id, err = repoCacheIDFromURI(id); err != nil {
				return nil, err
			}
		}
		repo := byCacheID[strings.ToLower(id)]
		if repo == nil && !isURI {
			switch matches := byRepoID[strings.ToLower(id)]; len(matches) {
			case 0:
			case 1:
				repo = matches[0]
			default:
				ids := make([]string, len(matches))
				for i, m := range matches {
					ids[i] = render.CacheID(m)
				}
				return nil, fmt.Errorf("%q matches several cached repos: %s; use type/repo_id to pick one", id, strings.Join(ids, ", "))
			}
		}
		if repo == nil {
			res.missing = append(res.missing, raw)
			continue
		}
		found := false
		for _, rev := range repo.Revisions {
			if hash == "" || strings.ToLower(rev.Hash) == hash {
				res.add(repo, rev)
				found = true
			}
		}
		if hash != "" && !found {
			res.missing = append(res.missing, raw)
		}
	}
	return res, nil
}

// repoCacheIDFromURI turns hf://[models/|datasets/|spaces/]ns/name into
// "model/ns/name"; revisions and paths are refused as upstream does.
func repoCacheIDFromURI(uri string) (string, error) {
	body := strings.TrimPrefix(uri, "hf://")
	if body == "" {
		return "", upstreamErrorf("Invalid HF URI: %s. Empty body after 'hf://'.", uri)
	}
	segs := strings.Split(body, "/")
	typ := "model"
	switch segs[0] {
	case "models", "datasets", "spaces":
		typ = strings.TrimSuffix(segs[0], "s")
		segs = segs[1:]
	case "buckets", "kernels":
		return "", upstreamErrorf("Only repository hf:// URIs are supported by `hfcache rm`.")
	}
	if len(segs) < 2 || segs[0] == "" || segs[1] == "" {
		return "", upstreamErrorf("Invalid HF URI: %s. Id must be 'namespace/name', got '%s'.", uri, strings.Join(segs, "/"))
	}
	if strings.Contains(segs[1], "@") || len(segs) > 2 {
		return "", upstreamErrorf("Only repo-level hf:// URIs are supported by `hfcache rm` for now.")
	}
	return typ + "/" + segs[0] + "/" + segs[1], nil
}

// deletionCounts are upstream's summarize_deletions.
type deletionCounts struct{ repos, partialRevs, totalRevs int }

func countDeletions(sel []scan.Selection) deletionCounts {
	var c deletionCounts
	for _, s := range sel {
		c.totalRevs += len(s.Revisions)
		if s.Whole() {
			c.repos++
		} else {
			c.partialRevs += len(s.Revisions)
		}
	}
	return c
}

func runRm(opts *RmOptions) error {
	ios := opts.IO
	o, err := newModernOut(ios, "rm", "[OPTIONS] TARGETS...", opts.Format, false)
	if err != nil {
		return err
	}
	if isFileDeletion(opts) {
		return runRmFiles(opts, o)
	}
	if opts.Revision != "" {
		return o.usageError("--revision goes with hf:// file URIs or --include/--exclude.")
	}
	cache, err := scanModern(o, opts.Dir, false)
	if err != nil {
		return err
	}
	res, err := resolveTargets(cache, opts.Targets)
	var ambiguous *ambiguousRevisionError
	if errors.As(err, &ambiguous) {
		o.errorMsg(err.Error())
		return &ExitCodeError{Code: ExitUsage}
	}
	if err != nil {
		return o.failErr(err.Error(), err)
	}
	if len(res.missing) > 0 {
		lines := make([]string, len(res.missing))
		for i, m := range res.missing {
			lines[i] = "  - " + m
		}
		o.warning("Could not find in cache:\n" + strings.Join(lines, "\n"))
	}
	if len(res.hashes) == 0 {
		o.text("Nothing to delete.")
		return nil
	}
	sel := res.selections()
	plan := delete.PlanSelected(cache, sel)
	counts := countDeletions(sel)

	var parts []string
	if counts.repos > 0 {
		parts = append(parts, fmt.Sprintf("%d repo(s)", counts.repos))
	}
	if counts.partialRevs > 0 {
		parts = append(parts, fmt.Sprintf("%d revision(s)", counts.partialRevs))
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d revision(s)", counts.totalRevs))
	}
	freed := render.Size(plan.ExpectedFreedSize)
	o.text(fmt.Sprintf("About to delete %s totalling %s.", strings.Join(parts, " and "), freed))
	o.text(render.SelectedRevisions(sel))

	if opts.DryRun {
		o.result("Dry run: no files were deleted.", render.Object{
			{Key: "dry_run", Value: true},
			{Key: "repos", Value: counts.repos},
			{Key: "revisions", Value: counts.totalRevs},
			{Key: "size", Value: freed},
		})
		return nil
	}
	if err := o.confirm("Proceed with deletion?", opts.Yes); err != nil {
		return err
	}
	done := executeSelections(ios, plan, sel)
	if reportResult(o, done.res) {
		return o.incomplete(done, "")
	}
	fmt.Fprintf(ios.ErrOut, "Cache deletion done. Saved %s.\n", freed)
	o.result(fmt.Sprintf("Deleted %d repo(s) and %d revision(s); freed %s.", counts.repos, counts.totalRevs, freed), render.Object{
		{Key: "repos_deleted", Value: counts.repos},
		{Key: "revisions_deleted", Value: counts.totalRevs},
		{Key: "freed", Value: freed},
	})
	return nil
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
