package delete

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"time"
)

// How the executor is built (for a new kind of deletion, such as the
// removal of single files of a revision, in a file of its own):
//
//   - Entry points (Execute, RemoveLoose, CollectShared) make an executor
//     with the cache folder, the options and a Result, and defer
//     ex.close(), which finishes the trash operation and closes every
//     handle.
//   - ex.holdRepo(repo) takes the repo's download locks (release them
//     when done); then pin the repo with h, _ := ex.pins(); h.dir(repo)
//     before reading it again (scan.ScanRepo) and check h.cache.still(...)
//     after, as target does.
//   - Remove a file or link with ex.removeFile(container, path) (through
//     the pinned handle of its folder; "already gone" is not an error);
//     move a folder out of the cache with op, _ := ex.operation() and
//     op.discard(parent, name, want, inPlace), journaling first with
//     op.journal what must go once it is gone.
//   - Report with ex.removed, ex.skip (kept on purpose) and ex.fail.
//
// Nothing in this package removes, renames or reads a path deciding a
// removal any other way (see pinned.go); ExecuteFiles (files.go) is such
// a kind of deletion.

// Execute performs the plan.
//
// Safety rules, beyond what upstream does:
//   - Only paths inside the cache directory and inside the repo folder of
//     one of the plan's targets are removed; anything else (a blob that a
//     snapshot link resolved to outside the repo) is kept and reported in
//     Skipped. Nothing is removed through a symbolic link: every removal,
//     rename and read deciding one goes through folder handles opened once
//     from the cache folder down, each refused when it is a link and
//     checked to be the folder the re-scan read (pinned.go), so a folder
//     swapped for a link meanwhile redirects nothing; links are removed
//     themselves, never their targets.
//   - Each affected repo is scanned again just before it is changed and the
//     plan recomputed from what is on disk: a blob used by a revision that
//     is kept (including one that appeared since the first scan) is never
//     removed, and refs pointing to the removed revisions now are removed
//     too.
//   - The order keeps the cache valid for upstream's scanner at every
//     instant: refs first (the revision becomes detached), then each
//     snapshot folder is moved atomically into <cache>/.locks/.hfcache-trash
//     (so no revision is ever half-deleted) and removed there, then the
//     blobs no kept revision uses. A whole repo is moved into the trash in
//     one rename and removed there. A journal in the trash names the blobs
//     still to remove, so that a run killed midway is completed by the next
//     Execute (see Recover); until then it leaves at worst unreferenced
//     blobs and trash that no scanner sees.
//   - An error on one path is recorded and the rest goes on.
func Execute(p *Plan, opts ExecOptions) *Result {
	res := &Result{}
	cacheDir := filepath.Clean(p.CacheDir)
	if p.CacheDir == "" || !filepath.IsAbs(cacheDir) {
		for _, part := range planParts(p) {
			for _, path := range part.paths {
				res.Failures = append(res.Failures, Failure{part.kind, path, ErrOutsideCache})
			}
		}
		return res
	}
	left := leftovers{}
	res.Recovered = recoverCache(cacheDir, p.ScanOptions(), left)
	res.Unreclaimed = left.failures()
	ex := &executor{cacheDir: cacheDir, opts: opts, res: res, plan: p}
	defer ex.close()

	// Every path must belong to a target repo; the others are kept.
	targets := append([]Target(nil), p.Targets...)
	sort.Slice(targets, func(i, j int) bool { return targets[i].RepoPath < targets[j].RepoPath })
	owned := make([]planSlice, len(targets))
	for _, part := range planParts(p) {
		for _, path := range part.paths {
			i := ownerOf(targets, path)
			switch {
			case !Inside(path, cacheDir) || path == cacheDir:
				ex.skip(part.kind, path, ErrOutsideCache)
			case i < 0:
				ex.skip(part.kind, path, ErrOutsideRepo)
			default:
				owned[i].add(part.kind, path)
			}
		}
	}
	for i, t := range targets {
		ex.target(t, &owned[i])
	}
	ex.collectShared()
	return res
}

type planPart struct {
	kind  Kind
	paths []string
}

func planParts(p *Plan) []planPart {
	return []planPart{{KindRepo, p.Repos}, {KindSnapshot, p.Snapshots}, {KindRef, p.Refs}, {KindBlob, p.Blobs}}
}

// planSlice is the part of a plan that lies in one repo. Its refs are not
// kept: the refs removed are those pointing to the removed snapshots when
// the repo is read again.
type planSlice struct {
	repos, snapshots, blobs map[string]bool
}

