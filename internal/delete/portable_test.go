package delete

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// The tests of this file need no symbolic link: they run the same on
// Linux, macOS and Windows (and under wine), on caches made of plain
// copies as huggingface_hub writes them on Windows without symlink rights.
// Run as a Windows program they check that a deletion leaves the same
// files there as on Linux: the expected listings are spelled out here,
// not computed on the platform.

// windowsCache builds the `windows` preset of the compatibility kit
// without its three links (datasets--acme--win-mixed keeps its copied
// file; models--acme--linux-model keeps an empty snapshot).
func windowsCache(t *testing.T) string {
	t.Helper()
	tree, err := cachetest.Load(filepath.Join(cachetest.CompatDir(t), "trees", "windows.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var copies cachetest.Tree
	for _, e := range tree {
		if e.Kind != cachetest.Symlink {
			copies = append(copies, e)
		}
	}
	dir := t.TempDir()
	if err := copies.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	return dir
}

// listing is every path below dir, '/'-separated, folders with a
// trailing '/'.
func listing(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if info.IsDir() {
			rel += "/"
		}
		out = append(out, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// without is before minus the paths equal to or below one of gone.
func without(before []string, gone ...string) []string {
	var out []string
next:
	for _, p := range before {
		for _, g := range gone {
			if p == g || p == g+"/" || strings.HasPrefix(p, g+"/") {
				continue next
			}
		}
		out = append(out, p)
	}
	return out
}

func pick(t *testing.T, c *scan.Cache, folder string, hashes ...string) scan.Selection {
	t.Helper()
	for _, repo := range c.Repos {
		if filepath.Base(repo.Path) != folder {
			continue
		}
		s := scan.Selection{Repo: repo}
		for _, rev := range repo.Revisions {
			for _, h := range hashes {
				if rev.Hash == h {
					s.Revisions = append(s.Revisions, rev)
				}
			}
		}
		if len(s.Revisions) != len(hashes) {
			t.Fatalf("%s holds %d of %v", folder, len(s.Revisions), hashes)
		}
		return s
	}
	t.Fatalf("no repo %s", folder)
	return scan.Selection{}
}

const (
	winMain  = "a5ff5c11b47d78c01ee8064da712302a59043da5"
	winPR    = "f4e81619f86c91078ccc83f235f00c0e84864907"
	winMixed = "4a568d7aa675de443b46ed95653255f8e6833607"
)

// TestWindowsPresetDeletions: what `rm <revision> -y`, `prune -y` and
// `delete-cache --plain` ask of the executor, on the windows preset. The
// files left are the same on every platform.
func TestWindowsPresetDeletions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		picks func(t *testing.T, c *scan.Cache) []scan.Selection
		gone  []string
		whole int
		revs  int
	}{
		{
			name: "rm revision", // hfcache rm f4e8... -y
			picks: func(t *testing.T, c *scan.Cache) []scan.Selection {
				return []scan.Selection{pick(t, c, "models--acme--win-model", winPR)}
			},
			gone: []string{"models--acme--win-model/refs/refs/pr/1", "models--acme--win-model/snapshots/" + winPR},
			revs: 1,
		},
		{
			name: "prune", // hfcache prune -y: the detached revision
			setup: func(t *testing.T, dir string) {
				if err := os.Remove(filepath.Join(dir, "models--acme--win-model", "refs", "refs", "pr", "1")); err != nil {
					t.Fatal(err)
				}
			},
			picks: func(t *testing.T, c *scan.Cache) []scan.Selection {
				var out []scan.Selection
				for _, repo := range c.Repos {
					s := scan.Selection{Repo: repo}
					for _, rev := range repo.Revisions {
						if rev.Detached() {
							s.Revisions = append(s.Revisions, rev)
						}
					}
					if len(s.Revisions) > 0 {
						out = append(out, s)
					}
				}
				return out
			},
			gone: []string{"models--acme--win-model/refs/refs/pr/1", "models--acme--win-model/snapshots/" + winPR},
			revs: 1,
		},
		{
			name: "plain", // hfcache delete-cache --plain: a whole repo and one more
			picks: func(t *testing.T, c *scan.Cache) []scan.Selection {
				return []scan.Selection{
					pick(t, c, "models--acme--win-model", winMain, winPR),
					pick(t, c, "datasets--acme--win-mixed", winMixed),
				}
			},
			gone:  []string{"models--acme--win-model", "datasets--acme--win-mixed"},
			whole: 2,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := windowsCache(t)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			before := listing(t, dir)
			c := mustScan(t, dir)
			warned := len(c.Warnings)
			res := Execute(PlanSelected(c, tc.picks(t, c)), ExecOptions{})
			if !res.OK() || res.ReposDeleted != tc.whole || res.RevisionsDeleted != tc.revs {
				t.Fatalf("result %+v", res)
			}
			got, want := listing(t, dir), without(before, tc.gone...)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("left:\n%s\n--- want:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if after := mustScan(t, dir); len(after.Warnings) != warned {
				t.Errorf("warnings after: %v", warningMsgs(after))
			}
		})
	}
}

// TestLockedRepoPortable: a download lock held through another open file
// (flock on Unix, LockFileEx on the byte Python's filelock locks on
// Windows) keeps its repo untouched; once released the deletion goes.
func TestLockedRepoPortable(t *testing.T) {
	t.Parallel()
	dir := windowsCache(t)
	lockDir := filepath.Join(dir, ".locks", "models--acme--win-model")
	if err := os.MkdirAll(lockDir, 0o755); err != nil {
		t.Fatal(err)
	}
	lockPath := filepath.Join(lockDir, "x.lock")
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := tryLockFile(f); err != nil {
		t.Fatal(err)
	}
	before := listing(t, filepath.Join(dir, "models--acme--win-model"))
	c := mustScan(t, dir)
	plan := PlanSelected(c, []scan.Selection{pick(t, c, "models--acme--win-model", winPR)})
	res := Execute(plan, ExecOptions{lockWait: 200 * time.Millisecond}) // a download: held longer than that
	if res.OK() || len(res.Locked) != 1 {
		t.Fatalf("held lock not seen: %+v", res)
	}
	if got := listing(t, filepath.Join(dir, "models--acme--win-model")); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Fatal("locked repo changed")
	}
	held, err := LockHeld(lockPath)
	if err != nil || !held {
		t.Errorf("LockHeld = %v, %v", held, err)
	}
	f.Close()
	if held, err := LockHeld(lockPath); err != nil || held {
		t.Errorf("after release LockHeld = %v, %v", held, err)
	}
	res = Execute(plan, ExecOptions{})
	if !res.OK() || exists(filepath.Join(dir, "models--acme--win-model", "snapshots", winPR)) {
		t.Fatalf("after release: %+v", res)
	}
}

