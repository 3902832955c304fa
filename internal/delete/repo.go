package delete

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/hfcache/hfcache/internal/scan"
)

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
	h, err := ex.pins()
	if err != nil {
		ex.fail(KindRepo, repoPath, err)
		return
	}
	// Pin the repo folder before reading it, and check after reading that
	// its name still leads to the pinned folder: what is removed below is
	// removed in the folder that was read.
	repoDir, err := h.dir(repoPath)
	if errors.Is(err, fs.ErrNotExist) {
		return // removed by another run
	}
	if err != nil {
		ex.fail(KindRepo, repoPath, fmt.Errorf("%w: %w", ErrRepoChanged, err))
		return
	}
	defer h.forget(repoPath)
	// Its blobs/, refs/ and snapshots/ too, those that are plain folders
	// (a linked one is refused path by path below, with the reason).
	subs := map[string]*pinnedDir{}
	for _, sub := range []string{"blobs", "refs", "snapshots"} {
		if d, err := h.dir(filepath.Join(repoPath, sub)); err == nil {
			subs[sub] = d
		}
	}
	// Re-validate against the disk: what does deleting these revisions
	// mean now?
	fresh, err := rescanRepo(repoPath, ex.plan.ScanOptions())
	if errors.Is(err, fs.ErrNotExist) {
		return // removed by another run
	}
	if err == nil && !h.cache.still(filepath.Base(repoPath), repoDir) {
		err = fmt.Errorf("%s was replaced while it was read", repoPath)
	}
	for sub, d := range subs {
		if err == nil && !repoDir.still(sub, d) {
			err = fmt.Errorf("%s was replaced while it was read", d.path)
		}
	}
	if err != nil {
		if _, statErr := h.cache.root.Lstat(filepath.Base(repoPath)); errors.Is(statErr, fs.ErrNotExist) {
			return // removed by another run meanwhile
		}
	}
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
		ex.wholeRepoShared(repoDir, fresh)
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
			if err := h.removeFile(filepath.Join(repoPath, "refs"), ref); err != nil {
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
		if err := ex.discardSnapshot(op, repoPath, s); err != nil {
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
		if err := h.removeFile(filepath.Join(repoPath, "blobs"), b); err != nil {
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

// discardSnapshot moves snapshot folder s of the repo into the trash
// through the pinned snapshots/ folder (see operation.discard).
func (ex *executor) discardSnapshot(op *operation, repoPath, s string) error {
	snapshots := filepath.Join(repoPath, "snapshots")
	if filepath.Dir(s) != snapshots {
		return fmt.Errorf("remove %s: %w", s, ErrOutsideRepo)
	}
	parent, err := op.h.dir(snapshots)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // removed by another run
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", s, err)
	}
	return op.discard(parent, filepath.Base(s), nil, true)
}

// rescanRepo reads a repo again just before it is changed. Another run
// removing a revision while it is read makes the scanner fail on a
// snapshot that vanished: the repo is read again (a few times) so that
// what another run already did is not reported as a failure. A repo that
// is gone returns an error wrapping fs.ErrNotExist.
func rescanRepo(repoPath string, opts scan.Options) (*scan.Repo, error) {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var fresh *scan.Repo
		fresh, err = scan.ScanRepo(repoPath, opts)
		if err == nil {
			return fresh, nil
		}
		if _, statErr := os.Lstat(repoPath); errors.Is(statErr, fs.ErrNotExist) {
			return nil, statErr
		}
	}
	return nil, err
}

// wholeRepo removes a repo folder: one rename into the trash through the
// pinned cache folder, then the removal there. When the rename is
// impossible (the trash is on another filesystem, or refused) the folder
// is emptied in place, through its pinned handle, in a safe order.
func (ex *executor) wholeRepo(repoDir *pinnedDir, size int64) {
	repoPath := repoDir.path
	h := ex.h
	op, err := ex.operation()
	if err == nil {
		err = op.discard(h.cache, filepath.Base(repoPath), repoDir.info, false)
	}
	if errors.Is(err, errTrashRemove) {
		// Out of the cache already, but its files could not be removed;
		// the next run's Recover retries.
		ex.fail(KindRepo, repoPath, err)
		return
	}
	if errors.Is(err, ErrRepoChanged) {
		ex.fail(KindRepo, repoPath, err)
		return
	}
	if err != nil {
		if err = removeRepoInPlace(h, repoDir); err != nil {
			ex.fail(KindRepo, repoPath, err)
			return
		}
	}
	ex.res.ReposDeleted++
	ex.res.FreedSize += size
	ex.removed(KindRepo, repoPath)
}
