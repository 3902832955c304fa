package delete

import (
	"errors"
	"path/filepath"
	"sort"
)

// KindLock names a lock file under <cache>/.locks.
const KindLock Kind = "lock"

// RemoveLoose removes files that belong to no revision: partial downloads
// and orphan blobs, which must lie directly in a repo's blobs/ folder
// (<cache>/<repo>/blobs/<name>), and lock files, which must lie directly in
// <cache>/.locks/<repo>/. Anything else is kept and reported in Skipped;
// folders are never removed and links are removed themselves, never their
// targets. The blobs of a repo whose download locks another process holds
// are kept and the repo is listed in Locked. Lock files are removed without
// taking the repo's locks: the caller holds the lock of each one it removes.
func RemoveLoose(cacheDir string, paths []string, opts ExecOptions) *Result {
	res := &Result{}
	ex := &executor{cacheDir: filepath.Clean(cacheDir), opts: opts, res: res}
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
	for _, repo := range repos {
		if !opts.NoLock {
			held, _, err := lockRepo(ex.cacheDir, filepath.Base(repo))
			if err != nil {
				res.Locked = append(res.Locked, repo)
				for _, p := range byRepo[repo] {
					ex.skip(KindBlob, p, ErrLocked)
				}
				continue
			}
			defer held.release()
		}
		for _, p := range byRepo[repo] {
			ex.removeLooseFile(KindBlob, repo, p)
		}
	}
	for _, p := range locks {
		ex.removeLooseFile(KindLock, filepath.Dir(p), p)
	}
	return res
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