// TestJournalLivenessPortable: a running operation's journal is never
// taken for a dead one (Recover leaves it), a dead one is completed, and
// the journal is closed before it is removed (Windows refuses to remove
// an open file).
func TestJournalLivenessPortable(t *testing.T) {
	t.Parallel()
	dir := windowsCache(t)
	h, err := openHandles(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer h.close()
	op, err := startOperation(h, &ExecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(op.trash.path, op.id+".journal")
	if n := Recover(dir, scan.Options{}); n != 0 || !exists(journal) || !exists(op.dir.path) {
		t.Fatalf("Recover took a live journal (%d)", n)
	}
	if r := TrashRemains(dir); len(r.Dead) != 0 {
		t.Errorf("a live operation reported as remains: %+v", r)
	}
	op.finish()
	if exists(op.trash.path) {
		t.Fatalf("trash left after finish: %v", listing(t, filepath.Join(dir, ".locks")))
	}
	// A dead run's journal and folder: reported, then reclaimed.
	trash := filepath.Join(dir, ".locks", trashName())
	if err := os.MkdirAll(filepath.Join(trash, "7-dead", "1"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(trash, "7-dead", "1", "x"), []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(trash, "7-dead.journal"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := TrashRemains(dir); len(r.Dead) != 1 || r.Size != 5 {
		t.Fatalf("remains %+v", r)
	}
	if r := ReclaimTrash(dir, scan.Options{}); r.Removed != 1 || r.Freed != 5 || !r.OK() || exists(trash) {
		t.Fatalf("ReclaimTrash = %+v; trash left %v", r, exists(trash))
	}
}

// TestConcurrentExecutorsPortable: two runs deleting the same revisions
// of the windows preset at once both succeed (attack 7, on every
// platform: on Windows the journal, the trash and the handles are shared
// with another run).
func TestConcurrentExecutorsPortable(t *testing.T) {
	t.Parallel()
	for round := 0; round < 5; round++ {
		dir := windowsCache(t)
		before := listing(t, dir)
		c := mustScan(t, dir)
		picks := []scan.Selection{
			pick(t, c, "models--acme--win-model", winPR),
			pick(t, c, "datasets--acme--win-mixed", winMixed),
		}
		done := make(chan *Result, 2)
		for i := 0; i < 2; i++ {
			plan := PlanSelected(c, picks)
			go func() { done <- Execute(plan, ExecOptions{}) }()
		}
		for i := 0; i < 2; i++ {
			if res := <-done; !res.OK() {
				t.Fatalf("round %d: %v, locked %v", round, res.Failures, res.Locked)
			}
		}
		want := without(before, "models--acme--win-model/refs/refs/pr/1", "models--acme--win-model/snapshots/"+winPR, "datasets--acme--win-mixed")
		got := listing(t, dir)
		if len(got) > 0 && got[0] == ".locks/" && (len(got) == 1 || !strings.HasPrefix(got[1], ".locks/")) {
			// An empty .locks the other run created and could not remove
			// while this one used it: ignored by every tool.
			got = got[1:]
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("round %d left:\n%s", round, strings.Join(got, "\n"))
		}
	}
}
