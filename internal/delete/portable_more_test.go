package delete

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// These run on every platform, without links (they pass as a Windows
// program under wine too).

// TestDeleteFilesPortable: single files of a Windows-style revision
// (plain files in the snapshot folder) go through the pinned executor:
// the file goes, its bytes are counted, the rest of the revision and the
// other revision stay, the cache scans without a warning.
func TestDeleteFilesPortable(t *testing.T) {
	t.Parallel()
	dir := winFilesCache(t)
	c := scanFiles(t, dir, true)
	repo, rev := findRepoRev(t, c, winFilesRepo, winW1)
	plan, err := PlanFiles(c, []FileSelection{{Repo: repo, Revision: rev, Names: []string{"plain.bin"}}})
	if err != nil {
		t.Fatal(err)
	}
	res := ExecuteFiles(plan, ExecOptions{})
	if !res.OK() || res.Removed != 1 || res.FreedSize != 8 || plan.ExpectedFreedSize != 8 {
		t.Fatalf("planned %d; result %+v", plan.ExpectedFreedSize, res)
	}
	snap := filepath.Join(dir, winFilesRepo, "snapshots")
	if exists(filepath.Join(snap, winW1, "plain.bin")) || !exists(filepath.Join(snap, winW1, "sub", "keep.bin")) || !exists(filepath.Join(snap, winW2, "plain.bin")) {
		t.Fatalf("wrong files left: %v", listing(t, snap))
	}
	if w := warningMsgs(scanFiles(t, dir, true)); len(w) != 0 {
		t.Fatalf("warnings: %v", w)
	}
}

// TestConcurrentFileExecutorsPortable: two runs deleting the same files
// at once both succeed: the second waits for the repo's download locks
// the first holds for a moment, then finds the files gone (not a
// failure); the bytes freed are counted once.
func TestConcurrentFileExecutorsPortable(t *testing.T) {
	t.Parallel()
	for round := 0; round < 5; round++ {
		dir := winFilesCache(t)
		lockDir := filepath.Join(dir, ".locks", winFilesRepo)
		if err := os.MkdirAll(lockDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(lockDir, "plain.lock"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		c := scanFiles(t, dir, true)
		repo, rev := findRepoRev(t, c, winFilesRepo, winW1)
		sel := []FileSelection{{Repo: repo, Revision: rev, Names: []string{"plain.bin", "sub/keep.bin"}}}
		done := make(chan *Result, 2)
		for i := 0; i < 2; i++ {
			plan, err := PlanFiles(c, sel)
			if err != nil {
				t.Fatal(err)
			}
			go func() { done <- ExecuteFiles(plan, ExecOptions{}) }()
		}
		var freed int64
		for i := 0; i < 2; i++ {
			res := <-done
			if !res.OK() || len(res.Locked) > 0 {
				t.Fatalf("round %d: failures %v, locked %v", round, res.Failures, res.Locked)
			}
			freed += res.FreedSize
		}
		if freed != 12 {
			t.Fatalf("round %d: freed %d in all, want 12", round, freed)
		}
		snap := filepath.Join(dir, winFilesRepo, "snapshots")
		if exists(filepath.Join(snap, winW1, "plain.bin")) || exists(filepath.Join(snap, winW1, "sub", "keep.bin")) || !exists(filepath.Join(snap, winW2, "plain.bin")) {
			t.Fatalf("round %d: wrong files left: %v", round, listing(t, snap))
		}
	}
}

// The Windows-style cache of the file tests above: models--org--win,
// revision winW1 (main) holding plain.bin ("windows!") and sub/keep.bin
// ("kept"), winW2 (dev) holding plain.bin, all plain files.
const winFilesRepo = "models--org--win"

var (
	winW1 = strings.Repeat("d", 40)
	winW2 = strings.Repeat("e", 40)
)

func winFilesCache(t *testing.T) string {
	t.Helper()
	const f = winFilesRepo
	w1, w2 := winW1, winW2
	dir := t.TempDir()
	var tr cachetest.Tree
	tr.AddRepo(f)
	for _, e := range []struct{ rev, name, content string }{
		{w1, "plain.bin", "windows!"},
		{w1, "sub/keep.bin", "kept"},
		{w2, "plain.bin", "windows!"},
	} {
		tr.Add(cachetest.Entry{Kind: cachetest.File, Path: f + "/snapshots/" + e.rev + "/" + e.name, Content: []byte(e.content), ATimeAgo: 60, MTimeAgo: 60})
	}
	tr.AddRef(f, "main", w1)
	tr.AddRef(f, "dev", w2)
	if err := tr.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestOtherAccountTrashPortable: the running account's trash is named
// after it; another account's trash holding a dead run's remains does not
// block a deletion, is reported (as another account's, or, for root, as
// remains it reclaims) and is reclaimed only by root.
func TestOtherAccountTrashPortable(t *testing.T) {
	t.Parallel()
	name := trashName()
	t.Logf("this account's trash: %s", name)
	tag := strings.TrimPrefix(name, trashDir+"-")
	if tag == "" || tag == name || strings.ContainsAny(tag, `/\:*?"<>|_. `) {
		t.Fatalf("trash name %q", name)
	}
	dir := windowsCache(t)
	other := filepath.Join(dir, ".locks", trashDir+"-someone-else")
	if err := os.MkdirAll(filepath.Join(other, "9-dead", "1"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "9-dead", "1", "x"), []byte("123"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(other, 0o700); err != nil {
		t.Fatal(err)
	}
	r := TrashRemains(dir)
	if isRoot() {
		if len(r.Dead) != 1 || r.Size != 3 || len(r.Others) != 0 {
			t.Fatalf("remains as root %+v", r)
		}
	} else if len(r.Dead) != 0 || len(r.Others) != 1 || r.Others[0].Count != 1 || r.Others[0].Size != 3 || r.Others[0].Path != other {
		t.Fatalf("remains %+v", r)
	}
	// A partial deletion needs a trash: its own.
	c := mustScan(t, dir)
	var sel []scan.Selection
	for _, repo := range c.Repos {
		if len(repo.Revisions) > 1 {
			sel = append(sel, scan.Selection{Repo: repo, Revisions: repo.Revisions[:1]})
			break
		}
	}
	if len(sel) == 0 {
		t.Fatal("the windows preset has no repo with two revisions")
	}
	res := Execute(PlanSelected(c, sel), ExecOptions{})
	if !res.OK() || res.RevisionsDeleted != 1 {
		t.Fatalf("deletion with another account's trash present: %+v", res)
	}
	if exists(filepath.Join(dir, ".locks", name)) {
		t.Fatal("the run's trash was left")
	}
	if got := exists(filepath.Join(other, "9-dead")); got == isRoot() {
		t.Fatalf("another account's remains left: %v, running as root: %v", got, isRoot())
	}
}
