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

// errWouldBlock is what tryLockFile returns when another process holds
// the lock.
var errWouldBlock error = syscall.EWOULDBLOCK
