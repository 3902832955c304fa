package tui

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/scan"
)

// TestPicksKeepTheTickedRepo: two repos hold a revision with the same hash
// (a model cached under an old and a new name). Ticking it under the second
// repo must select that repo's revision, not the first one that has the hash
// (which is what a lookup by hash alone, as upstream does, would delete).
func TestPicksKeepTheTickedRepo(t *testing.T) {
	root := t.TempDir()
	const hash = "1111111111111111111111111111111111111111"
	var tree cachetest.Tree
	for i, folder := range []string{"models--acme--old-name", "models--acme--new-name"} {
		tree.AddRepo(folder)
		tree.AddBlob(folder, "b", 1000, nil, float64(100*(i+1)), 100)
		tree.AddSnapshotFile(folder, hash, "w.bin", "b")
		tree.AddBlob(folder, "c", 10, nil, 100, 100)
		tree.AddSnapshotFile(folder, "2222222222222222222222222222222222222222", "x", "c")
	}
	now := time.Now()
	tree.MustBuild(t, root, now)
	c, err := scan.Dir(root, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := New(c, Options{Now: now, Width: 120, Height: 40})
	// Rows: None, repo 1 header skipped, its 2 revisions, repo 2's 2 revisions.
	// Tick the row of `hash` under the second repo shown.
	order := delete.ReviewOrder(c, delete.SortDefault)
	second := order[1]
	idx := 0
	for i, rev := range second.Revisions {
		if rev.Hash == hash {
			idx = i
		}
	}
	keys := repeat("down", 1+len(order[0].Revisions)+idx)
	press(m, append(keys, "space", "enter")...)
	picks := m.Result().Picks
	if len(picks) != 1 || picks[0].Repo != second.Repo || len(picks[0].Revisions) != 1 || picks[0].Revisions[0].Hash != hash {
		t.Fatalf("picks = %+v, want %s of %s", picks, hash, second.Repo.ID)
	}
	plan := delete.PlanSelected(c, picks)
	want := filepath.Join(second.Repo.Path, "snapshots", hash)
	if len(plan.Snapshots) != 1 || plan.Snapshots[0] != want {
		t.Errorf("plan snapshots = %v, want [%s]", plan.Snapshots, want)
	}
}
