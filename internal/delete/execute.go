package delete

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hfcache/hfcache/internal/scan"
)

// Kind names what a removed path is, as upstream's log lines do.
type Kind string

// Kinds of removed paths.
const (
	KindRepo     Kind = "repo"
	KindSnapshot Kind = "snapshot"
	KindRef      Kind = "ref"
	KindBlob     Kind = "blob"
)

// Failure is one path that could not be removed.
type Failure struct {
	Kind Kind
	Path string
	Err  error
}

// Skip is a path of the plan that was deliberately left in place.
type Skip struct {
	Kind   Kind
	Path   string
	Reason error
}

// Result says what an execution did.
type Result struct {
	// Removed counts the paths removed (or already gone).
	Removed int
	// Failures lists what could not be removed; the rest went on.
	Failures []Failure
	// Skipped lists what the plan named but the executor kept on purpose:
	// a path outside the cache or outside its repo (a snapshot link
	// pointing elsewhere), a blob a kept revision uses, a repo whose lock
	// another process holds.
	Skipped []Skip
	// ReposDeleted and RevisionsDeleted count what is gone: whole repo
	// folders and snapshot folders of partially deleted repos.
	ReposDeleted, RevisionsDeleted int
	// FreedSize adds up the sizes of what was removed.
	FreedSize int64
	// Locked lists the repo folders left alone because another process
	// (a download) held one of their locks.
	Locked []string
	// Recovered counts the interrupted deletions of earlier runs that
	// were completed first.
	Recovered int
}

// OK reports whether everything in the plan was removed.
func (r *Result) OK() bool { return len(r.Failures) == 0 && len(r.Locked) == 0 }

// ExecOptions tune Execute.
type ExecOptions struct {
	// OnRemove, when set, is called after each path is removed.
	OnRemove func(kind Kind, path string)
	// NoLock skips taking the download locks of the affected repos.
	NoLock bool
}

// Errors explaining why a path was kept or could not be removed.
var (
	ErrOutsideCache = errors.New("path is outside the cache directory")
	ErrOutsideRepo  = errors.New("path is outside the repo being changed")
	ErrLinkedParent = errors.New("a parent folder is a symbolic link")
	ErrInUse        = errors.New("still used by a revision that is kept")
	ErrLocked       = errors.New("locked by another process (download in progress?)")
	ErrLockCheck    = errors.New("left alone: cannot check its download locks")
	ErrRepoChanged  = errors.New("repo is no longer a valid cached repo")
)

// trashDir is where whole repos and snapshot folders are moved before they
// are removed: under .locks/, the one root entry both upstream's scanner
// and hfcache's skip, on the same filesystem as the cache.
const trashDir = ".hfcache-trash"

// Execute performs the plan.
//
// Safety rules, beyond what upstream does:
//   - Only paths inside the cache directory and inside the repo folder of
//     one of the plan's targets are removed; anything else (a blob that a
//     snapshot link resolved to outside the repo) is kept and reported in
//     Skipped. Nothing is removed through a symbolic link: a path whose
//     parent folders are not their own real path is refused, and links are
//     removed themselves, never their targets.
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
	res.Recovered = Recover(cacheDir, p.ScanOptions())
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
	// shared are payloads of the shared blob store that this run stopped
	// referencing: collected at the end when nothing else does.
	shared map[string]bool
}

func (ex *executor) close() {
	if ex.op != nil {
		ex.op.finish()
	}
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
		op, err := startOperation(ex.cacheDir)
		if err != nil {
			return nil, err
		}
		ex.op = op
	}
	return ex.op, nil
}

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
	locks, holder, err := lockRepo(ex.cacheDir, filepath.Base(repoPath))
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

