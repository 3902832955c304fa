//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// TestPruneSharedCache: in a cache shared with other accounts, prune run
// by one of them (nobody) goes on past what it cannot read or remove and
// says so. Another account's lock folder it cannot list (mode 0700) is
// named on stderr, one line per folder, and left alone, while the stale
// lock files of the folders it can read are listed and removed; the
// report leaves something out, so the exit status is 1 (as for ls with
// repos it cannot read). A remains of its own dead run that it cannot
// remove (a read-only folder inside) is named with the reason, never
// counted, and the exit status is 1 too. Both failed as a whole, or
// silently, before.
func TestPruneSharedCache(t *testing.T) {
	root := openTempDir(t)
	run := asNobody(t, root)
	cache := filepath.Join(root, "hub")
	const rev = "1111111111111111111111111111111111111111"
	const f = "models--acme--m"
	var tr cachetest.Tree
	tr.AddRepo(f)
	tr.AddBlob(f, "aaaa", 0, []byte("a"), 60, 60)
	tr.AddSnapshotFile(f, rev, "a.txt", "aaaa")
	tr.AddRef(f, "main", rev)
	locks := filepath.Join(cache, ".locks")
	ownLock := filepath.Join(locks, f, "aaaa.lock")
	trash := filepath.Join(locks, ".hfcache-trash-65534")
	stuck := filepath.Join(trash, "4242-dead")
	tr.Add(
		cachetest.Entry{Kind: cachetest.File, Path: ".locks/" + f + "/aaaa.lock", Content: []byte{}, NoTimes: true},
		cachetest.Entry{Kind: cachetest.File, Path: ".locks/.hfcache-trash-65534/4242-dead/1/ro/x", Content: []byte("12345"), NoTimes: true},
		cachetest.Entry{Kind: cachetest.File, Path: ".locks/.hfcache-trash-65534/4243-dead/1/y", Content: []byte("123"), NoTimes: true},
	)
	// The cache, its lock folder and its trash are nobody's; .locks is
	// shared (sticky, writable by all).
	buildAsNobody(t, &tr, cache)
	for p, mode := range map[string]os.FileMode{
		locks: os.ModeSticky | 0o777,
		trash: 0o700,
		// Not writable: nobody cannot empty it.
		filepath.Join(stuck, "1", "ro"): 0o555,
	} {
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	// Another account's lock folder: root's, mode 0700.
	other := filepath.Join(locks, "models--other--x")
	otherLock := filepath.Join(other, "bbbb.lock")
	if err := os.Mkdir(other, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(otherLock, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"NO_COLOR=1", "HF_HUB_CACHE=" + cache}
	unreadable := "Warning: Lock folder cannot be read: " + other + " (permission denied). Its lock files are left alone.\n"
	unreadableErr := "Error: 1 lock folder(s) could not be read and are left out above: " + other + "\n"

	r := run(env, "prune", "--locks", "--dry-run")
	if r.code != 1 || strings.Count(r.stderr, unreadable) != 1 || !strings.HasSuffix(r.stderr, unreadableErr) ||
		!strings.Contains(r.stdout, "About to delete 1 stale lock file(s) and 2 interrupted deletion(s) (8.0 total).\n") ||
		!strings.Contains(r.stdout, "  - stale lock .locks/"+f+"/aaaa.lock\n") ||
		!strings.Contains(r.stdout, "Dry run: no files were deleted.") {
		t.Errorf("prune --locks --dry-run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A remains it cannot remove: reported with the reason, not counted
	// (the 3 bytes of the other are).
	r = run(env, "prune", "-y")
	wantFail := "Warning: Couldn't delete interrupted deletion: remove " + stuck + ": "
	if r.code != 1 || !strings.Contains(r.stderr, wantFail) || !strings.Contains(r.stderr, "permission denied\n") ||
		!strings.Contains(r.stderr, "Error: Deletion incomplete (1 interrupted deletion(s) not reclaimed). Only 0 repo(s) and 0 revision(s) were deleted; freed 3.0.\n") ||
		strings.Contains(r.stderr, "Cache deletion done") || strings.Contains(r.stdout, "Deleted") {
		t.Errorf("prune -y: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Lstat(filepath.Join(trash, "4243-dead")); err == nil {
		t.Error("the removable remains were not reclaimed")
	}
	if _, err := os.Lstat(filepath.Join(stuck, "1", "ro", "x")); err != nil {
		t.Errorf("the stuck remains changed: %v", err)
	}

	// Once removable, it goes; the lock folder it cannot read still
	// makes the prune fail after it did the rest.
	if err := os.Chmod(filepath.Join(stuck, "1", "ro"), 0o755); err != nil {
		t.Fatal(err)
	}
	r = run(env, "prune", "--locks", "-y")
	if r.code != 1 || strings.Count(r.stderr, unreadable) != 1 || !strings.HasSuffix(r.stderr, unreadableErr) ||
		!strings.Contains(r.stderr, "Cache deletion done. Saved 5.0.\n") ||
		!strings.Contains(r.stdout, "Deleted 1 stale lock file(s) and 1 interrupted deletion(s); freed 5.0.\n") {
		t.Errorf("prune --locks -y: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Lstat(ownLock); err == nil {
		t.Error("the stale lock file of the readable folder was not removed")
	}
	if _, err := os.Lstat(otherLock); err != nil {
		t.Errorf("the other account's lock file changed: %v", err)
	}
	if _, err := os.Lstat(trash); err == nil {
		t.Error("the trash was left behind")
	}

	// JSON: the result on stdout, the same lines on stderr, exit 1.
	r = run(env, "prune", "--locks", "--dry-run", "--format", "json")
	if r.code != 1 || strings.Count(r.stderr, unreadable) != 1 || !strings.HasSuffix(r.stderr, unreadableErr) {
		t.Errorf("prune --locks --dry-run --format json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
