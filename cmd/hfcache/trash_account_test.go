//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// TestTrashPerAccount: in a cache shared by two accounts, what root's
// interrupted deletions left in its trashes (the single .hfcache-trash of
// earlier versions, its own .hfcache-trash-0) never blocks the other
// account's deletions; that account sees the remains it can read as
// another account's, and never touches them; root's prune reclaims them.
func TestTrashPerAccount(t *testing.T) {
	root := openTempDir(t)
	run := asNobody(t, root)
	cache := filepath.Join(root, "hub")
	const r1, r2 = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	f := "models--acme--m"
	var tr cachetest.Tree
	tr.AddRepo(f)
	tr.AddBlob(f, "aaaa", 0, []byte("a"), 60, 60)
	tr.AddBlob(f, "bbbb", 0, []byte("b"), 60, 60)
	tr.AddSnapshotFile(f, r1, "a.txt", "aaaa")
	tr.AddSnapshotFile(f, r2, "b.txt", "bbbb")
	tr.AddRef(f, "main", r1)
	tr.AddRef(f, "dev", r2)
	// The cache is the other account's; .locks is shared.
	buildAsNobody(t, &tr, cache)
	locks := filepath.Join(cache, ".locks")
	if err := os.MkdirAll(locks, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(locks, 0o1777); err != nil {
		t.Fatal(err)
	}
	// Root's remains: in the trash of earlier versions (0700, unreadable
	// to the other account) and in its own (0755: readable).
	for trash, mode := range map[string]os.FileMode{".hfcache-trash": 0o700, ".hfcache-trash-0": 0o755} {
		blobs := filepath.Join(locks, trash, "4242-dead", "1", "blobs")
		if err := os.MkdirAll(blobs, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(blobs, "big"), []byte("twenty-two bytes here!"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(locks, trash), mode); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"NO_COLOR=1", "HF_HUB_CACHE=" + cache}

	r := run(env, "ls")
	want := "Hint: Found 1 interrupted deletion(s) of another account (uid 0) holding 22.0 in .locks/.hfcache-trash-0. Only that account, or root, can reclaim the space (with 'hfcache prune').\n"
	if r.code != 0 || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "not used as the trash") {
		t.Errorf("ls as the other account: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = run(env, "prune", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stderr, want) || strings.Contains(r.stdout, "interrupted deletion .locks") {
		t.Errorf("prune --dry-run as the other account: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Another account's trash it cannot read does not stop the search
	// for stale locks either.
	r = run(env, "prune", "--locks", "--dry-run")
	if r.code != 0 {
		t.Errorf("prune --locks --dry-run as the other account: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A partial deletion needs a trash: the account's own.
	r = run(env, "rm", r2, "-y")
	if r.code != 0 || strings.Contains(r.stderr, "Couldn't") {
		t.Errorf("rm as the other account: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Lstat(filepath.Join(cache, f, "snapshots", r2)); err == nil {
		t.Error("revision not deleted")
	}
	if _, err := os.Lstat(filepath.Join(locks, ".hfcache-trash-65534")); err == nil {
		t.Error("the account's trash was left behind")
	}
	for _, trash := range []string{".hfcache-trash", ".hfcache-trash-0"} {
		if _, err := os.Stat(filepath.Join(locks, trash, "4242-dead", "1", "blobs", "big")); err != nil {
			t.Errorf("root's remains in %s changed: %v", trash, err)
		}
	}

	// Root reclaims its own remains.
	r = runBinary(t, env, "", "prune", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "About to delete 2 interrupted deletion(s) (44.0 total).") ||
		!strings.Contains(r.stdout, "  - interrupted deletion .locks/.hfcache-trash-0/4242-dead 22.0\n") {
		t.Errorf("prune --dry-run as root: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBinary(t, env, "", "prune", "-y")
	if r.code != 0 || !strings.Contains(r.stdout, "Deleted 2 interrupted deletion(s); freed 44.0.") {
		t.Errorf("prune -y as root: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	entries, _ := os.ReadDir(locks)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".hfcache-trash") {
			t.Errorf("trash left: %s", e.Name())
		}
	}
}