// target deletes the selected revisions of one repo.
func (ex *executor) target(t Target, owned *planSlice) {
	repoPath := filepath.Clean(t.RepoPath)
	if filepath.Dir(repoPath) != ex.cacheDir || filepath.Base(repoPath) == ".locks" {
		ex.fail(KindRepo, repoPath, ErrOutsideCache)
		return
	}
	if _, err := os.Lstat(repoPath); errors.Is(err, fs.ErrNotExist) {
		return // already gone
	}
	locks, err := ex.holdRepo(repoPath)
	if err != nil {
		return
	}
	defer locks.release()
	// Re-validate against the disk: what does deleting these revisions
	// mean now?
	fresh, err := scan.ScanRepo(repoPath, ex.plan.ScanOptions())
	if err != nil {
		ex.fail(KindRepo, repoPath, fmt.Errorf("%w: %w", ErrRepoChanged, err))
		return
	}
	sel := map[*scan.Revision]bool{}
	for _, rev := range fresh.Revisions {
		i := sort.SearchStrings(t.Hashes, rev.Hash)
		if i < len(t.Hashes) && t.Hashes[i] == rev.Hash {
			sel[rev] = true
		}
	}
	if len(sel) == 0 && !(t.Whole && len(fresh.Revisions) == 0) {
		return // the selected revisions are gone already
	}
	if t.Whole && len(sel) == len(fresh.Revisions) && owned.repos[repoPath] && !ex.plan.protects(repoPath) {
		for _, b := range fresh.Blobs {
			if !Inside(b.Path, ex.cacheDir) {
				ex.skip(KindBlob, b.Path, ErrOutsideCache)
			}
		}
		ex.wholeRepoShared(repoPath, fresh)
		return
	}
	now := &Plan{CacheDir: ex.cacheDir}
	now.addPartial(fresh, sel)
	for _, b := range now.Outside {
		ex.skip(KindBlob, b, ErrOutsideCache)
	}
	// Never remove more snapshots than the plan named (a whole-repo target
	// names them all); refs are those pointing to them now.
	var snapshots []string
	for _, s := range now.Snapshots {
		if t.Whole || owned.snapshots[s] {
			snapshots = append(snapshots, s)
		}
	}
	var blobs []string
	for _, b := range now.Blobs {
		if ex.plan.isProtected(b) {
			ex.skip(KindBlob, b, ErrInUse)
			continue
		}
		if !Inside(b, repoPath) {
			ex.skip(KindBlob, b, ErrOutsideRepo)
			continue
		}
		blobs = append(blobs, b)
	}
	for b := range owned.blobs {
		if _, ok := now.BlobSizes[b]; !ok && !t.Whole {
			if _, err := os.Lstat(b); err == nil {
				ex.skip(KindBlob, b, ErrInUse)
			}
		}
	}
	sort.Strings(blobs)
	op, err := ex.operation()
	if err != nil {
		ex.fail(KindRepo, repoPath, fmt.Errorf("change %s: %w", repoPath, err))
		return
	}
	if err := op.journal(repoPath, blobs); err != nil {
		ex.fail(KindRepo, repoPath, fmt.Errorf("change %s: %w", repoPath, err))
		return
	}
	// 1. Refs: the revision becomes detached. A revision whose ref could
	// not be removed keeps its snapshot (a ref to a missing snapshot would
	// make the repo unreadable).
	refsOf := map[string][]string{}
	for rev := range sel {
		for _, ref := range rev.Refs {
			refsOf[rev.SnapshotPath] = append(refsOf[rev.SnapshotPath], filepath.Join(repoPath, "refs", filepath.FromSlash(ref)))
		}
	}
	failed := false
	refFailed := map[string]bool{}
	for _, s := range snapshots {
		for _, ref := range refsOf[s] {
			if err := removeFile(repoPath, ref); err != nil {
				ex.fail(KindRef, ref, err)
				refFailed[s], failed = true, true
				continue
			}
			ex.removed(KindRef, ref)
		}
	}
	// 2. Snapshot folders, each in one atomic move.
	for _, s := range snapshots {
		if refFailed[s] {
			ex.skip(KindSnapshot, s, errRefKept)
			continue
		}
		if err := op.discard(repoPath, s, true); err != nil {
			ex.fail(KindSnapshot, s, err)
			failed = true
			continue
		}
		ex.res.RevisionsDeleted++
		ex.removed(KindSnapshot, s)
		ex.res.FreedSize += windowsFilesSize(now, s)
	}
	// 3. Blobs no kept revision uses. After a failure, only those that no
	// revision left on disk uses.
	if failed {
		blobs = unusedBlobs(repoPath, blobs, ex.plan.ScanOptions())
	}
	for _, b := range blobs {
		if err := removeFile(repoPath, b); err != nil {
			ex.fail(KindBlob, b, err)
			continue
		}
		ex.res.FreedSize += now.BlobSizes[b]
		ex.removed(KindBlob, b)
	}
	// 4. Links to shared payloads no kept revision uses; the payloads are
	// collected at the end of the run, once nothing references them.
	if !failed {
		ex.unlinkShared(repoPath, now.SharedPayloads)
	}
}

