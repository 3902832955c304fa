package delete

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// looseTree builds models--acme--a (revision r1 using "own", plus a blob
// "orphan" no snapshot of a uses) and models--acme--b, whose revision r2
// links to a's "orphan" when crossLink is set.
func looseTree(t *testing.T, crossLink bool) (dir, orphan string) {
	t.Helper()
	dir = t.TempDir()
	var tr cachetest.Tree
	tr.AddRepo("models--acme--a")
	tr.AddBlob("models--acme--a", "own", 0, []byte("own"), 10, 10)
	tr.AddBlob("models--acme--a", "orphan", 0, []byte("orphan"), 10, 10)
	tr.AddSnapshotFile("models--acme--a", r1, "own.txt", "own")
	tr.AddRepo("models--acme--b")
	tr.AddBlob("models--acme--b", "bown", 0, []byte("b"), 10, 10)
	tr.AddSnapshotFile("models--acme--b", r2, "b.txt", "bown")
	if err := tr.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	orphan = filepath.Join(dir, "models--acme--a", "blobs", "orphan")
	if crossLink {
		link := filepath.Join(dir, "models--acme--b", "snapshots", r2, "w.bin")
		if err := os.Symlink("../../../models--acme--a/blobs/orphan", link); err != nil {
			t.Fatal(err)
		}
	}
	return dir, orphan
}

func scanModern(t *testing.T, dir string) *scan.Cache {
	t.Helper()
	c, err := scan.Dir(dir, scan.Options{Modern: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func skippedFor(res *Result, path string) error {
	for _, s := range res.Skipped {
		if s.Path == path {
			return s.Reason
		}
	}
	return nil
}

// TestRemoveLooseKeepsUsedBlobs: a blob a revision uses is never removed
// as loose, whether a snapshot of another repo links to it (seen by the
// scan the caller made) or a snapshot of its own repo started using it
// after that scan (a download that found the blob in place and linked it
// while the prompt waited).
func TestRemoveLooseKeepsUsedBlobs(t *testing.T) {
	needSymlinks(t)
	tests := []struct {
		name       string
		crossLink  bool
		linkLater  bool
		wantKept   bool
		wantReason error
	}{
		{name: "unused", wantKept: false},
		{name: "other repo links to it", crossLink: true, wantKept: true, wantReason: ErrInUse},
		{name: "own repo links to it since the scan", linkLater: true, wantKept: true, wantReason: ErrInUse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, orphan := looseTree(t, tt.crossLink)
			c := scanModern(t, dir)
			if tt.linkLater {
				link := filepath.Join(dir, "models--acme--a", "snapshots", r1, "late.bin")
				if err := os.Symlink("../../blobs/orphan", link); err != nil {
					t.Fatal(err)
				}
			}
			res := RemoveLoose(c, []string{orphan}, ExecOptions{})
			if got := exists(orphan); got != tt.wantKept {
				t.Fatalf("orphan exists %v, want %v (result %+v)", got, tt.wantKept, res)
			}
			if tt.wantKept {
				if err := skippedFor(res, orphan); !errors.Is(err, tt.wantReason) {
					t.Errorf("skip reason %v, want %v", err, tt.wantReason)
				}
				if res.Removed != 0 {
					t.Errorf("removed %d", res.Removed)
				}
				return
			}
			if res.Removed != 1 || !res.OK() {
				t.Errorf("removed %d, failures %v", res.Removed, res.Failures)
			}
		})
	}
}

// TestExecuteKeepsScanRules: a plan made from a cache scanned with hf 1.x
// rules (which ignore OS junk such as snapshots/.DS_Store) is executed
// with the same rules; with 0.21 rules the repo would be refused as
// corrupted. A plan from a 0.21 scan keeps 0.21 rules.
func TestExecuteKeepsScanRules(t *testing.T) {
	for _, junk := range []string{"snapshots/.DS_Store", "snapshots/Thumbs.db"} {
		t.Run(junk, func(t *testing.T) {
			dir, repo := repoTree(t)
			if err := os.WriteFile(filepath.Join(repo, filepath.FromSlash(junk)), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			c := scanModern(t, dir)
			if len(c.Repos) != 1 {
				t.Fatalf("hf 1.x rules list %d repos, want 1", len(c.Repos))
			}
			res := Execute(PlanRevisions(c, []string{r2}), ExecOptions{})
			if !res.OK() || res.RevisionsDeleted != 1 || exists(filepath.Join(repo, "snapshots", r2)) {
				t.Fatalf("failures %v, skipped %v, %d revision(s) deleted", res.Failures, res.Skipped, res.RevisionsDeleted)
			}
			if legacy := mustScan(t, dir); len(legacy.Repos) != 0 || PlanRevisions(legacy, []string{r1}).Modern {
				t.Errorf("0.21 rules: %d repos", len(legacy.Repos))
			}
		})
	}
}
