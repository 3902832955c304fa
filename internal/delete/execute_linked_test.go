package delete

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestExecuteLinkedRefsAndSnapshotsFolders: when refs/ or snapshots/ is a
// link to a folder elsewhere, the scanner reads through it and the plan
// names paths below it; removing them would remove files outside the
// cache. The executor refuses (ErrLinkedParent), reports it, and leaves
// the folder elsewhere as it was.
func TestExecuteLinkedRefsAndSnapshotsFolders(t *testing.T) {
	for _, sub := range []string{"refs", "snapshots"} {
		t.Run(sub, func(t *testing.T) {
			dir, repo := repoTree(t)
			elsewhere := filepath.Join(t.TempDir(), sub)
			if err := os.Rename(filepath.Join(repo, sub), elsewhere); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(elsewhere, filepath.Join(repo, sub)); err != nil {
				t.Fatal(err)
			}
			// The snapshot links (../../blobs/x) resolve from there too.
			if err := os.Symlink(filepath.Join(repo, "blobs"), filepath.Join(filepath.Dir(elsewhere), "blobs")); err != nil {
				t.Fatal(err)
			}
			before := treeListing(elsewhere)
			// r1 has the ref main; deleting it (one of two revisions)
			// would remove refs/main and snapshots/r1.
			res := Execute(PlanRevisions(mustScan(t, dir), []string{r1}), ExecOptions{})
			if got := treeListing(elsewhere); len(got) != len(before) {
				t.Fatalf("removed through the linked %s/ folder:\n%v\n--- was\n%v", sub, got, before)
			}
			if res.OK() || res.RevisionsDeleted != 0 {
				t.Fatalf("res %+v", res)
			}
			linked := false
			for _, f := range res.Failures {
				linked = linked || errors.Is(f.Err, ErrLinkedParent)
			}
			if !linked {
				t.Errorf("no ErrLinkedParent failure: %+v", res.Failures)
			}
			if c := mustScan(t, dir); len(c.Warnings) != 0 || len(c.Repos) != 1 {
				t.Errorf("cache no longer valid: %v", warningMsgs(c))
			}
		})
	}
}