var errRefKept = errors.New("kept because one of its refs could not be removed")

// windowsFilesSize is the size of the files stored directly in snapshot
// folder s (Windows-style caches): they went with the folder.
func windowsFilesSize(p *Plan, s string) int64 {
	var n int64
	for path, size := range p.SnapshotFileSizes {
		if Inside(path, s) {
			n += size
		}
	}
	return n
}

// unusedBlobs keeps the blobs that no revision now on disk uses; none when
// the repo cannot be read.
func unusedBlobs(repoPath string, blobs []string, opts scan.Options) []string {
	fresh, err := scan.ScanRepo(repoPath, opts)
	if err != nil {
		return nil
	}
	used := scan.UsedBlobs(fresh)
	var out []string
	for _, b := range blobs {
		if !used[b] {
			out = append(out, b)
		}
	}
	return out
}

// wholeRepo removes a repo folder: one rename into the trash, then the
// removal there. When the rename is impossible (the trash is on another
// filesystem) the folder is emptied in place in a safe order.
func (ex *executor) wholeRepo(repoPath string, size int64) {
	op, err := ex.operation()
	if err == nil {
		err = op.discard(ex.cacheDir, repoPath, false)
	}
	if errors.Is(err, errTrashRemove) {
		// Out of the cache already, but its files could not be removed;
		// the next run's Recover retries.
		ex.fail(KindRepo, repoPath, err)
		return
	}
	if err != nil {
		if err = removeRepoInPlace(repoPath); err != nil {
			ex.fail(KindRepo, repoPath, err)
			return
		}
	}
	ex.res.ReposDeleted++
	ex.res.FreedSize += size
	ex.removed(KindRepo, repoPath)
}

// checkParent refuses a path whose parent folders, from the repo folder
// down, are not their own real path (a linked blobs/ or snapshots/ folder
// would make a removal happen elsewhere).
func checkParent(repoPath, path string) error {
	if !Inside(path, repoPath) || path == repoPath {
		return ErrOutsideRepo
	}
	dir := filepath.Dir(path)
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	realRepo, err := filepath.EvalSymlinks(repoPath)
	if err != nil {
		return err
	}
	if real != dir || realRepo != repoPath {
		return ErrLinkedParent
	}
	return nil
}

// removeFile removes one file or link (never a folder, never a link's
// target) inside repoPath. A path already gone counts as removed.
func removeFile(repoPath, path string) error {
	if err := checkParent(repoPath, path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("remove %s: %w", path, err)
	}
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	if st.IsDir() {
		return fmt.Errorf("remove %s: is a directory", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}

// removeRepoInPlace empties a repo folder in an order that keeps it valid
// as long as possible: refs, then each snapshot folder, then blobs and the
// rest, then snapshots/ and the folder itself. Only used when the folder
// cannot be moved into the trash.
func removeRepoInPlace(repoPath string) error {
	st, err := os.Lstat(repoPath)
	if err != nil {
		return fmt.Errorf("remove %s: %w", repoPath, err)
	}
	if !st.IsDir() { // a link or a file: remove it, not its target
		if err := os.Remove(repoPath); err != nil {
			return fmt.Errorf("remove %s: %w", repoPath, err)
		}
		return nil
	}
	var errs []error
	rm := func(p string) {
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", p, err))
		}
	}
	// Each stage runs only when the previous one fully succeeded.
	rm(filepath.Join(repoPath, "refs"))
	snaps := filepath.Join(repoPath, "snapshots")
	if len(errs) == 0 {
		if entries, err := os.ReadDir(snaps); err == nil {
			for _, e := range entries {
				rm(filepath.Join(snaps, e.Name()))
			}
		}
	}
	if len(errs) == 0 {
		entries, _ := os.ReadDir(repoPath)
		for _, e := range entries {
			if e.Name() != "snapshots" {
				rm(filepath.Join(repoPath, e.Name()))
			}
		}
	}
	if len(errs) == 0 {
		rm(snaps)
	}
	if len(errs) == 0 {
		rm(repoPath)
	}
	return errors.Join(errs...)
}

// operation is one Execute's trash folder and journal:
// <cache>/.locks/.hfcache-trash/<id>/ and <id>.journal next to it. The
// journal is locked for as long as the operation runs.
type operation struct {
	root, dir, journalPath string
	journalFile            *os.File
	madeLocks              bool
	n                      int
}

func startOperation(cacheDir string) (*operation, error) {
	locksDir := filepath.Join(cacheDir, ".locks")
	op := &operation{}
	if _, err := os.Lstat(locksDir); errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(locksDir, 0o755); err != nil {
			return nil, fmt.Errorf("create trash: %w", err)
		}
		op.madeLocks = true
	}
	if st, err := os.Lstat(locksDir); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("create trash: %s %w", locksDir, ErrLinkedTrash)
	}
	op.root = filepath.Join(locksDir, trashDir)
	id := strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	op.journalPath = filepath.Join(op.root, id+".journal")
	f, err := createJournal(cacheDir, op.root, op.journalPath)
	if err != nil {
		return nil, err
	}
	op.journalFile = f
	op.dir = filepath.Join(op.root, id)
	if err := os.Mkdir(op.dir, 0o755); err != nil {
		_ = f.Close()
		_ = os.Remove(op.journalPath)
		return nil, fmt.Errorf("create trash: %w", err)
	}
	return op, nil
}

