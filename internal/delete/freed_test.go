package delete

import (
	"fmt"
	"path/filepath"
	"strings"
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

// A repo whose snapshot links into another repo's blobs/ (a hand-made
// link across repos): deleting it whole removes the link, never the other
// repo's blob, so neither the plan, nor the freed-if-deleted figures, nor
// the execution count it; the plan's figure is what the disk really lost.
func TestCrossRepoLinkNotCountedAsFreed(t *testing.T) {
	needSymlinks(t)
	const a, b = "models--acme--a", "models--acme--b"
	for _, otherUses := range []bool{true, false} {
		t.Run(fmt.Sprintf("the other repo uses the blob: %v", otherUses), func(t *testing.T) {
			dir := t.TempDir()
			var tr cachetest.Tree
			tr.AddRepo(a)
			tr.AddBlob(a, "x", 0, []byte(strings.Repeat("x", 3000)), 10, 10)
			tr.AddBlob(a, "y", 0, []byte("y"), 10, 10)
			tr.AddSnapshotFile(a, r1, "y.bin", "y")
			if otherUses {
				tr.AddSnapshotFile(a, r1, "x.bin", "x")
			}
			tr.AddRef(a, "main", r1)
			tr.AddRepo(b)
			tr.AddBlob(b, "own", 0, []byte(strings.Repeat("o", 100)), 10, 10)
			tr.AddSnapshotFile(b, r2, "own.bin", "own")
			tr.Add(cachetest.Entry{Kind: cachetest.Symlink, Path: b + "/snapshots/" + r2 + "/x.bin", Target: "../../../" + a + "/blobs/x"})
			tr.AddRef(b, "main", r2)
			if err := tr.Build(dir, time.Now()); err != nil {
				t.Fatal(err)
			}
			c := mustScan(t, dir)
			var repoB *scan.Repo
			for _, r := range c.Repos {
				if filepath.Base(r.Path) == b {
					repoB = r
				}
			}
			if repoB == nil || len(repoB.Revisions) != 1 {
				t.Fatalf("no repo %s in %v", b, warningMsgs(c))
			}
			freed := FreedIfDeleted(c)
			if got := freed.Repos[repoB]; got != 100 {
				t.Errorf("freed if the repo is deleted: %d, want 100", got)
			}
			if got := freed.Revisions[repoB.Revisions[0]]; got != 100 {
				t.Errorf("freed if the revision is deleted: %d, want 100", got)
			}
			plan := PlanRevisions(c, []string{r2})
			if len(plan.Repos) != 1 || plan.ExpectedFreedSize != 100 {
				t.Fatalf("plan removes %v and frees %d, want the repo and 100", plan.Repos, plan.ExpectedFreedSize)
			}
			// Blob bytes: the refs file (40 bytes) counts for no one.
			blobBytes := func() int64 {
				n := cachetest.DiskBytes(t, filepath.Join(dir, a, "blobs"))
				if exists(filepath.Join(dir, b)) {
					n += cachetest.DiskBytes(t, filepath.Join(dir, b, "blobs"))
				}
				return n
			}
			before := blobBytes()
			res := Execute(plan, ExecOptions{})
			lost := before - blobBytes()
			if !res.OK() || res.FreedSize != plan.ExpectedFreedSize || lost != plan.ExpectedFreedSize {
				t.Fatalf("planned %d, executor reports %d, disk lost %d (failures %v)", plan.ExpectedFreedSize, res.FreedSize, lost, res.Failures)
			}
			if !exists(filepath.Join(dir, a, "blobs", "x")) {
				t.Fatal("the other repo's blob was removed")
			}
		})
	}
}
