package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/prune"
	"github.com/hfcache/hfcache/internal/render"
)

// PruneOptions are the inputs of prune.
type PruneOptions struct {
	IO       *iostreams.IOStreams
	Dir      string
	Yes      bool
	DryRun   bool
	KeepLast int
	Orphans  bool
	Locks    bool
	Xet      bool
	Force    bool
	Format   FormatFlags
}

func newPruneCmd(ios *iostreams.IOStreams) *cobra.Command {
	opts := &PruneOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove detached revisions and incomplete downloads from the cache.",
		Long: `Remove detached revisions (no ref points to them) and incomplete downloads
(blobs/*.incomplete), like "hf cache prune" of huggingface_hub 1.x.

Beyond upstream, and only when asked:
  --keep-last N  keep the N most recently modified revisions of each repo even
                 when detached (a revision a ref points to is never removed)
  --orphans      also remove blobs that no snapshot uses (left behind by
                 interrupted downloads or deletions); a blob whose download
                 lock is held is left alone; with a shared blob store, also
                 its payloads that no repo references any more
  --locks        also remove lock files under .locks/ that no process holds,
                 only for repos where no lock is held and no partial download
                 (blobs/*.incomplete) is left. huggingface_hub never deletes
                 its lock files: a process already waiting on one could lock
                 the deleted file while another creates a new one, so two
                 processes would think they hold the lock. Use it when no
                 download runs.

With --xet, prune clears the Xet cache instead of the hub cache: the chunk
and shard caches of every endpoint folder under $HF_XET_CACHE (else
$HF_HOME/xet). They are pure caches (hf_xet downloads again what is
missing); staging, which holds resumable uploads, is kept. The Xet client
takes no lock, so hfcache refuses while any process has a file of the Xet
cache open or has the hf_xet library loaded (checked through /proc on
Linux); elsewhere, or to override, close those programs and pass --force.`,
		Example: `  hfcache prune
  hfcache prune --dry-run
  hfcache prune --keep-last 2 --yes
  hfcache prune --orphans --locks --dry-run --format json
  hfcache prune --xet --dry-run
  hfcache prune --xet -y`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			negated(cmd, &opts.DryRun, "dry-run")
			formatFlagsGiven(cmd, &opts.Format)
			return runPrune(opts)
		},
	}
	addCacheDirFlag(cmd, &opts.Dir)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "skip the confirmation prompt")
	addNegatable(cmd, &opts.DryRun, "dry-run", "show what would be deleted without deleting anything")
	cmd.Flags().IntVar(&opts.KeepLast, "keep-last", 0, "keep the N most recently modified revisions of each repo")
	cmd.Flags().BoolVar(&opts.Orphans, "orphans", false, "also remove blobs no snapshot uses")
	cmd.Flags().BoolVar(&opts.Locks, "locks", false, "also remove stale lock files nobody holds")
	cmd.Flags().BoolVar(&opts.Xet, "xet", false, "clear the Xet chunk and shard caches instead of pruning the hub cache")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "with --xet: clear even when hfcache cannot tell that no process uses the Xet cache")
	addFormatFlags(cmd, &opts.Format, false)
	return cmd
}

func runPrune(opts *PruneOptions) error {
	o, err := newModernOut(opts.IO, "prune", "[OPTIONS]", opts.Format, false)
	if err != nil {
		return err
	}
	if opts.KeepLast < 0 {
		return o.usageError(fmt.Sprintf("Invalid value for '--keep-last': %d is not a positive integer.", opts.KeepLast))
	}
	if opts.Xet {
		if opts.KeepLast != 0 || opts.Orphans || opts.Locks || opts.Dir != "" {
			return o.usageError("--xet cannot be combined with --keep-last, --orphans, --locks or --cache-dir.")
		}
		return runPruneXet(o, opts)
	}
	if opts.Force {
		return o.usageError("--force only applies with --xet.")
	}
	cache, err := scanModern(o, opts.Dir, modernScan{})
	if err != nil {
		return err
	}
	plan, err := prune.NewPlan(cache, prune.Options{KeepLast: opts.KeepLast, Orphans: opts.Orphans, Locks: opts.Locks})
	if len(plan.Running) > 0 {
		o.warning(fmt.Sprintf("Skipping %d incomplete download(s) still in progress.", len(plan.Running)))
	}
	for _, u := range plan.Unchecked {
		o.warning(uncheckedMessage(u))
	}
	if err != nil {
		return o.failErr(err.Error(), err)
	}
	for _, u := range plan.UnreadableLocks {
		o.warning(unreadableLockMessage(u))
	}
	for _, w := range cache.Warnings {
		// Upstream's prune says nothing of corrupted repos: only those
		// it could not read (permission denied) are named.
		if w.Err != nil {
			o.warning(strings.TrimRight(w.Error(), ".") + ". Repo left alone.")
		}
	}
	if plan.Trash.Refused != nil {
		o.hint(trashRefusedMessage(plan.Trash.Refused))
	}
	otherTrashHints(o, cache.Path, plan.Trash)
	if plan.Empty() {
		o.text("No unreferenced revisions or incomplete downloads found. Nothing to prune.")
		return unreadableError(o, plan)
	}
	printPrunePlan(o, plan)
	if opts.DryRun {
		o.result("Dry run: no files were deleted.", pruneDryRunData(plan))
		return unreadableError(o, plan)
	}
	if err := o.confirm("Proceed?", opts.Yes); err != nil {
		return err
	}
	res := plan.Execute(func() (delete.ExecOptions, func()) {
		return progressOptions(opts.IO, plan.Deletion, selectedRepoSizes(plan.Deletion, plan.Revisions), nil)
	})
	return reportPrune(o, plan, res)
}