// journalCreated, when set (tests), is called with the path of the new
// journal file right after it is created, before it is locked.
var journalCreated func(path string)

// createJournal creates the trash root and, locked, the journal at path. A
// concurrent Recover treats an unlocked *.journal as the leftover of a dead
// process and removes it with the trash root, so the journal is created and
// locked under a temporary name (path + ".tmp", which Recover removes
// only when it is old and unlocked) and only then renamed into place. Recover may also remove
// the empty trash root between its creation and the journal's: that is
// retried.
func createJournal(cacheDir, root, path string) (*os.File, error) {
	tmp := path + ".tmp"
	for attempt := 0; ; attempt++ {
		if err := os.MkdirAll(root, 0o755); err != nil {
			return nil, fmt.Errorf("create trash: %w", err)
		}
		if err := trashUsable(cacheDir); err != nil {
			return nil, fmt.Errorf("create trash: %w", err)
		}
		f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o644)
		if errors.Is(err, fs.ErrNotExist) && attempt < 10 {
			continue // the root was removed by a concurrent Recover
		}
		if err != nil {
			return nil, fmt.Errorf("create trash journal: %w", err)
		}
		if journalCreated != nil {
			journalCreated(tmp)
		}
		if err := lockFile(f); err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
			return nil, fmt.Errorf("lock trash journal: %w", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
			return nil, fmt.Errorf("create trash journal: %w", err)
		}
		return f, nil
	}
}

// journal records, before anything of the repo is removed, the blobs that
// must go once its snapshots are gone.
func (op *operation) journal(repoPath string, blobs []string) error {
	var b strings.Builder
	for _, blob := range blobs {
		if strings.ContainsAny(repoPath+blob, "\n") {
			continue // not representable; at worst left unreferenced
		}
		b.WriteString(repoPath + "\t" + blob + "\n")
	}
	if b.Len() == 0 {
		return nil
	}
	if _, err := op.journalFile.WriteString(b.String()); err != nil {
		return fmt.Errorf("write trash journal: %w", err)
	}
	if err := op.journalFile.Sync(); err != nil {
		return fmt.Errorf("write trash journal: %w", err)
	}
	return nil
}

// discard moves path (a snapshot folder inside parent, or a repo folder)
// into the trash in one rename and removes it there. When the rename fails
// and inPlace is set, the folder is removed where it is (fine for a
// snapshot folder: its links stay valid to the end since blobs go after
// it); otherwise the rename error is returned.
func (op *operation) discard(parent, path string, inPlace bool) error {
	if err := checkParent(parent, path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("remove %s: %w", path, err)
	}
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	op.n++
	dest := filepath.Join(op.dir, strconv.Itoa(op.n))
	if err := os.Rename(path, dest); err != nil {
		if !inPlace {
			return fmt.Errorf("move %s to the trash: %w", path, err)
		}
		if err := os.RemoveAll(path); err != nil {
			return fmt.Errorf("remove %s: %w", path, err)
		}
		return nil
	}
	if err := os.RemoveAll(dest); err != nil {
		return fmt.Errorf("%w: %s (moved to %s): %w", errTrashRemove, path, dest, err)
	}
	return nil
}

