package prune

import (
	"fmt"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/scan"
)

// Options say what prune removes besides what upstream's `hf cache prune`
// does (detached revisions and partial downloads).
type Options struct {
	// KeepLast keeps the KeepLast most recently modified revisions of each
	// repo even when detached.
	KeepLast int
	// Orphans also removes blobs no snapshot uses and shared payloads no
	// repo references.
	Orphans bool
	// Locks also removes lock files nobody holds (see StaleLocks).
	Locks bool
}

// Plan is what prune would remove from one cache, each part with the
// reason it goes (the field says it), and what it leaves and why.
type Plan struct {
	Cache   *scan.Cache
	Options Options
	// Revisions are the revisions no ref points to, beyond the KeepLast
	// most recent of their repo; Deletion is the plan that removes them.
	Revisions []scan.Selection
	Deletion  *delete.Plan
	// Incomplete are the partial downloads nobody writes to; Running those
	// kept because their download is in progress.
	Incomplete, Running []scan.Blob
	// Unchecked are the partial downloads kept because their download
	// locks could not be checked (another account's lock folder), one
	// entry per repo.
	Unchecked []Unchecked
	// Orphans are the blobs no snapshot uses, outside the repos Deletion
	// removes whole (those go with their repo). With Options.Orphans only.
	Orphans []scan.Blob
	// SharedOrphans are the payloads of the shared blob store no repo
	// references, except those Deletion examines anyway. With
	// Options.Orphans only.
	SharedOrphans []scan.Blob
	// Locks are the lock files nobody holds. With Options.Locks only.
	Locks []string
	// UnreadableLocks are the folders below .locks that could not be
	// listed while looking for Locks (another account's lock folder):
	// their lock files are left out of Locks. With Options.Locks only.
	UnreadableLocks []UnreadableFolder
	// Trash is what interrupted deletions left in the trash (no scanner
	// sees it); its Dead entries are reclaimed.
	Trash delete.Remains
}

// NewPlan decides what prune removes from c. It reads the cache (lock
// states, blob folders, the trash) and changes nothing. On an error the
// plan returned so far says what was decided before it (Running is set).
func NewPlan(c *scan.Cache, opts Options) (*Plan, error) {
	p := &Plan{Cache: c, Options: opts}
	p.Revisions = Detached(c, opts.KeepLast)
	p.Incomplete, p.Running, p.Unchecked = Incomplete(c)
	p.Deletion = delete.PlanSelected(c, p.Revisions)
	if opts.Orphans {
		all, err := Orphans(c)
		if err != nil {
			return p, fmt.Errorf("list orphan blobs: %w", err)
		}
		for _, b := range all {
			if !delete.InsideAny(b.Path, p.Deletion.Repos) {
				p.Orphans = append(p.Orphans, b)
			}
		}
		for _, b := range SharedOrphans(c) {
			if _, ok := p.Deletion.SharedPayloads[b.Path]; !ok {
				p.SharedOrphans = append(p.SharedOrphans, b)
			}
		}
	}
	if opts.Locks {
		p.Locks, p.UnreadableLocks = StaleLocks(c.Path, p.Incomplete)
	}
	p.Trash = delete.TrashRemains(c.Path)
	return p, nil
}

// RevisionCount is the number of revisions the plan removes.
func (p *Plan) RevisionCount() int {
	n := 0
	for _, rr := range p.Revisions {
		n += len(rr.Revisions)
	}
	return n
}

// Empty reports whether there is nothing to remove.
func (p *Plan) Empty() bool {
	return len(p.Revisions) == 0 && len(p.Incomplete) == 0 && len(p.Orphans) == 0 &&
		len(p.SharedOrphans) == 0 && len(p.Locks) == 0 && len(p.Trash.Dead) == 0
}

// Size is what the plan expects to free: the revisions (as the deletion
// plan counts them), the partial downloads, the orphans and the trash.
func (p *Plan) Size() int64 {
	n := p.Deletion.ExpectedFreedSize + p.Trash.Size
	for _, bs := range [][]scan.Blob{p.Incomplete, p.Orphans, p.SharedOrphans} {
		for _, b := range bs {
			n += b.Size
		}
	}
	return n
}

// Result is what a prune really removed: a partial download, orphan,
// payload or lock file kept because it is in use now is not counted.
type Result struct {
	// Revisions is the execution of the revisions' deletion; Repos and
	// RevisionsRemoved count what of it is gone (a repo removed whole
	// counts its selected revisions).
	Revisions                *delete.Result
	Repos, RevisionsRemoved  int
	Loose, Shared, LockFiles *delete.Result // nil when not run
	// Counts of what is gone.
	Incomplete, Orphans, SharedOrphans, Locks, Interrupted int
	// LooseFailed counts the partial downloads, orphans and lock files
	// that could not be removed.
	LooseFailed int
	// Reclaim is what became of the trash's remains of dead runs:
	// Interrupted counts those gone, Reclaim.Failures those still there.
	Reclaim delete.Reclaim
	// Freed is the revisions' expected size (upstream counts them so) plus
	// what each other removal really freed.
	Freed int64
}

