package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/prune"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
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

	cmd *cobra.Command
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
			opts.cmd = cmd
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
	ios := opts.IO
	o, err := newModernOut(ios, opts.cmd, "[OPTIONS]", opts.Format, false)
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
	cache, err := scanModern(o, opts.Dir, false)
	if err != nil {
		return err
	}

	var sel []render.Selection
	var hashes []string
	for _, rr := range prune.Detached(cache, opts.KeepLast) {
		sel = append(sel, render.Selection{Repo: rr.Repo, Revs: rr.Revs})
		for _, rev := range rr.Revs {
			hashes = append(hashes, rev.Hash)
		}
	}
	incomplete, running := prune.Incomplete(cache)
	if len(running) > 0 {
		o.warning(fmt.Sprintf("Skipping %d incomplete download(s) still in progress.", len(running)))
	}
	var incompleteSize int64
	for _, b := range incomplete {
		incompleteSize += b.Size
	}
	plan := planSelections(cache, sel)

	var orphans, sharedOrphans []scan.Blob
	var orphanSize int64
	if opts.Orphans {
		all, err := prune.Orphans(cache)
		if err != nil {
			return o.failErr(fmt.Sprintf("list orphan blobs: %v", err), err)
		}
		for _, b := range all {
			if delete.InsideAny(b.Path, plan.Repos) {
				continue // goes with its repo
			}
			orphans = append(orphans, b)
			orphanSize += b.Size
		}
		for _, b := range prune.SharedOrphans(cache) {
			if _, ok := plan.SharedPayloads[b.Path]; ok {
				continue // the deletion examines it anyway
			}
			sharedOrphans = append(sharedOrphans, b)
			orphanSize += b.Size
		}
	}
	var locks []string
	if opts.Locks {
		if locks, err = prune.StaleLocks(cache.Path, incomplete); err != nil {
			return o.failErr(fmt.Sprintf("list lock files: %v", err), err)
		}
	}

	// What interrupted deletions left in the trash (no scanner sees it).
	remains := delete.TrashRemains(cache.Path)
	if remains.Refused != nil {
		o.hint(trashRefusedMessage(remains.Refused))
	}
	otherTrashHints(o, cache.Path, remains)

	if len(hashes) == 0 && len(incomplete) == 0 && len(orphans) == 0 && len(sharedOrphans) == 0 && len(locks) == 0 && len(remains.Dead) == 0 {
		o.text("No unreferenced revisions or incomplete downloads found. Nothing to prune.")
		return nil
	}
	counts := countDeletions(sel)
	total := render.Size(plan.ExpectedFreedSize + incompleteSize + orphanSize + remains.Size)

	summary := pruneSummary(counts.totalRevs, len(incomplete), len(orphans), len(sharedOrphans), len(locks), len(remains.Dead))
	o.text(fmt.Sprintf("About to delete %s (%s total).", summary, total))
	if len(sel) > 0 {
		o.text(render.SelectedRevisions(sel))
	}
	for _, e := range remains.Dead {
		o.text(fmt.Sprintf("  - interrupted deletion %s %s", relTo(cache.Path, e.Path), render.Size(e.Size)))
	}
	for _, b := range orphans {
		o.text(fmt.Sprintf("  - orphan blob %s %s", relTo(cache.Path, b.Path), render.Size(b.Size)))
	}
	for _, b := range sharedOrphans {
		o.text(fmt.Sprintf("  - unused shared blob %s %s", relTo(cache.Path, b.Path), render.Size(b.Size)))
	}
	for _, l := range locks {
		o.text("  - stale lock " + relTo(cache.Path, l))
	}

	if opts.DryRun {
		data := render.Object{
			{Key: "dry_run", Value: true},
			{Key: "revisions", Value: counts.totalRevs},
			{Key: "incomplete", Value: len(incomplete)},
		}
		if opts.Orphans {
			data = append(data, render.KV{Key: "orphans", Value: len(orphans) + len(sharedOrphans)})
		}
		if opts.Locks {
			data = append(data, render.KV{Key: "locks", Value: len(locks)})
		}
		if len(remains.Dead) > 0 {
			data = append(data, render.KV{Key: "interrupted_deletions", Value: len(remains.Dead)})
		}
		data = append(data, render.KV{Key: "size", Value: total})
		o.result("Dry run: no files were deleted.", data)
		return nil
	}
	if err := o.confirm("Proceed?", opts.Yes); err != nil {
		return err
	}

	// Interrupted deletions first (every deletion would complete them
	// anyway, before its own work).
	var trashFreed int64
	trashDeleted := 0
	if len(remains.Dead) > 0 {
		trashDeleted, trashFreed = delete.ReclaimTrash(cache.Path, scan.Options{Modern: cache.Modern})
	}
	done := executeSelections(ios, plan, sel)
	failed := reportResult(o, done.res)
	// What was saved: the revisions as planned (as upstream counts them),
	// plus each partial download, orphan blob and shared payload really
	// removed (one kept because a snapshot uses it now is not counted).
	saved := plan.ExpectedFreedSize + trashFreed
	looseFailed := 0
	sizes := map[string]int64{}
	partial := map[string]bool{}
	var files []string
	for _, b := range incomplete {
		partial[b.Path] = true
	}
	for _, b := range append(append([]scan.Blob(nil), incomplete...), orphans...) {
		files = append(files, b.Path)
		sizes[b.Path] = b.Size
	}
	incompleteDeleted, orphansDeleted := 0, 0
	if len(files) > 0 {
		loose := delete.RemoveLoose(cache, files, delete.ExecOptions{OnRemove: func(_ delete.Kind, p string) {
			saved += sizes[p]
			if partial[p] {
				incompleteDeleted++
			} else {
				orphansDeleted++
			}
		}})
		if reportResult(o, loose) {
			failed = true
			looseFailed += len(loose.Failures) + len(loose.Locked)
		}
	}
	sharedDeleted := 0
	if len(sharedOrphans) > 0 {
		paths := make([]string, len(sharedOrphans))
		for i, b := range sharedOrphans {
			paths[i] = b.Path
		}
		collected := delete.CollectShared(cache, paths, delete.ExecOptions{})
		saved += collected.FreedSize
		sharedDeleted = collected.Removed
		failed = reportResult(o, collected) || failed
	}
	locksDeleted := 0
	if len(locks) > 0 {
		// A lock taken since the listing keeps its repo's lock files
		// (reported as kept, not as a failure).
		res := delete.RemoveLoose(cache, locks, delete.ExecOptions{OnRemove: func(delete.Kind, string) { locksDeleted++ }})
		if reportResult(o, res) {
			failed = true
			looseFailed += len(res.Failures)
		}
	}
	if !failed {
		fmt.Fprintf(ios.ErrOut, "Cache deletion done. Saved %s.\n", render.Size(saved))
	}
	if failed {
		extra := ""
		if looseFailed > 0 {
			extra = fmt.Sprintf("%d partial download(s), orphan blob(s) or lock file(s) not deleted", looseFailed)
		}
		return o.incomplete(done, extra)
	}

	// What is really gone: a blob kept because a snapshot uses it now, or
	// a lock file whose repo got busy, is reported above and not counted.
	data := render.Object{
		{Key: "revisions_deleted", Value: counts.totalRevs},
		{Key: "incomplete_deleted", Value: incompleteDeleted},
	}
	if opts.Orphans {
		data = append(data, render.KV{Key: "orphans_deleted", Value: orphansDeleted + sharedDeleted})
	}
	if opts.Locks {
		data = append(data, render.KV{Key: "locks_deleted", Value: locksDeleted})
	}
	if trashDeleted > 0 {
		data = append(data, render.KV{Key: "interrupted_deletions_completed", Value: trashDeleted})
	}
	data = append(data, render.KV{Key: "freed", Value: render.Size(saved)})
	summary = pruneSummary(counts.totalRevs, incompleteDeleted, orphansDeleted, sharedDeleted, locksDeleted, trashDeleted)
	o.result(fmt.Sprintf("Deleted %s; freed %s.", summary, render.Size(saved)), data)
	return nil
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
