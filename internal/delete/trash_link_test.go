package delete

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hfcache/hfcache/internal/scan"
)

// TestTrashLinkRefused: when <cache>/.locks/.hfcache-trash (or .locks) is
// a link to a folder elsewhere (planted by someone sharing the cache),
// neither Recover nor Execute touches that folder: Recover would otherwise
// remove every sub-folder without a journal, and Execute would move
// snapshots there. A link under the account's trash name is left alone
// and the run makes a trash of its own (the link must not block its
// deletions); a linked .locks leaves no trash to use: the partial
// deletion is refused, with the reason.
func TestTrashLinkRefused(t *testing.T) {
	for _, linked := range []string{".locks/" + trashName(), ".locks"} {
		t.Run(linked, func(t *testing.T) {
			partialRefused := linked == ".locks"
			dir, repo := repoTree(t)
			victim := t.TempDir()
			home := victim
			if linked == ".locks" {
				home = filepath.Join(victim, trashName())
			}
			if err := os.MkdirAll(filepath.Join(home, "documents"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(home, "documents", "thesis.tex"), []byte("years"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(linked)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(victim, filepath.Join(dir, linked)); err != nil {
				t.Fatal(err)
			}
			before := treeListing(victim)
			if n := Recover(dir, scan.Options{}); n != 0 {
				t.Errorf("Recover = %d", n)
			}
			res := Execute(PlanRevisions(mustScan(t, dir), []string{r2}), ExecOptions{})
			if got := treeListing(victim); len(got) != len(before) {
				t.Fatalf("folder behind the linked trash changed:\n%v\n--- was\n%v", got, before)
			}
			if partialRefused {
				if res.OK() || len(res.Failures) != 1 || !errors.Is(res.Failures[0].Err, ErrLinkedTrash) {
					t.Fatalf("res %+v", res)
				}
				if !exists(filepath.Join(repo, "snapshots", r2)) {
					t.Error("revision removed without a usable trash")
				}
			} else {
				if !res.OK() || res.RevisionsDeleted != 1 {
					t.Fatalf("the link under the trash's name blocked the deletion: %+v", res)
				}
				if st, err := os.Lstat(filepath.Join(dir, linked)); err != nil || st.Mode()&os.ModeSymlink == 0 {
					t.Fatalf("the planted link was changed: %v", err)
				}
				if matches, _ := filepath.Glob(filepath.Join(dir, ".locks", trashDir+"*")); len(matches) != 1 {
					t.Fatalf("the run's own trash was left behind: %v", matches)
				}
			}
			// A whole repo is emptied in place instead.
			res = Execute(PlanRevisions(mustScan(t, dir), []string{r1, r2}), ExecOptions{})
			if !res.OK() || exists(repo) {
				t.Fatalf("whole repo: %+v", res)
			}
			if got := treeListing(victim); len(got) != len(before) {
				t.Fatalf("folder behind the linked trash changed:\n%v", got)
			}
		})
	}
}
