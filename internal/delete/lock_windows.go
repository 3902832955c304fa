//go:build windows

package delete

import (
	"errors"
	"os"
	"syscall"
	"time"
	"unsafe"
)

// Download locks on Windows. Python's filelock (WindowsFileLock) opens the
// lock file and locks its first byte with msvcrt.locking(fd, LK_NBLCK, 1),
// a LockFile of bytes [0, 1); it unlocks, closes and deletes the lock file
// on release. hfcache takes the same byte with LockFileEx, so the two
// exclude each other, and a lock file that exists while nobody holds it is
// the leftover of a download that crashed (or one that just opened it: its
// open handle then forbids the removal, see errSharingViolation).

var (
	kernel32       = syscall.NewLazyDLL("kernel32.dll")
	procLockFileEx = kernel32.NewProc("LockFileEx")
)

const (
	lockfileFailImmediately = 0x1
	lockfileExclusiveLock   = 0x2
)

func lockFileEx(f *os.File, flags uint32) error {
	var ol syscall.Overlapped // offset 0: the byte filelock locks
	r, _, err := procLockFileEx.Call(f.Fd(), uintptr(flags), 0, 1, 0, uintptr(unsafe.Pointer(&ol)))
	if r == 0 {
		return err
	}
	return nil
}

// lockFile takes the lock of f, waiting for it.
func lockFile(f *os.File) error { return lockFileEx(f, lockfileExclusiveLock) }

// tryLockFile takes the lock of f without waiting; it fails with
// errWouldBlock when another handle holds it.
func tryLockFile(f *os.File) error {
	return lockFileEx(f, lockfileExclusiveLock|lockfileFailImmediately)
}

// locksCheckable says whether tryLockFile can tell a held lock.
const locksCheckable = true

// errWouldBlock is ERROR_LOCK_VIOLATION, what LockFileEx returns when
// another handle holds the byte.
var errWouldBlock error = syscall.Errno(33)

// errTooManyOpen is ERROR_TOO_MANY_OPEN_FILES.
var errTooManyOpen error = syscall.Errno(4)

// errSharingViolation is ERROR_SHARING_VIOLATION: a file another process
// has open (without sharing delete access) cannot be removed.
var errSharingViolation error = syscall.Errno(32)

// openLock opens a lock file read-only and checks that it is a regular
// file.
func openLock(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		_ = f.Close()
		return nil, errNotRegular
	}
	return f, nil
}

// busyErrors are what Windows returns for a file or folder another handle
// has open (another hfcache run reading the repo, an indexer, an
// antivirus): a sharing violation, access denied on a file pending
// deletion, or a folder not empty yet because an entry is pending
// deletion. They pass within milliseconds.
var busyErrors = []error{syscall.Errno(32), syscall.Errno(5), syscall.Errno(145)}

// retryBusy runs op again, for up to about a second, while it fails
// because something else has the file open for a moment.
func retryBusy(op func() error) error {
	err := op()
	for i := 0; i < 40 && isBusy(err); i++ {
		time.Sleep(25 * time.Millisecond)
		err = op()
	}
	return err
}

func isBusy(err error) bool {
	for _, b := range busyErrors {
		if errors.Is(err, b) {
			return true
		}
	}
	return false
}
