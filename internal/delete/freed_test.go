package delete

import (
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// FreedIfDeleted agrees with the planner, revision by revision and repo
// by repo, on the golden small cache (blobs shared between revisions).
func TestFreedIfDeletedMatchesPlanner(t *testing.T) {
	needSymlinks(t)
	run := cachetest.NewGoldenRun(t)
	caches := map[string]string{
		"small": run.BuildPreset(t, "small", time.Now()),
	}
	for name, dir := range caches {
		c, err := scan.Dir(dir, scan.Options{Modern: true})
		if err != nil {
			t.Fatal(err)
		}
		f := FreedIfDeleted(c)
		nonZeroDiff := 0
		for _, repo := range c.Repos {
			for _, rev := range repo.Revisions {
				want := PlanSelected(c, []scan.Selection{{Repo: repo, Revisions: []*scan.Revision{rev}}}).ExpectedFreedSize
				if got := f.Revisions[rev]; got != want {
					t.Errorf("%s: %s %s frees %d, planner says %d", name, repo.ID, rev.Hash, got, want)
				}
				if f.Revisions[rev] != rev.Size {
					nonZeroDiff++
				}
			}
			want := PlanSelected(c, []scan.Selection{{Repo: repo, Revisions: repo.Revisions}}).ExpectedFreedSize
			if got := f.Repos[repo]; got != want {
				t.Errorf("%s: repo %s frees %d, planner says %d", name, repo.ID, got, want)
			}
		}
		if nonZeroDiff == 0 {
			t.Errorf("%s: no revision frees less than its size: the test cache shares nothing", name)
		}
	}
}

// A blob another repo links to is freed by neither repo: the executor
// never removes a file of another repo's folder, and the repo holding it
// keeps using it.
func TestFreedIfDeletedAcrossRepos(t *testing.T) {
	needSymlinks(t)
	c := scanFiles(t, fileCache(t, true), true)
	f := FreedIfDeleted(c)
	want := map[string]int64{
		"org/other": 0,
		// gguf: every blob but g3 (3000), which org/other uses.
		"org/gguf": 36000 - 3000 + 7 + 6,
		"org/win":  12,
	}
	for _, repo := range c.Repos {
		if got := f.Repos[repo]; got != want[repo.ID] {
			t.Errorf("repo %s frees %d, want %d", repo.ID, got, want[repo.ID])
		}
	}
	_, r1 := findRepoRev(t, c, ggufRepo, fileRev1)
	// r1 alone: q2..q8 (g1 is r2's too, g3 the other repo's), and tok.
	if got, want := f.Revisions[r1], int64(36000-1000-3000+6); got != want {
		t.Errorf("r1 frees %d, want %d", got, want)
	}
}
