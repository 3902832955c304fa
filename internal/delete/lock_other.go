//go:build !unix && !windows

package delete

import (
	"errors"
	"os"
)

// lockFile is a no-op where flock does not exist.
func lockFile(*os.File) error { return nil }

// tryLockFile is a no-op where flock does not exist.
func tryLockFile(*os.File) error { return nil }

// locksCheckable says whether tryLockFile can tell a held lock: not here,
// so every lock counts as held (stale ones are never removed).
const locksCheckable = false

// errWouldBlock never happens where flock does not exist.
var errWouldBlock = errors.New("lock held")

// errTooManyOpen stands for the open-file limit (never reached here).
var errTooManyOpen = errors.New("too many open files")

// openLock opens a lock file read-only.
func openLock(path string) (*os.File, error) { return os.Open(path) }

// errSharingViolation never happens here.
var errSharingViolation = errors.New("sharing violation")

// retryBusy runs op: open files do not block removals here.
func retryBusy(op func() error) error { return op() }
