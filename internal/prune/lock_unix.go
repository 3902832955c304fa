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
	f, err := os.Open(path)
	if err != nil {
		return nil, err
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
