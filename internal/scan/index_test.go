package scan_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// dumpCache writes everything a scan found, for comparing scans.
func dumpCache(c *scan.Cache) string {
	var b strings.Builder
	for _, w := range c.Warnings {
		fmt.Fprintf(&b, "warning %s\n", w.Msg)
	}
	for _, r := range c.Repos {
		fmt.Fprintf(&b, "%s %d %d %s %s\n", r.Path, r.Size, r.NbFiles(), r.LastAccessed, r.LastModified)
		for _, bl := range r.Blobs {
			fmt.Fprintf(&b, " blob %s %d %s %s\n", bl.Path, bl.Size, bl.ATime, bl.MTime)
		}
		for _, rev := range r.Revisions {
			fmt.Fprintf(&b, " rev %s %d %d %v %s %v\n", rev.Hash, rev.Size, rev.NbFiles, rev.Refs, rev.LastModified, rev.BlobIDs)
			for _, f := range rev.Files {
				fmt.Fprintf(&b, "  %s %d\n", f.Name, f.Blob)
			}
		}
	}
	return b.String()
}

func dumpScan(t *testing.T, root string, opts scan.Options) string {
	t.Helper()
	c, err := scan.Dir(root, opts)
	if err != nil {
		t.Fatal(err)
	}
	return dumpCache(c)
}

// indexWorks says whether the scan index applies on this platform (it
// needs a folder change time, which Go's stat has not on Windows).
func indexWorks() bool { return runtime.GOOS != "windows" && runtime.GOOS != "plan9" }

// newIndex is an index in a fresh folder whose scans start an hour from
// now, so that the folders a test has just made are old enough to be
// recorded (the racy rule).
func newIndex(dir string) *scan.Index {
	return &scan.Index{Dir: dir, Now: time.Now().Add(time.Hour)}
}

// generateOdd generates a cache and adds, to one revision, the entries that
// do not take the index's path: a regular file, an absolute link, a link
// to a folder, a link out of blobs/, and a non-hex etag.
func generateOdd(t *testing.T, spec cachetest.Spec) (root, repo, snap string) {
	t.Helper()
	cachetest.RequireSymlinks(t)
	root = filepath.Join(t.TempDir(), "hub")
	if _, err := cachetest.Generate(root, spec, time.Now()); err != nil {
		t.Fatal(err)
	}
	repos, _ := filepath.Glob(filepath.Join(root, "*--*"))
	repo = repos[0]
	snaps, _ := filepath.Glob(filepath.Join(repo, "snapshots", "*"))
	snap = snaps[0]
	blobs, _ := filepath.Glob(filepath.Join(repo, "blobs", "*"))
	if err := os.WriteFile(filepath.Join(repo, "blobs", "not-hex"), []byte("odd etag"), 0o644); err != nil {
		t.Fatal(err)
	}
	odd := map[string]func(p string) error{
		"plain.txt":    func(p string) error { return os.WriteFile(p, []byte("hello"), 0o644) },
		"absolute.bin": func(p string) error { return os.Symlink(blobs[1], p) },
		"folder-link":  func(p string) error { return os.Symlink("../../blobs", p) },
		"outside.bin":  func(p string) error { return os.Symlink("../../refs/main", p) },
		"odd-etag.bin": func(p string) error { return os.Symlink("../../blobs/not-hex", p) },
	}
	for name, mk := range odd {
		if err := mk(filepath.Join(snap, name)); err != nil {
			t.Fatal(err)
		}
	}
	return root, repo, snap
}

// TestIndexAgrees: a scan that records the index, and one that replays it,
// find exactly what a scan without it finds, in every mode and with
// several workers (the replay of a large folder is prefetched too); the
// second scan reads every folder from the index.
func TestIndexAgrees(t *testing.T) {
	root, _, _ := generateOdd(t, cachetest.Spec{Repos: 3, Revisions: 3, Files: 300, Seed: 11})
	for _, mode := range []scan.Options{{Files: true}, {Summary: true}, {Modern: true}, {Files: true, Workers: 1}} {
		t.Run(fmt.Sprintf("%+v", mode), func(t *testing.T) {
			want := dumpScan(t, root, mode)
			dir := t.TempDir()
			for run := 1; run <= 2; run++ {
				ix := newIndex(dir)
				opts := mode
				opts.Index = ix
				if got := dumpScan(t, root, opts); got != want {
					t.Fatalf("run %d with the index differs:\n--- got\n%s\n--- want\n%s", run, got, want)
				}
				if !indexWorks() {
					continue
				}
				// 9 snapshot folders, each with 4 sub-folders.
				switch hits, misses := ix.Hits.Load(), ix.Misses.Load(); {
				case run == 1 && (hits != 0 || misses != 45):
					t.Errorf("first run: %d hits, %d misses; want 0 and 45", hits, misses)
				case run == 2 && (hits != 45 || misses != 0):
					t.Errorf("second run: %d hits, %d misses; want 45 and 0", hits, misses)
				}
				if n := ix.Reread.Load(); n != 0 {
					t.Errorf("run %d: %d links read again; want none (no blob changed)", run, n)
				}
			}
		})
	}
}

