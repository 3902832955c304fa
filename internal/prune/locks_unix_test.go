//go:build unix

package prune

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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
