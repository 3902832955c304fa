//go:build unix

package prune

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Lock is an exclusive flock on a lock file, held until Close.
type Lock struct{ f *os.File }

// TryLock takes an exclusive, non-blocking flock on path, the lock
// huggingface_hub's filelock takes while it downloads a blob. It returns
// nil, nil when another process holds it.
func TryLock(path string) (*Lock, error) {
	// O_NONBLOCK: a FIFO planted under the lock's name must not hang us.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		_ = f.Close()
		return nil, fmt.Errorf("lock %s: not a regular file", path)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, nil
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// Close releases the lock.
func (l *Lock) Close() error { return l.f.Close() }