// TestIndexSeesChanges: after a scan recorded the index, every change to
// the cache shows in the next scan exactly as without the index: changes
// to folders by their change time, changes to blobs and regular files
// because they are always stat'ed.
func TestIndexSeesChanges(t *testing.T) {
	later := func() { time.Sleep(20 * time.Millisecond) } // past the clock tick of the last change
	tests := []struct {
		name   string
		change func(t *testing.T, repo, snap string)
		misses bool // the change is in a folder, which must be read again
		reread bool // a blob is no longer a regular file: its link is read again
	}{
		{name: "link added", misses: true, change: func(t *testing.T, repo, snap string) {
			blobs, _ := filepath.Glob(filepath.Join(repo, "blobs", "*"))
			later()
			must(t, os.Symlink("../../blobs/"+filepath.Base(blobs[2]), filepath.Join(snap, "added.bin")))
		}},
		{name: "link replaced by rename", misses: true, change: func(t *testing.T, repo, snap string) {
			links, _ := filepath.Glob(filepath.Join(snap, "file*"))
			target, err := os.Readlink(links[1])
			must(t, err)
			later()
			must(t, os.Symlink(target, filepath.Join(snap, "tmp-link")))
			must(t, os.Rename(filepath.Join(snap, "tmp-link"), links[0]))
		}},
		{name: "link removed", misses: true, change: func(t *testing.T, repo, snap string) {
			links, _ := filepath.Glob(filepath.Join(snap, "file*"))
			later()
			must(t, os.Remove(links[0]))
		}},
		{name: "link in a sub-folder replaced", misses: true, change: func(t *testing.T, repo, snap string) {
			links, _ := filepath.Glob(filepath.Join(snap, "dir1", "file*"))
			later()
			must(t, os.Remove(links[0]))
			must(t, os.Symlink("../../../blobs/not-hex", links[0]))
		}},
		{name: "sub-folder added", misses: true, change: func(t *testing.T, repo, snap string) {
			blobs, _ := filepath.Glob(filepath.Join(repo, "blobs", "*"))
			later()
			must(t, os.MkdirAll(filepath.Join(snap, "new", "deep"), 0o755))
			must(t, os.Symlink("../../../../blobs/"+filepath.Base(blobs[0]), filepath.Join(snap, "new", "deep", "x.bin")))
		}},
		{name: "blob grown", change: func(t *testing.T, repo, snap string) {
			links, _ := filepath.Glob(filepath.Join(snap, "file*"))
			target, err := filepath.EvalSymlinks(links[0])
			must(t, err)
			must(t, os.Truncate(target, 123_456_789))
		}},
		{name: "blob times changed", change: func(t *testing.T, repo, snap string) {
			links, _ := filepath.Glob(filepath.Join(snap, "file*"))
			target, err := filepath.EvalSymlinks(links[0])
			must(t, err)
			must(t, os.Chtimes(target, time.Now().Add(time.Hour), time.Now().Add(time.Hour)))
		}},
		{name: "blob removed", reread: true, change: func(t *testing.T, repo, snap string) {
			links, _ := filepath.Glob(filepath.Join(snap, "file*"))
			target, err := filepath.EvalSymlinks(links[0])
			must(t, err)
			must(t, os.Remove(target))
		}},
		{name: "blob replaced by a folder", reread: true, change: func(t *testing.T, repo, snap string) {
			links, _ := filepath.Glob(filepath.Join(snap, "file*"))
			target, err := filepath.EvalSymlinks(links[0])
			must(t, err)
			must(t, os.Remove(target))
			must(t, os.Mkdir(target, 0o755))
		}},
		{name: "regular file grown", change: func(t *testing.T, repo, snap string) {
			must(t, os.WriteFile(filepath.Join(snap, "plain.txt"), []byte("hello, longer now"), 0o644))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, repo, snap := generateOdd(t, cachetest.Spec{Repos: 2, Revisions: 2, Files: 80, Seed: 3})
			dir := t.TempDir()
			for _, mode := range []scan.Options{{Files: true}, {Summary: true}} {
				mode.Index = newIndex(dir)
				dumpScan(t, root, mode)
			}
			before := dumpScan(t, root, scan.Options{Files: true})
			tt.change(t, repo, snap)
			for _, mode := range []scan.Options{{Files: true}, {Summary: true}} {
				want := dumpScan(t, root, mode)
				if mode.Files && want == before {
					t.Fatal("the change changed nothing a scan sees")
				}
				ix := newIndex(dir)
				mode.Index = ix
				if got := dumpScan(t, root, mode); got != want {
					t.Fatalf("%+v: with the index:\n--- got\n%s\n--- want\n%s", mode, got, want)
				}
				if indexWorks() && tt.misses && mode.Files && ix.Misses.Load() == 0 {
					t.Error("the changed folder was not read again")
				}
				if indexWorks() && tt.reread != (ix.Reread.Load() > 0) {
					t.Errorf("%d links read again; want some: %v", ix.Reread.Load(), tt.reread)
				}
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestIndexRacy: folders changed less than two seconds before the scan
// starts are not recorded: a change in the same clock tick could follow
// the reading unseen.
func TestIndexRacy(t *testing.T) {
	root, _, _ := generateOdd(t, cachetest.Spec{Repos: 1, Revisions: 2, Files: 40, Seed: 1})
	ix := &scan.Index{Dir: t.TempDir()} // now: the folders were just made
	for run := 1; run <= 2; run++ {
		ix.Hits.Store(0)
		dumpScan(t, root, scan.Options{Index: ix})
		if h := ix.Hits.Load(); h != 0 {
			t.Fatalf("run %d: %d folders replayed; want none (all changed just now)", run, h)
		}
		if indexWorks() && ix.Misses.Load() == 0 {
			t.Fatalf("run %d: the index was not used", run)
		}
	}
	// Nothing was recorded: no folder for the cache is left behind (one
	// per cache ever scanned, tests' temporary ones included).
	if entries, _ := os.ReadDir(ix.Dir); len(entries) != 0 {
		t.Errorf("the index folder holds %d entries; want none", len(entries))
	}
}

// TestIndexDistrusted: an index file that does not decode (bit flipped,
// truncated, another folder's) and an index folder others can write are
// not used, and the scan is right all the same.
func TestIndexDistrusted(t *testing.T) {
	if !indexWorks() {
		t.Skip("no scan index on " + runtime.GOOS)
	}
	tests := []struct {
		name  string
		spoil func(t *testing.T, dir string, files []string)
	}{
		{name: "bit flipped", spoil: func(t *testing.T, dir string, files []string) {
			for _, f := range files {
				b, err := os.ReadFile(f)
				must(t, err)
				b[len(b)/2] ^= 0x10
				must(t, os.WriteFile(f, b, 0o600))
			}
		}},
		{name: "truncated", spoil: func(t *testing.T, dir string, files []string) {
			for _, f := range files {
				st, err := os.Stat(f)
				must(t, err)
				must(t, os.Truncate(f, st.Size()-5))
			}
		}},
		{name: "swapped", spoil: func(t *testing.T, dir string, files []string) {
			a, err := os.ReadFile(files[0])
			must(t, err)
			b, err := os.ReadFile(files[1])
			must(t, err)
			must(t, os.WriteFile(files[0], b, 0o600))
			must(t, os.WriteFile(files[1], a, 0o600))
		}},
		{name: "folder writable by others", spoil: func(t *testing.T, dir string, files []string) {
			must(t, os.Chmod(filepath.Dir(files[0]), 0o777))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, _, _ := generateOdd(t, cachetest.Spec{Repos: 1, Revisions: 2, Files: 40, Seed: 1})
			want := dumpScan(t, root, scan.Options{Files: true})
			dir := t.TempDir()
			dumpScan(t, root, scan.Options{Files: true, Index: newIndex(dir)})
			files, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
			if len(files) != 2 {
				t.Fatalf("index files: %v; want one per revision", files)
			}
			tt.spoil(t, dir, files)
			ix := newIndex(dir)
			if got := dumpScan(t, root, scan.Options{Files: true, Index: ix}); got != want {
				t.Fatalf("with a spoilt index:\n--- got\n%s\n--- want\n%s", got, want)
			}
			if h := ix.Hits.Load(); h != 0 && tt.name != "swapped" {
				t.Errorf("%d folders replayed from a spoilt index", h)
			}
			if tt.name == "swapped" && ix.Hits.Load() != 0 {
				t.Errorf("%d folders replayed from another folder's index", ix.Hits.Load())
			}
		})
	}
}

// TestIndexCleaned: a full scan removes the index files of revisions that
// are gone; a scan of one repo leaves the others'.
func TestIndexCleaned(t *testing.T) {
	if !indexWorks() {
		t.Skip("no scan index on " + runtime.GOOS)
	}
	root, repo, snap := generateOdd(t, cachetest.Spec{Repos: 2, Revisions: 2, Files: 30, Seed: 2})
	dir := t.TempDir()
	count := func() int {
		files, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
		return len(files)
	}
	dumpScan(t, root, scan.Options{Index: newIndex(dir)})
	if n := count(); n != 4 {
		t.Fatalf("%d index files; want 4 (2 repos x 2 revisions)", n)
	}
	// A leftover of a scan killed while writing, old enough to be removed.
	tmp := mustGlob(t, filepath.Join(dir, "*", "*"))[0] + ".tmp123"
	must(t, os.WriteFile(tmp, nil, 0o600))
	must(t, os.Chtimes(tmp, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour)))
	must(t, os.RemoveAll(snap))
	refs, _ := filepath.Glob(filepath.Join(repo, "refs", "*"))
	for _, r := range refs { // no ref to the revision removed
		b, err := os.ReadFile(r)
		if err == nil && strings.TrimSpace(string(b)) == filepath.Base(snap) {
			must(t, os.Remove(r))
		}
	}
	if _, err := scan.ScanRepo(repo, scan.Options{Index: newIndex(dir)}); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 5 {
		t.Fatalf("after a scan of one repo: %d index files; want the 4 and the temporary one", n)
	}
	dumpScan(t, root, scan.Options{Index: newIndex(dir)})
	if n := count(); n != 3 {
		t.Fatalf("after a full scan: %d index files; want 3", n)
	}
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil || len(m) == 0 {
		t.Fatalf("glob %s: %v %v", pattern, m, err)
	}
	return m
}

// TestIndexRelativeCache: two caches scanned by the same relative path
// from different folders keep index files of their own (they took the
// other's, each scan reading every folder again).
func TestIndexRelativeCache(t *testing.T) {
	if !indexWorks() {
		t.Skip("no scan index on " + runtime.GOOS)
	}
	spec := cachetest.Spec{Repos: 1, Revisions: 2, Files: 10, Seed: 5}
	rootA, _, _ := generateOdd(t, spec)
	rootB, _, _ := generateOdd(t, spec)
	dir := t.TempDir()
	scanIn := func(root string) *scan.Index {
		t.Chdir(filepath.Dir(root))
		ix := newIndex(dir)
		dumpScan(t, "hub", scan.Options{Index: ix})
		return ix
	}
	scanIn(rootA)
	scanIn(rootB)
	if ix := scanIn(rootA); ix.Misses.Load() != 0 {
		t.Errorf("the index of the first cache was lost: %d hits, %d misses", ix.Hits.Load(), ix.Misses.Load())
	}
}

// TestIndexSwept: a full scan dates its cache's index folder and removes
// the folders of other caches that no full scan has dated for 90 days
// (caches deleted or moved); anything else in the index folder stays.
func TestIndexSwept(t *testing.T) {
	if !indexWorks() {
		t.Skip("no scan index on " + runtime.GOOS)
	}
	cachetest.RequireSymlinks(t)
	base := t.TempDir()
	caches := map[string]string{}
	for _, name := range []string{"a", "b"} {
		caches[name] = filepath.Join(base, name)
		if _, err := cachetest.Generate(caches[name], cachetest.Spec{Repos: 1, Revisions: 1, Files: 10, Seed: 4}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	must(t, os.Mkdir(filepath.Join(dir, "notes"), 0o700))
	start := time.Now().Add(time.Hour)
	scanAt := func(cache string, at time.Time) {
		t.Helper()
		if _, err := scan.Dir(caches[cache], scan.Options{Index: &scan.Index{Dir: dir, Now: at}}); err != nil {
			t.Fatal(err)
		}
	}
	folders := func() int {
		t.Helper()
		m, _ := filepath.Glob(filepath.Join(dir, "????????????????????????????????"))
		return len(m)
	}
	scanAt("a", start)
	scanAt("b", start)
	if n := folders(); n != 2 {
		t.Fatalf("%d cache folders; want 2", n)
	}
	scanAt("b", start.Add(89*24*time.Hour))
	if n := folders(); n != 2 {
		t.Fatalf("after 89 days: %d cache folders; want 2 (a's is not stale yet)", n)
	}
	scanAt("b", start.Add(91*24*time.Hour))
	if n := folders(); n != 1 {
		t.Fatalf("after 91 days: %d cache folders; want 1 (a's swept)", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes")); err != nil {
		t.Errorf("a folder that is not a cache's was removed: %v", err)
	}
	scanAt("a", start.Add(92*24*time.Hour))
	if n := folders(); n != 2 {
		t.Fatalf("a scanned again: %d cache folders; want 2 (b's dated a day ago)", n)
	}
}
