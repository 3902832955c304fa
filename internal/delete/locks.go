package delete

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// errNotRegular says a lock file is not a regular file.
var errNotRegular = errors.New("not a regular file")

// repoLocks are the download locks of one repo held by this process.
type repoLocks []*os.File

func (l repoLocks) release() {
	for _, f := range l {
		_ = f.Close() // closing the file releases its flock
	}
}

// lockRepo takes, without waiting, every download lock of a repo: the
// files <cache>/.locks/<repo folder>/*.lock that huggingface_hub's
// downloader flocks for the whole download of a blob. When another process
// holds one of them, nothing is held and the busy lock's path is returned
// with an error wrapping errWouldBlock; any other error (a lock that is not
// a regular file, more lock files than the open-file limit: each is held
// through its own open file) is returned as is. Go raises the soft
// open-file limit to the hard one at start-up on Unix, so only the hard
// limit bounds the number of lock files per repo. Lock files are opened read-only and never created, so a
// cache without them is left exactly as it was.
func lockRepo(cacheDir, folder string) (repoLocks, string, error) {
	dir := filepath.Join(cacheDir, ".locks", folder)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, dir, err
	}
	var names []string
	for _, e := range entries {
		// Not only regular files: anything else under a lock's name (a
		// FIFO, a device) cannot be checked, so the repo is left alone.
		if strings.HasSuffix(e.Name(), ".lock") && !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var held repoLocks
	for _, name := range names {
		p := filepath.Join(dir, name)
		f, err := openLock(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			held.release()
			if errors.Is(err, errTooManyOpen) {
				// Every lock is held for the whole change (a download
				// may start on any of them): a repo with more lock files
				// than the open-file limit allows cannot be changed.
				err = fmt.Errorf("%w: its %d lock files are held at once; raise the open-file limit (ulimit -n)", err, len(names))
			}
			return nil, p, err
		}
		if err := tryLockFile(f); err != nil {
			_ = f.Close()
			held.release()
			return nil, p, err
		}
		held = append(held, f)
	}
	return held, "", nil
}

// LockHeld reports whether another process holds the download lock at path
// (a missing file is not held). A lock that cannot be checked (not a
// regular file, unreadable, or no flock on this platform) counts as held,
// with the error when there is one: when unsure, leave alone.
func LockHeld(path string) (bool, error) {
	f, err := openLock(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("lock %s: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	if !locksCheckable {
		return true, nil
	}
	if err := tryLockFile(f); err != nil {
		if errors.Is(err, errWouldBlock) {
			return true, nil
		}
		return true, fmt.Errorf("lock %s: %w", path, err)
	}
	return false, nil
}

// RepoBusy reports whether a download of the repo folder may be running:
// another process holds one of its download locks, or they cannot be
// checked (see lockRepo).
func RepoBusy(cacheDir, folder string) bool {
	busy, err := CheckRepoLocks(cacheDir, folder)
	return busy || err != nil
}

// CheckRepoLocks tells RepoBusy's two cases apart: busy when another
// process holds one of the repo folder's download locks (or, where locks
// cannot be taken, when it has any), an error when they cannot be checked
// (another account's lock folder that cannot be listed, a lock that is
// not a regular file): it names the path that could not be checked, as a
// *fs.PathError when the file system said why. Either way a download may
// be running.
func CheckRepoLocks(cacheDir, folder string) (busy bool, err error) {
	held, holder, err := lockRepo(cacheDir, folder)
	if errors.Is(err, errWouldBlock) {
		return true, nil
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return false, err
		}
		return false, &fs.PathError{Op: "lock", Path: holder, Err: err}
	}
	defer held.release()
	return !locksCheckable && len(held) > 0, nil
}
