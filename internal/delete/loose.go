package delete

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

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
// Lock files are removed only under the conditions of locksOfRepo.
func RemoveLoose(c *scan.Cache, paths []string, opts ExecOptions) *Result {
	res := &Result{}
	ex := &executor{cacheDir: filepath.Clean(c.Path), opts: opts, res: res}
	defer ex.close()
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
	lockDirs := map[string][]string{}
	for _, p := range locks {
		lockDirs[filepath.Dir(p)] = append(lockDirs[filepath.Dir(p)], p)
	}
	dirs := make([]string, 0, len(lockDirs))
	for d := range lockDirs {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		ex.locksOfRepo(d, lockDirs[d])
	}
	return res
}

// Reasons a lock file was kept.
var (
	ErrRepoLockHeld   = errors.New("another lock of its repo is held (download in progress?)")
	ErrPartialPresent = errors.New("its repo has a partial download (blobs/*.incomplete)")
)

// locksOfRepo removes lock files of one folder <cache>/.locks/<repo>,
// holding every lock of that folder, and only when none is held by another
// process and the repo has no partial download. Deleting a lock file is
// never entirely safe (a process that opened it before may lock the
// unlinked file while another creates a new one), so when anything of the
// repo is in progress its lock files stay.
func (ex *executor) locksOfRepo(dir string, files []string) {
	held, holder, err := lockRepo(ex.cacheDir, filepath.Base(dir))
	if err == nil && !locksCheckable && len(held) > 0 {
		err = errWouldBlock
	}
	if err != nil {
		held.release()
		reason := fmt.Errorf("%w: %s", ErrRepoLockHeld, holder)
		if !errors.Is(err, errWouldBlock) {
			reason = fmt.Errorf("%w: %s: %w", ErrLockCheck, holder, err)
		}
		for _, p := range files {
			ex.skip(KindLock, p, reason)
		}
		return
	}
	defer held.release()
	if HasIncomplete(filepath.Join(ex.cacheDir, filepath.Base(dir)), nil) {
		for _, p := range files {
			ex.skip(KindLock, p, ErrPartialPresent)
		}
		return
	}
	if !renameOpenFiles {
		// Windows: a file open here cannot be removed, so the locks are
		// closed first. A download that opens one of them meanwhile keeps
		// it open without sharing delete access: its removal then fails
		// with a sharing violation and the file is kept (removeLooseFile).
		held.release()
		held = nil
	}
	for _, p := range files {
		ex.removeLooseFile(KindLock, dir, p)
	}
}

// HasIncomplete reports whether the repo folder holds a partial download
// (blobs/*.incomplete) other than those in except; an unreadable blobs/
// folder counts as holding one.
func HasIncomplete(repoPath string, except map[string]bool) bool {
	entries, err := os.ReadDir(filepath.Join(repoPath, "blobs"))
	if err != nil {
		return !errors.Is(err, fs.ErrNotExist)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".incomplete") && !except[filepath.Join(repoPath, "blobs", e.Name())] {
			return true
		}
	}
	return false
}

// looseOfRepo removes the loose files of one repo that neither used (the
// blobs every revision of the scanned cache uses) nor a revision of the
// repo as it is now uses, holding the repo's download locks.
func (ex *executor) looseOfRepo(repo string, files []string, used scan.BlobSet, opts scan.Options) {
	held, err := ex.holdRepo(repo)
	if err != nil {
		for _, p := range files {
			ex.skip(KindBlob, p, err)
		}
		return
	}
	defer held.release()
	now := scan.BlobSet{}
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
		if used.Uses(p) || now.Uses(p) {
			ex.skip(KindBlob, p, ErrInUse)
			continue
		}
		ex.removeLooseFile(KindBlob, repo, p)
	}
}

func (ex *executor) removeLooseFile(kind Kind, container, p string) {
	if err := ex.removeFile(container, p); err != nil {
		if kind == KindLock && errors.Is(err, errSharingViolation) {
			ex.skip(kind, p, fmt.Errorf("%w: %s", ErrRepoLockHeld, p))
			return
		}
		if errors.Is(err, ErrLinkedParent) || errors.Is(err, ErrOutsideRepo) {
			ex.skip(kind, p, err)
			return
		}
		ex.fail(kind, p, err)
		return
	}
	ex.removed(kind, p)
}
