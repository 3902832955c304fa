//go:build unix

package prune

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestLockFilesSkipsUnreadable: a lock folder that cannot be listed
// (another account's, mode 0700) is skipped and returned with the reason;
// the lock files of the other folders are still listed, and prune --locks
// still plans them. Cmd/hfcache's TestPruneSharedCache checks the same
// with the binary run as another user, which is how it runs as root.
func TestLockFilesSkipsUnreadable(t *testing.T) {
	if files, unreadable := LockFiles(t.TempDir()); files != nil || unreadable != nil {
		t.Errorf("a cache without .locks: %v, %v", files, unreadable)
	}
	if os.Geteuid() == 0 {
		t.Skip("root reads every folder: TestPruneSharedCache (cmd/hfcache) runs the binary as nobody instead")
	}
	dir := pruneCache(t)
	other := filepath.Join(dir, ".locks", "models--other--x")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "c.lock"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(other, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(other, 0o755) })

	files, unreadable := LockFiles(dir)
	want := filepath.Join(dir, ".locks", "models--acme--a", "b1.lock")
	if len(files) != 1 || files[0] != want {
		t.Errorf("lock files %v, want [%s]", files, want)
	}
	if len(unreadable) != 1 || unreadable[0].Path != other || !errors.Is(unreadable[0].Err, fs.ErrPermission) {
		t.Fatalf("unreadable %+v, want %s: permission denied", unreadable, other)
	}
	p, err := NewPlan(scanDir(t, dir), Options{Locks: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Locks) != 1 || p.Locks[0] != want || len(p.UnreadableLocks) != 1 || p.UnreadableLocks[0].Path != other {
		t.Errorf("plan locks %v, unreadable %+v", p.Locks, p.UnreadableLocks)
	}
}

// TestIncompleteUnchecked: a partial download whose download locks
// cannot be checked (here a FIFO under the lock's name; another account's
// lock folder of mode 0700 in TestPruneUncheckedDownloads, cmd/hfcache)
// is neither removed nor said to be in progress: it is returned apart,
// with the path that could not be checked. A lock another process holds
// still makes it running.
func TestIncompleteUnchecked(t *testing.T) {
	dir := pruneCache(t)
	lock := filepath.Join(dir, ".locks", "models--acme--a", "b5.lock")
	if err := syscall.Mkfifo(lock, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	stale, running, unchecked := Incomplete(scanDir(t, dir))
	var pe *fs.PathError
	if len(stale) != 0 || len(running) != 0 || len(unchecked) != 1 || len(unchecked[0].Blobs) != 1 ||
		filepath.Base(unchecked[0].Blobs[0].Path) != "b5.incomplete" ||
		!errors.As(unchecked[0].Err, &pe) || pe.Path != lock {
		t.Fatalf("stale %v, running %v, unchecked %+v", stale, running, unchecked)
	}
	p, err := NewPlan(scanDir(t, dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Incomplete) != 0 || len(p.Running) != 0 || len(p.Unchecked) != 1 {
		t.Errorf("plan: incomplete %v, running %v, unchecked %+v", p.Incomplete, p.Running, p.Unchecked)
	}

	// Held by another open file (flock locks are per open file).
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(lock)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	stale, running, unchecked = Incomplete(scanDir(t, dir))
	if len(stale) != 0 || len(running) != 1 || len(unchecked) != 0 {
		t.Errorf("held: stale %v, running %v, unchecked %+v", stale, running, unchecked)
	}
}
