//go:build unix

package delete

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on f, waiting for it.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// tryLockFile takes an exclusive flock on f without waiting; it fails when
// another open file holds it. This is the lock Python's filelock
// (UnixFileLock) takes, so it excludes huggingface_hub's downloads.
func tryLockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// locksCheckable says whether tryLockFile can tell a held lock.
const locksCheckable = true

// errWouldBlock is what tryLockFile returns when another process holds
// the lock.
var errWouldBlock error = syscall.EWOULDBLOCK

// errSharingViolation never happens where open files can be removed.
var errSharingViolation = errors.New("sharing violation")

// errTooManyOpen is what opening a lock file returns at the open-file
// limit.
var errTooManyOpen error = syscall.EMFILE

// openLock opens a lock file read-only without blocking (a FIFO planted
// under a lock's name must not hang the deletion) and checks that it is a
// regular file.
func openLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		_ = f.Close()
		return nil, errNotRegular
	}
	return f, nil
}

// retryBusy runs op: open files do not block removals here.
func retryBusy(op func() error) error { return op() }
