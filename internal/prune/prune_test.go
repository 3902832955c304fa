package prune

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

func TestDetached(t *testing.T) {
	base := time.Unix(1_800_000_000, 0)
	day := 24 * time.Hour
	mk := func(hash string, age time.Duration, refs ...string) *scan.Revision {
		return &scan.Revision{Hash: hash, LastModified: base.Add(-age), Refs: refs}
	}
	// r1: main is the newest. r2: main is the oldest. r3: equal times (ties
	// ranked by hash, highest first).
	c := &scan.Cache{Repos: []*scan.Repo{
		{ID: "r1", Revisions: []*scan.Revision{mk("a1", 1*day, "main"), mk("b1", 2*day), mk("c1", 3*day)}},
		{ID: "r2", Revisions: []*scan.Revision{mk("a2", 9*day, "main"), mk("b2", 2*day), mk("c2", 3*day), mk("d2", 1*day, "v1")}},
		{ID: "r3", Revisions: []*scan.Revision{mk("a3", day), mk("b3", day), mk("c3", day)}},
	}}
	tests := []struct {
		keep int
		want string
	}{
		{0, "r1:[b1 c1] r2:[b2 c2] r3:[a3 b3 c3]"},
		{1, "r1:[b1 c1] r2:[b2 c2] r3:[a3 b3]"},
		{2, "r1:[c1] r2:[c2] r3:[a3]"},
		{3, ""},
		{4, ""},
	}
	for _, tt := range tests {
		var got string
		for _, rr := range Detached(c, tt.keep) {
			var hs []string
			for _, r := range rr.Revisions {
				hs = append(hs, r.Hash)
			}
			if got != "" {
				got += " "
			}
			got += fmt.Sprintf("%s:%v", rr.Repo.ID, hs)
		}
		if got != tt.want {
			t.Errorf("keep-last %d: %s, want %s", tt.keep, got, tt.want)
		}
	}
}

// TestOrphansAcrossRepos: a blob of one repo that a snapshot of another
// repo links to is not an orphan; a blob nothing links to is.
func TestOrphansAcrossRepos(t *testing.T) {
	cachetest.RequireSymlinks(t)
	const rev = "2222222222222222222222222222222222222222"
	dir := t.TempDir()
	var tr cachetest.Tree
	tr.AddRepo("models--acme--a")
	tr.AddBlob("models--acme--a", "aaaa", 0, []byte("linked from b"), 10, 10)
	tr.AddBlob("models--acme--a", "cccc", 0, []byte("orphan"), 10, 10)
	tr.AddRepo("models--acme--b")
	tr.AddSnapshotDir("models--acme--b", rev)
	tr.MustBuild(t, dir, time.Now())
	if err := os.Symlink("../../../models--acme--a/blobs/aaaa", filepath.Join(dir, "models--acme--b", "snapshots", rev, "w.bin")); err != nil {
		t.Fatal(err)
	}
	c, err := scan.Dir(dir, scan.Options{Modern: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Orphans(c)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range got {
		names = append(names, filepath.Base(b.Path))
	}
	if fmt.Sprint(names) != "[cccc]" {
		t.Errorf("orphans %v, want [cccc]", names)
	}
}
