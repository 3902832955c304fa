package delete

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/hfcache/hfcache/internal/scan"
)

// KindLock names a lock file under <cache>/.locks.
const KindLock Kind = "lock"

// RemoveLoose removes files of the scanned cache c that belong to no
// revision: partial downloads and orphan blobs, which must lie directly in
// a repo's blobs/ folder (<cache>/<repo>/blobs/<name>), and lock files,
// which must lie directly in <cache>/.locks/<repo>/. Anything else is kept
// and reported in Skipped; folders are never removed and links are removed
// themselves, never their targets.
//
// A blob that a revision of any repo of c uses (a snapshot of another repo
// may link to it) is never removed. The blobs of a repo are removed while
// holding every download lock of the repo (a repo whose lock another
// process holds is kept and listed in Locked), after reading the repo again
// with c's scanner rules: a blob a snapshot uses now (a download that found
// it in place links it without taking its lock) is kept, with ErrInUse.
// Lock files are removed without taking the repo's locks: the caller holds
// the lock of each one it removes.
func RemoveLoose(c *scan.Cache, paths []string, opts ExecOptions) *Result {
	res := &Result{}
	ex := &executor{cacheDir: filepath.Clean(c.Path), opts: opts, res: res}
	byRepo := map[string][]string{}
	var locks []string
	for _, p := range paths {
		p = filepath.Clean(p)
		parent := filepath.Dir(p)
		switch {
		case !filepath.IsAbs(ex.cacheDir) || !Inside(p, ex.cacheDir) || p == ex.cacheDir:
			ex.skip(KindBlob, p, ErrOutsideCache)
		case filepath.Base(parent) == "blobs" && filepath.Dir(filepath.Dir(parent)) == ex.cacheDir &&
			filepath.Base(filepath.Dir(parent)) != ".locks":
			repo := filepath.Dir(parent)
			byRepo[repo] = append(byRepo[repo], p)
		case filepath.Dir(filepath.Dir(parent)) == ex.cacheDir && filepath.Base(filepath.Dir(parent)) == ".locks" &&
			filepath.Ext(p) == ".lock":
			locks = append(locks, p)
		default:
			ex.skip(KindBlob, p, ErrOutsideRepo)
		}
	}
	repos := make([]string, 0, len(byRepo))
	for r := range byRepo {
		repos = append(repos, r)
	}
	sort.Strings(repos)
	used := scan.UsedBlobs(c.Repos...)
	for _, repo := range repos {
		ex.looseOfRepo(repo, byRepo[repo], used, scan.Options{Modern: c.Modern})
	}
	for _, p := range locks {
		ex.removeLooseFile(KindLock, filepath.Dir(p), p)
	}
	return res
}

// looseOfRepo removes the loose files of one repo that neither used (the
// blobs every revision of the scanned cache uses) nor a revision of the
// repo as it is now uses, holding the repo's download locks.
func (ex *executor) looseOfRepo(repo string, files []string, used map[string]bool, opts scan.Options) {
	held, ok := ex.holdRepo(repo)
	if !ok {
		for _, p := range files {
			ex.skip(KindBlob, p, ErrLocked)
		}
		return
	}
	defer held.release()
	now := map[string]bool{}
	if _, err := os.Lstat(repo); err == nil {
		fresh, err := scan.ScanRepo(repo, opts)
		if err != nil {
			// Not readable as a repo any more: what its snapshots use
			// cannot be told, so nothing of it goes.
			for _, p := range files {
				ex.skip(KindBlob, p, fmt.Errorf("%w: %w", ErrRepoChanged, err))
			}
			return
		}
		now = scan.UsedBlobs(fresh)
	}
	for _, p := range files {
		if isUsed(p, used) || isUsed(p, now) {
			ex.skip(KindBlob, p, ErrInUse)
			continue
		}
		ex.removeLooseFile(KindBlob, repo, p)
	}
}

// isUsed reports whether p, or the file it resolves to, is in used (the
// scanner records resolved paths).
func isUsed(p string, used map[string]bool) bool {
	if used[p] {
		return true
	}
	real, err := filepath.EvalSymlinks(p)
	return err == nil && used[real]
}

func (ex *executor) removeLooseFile(kind Kind, container, p string) {
	if err := removeFile(container, p); err != nil {
		if errors.Is(err, ErrLinkedParent) || errors.Is(err, ErrOutsideRepo) {
			ex.skip(kind, p, err)
			return
		}
		ex.fail(kind, p, err)
		return
	}
	ex.removed(kind, p)
}
