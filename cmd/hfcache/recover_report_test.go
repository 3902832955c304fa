//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// buildNobodyCache builds in root/hub a cache that belongs to nobody, with
// a shared .locks (sticky, writable by all), the repos of tr, and, in
// nobody's trash, the remains of a dead run it cannot remove (a read-only
// folder inside). It returns the cache and the stuck remains.
func buildNobodyCache(t *testing.T, root string, tr *cachetest.Tree) (cache, stuck string) {
	t.Helper()
	cache = filepath.Join(root, "hub")
	trash := filepath.Join(cache, ".locks", ".hfcache-trash-65534")
	stuck = filepath.Join(trash, "4242-dead")
	tr.Add(cachetest.Entry{Kind: cachetest.File, Path: ".locks/.hfcache-trash-65534/4242-dead/1/ro/x", Content: []byte("12345"), NoTimes: true})
	buildAsNobody(t, tr, cache)
	for p, mode := range map[string]os.FileMode{
		filepath.Join(cache, ".locks"):  os.ModeSticky | 0o777,
		trash:                           0o700,
		filepath.Join(stuck, "1", "ro"): 0o555,
	} {
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	return cache, stuck
}

// TestDeletionReportsUnreclaimedRemains: the recovery every deletion runs
// first names each remains of an earlier run it cannot remove, once, on
// stderr, and the deletion the user asked for still succeeds (rm exits
// 0). prune, which lists the remains and reclaims them itself, names it
// once too (not again for its revisions' deletion) and exits 1. rm said
// nothing before.
func TestDeletionReportsUnreclaimedRemains(t *testing.T) {
	root := openTempDir(t)
	run := asNobody(t, root)
	const (
		rev  = "1111111111111111111111111111111111111111"
		old  = "2222222222222222222222222222222222222222"
		keep = "models--acme--keep"
		gone = "models--acme--gone"
	)
	var tr cachetest.Tree
	for _, f := range []string{keep, gone} {
		tr.AddRepo(f)
		tr.AddBlob(f, "aaaa", 0, []byte("a"), 60, 60)
		tr.AddSnapshotFile(f, rev, "a.txt", "aaaa")
		tr.AddRef(f, "main", rev)
	}
	tr.AddBlob(keep, "bbbb", 0, []byte("bb"), 60, 60)
	tr.AddSnapshotFile(keep, old, "b.txt", "bbbb") // detached: prune's
	cache, stuck := buildNobodyCache(t, root, &tr)
	env := []string{"NO_COLOR=1", "HF_HUB_CACHE=" + cache}
	warn := "Warning: Couldn't delete interrupted deletion: remove " + stuck + ": "

	r := run(env, "rm", "-y", "model/acme/gone")
	if r.code != 0 || strings.Count(r.stderr, warn) != 1 || !strings.Contains(r.stderr, "permission denied\n") ||
		!strings.Contains(r.stderr, "Cache deletion done.") || !strings.Contains(r.stdout, "Deleted 1 repo(s) and 1 revision(s)") {
		t.Errorf("rm -y: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Lstat(filepath.Join(cache, gone)); err == nil {
		t.Error("rm did not delete the repo")
	}
	if _, err := os.Lstat(filepath.Join(stuck, "1", "ro", "x")); err != nil {
		t.Errorf("the stuck remains changed: %v", err)
	}

	r = run(env, "prune", "-y")
	if r.code != 1 || strings.Count(r.stderr, warn) != 1 ||
		!strings.Contains(r.stderr, "Error: Deletion incomplete (1 interrupted deletion(s) not reclaimed).") {
		t.Errorf("prune -y: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Lstat(filepath.Join(cache, keep, "snapshots", old)); err == nil {
		t.Error("prune did not delete the detached revision")
	}
}

// TestPruneUncheckedDownloads: a partial download whose lock folder is
// another account's (mode 0700, so its locks cannot be checked) is left
// alone, and prune says that its locks could not be checked, naming the
// folder, rather than that it is still in progress (what it said before);
// the exit status stays 0, as for a download in progress. The partial
// download of a readable lock folder is removed.
func TestPruneUncheckedDownloads(t *testing.T) {
	root := openTempDir(t)
	run := asNobody(t, root)
	cache := filepath.Join(root, "hub")
	const (
		rev   = "1111111111111111111111111111111111111111"
		mine  = "models--acme--mine"
		other = "models--other--x"
	)
	var tr cachetest.Tree
	for _, f := range []string{mine, other} {
		tr.AddRepo(f)
		tr.AddBlob(f, "aaaa", 0, []byte("a"), 60, 60)
		tr.AddSnapshotFile(f, rev, "a.txt", "aaaa")
		tr.AddRef(f, "main", rev)
		tr.Add(cachetest.Entry{Kind: cachetest.File, Path: f + "/blobs/cccc.incomplete", Content: []byte("partial"), NoTimes: true})
	}
	tr.Add(cachetest.Entry{Kind: cachetest.File, Path: ".locks/" + mine + "/cccc.lock", Content: []byte{}, NoTimes: true})
	buildAsNobody(t, &tr, cache)
	locks := filepath.Join(cache, ".locks")
	if err := os.Chmod(locks, os.ModeSticky|0o777); err != nil {
		t.Fatal(err)
	}
	// The other account's lock folder: root's, mode 0700.
	otherLocks := filepath.Join(locks, other)
	if err := os.Mkdir(otherLocks, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(otherLocks, "cccc.lock"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"NO_COLOR=1", "HF_HUB_CACHE=" + cache}
	warn := "Warning: Skipping 1 incomplete download(s) whose download locks cannot be checked: " + otherLocks +
		" (permission denied). They may be in progress and are left alone.\n"
	for _, args := range [][]string{{"prune", "--dry-run"}, {"prune", "-y"}} {
		r := run(env, args...)
		if r.code != 0 || strings.Count(r.stderr, warn) != 1 || strings.Contains(r.stderr, "still in progress") ||
			!strings.Contains(r.stdout, "About to delete 1 incomplete download(s) (7.0 total).\n") {
			t.Errorf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
	if _, err := os.Lstat(filepath.Join(cache, mine, "blobs", "cccc.incomplete")); err == nil {
		t.Error("the partial download of the readable lock folder was not removed")
	}
	if _, err := os.Lstat(filepath.Join(cache, other, "blobs", "cccc.incomplete")); err != nil {
		t.Errorf("the partial download whose locks cannot be checked changed: %v", err)
	}
}

// TestPruneUnreadableRepos: prune names each repo it cannot read
// (permission denied) on stderr, prunes the rest, and exits 1 with an
// Error line naming them, dry run included, as ls does; it exited 0 in
// silence before. A corrupted repo it can read (no snapshots folder) is
// passed over in silence with exit 0, as hf 1.28's prune does (golden
// corrupt/cache-prune-*).
func TestPruneUnreadableRepos(t *testing.T) {
	root := openTempDir(t)
	run := asNobody(t, root)
	cache := filepath.Join(root, "hub")
	const (
		rev    = "1111111111111111111111111111111111111111"
		old    = "2222222222222222222222222222222222222222"
		ok     = "models--acme--ok"
		closed = "models--acme--closed"
		broken = "models--acme--broken"
	)
	var tr cachetest.Tree
	for _, f := range []string{ok, closed} {
		tr.AddRepo(f)
		tr.AddBlob(f, "aaaa", 0, []byte("a"), 60, 60)
		tr.AddSnapshotFile(f, rev, "a.txt", "aaaa")
		tr.AddRef(f, "main", rev)
	}
	tr.AddBlob(ok, "bbbb", 0, []byte("bb"), 60, 60)
	tr.AddSnapshotFile(ok, old, "b.txt", "bbbb") // detached
	tr.AddRepo(broken)
	tr.AddRef(broken, "main", rev) // no snapshots folder: corrupted
	buildAsNobody(t, &tr, cache)
	env := []string{"NO_COLOR=1", "HF_HUB_CACHE=" + cache}
	plan := "About to delete 1 unreferenced revision(s) (2.0 total).\n"

	// Only a corrupted repo: upstream's silence, exit 0.
	r := run(env, "prune", "--dry-run")
	if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, plan) {
		t.Errorf("prune --dry-run, a corrupted repo: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	if err := os.Chmod(filepath.Join(cache, closed), 0); err != nil {
		t.Fatal(err)
	}
	warn := "Warning: Snapshots dir cannot be read: " + filepath.Join(cache, closed, "snapshots") + " (permission denied). Repo left alone.\n"
	errLine := "Error: 1 repo(s) could not be read and are left out above: " + filepath.Join(cache, closed) + "\n"
	for _, args := range [][]string{{"prune", "--dry-run"}, {"prune", "--dry-run", "--format", "json"}, {"prune", "-y"}} {
		r := run(env, args...)
		if r.code != 1 || strings.Count(r.stderr, warn) != 1 || !strings.HasSuffix(r.stderr, errLine) ||
			strings.Contains(r.stderr, broken) {
			t.Errorf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
	if _, err := os.Lstat(filepath.Join(cache, ok, "snapshots", old)); err == nil {
		t.Error("prune -y did not delete the detached revision of the readable repo")
	}
	r = run(env, "prune", "-y")
	if r.code != 1 || !strings.Contains(r.stdout, "Nothing to prune.") || !strings.HasSuffix(r.stderr, errLine) {
		t.Errorf("prune -y, nothing left: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