// printPrunePlan lists what prune is about to delete.
func printPrunePlan(o *modernOut, plan *prune.Plan) {
	cacheDir := plan.Cache.Path
	summary := pruneSummary(plan.RevisionCount(), len(plan.Incomplete), len(plan.Orphans), len(plan.SharedOrphans), len(plan.Locks), len(plan.Trash.Dead))
	o.text(fmt.Sprintf("About to delete %s (%s total).", summary, render.Size(plan.Size())))
	if len(plan.Revisions) > 0 {
		o.text(render.SelectedRevisions(plan.Revisions))
	}
	for _, e := range plan.Trash.Dead {
		o.text(fmt.Sprintf("  - interrupted deletion %s %s", relTo(cacheDir, e.Path), render.Size(e.Size)))
	}
	for _, b := range plan.Orphans {
		o.text(fmt.Sprintf("  - orphan blob %s %s", relTo(cacheDir, b.Path), render.Size(b.Size)))
	}
	for _, b := range plan.SharedOrphans {
		o.text(fmt.Sprintf("  - unused shared blob %s %s", relTo(cacheDir, b.Path), render.Size(b.Size)))
	}
	for _, l := range plan.Locks {
		o.text("  - stale lock " + relTo(cacheDir, l))
	}
}

// pruneDryRunData is the data of a dry run's result.
func pruneDryRunData(plan *prune.Plan) render.Object {
	data := render.Object{
		{Key: "dry_run", Value: true},
		{Key: "revisions", Value: plan.RevisionCount()},
		{Key: "incomplete", Value: len(plan.Incomplete)},
	}
	if plan.Options.Orphans {
		data = append(data, render.KV{Key: "orphans", Value: len(plan.Orphans) + len(plan.SharedOrphans)})
	}
	if plan.Options.Locks {
		data = append(data, render.KV{Key: "locks", Value: len(plan.Locks)})
	}
	if len(plan.Trash.Dead) > 0 {
		data = append(data, render.KV{Key: "interrupted_deletions", Value: len(plan.Trash.Dead)})
	}
	return append(data, render.KV{Key: "size", Value: render.Size(plan.Size())})
}