// Executions lists the executions that ran, in order (for reporting).
func (r *Result) Executions() []*delete.Result {
	var out []*delete.Result
	for _, x := range []*delete.Result{r.Revisions, r.Loose, r.Shared, r.LockFiles} {
		if x != nil {
			out = append(out, x)
		}
	}
	return out
}

// OK reports whether everything planned is gone.
func (r *Result) OK() bool {
	if !r.Reclaim.OK() {
		return false
	}
	for _, x := range r.Executions() {
		if !x.OK() {
			return false
		}
	}
	return true
}

// Execute removes what p plans, in order: the interrupted deletions of the
// trash (every deletion would complete them first anyway), the revisions,
// the partial downloads and orphans, the unused shared payloads, the lock
// files. progress, when not nil, is called as the revisions' deletion
// starts: it returns the options to run it with (an OnRemove that draws a
// progress line) and a function called when it ends.
func (p *Plan) Execute(progress func() (delete.ExecOptions, func())) *Result {
	r := &Result{Freed: p.Deletion.ExpectedFreedSize}
	if len(p.Trash.Dead) > 0 {
		r.Reclaim = delete.ReclaimTrash(p.Cache.Path, scan.Options{Modern: p.Cache.Modern})
		r.Interrupted = r.Reclaim.Removed
		r.Freed += r.Reclaim.Freed
	}
	var revOpts delete.ExecOptions
	if progress != nil {
		var done func()
		revOpts, done = progress()
		p.executeRevisions(r, revOpts)
		done()
	} else {
		p.executeRevisions(r, revOpts)
	}
	// The deletion's own recovery tried the remains the reclaim could
	// not remove again: they are reported once, as the reclaim's.
	r.Revisions.Unreclaimed = withoutPaths(r.Revisions.Unreclaimed, r.Reclaim.Failures)
	p.removeLoose(r)
	if len(p.SharedOrphans) > 0 {
		paths := make([]string, len(p.SharedOrphans))
		for i, b := range p.SharedOrphans {
			paths[i] = b.Path
		}
		r.Shared = delete.CollectShared(p.Cache, paths, delete.ExecOptions{})
		r.Freed += r.Shared.FreedSize
		r.SharedOrphans = r.Shared.Removed
	}
	if len(p.Locks) > 0 {
		// A lock taken since the listing keeps its repo's lock files
		// (reported as kept, not as a failure).
		r.LockFiles = delete.RemoveLoose(p.Cache, p.Locks, delete.ExecOptions{OnRemove: func(delete.Kind, string) { r.Locks++ }})
		r.LooseFailed += len(r.LockFiles.Failures)
	}
	return r
}

// withoutPaths returns the failures of fs whose path is not one of those
// of known.
func withoutPaths(fs, known []delete.Failure) []delete.Failure {
	seen := map[string]bool{}
	for _, f := range known {
		seen[f.Path] = true
	}
	var out []delete.Failure
	for _, f := range fs {
		if !seen[f.Path] {
			out = append(out, f)
		}
	}
	return out
}

// executeRevisions deletes the revisions and counts what is really gone.
func (p *Plan) executeRevisions(r *Result, opts delete.ExecOptions) {
	revsOf := map[string]int{}
	for _, rr := range p.Revisions {
		revsOf[rr.Repo.Path] = len(rr.Revisions)
	}
	next := opts.OnRemove
	opts.OnRemove = func(kind delete.Kind, path string) {
		switch kind {
		case delete.KindRepo:
			r.Repos++
			r.RevisionsRemoved += revsOf[path]
		case delete.KindSnapshot:
			r.RevisionsRemoved++
		}
		if next != nil {
			next(kind, path)
		}
	}
	r.Revisions = delete.Execute(p.Deletion, opts)
}

// removeLoose removes the partial downloads and orphan blobs.
func (p *Plan) removeLoose(r *Result) {
	sizes := map[string]int64{}
	partial := map[string]bool{}
	var files []string
	for _, b := range p.Incomplete {
		partial[b.Path] = true
	}
	for _, b := range append(append([]scan.Blob(nil), p.Incomplete...), p.Orphans...) {
		files = append(files, b.Path)
		sizes[b.Path] = b.Size
	}
	if len(files) == 0 {
		return
	}
	r.Loose = delete.RemoveLoose(p.Cache, files, delete.ExecOptions{OnRemove: func(_ delete.Kind, path string) {
		r.Freed += sizes[path]
		if partial[path] {
			r.Incomplete++
		} else {
			r.Orphans++
		}
	}})
	if !r.Loose.OK() {
		r.LooseFailed += len(r.Loose.Failures) + len(r.Loose.Locked)
	}
}