// errTrashRemove says a folder left the cache (moved into the trash) but
// could not be removed there.
var errTrashRemove = errors.New("moved out of the cache but not removed")

// finish removes the trash folder and the journal, and .locks when this
// operation created it and left it empty.
func (op *operation) finish() {
	_ = os.RemoveAll(op.dir)
	_ = os.Remove(op.journalPath)
	_ = op.journalFile.Close()
	_ = os.Remove(op.root)
	if op.madeLocks {
		_ = os.Remove(filepath.Dir(op.root))
	}
}

// ErrLinkedTrash says <cache>/.locks or its trash folder is not a plain
// folder: hfcache never moves anything into, nor removes anything from, a
// trash that a link sends elsewhere (someone sharing the cache could make
// it point into your home folder).
var ErrLinkedTrash = errors.New("is a symbolic link or not a folder: not used as the trash")

// trashUsable checks that <cache>/.locks and <cache>/.locks/.hfcache-trash
// exist and are plain folders, not links.
func trashUsable(cacheDir string) error {
	for _, p := range []string{filepath.Join(cacheDir, ".locks"), filepath.Join(cacheDir, ".locks", trashDir)} {
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if !st.IsDir() {
			return fmt.Errorf("%s %w", p, ErrLinkedTrash)
		}
	}
	return nil
}

// Recover completes the deletions that an earlier run left unfinished
// (killed midway): for each trash journal whose process is gone it removes
// the blobs it names that no revision uses any more, then the trash. It
// returns the number of journals completed. Journals of running processes
// are left alone. Repos are read with the scanner rules opts (those of the
// run that recovers: a repo those rules reject keeps its blobs).
func Recover(cacheDir string, opts scan.Options) int {
	root := filepath.Join(cacheDir, ".locks", trashDir)
	if trashUsable(cacheDir) != nil {
		return 0 // no trash, or a link to somewhere else: never touch it
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".journal.tmp") {
			removeDeadJournal(filepath.Join(root, name))
			continue
		}
		if !strings.HasSuffix(name, ".journal") {
			if _, err := os.Lstat(filepath.Join(root, name+".journal")); errors.Is(err, fs.ErrNotExist) && e.IsDir() {
				_ = os.RemoveAll(filepath.Join(root, name))
			}
			continue
		}
		if recoverJournal(cacheDir, root, name, opts) {
			n++
		}
	}
	_ = os.Remove(root)
	return n
}

// deadJournalAge is how old an unlocked temporary journal must be before
// Recover removes it: a young one may be between its creation and its
// lock.
const deadJournalAge = time.Hour

// removeDeadJournal removes a journal still under its temporary name
// whose process died before it was renamed into place (nothing was
// journaled in it yet). One that is locked is being started, and so may
// be a recent one that is not locked yet: only old ones go.
func removeDeadJournal(path string) {
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() || time.Since(st.ModTime()) < deadJournalAge {
		return
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return
	}
	defer func() { _ = f.Close() }()
	if tryLockFile(f) == nil {
		_ = os.Remove(path)
	}
}

func recoverJournal(cacheDir, root, name string, opts scan.Options) bool {
	path := filepath.Join(root, name)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer func() { _ = f.Close() }() // releases the journal's lock
	if err := tryLockFile(f); err != nil {
		return false // its process still runs
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	byRepo := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		repo, blob, ok := strings.Cut(line, "\t")
		if !ok || filepath.Dir(repo) != cacheDir || !Inside(blob, repo) {
			continue
		}
		byRepo[repo] = append(byRepo[repo], blob)
	}
	for repo, blobs := range byRepo {
		locks, _, err := lockRepo(cacheDir, filepath.Base(repo))
		if err != nil {
			return false // a download runs there: try again next time
		}
		fresh, err := scan.ScanRepo(repo, opts)
		if err != nil {
			locks.release()
			continue // gone or not valid: leave its blobs alone
		}
		used := scan.UsedBlobs(fresh)
		for _, b := range blobs {
			if !used[b] {
				_ = removeFile(repo, b)
			}
		}
		locks.release()
	}
	_ = os.RemoveAll(filepath.Join(root, strings.TrimSuffix(name, ".journal")))
	_ = os.Remove(path)
	return true
}