// reportPrune reports what a prune really removed: what it could not
// remove, then the summary, or the exit-1 error of an incomplete prune.
func reportPrune(o *modernOut, plan *prune.Plan, res *prune.Result) error {
	failed := false
	for _, f := range res.Reclaim.Failures {
		o.warning(fmt.Sprintf("Couldn't delete %s: %v", f.Kind, f.Err))
		failed = true
	}
	for _, x := range res.Executions() {
		failed = reportResult(o, x) || failed
	}
	if failed {
		var extra []string
		if n := len(res.Reclaim.Failures); n > 0 {
			extra = append(extra, fmt.Sprintf("%d interrupted deletion(s) not reclaimed", n))
		}
		if res.LooseFailed > 0 {
			extra = append(extra, fmt.Sprintf("%d partial download(s), orphan blob(s) or lock file(s) not deleted", res.LooseFailed))
		}
		if n := len(unreadableRepos(plan.Cache)); n > 0 {
			extra = append(extra, fmt.Sprintf("%d repo(s) could not be read", n))
		}
		if n := len(plan.UnreadableLocks); n > 0 {
			extra = append(extra, fmt.Sprintf("%d lock folder(s) could not be read", n))
		}
		// Freed: what the revisions' deletion really freed, and what the
		// other removals did (the reclaimed trash, the loose files).
		revs := *res.Revisions
		revs.FreedSize += res.Freed - plan.Deletion.ExpectedFreedSize
		return o.incomplete(executed{res: &revs, repos: res.Repos, revisions: res.RevisionsRemoved}, strings.Join(extra, "; "))
	}
	freed := render.Size(res.Freed)
	fmt.Fprintf(o.ios.ErrOut, "Cache deletion done. Saved %s.\n", freed)
	// What is really gone: a blob kept because a snapshot uses it now, or
	// a lock file whose repo got busy, is reported above and not counted.
	revs := plan.RevisionCount()
	data := render.Object{
		{Key: "revisions_deleted", Value: revs},
		{Key: "incomplete_deleted", Value: res.Incomplete},
	}
	if plan.Options.Orphans {
		data = append(data, render.KV{Key: "orphans_deleted", Value: res.Orphans + res.SharedOrphans})
	}
	if plan.Options.Locks {
		data = append(data, render.KV{Key: "locks_deleted", Value: res.Locks})
	}
	if res.Interrupted > 0 {
		data = append(data, render.KV{Key: "interrupted_deletions_completed", Value: res.Interrupted})
	}
	data = append(data, render.KV{Key: "freed", Value: freed})
	summary := pruneSummary(revs, res.Incomplete, res.Orphans, res.SharedOrphans, res.Locks, res.Interrupted)
	o.result(fmt.Sprintf("Deleted %s; freed %s.", summary, freed), data)
	return unreadableError(o, plan)
}

// unreadableLockMessage says that a folder below .locks could not be
// listed, so the lock files it holds are neither listed nor removed
// (hfcache's own wording: hf 1.28 has no --locks).
func unreadableLockMessage(u prune.UnreadableFolder) string {
	reason := u.Err.Error()
	var pe *fs.PathError
	if errors.As(u.Err, &pe) {
		reason = pe.Err.Error()
	}
	return fmt.Sprintf("Lock folder cannot be read: %s (%s). Its lock files are left alone.", u.Path, reason)
}

// uncheckedMessage says that the download locks of a repo's partial
// downloads could not be checked, so they are left alone (they may be
// in progress); hfcache's own wording.
func uncheckedMessage(u prune.Unchecked) string {
	what := u.Err.Error()
	var pe *fs.PathError
	if errors.As(u.Err, &pe) {
		what = fmt.Sprintf("%s (%s)", pe.Path, pe.Err)
	}
	return fmt.Sprintf("Skipping %d incomplete download(s) whose download locks cannot be checked: %s. They may be in progress and are left alone.",
		len(u.Blobs), what)
}

// unreadableError ends a prune whose scan skipped repos it could not
// read (permission denied; corrupted repos are not counted: upstream's
// prune passes over them in silence) or whose search for stale lock files
// skipped folders it could not read (another account's .locks/<repo>).
// The rest was listed or done, but the report leaves something out: like
// ls for repos it cannot read, prune then fails, with an exit-1 error
// line for each.
func unreadableError(o *modernOut, plan *prune.Plan) error {
	repos := unreadableRepos(plan.Cache)
	if len(repos) == 0 && len(plan.UnreadableLocks) == 0 {
		return nil
	}
	if len(repos) > 0 {
		o.errorMsg(fmt.Sprintf("%d repo(s) could not be read and are left out above: %s",
			len(repos), strings.Join(repos, ", ")))
	}
	if len(plan.UnreadableLocks) > 0 {
		paths := make([]string, len(plan.UnreadableLocks))
		for i, u := range plan.UnreadableLocks {
			paths[i] = u.Path
		}
		o.errorMsg(fmt.Sprintf("%d lock folder(s) could not be read and are left out above: %s",
			len(paths), strings.Join(paths, ", ")))
	}
	return &ExitCodeError{Code: ExitError}
}

// pruneSummary names what prune deletes ("2 unreferenced revision(s) and
// 1 incomplete download(s)"), leaving out what is none.
func pruneSummary(revs, incomplete, orphans, shared, locks, interrupted int) string {
	var parts []string
	for _, p := range []struct {
		n      int
		format string
	}{
		{revs, "%d unreferenced revision(s)"},
		{incomplete, "%d incomplete download(s)"},
		{orphans, "%d orphan blob(s)"},
		{shared, "%d unused shared blob(s)"},
		{locks, "%d stale lock file(s)"},
		{interrupted, "%d interrupted deletion(s)"},
	} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf(p.format, p.n))
		}
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, " and ")
}

func relTo(base, p string) string {
	if rel, err := filepath.Rel(base, p); err == nil {
		return filepath.ToSlash(rel)
	}
	return p
}