func (s *planSlice) add(kind Kind, path string) {
	m := map[Kind]*map[string]bool{KindRepo: &s.repos, KindSnapshot: &s.snapshots, KindBlob: &s.blobs}[kind]
	if m == nil {
		return
	}
	if *m == nil {
		*m = map[string]bool{}
	}
	(*m)[path] = true
}

// ownerOf returns the index of the target whose repo folder holds path.
func ownerOf(targets []Target, path string) int {
	for i, t := range targets {
		if t.RepoPath != "" && Inside(path, t.RepoPath) {
			return i
		}
	}
	return -1
}

type executor struct {
	plan     *Plan
	skipped  map[string]bool
	cacheDir string
	opts     ExecOptions
	res      *Result
	op       *operation
	h        *handles // opened on first use (pins)
	// shared are payloads of the shared blob store that this run stopped
	// referencing: collected at the end when nothing else does.
	shared map[string]bool
}

func (ex *executor) close() {
	if ex.op != nil {
		ex.op.finish()
	}
	ex.h.close()
}

// pins returns the execution's pinned folders, opening the cache folder on
// first use.
func (ex *executor) pins() (*handles, error) {
	if ex.h == nil {
		h, err := openHandles(ex.cacheDir)
		if err != nil {
			return nil, err
		}
		ex.h = h
	}
	return ex.h, nil
}

// removeFile removes one file or link inside container through the pinned
// handle of its folder (see handles.removeFile).
func (ex *executor) removeFile(container, path string) error {
	h, err := ex.pins()
	if err != nil {
		return err
	}
	return h.removeFile(container, path)
}

// skip records a path kept on purpose, once.
func (ex *executor) skip(kind Kind, path string, reason error) {
	if ex.skipped == nil {
		ex.skipped = map[string]bool{}
	}
	if ex.skipped[path] {
		return
	}
	ex.skipped[path] = true
	ex.res.Skipped = append(ex.res.Skipped, Skip{kind, path, reason})
}

func (ex *executor) fail(kind Kind, path string, err error) {
	ex.res.Failures = append(ex.res.Failures, Failure{kind, path, err})
}

func (ex *executor) removed(kind Kind, path string) {
	ex.res.Removed++
	if ex.opts.OnRemove != nil {
		ex.opts.OnRemove(kind, path)
	}
}

// operation returns this run's trash folder and journal, created on first
// use.
func (ex *executor) operation() (*operation, error) {
	if ex.op == nil {
		h, err := ex.pins()
		if err != nil {
			return nil, err
		}
		op, err := startOperation(h, &ex.opts)
		if err != nil {
			return nil, err
		}
		ex.op = op
	}
	return ex.op, nil
}

// defaultLockWait is how long holdRepo waits for the locks of a repo
// that another process holds: long enough for another hfcache run
// changing the same repo (it holds them for milliseconds), far shorter
// than any download.
const defaultLockWait = 2 * time.Second

// lockPoll is the pause between two tries of a held lock.
const lockPoll = 20 * time.Millisecond

// holdRepo takes every download lock of a repo (see lockRepo) unless
// ExecOptions.NoLock is set. When one is held by another process the repo
// is listed in Locked and skipped; when the locks cannot be checked at all
// (a lock file that is not a regular file, too many open files) the real
// error is recorded as a failure of the repo. Either way the reason is
// returned and the repo must be left alone.
func (ex *executor) holdRepo(repoPath string) (repoLocks, error) {
	if ex.opts.NoLock {
		return nil, nil
	}
	wait := ex.opts.lockWait
	if wait == 0 {
		wait = defaultLockWait
	}
	deadline := time.Now().Add(wait)
	locks, holder, err := lockRepo(ex.cacheDir, filepath.Base(repoPath))
	for errors.Is(err, errWouldBlock) && time.Now().Before(deadline) {
		// Another hfcache run changing the same repo holds its locks for
		// a moment; a download holds them for the whole download.
		time.Sleep(lockPoll)
		locks, holder, err = lockRepo(ex.cacheDir, filepath.Base(repoPath))
	}
	switch {
	case err == nil:
		return locks, nil
	case errors.Is(err, errWouldBlock):
		reason := fmt.Errorf("%w: %s", ErrLocked, holder)
		ex.res.Locked = append(ex.res.Locked, repoPath)
		ex.skip(KindRepo, repoPath, reason)
		return nil, reason
	default:
		reason := fmt.Errorf("%w: %s: %w", ErrLockCheck, holder, err)
		ex.fail(KindRepo, repoPath, reason)
		return nil, reason
	}
}
