package prune

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/scan"
)

const (
	revMain   = "1111111111111111111111111111111111111111"
	revNewer  = "2222222222222222222222222222222222222222"
	revOldest = "3333333333333333333333333333333333333333"
	unusedPay = "6666666666666666666666666666666666666666666666666666666666666666"
)

// pruneCache builds a cache holding one of everything prune removes:
// model/acme/a with main (blob b1, 100 bytes) and two detached revisions
// (b2, 50 bytes, 5 days old; b3, 30 bytes, 10 days old), an orphan blob
// (b4, 7 bytes), a stale partial download (b5, 3 bytes) and a lock file
// nobody holds; an unused payload (9 bytes) in the shared blob store.
func pruneCache(t *testing.T) string {
	t.Helper()
	const day = 86400
	const folder = "models--acme--a"
	var tr cachetest.Tree
	tr.AddSharedStore()
	tr.AddSharedPayload(unusedPay, 9, nil, day, day, "models--acme--gone/blobs/x") // its repo is gone
	tr.AddRepo(folder)
	tr.AddBlob(folder, "b1", 100, nil, day, day)
	tr.AddBlob(folder, "b2", 50, nil, 5*day, 5*day)
	tr.AddBlob(folder, "b3", 30, nil, 10*day, 10*day)
	tr.AddBlob(folder, "b4", 7, nil, day, day)
	tr.AddBlob(folder, "b5.incomplete", 3, nil, day, day)
	tr.AddSnapshotFile(folder, revMain, "w.bin", "b1")
	tr.AddSnapshotFile(folder, revNewer, "w.bin", "b2")
	tr.AddSnapshotFile(folder, revOldest, "w.bin", "b3")
	tr.AddRef(folder, "main", revMain)
	tr.Add(
		cachetest.Entry{Kind: cachetest.Dir, Path: ".locks", NoTimes: true},
		cachetest.Entry{Kind: cachetest.Dir, Path: ".locks/" + folder, NoTimes: true},
		cachetest.Entry{Kind: cachetest.File, Path: ".locks/" + folder + "/b1.lock", Content: []byte{}, NoTimes: true},
	)
	dir := t.TempDir()
	tr.MustBuild(t, dir, time.Now())
	return dir
}

func scanDir(t *testing.T, dir string) *scan.Cache {
	t.Helper()
	c, err := scan.Dir(dir, scan.Options{Modern: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// describe lists a plan's parts by base name: what prune would remove.
func describe(p *Plan) string {
	var revs []string
	for _, s := range p.Revisions {
		for _, r := range s.Revisions {
			revs = append(revs, r.Hash[:1])
		}
	}
	names := func(bs []scan.Blob) []string {
		var out []string
		for _, b := range bs {
			out = append(out, filepath.Base(b.Path))
		}
		return out
	}
	var locks []string
	for _, l := range p.Locks {
		locks = append(locks, filepath.Base(l))
	}
	return fmt.Sprintf("revisions %v incomplete %v orphans %v shared %v locks %v size %d",
		revs, names(p.Incomplete), names(p.Orphans), len(p.SharedOrphans), locks, p.Size())
}

func TestNewPlan(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		want  string
		nRevs int
	}{
		{"upstream's prune", Options{}, "revisions [2 3] incomplete [b5.incomplete] orphans [] shared 0 locks [] size 83", 2},
		{"keep the 2 most recent", Options{KeepLast: 2}, "revisions [3] incomplete [b5.incomplete] orphans [] shared 0 locks [] size 33", 1},
		{"keep more than there are", Options{KeepLast: 5}, "revisions [] incomplete [b5.incomplete] orphans [] shared 0 locks [] size 3", 0},
		{"orphans", Options{Orphans: true}, "revisions [2 3] incomplete [b5.incomplete] orphans [b4] shared 1 locks [] size 99", 2},
		{"locks", Options{Locks: true}, "revisions [2 3] incomplete [b5.incomplete] orphans [] shared 0 locks [b1.lock] size 83", 2},
	}
	dir := pruneCache(t)
	c := scanDir(t, dir)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPlan(c, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(p); got != tt.want {
				t.Errorf("plan: %s\nwant: %s", got, tt.want)
			}
			if p.Empty() {
				t.Error("Empty() on a plan with work")
			}
			if got := p.RevisionCount(); got != tt.nRevs {
				t.Errorf("RevisionCount = %d, want %d", got, tt.nRevs)
			}
		})
	}
	// Planning changes nothing on disk.
	if got := cachetest.Listing(t, dir); got != cachetest.Listing(t, pruneCacheCopy(t)) {
		t.Errorf("NewPlan changed the cache:\n%s", got)
	}
}

// pruneCacheCopy is a fresh build of pruneCache, to compare listings with.
func pruneCacheCopy(t *testing.T) string { return pruneCache(t) }

// TestPlanExecute: executing the full plan removes exactly what it lists,
// counts it, frees what it announced, and leaves a cache with nothing
// left to prune.
func TestPlanExecute(t *testing.T) {
	dir := pruneCache(t)
	c := scanDir(t, dir)
	p, err := NewPlan(c, Options{Orphans: true, Locks: true})
	if err != nil {
		t.Fatal(err)
	}
	var removed []string
	started, ended := false, false
	res := p.Execute(func() (delete.ExecOptions, func()) {
		started = true
		return delete.ExecOptions{OnRemove: func(kind delete.Kind, path string) {
			removed = append(removed, fmt.Sprintf("%s %s", kind, filepath.Base(path)))
		}}, func() { ended = true }
	})
	if !res.OK() {
		t.Fatalf("not OK: %+v", res)
	}
	if !started || !ended {
		t.Errorf("progress started %v, ended %v", started, ended)
	}
	sort.Strings(removed)
	if got := strings.Join(removed, ", "); !strings.Contains(got, revNewer) || !strings.Contains(got, revOldest) {
		t.Errorf("the progress hook saw %s; want both detached snapshots", got)
	}
	got := fmt.Sprintf("revisions %d incomplete %d orphans %d shared %d locks %d interrupted %d freed %d",
		res.RevisionsRemoved, res.Incomplete, res.Orphans, res.SharedOrphans, res.Locks, res.Interrupted, res.Freed)
	if want := fmt.Sprintf("revisions 2 incomplete 1 orphans 1 shared 1 locks 1 interrupted 0 freed %d", p.Size()); got != want {
		t.Errorf("result: %s\nwant:   %s", got, want)
	}
	for _, gone := range []string{
		"models--acme--a/blobs/b2", "models--acme--a/blobs/b3", "models--acme--a/blobs/b4",
		"models--acme--a/blobs/b5.incomplete", ".locks/models--acme--a/b1.lock", cachetest.SharedPayloadPath(unusedPay),
		"models--acme--a/snapshots/" + revNewer,
	} {
		if _, err := os.Lstat(filepath.Join(dir, gone)); !os.IsNotExist(err) {
			t.Errorf("%s still there (%v)", gone, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "models--acme--a/snapshots", revMain, "w.bin")); err != nil {
		t.Errorf("main's file: %v", err)
	}
	after, err := NewPlan(scanDir(t, dir), Options{Orphans: true, Locks: true})
	if err != nil {
		t.Fatal(err)
	}
	if !after.Empty() {
		t.Errorf("after the prune: %s", describe(after))
	}
}
