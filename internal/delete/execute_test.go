package delete

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

func buildPreset(t *testing.T, preset string) string {
	t.Helper()
	needSymlinks(t)
	dir := t.TempDir()
	tree, err := cachetest.Load(filepath.Join(cachetest.CompatDir(t), "trees", preset+".tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := tree.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	return dir
}

func mustScan(t *testing.T, dir string) *scan.Cache {
	t.Helper()
	c, err := scan.Dir(dir, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func hashesOf(t *testing.T, preset, name string) []string {
	cmdTxt, _ := cachetest.Golden(t, "0.21", preset, name+".cmd.txt")
	var hashes []string
	for _, line := range strings.Split(cmdTxt, "\n") {
		if strings.HasPrefix(line, "cmd: ") {
			for _, w := range strings.Fields(line) {
				if len(w) == 40 && strings.Trim(w, "0123456789abcdef") == "" {
					hashes = append(hashes, w)
				}
			}
		}
	}
	return hashes
}

// TestExecuteMatchesUpstreamAfter: executing the plan of every
// api-delete-* case leaves the cache listed in its .after.txt, with no
// failure (upstream logs one failure per file of a Windows-style snapshot;
// hfcache has none) and no new scan warning.
func TestExecuteMatchesUpstreamAfter(t *testing.T) {
	for _, c := range []struct{ preset, name string }{
		{"small", "api-delete-revisions"},
		{"corrupt", "api-delete-revisions"},
		{"windows", "api-delete-one-copied-revision"},
	} {
		t.Run(c.preset, func(t *testing.T) {
			dir := buildPreset(t, c.preset)
			before := mustScan(t, dir)
			plan := PlanRevisions(before, hashesOf(t, c.preset, c.name))
			stderr, _ := cachetest.Golden(t, "0.21", c.preset, c.name+".stderr.txt")
			wantNotFound := ""
			for _, l := range strings.Split(stderr, "\n") {
				if rest, ok := strings.CutPrefix(l, "Revision(s) not found - cannot delete them: "); ok {
					wantNotFound = rest
				}
			}
			if got := strings.Join(plan.NotFound, ", "); got != wantNotFound {
				t.Errorf("not found %q, upstream %q", got, wantNotFound)
			}
			res := Execute(plan, ExecOptions{})
			if !res.OK() || len(res.Skipped) != 0 {
				t.Fatalf("failures %v, skipped %v", res.Failures, res.Skipped)
			}
			if res.FreedSize != plan.ExpectedFreedSize {
				t.Errorf("freed %d, expected %d", res.FreedSize, plan.ExpectedFreedSize)
			}
			if res.ReposDeleted != len(plan.Repos) || res.RevisionsDeleted != len(plan.Snapshots) {
				t.Errorf("deleted %d repos %d revisions, plan %d %d", res.ReposDeleted, res.RevisionsDeleted, len(plan.Repos), len(plan.Snapshots))
			}
			want, _ := cachetest.Golden(t, "0.21", c.preset, c.name+".after.txt")
			if got := cachetest.Listing(t, dir); got != want {
				t.Errorf("cache after differs\n--- got\n%s\n--- want\n%s", got, want)
			}
			after := mustScan(t, dir)
			if !reflect.DeepEqual(warningMsgs(after), warningMsgs(before)) {
				t.Errorf("warnings changed: %v -> %v", warningMsgs(before), warningMsgs(after))
			}
		})
	}
}

func warningMsgs(c *scan.Cache) []string {
	var w []string
	for _, e := range c.Warnings {
		w = append(w, e.Msg)
	}
	return w
}

// repoTree is a cache with one model repo "models--acme--m": revisions
// r1 (ref main) and r2 (detached) sharing blob "shared"; r1 also has "only1",
// r2 "only2".
const (
	r1 = "1111111111111111111111111111111111111111"
	r2 = "2222222222222222222222222222222222222222"
	r3 = "3333333333333333333333333333333333333333"
)

func repoTree(t *testing.T) (dir, repo string) {
	t.Helper()
	needSymlinks(t)
	dir = t.TempDir()
	var tr cachetest.Tree
	f := "models--acme--m"
	tr.AddRepo(f)
	tr.AddBlob(f, "shared", 0, []byte("shared"), 10, 10)
	tr.AddBlob(f, "only1", 0, []byte("one"), 10, 10)
	tr.AddBlob(f, "only2", 0, []byte("two!"), 10, 10)
	tr.AddSnapshotFile(f, r1, "a.txt", "shared")
	tr.AddSnapshotFile(f, r1, "sub/b.txt", "only1")
	tr.AddSnapshotFile(f, r2, "a.txt", "shared")
	tr.AddSnapshotFile(f, r2, "c.txt", "only2")
	tr.AddRef(f, "main", r1)
	if err := tr.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	return dir, filepath.Join(dir, f)
}

// revisionIn finds revision hash of the repo folder repoPath in c.
func revisionIn(c *scan.Cache, repoPath, hash string) *scan.Revision {
	for _, repo := range c.Repos {
		if repo.Path != repoPath {
			continue
		}
		for _, rev := range repo.Revisions {
			if rev.Hash == hash {
				return rev
			}
		}
	}
	return nil
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// TestExecuteSharedBlobSurvives: deleting r1 removes its ref, snapshot and
// its own blob; the blob r2 shares survives and r2 still resolves.
func TestExecuteSharedBlobSurvives(t *testing.T) {
	dir, repo := repoTree(t)
	plan := PlanRevisions(mustScan(t, dir), []string{r1})
	res := Execute(plan, ExecOptions{})
	if !res.OK() {
		t.Fatal(res.Failures)
	}
	for p, want := range map[string]bool{
		"refs/main": false, "snapshots/" + r1: false, "blobs/only1": false,
		"blobs/shared": true, "blobs/only2": true, "snapshots/" + r2 + "/a.txt": true,
	} {
		if exists(filepath.Join(repo, p)) != want {
			t.Errorf("%s exists = %v, want %v", p, !want, want)
		}
	}
	if _, err := os.ReadFile(filepath.Join(repo, "snapshots", r2, "a.txt")); err != nil {
		t.Error(err)
	}
	if c := mustScan(t, dir); len(c.Warnings) != 0 || len(c.Repos) != 1 {
		t.Errorf("after: %d repos, warnings %v", len(c.Repos), warningMsgs(c))
	}
	if res.FreedSize != 3 || res.RevisionsDeleted != 1 {
		t.Errorf("freed %d, revisions %d", res.FreedSize, res.RevisionsDeleted)
	}
}

// TestExecuteOutsideLinkTargetSurvives: a snapshot link pointing outside
// the cache (and one pointing into another repo) is removed, its target
// is not, and the kept target is reported.
func TestExecuteOutsideLinkTargetSurvives(t *testing.T) {
	dir, repo := repoTree(t)
	outside := filepath.Join(t.TempDir(), "precious.bin")
	if err := os.WriteFile(outside, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(repo, "snapshots", r2, "evil.bin")); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "models--acme--other")
	var tr cachetest.Tree
	tr.AddRepo("models--acme--other")
	tr.AddBlob("models--acme--other", "theirs", 0, []byte("theirs"), 1, 1)
	tr.AddSnapshotFile("models--acme--other", r3, "x", "theirs")
	if err := tr.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../../models--acme--other/blobs/theirs", filepath.Join(repo, "snapshots", r2, "borrowed")); err != nil {
		t.Fatal(err)
	}
	plan := PlanRevisions(mustScan(t, dir), []string{r2})
	// Upstream's rules would plan the outside target for deletion and
	// count it as freed; hfcache's plan lists it apart.
	if contains(plan.Blobs, outside) || !contains(plan.Outside, outside) {
		t.Fatalf("outside target planned for deletion: blobs %v, outside %v", plan.Blobs, plan.Outside)
	}
	if plan.ExpectedFreedSize != int64(len("two!")) { // only2 alone
		t.Errorf("expected freed size %d counts files that stay", plan.ExpectedFreedSize)
	}
	res := Execute(plan, ExecOptions{})
	if !res.OK() {
		t.Fatal(res.Failures)
	}
	if data, err := os.ReadFile(outside); err != nil || string(data) != "precious" {
		t.Fatalf("outside target damaged: %q %v", data, err)
	}
	if !exists(filepath.Join(other, "blobs", "theirs")) {
		t.Fatal("other repo's blob deleted")
	}
	if exists(filepath.Join(repo, "snapshots", r2)) || exists(filepath.Join(repo, "blobs", "only2")) {
		t.Error("r2 not deleted")
	}
	var reason error
	for _, s := range res.Skipped {
		if s.Path == outside {
			reason = s.Reason
		}
	}
	if !errors.Is(reason, ErrOutsideCache) {
		t.Errorf("outside target not reported as kept: %v", res.Skipped)
	}
	if len(plan.Protected) != 1 || plan.Protected[0] != filepath.Join(other, "blobs", "theirs") {
		t.Errorf("protected %v", plan.Protected)
	}
	// Whole repo: the link goes with the folder, the target stays.
	if err := os.Symlink(outside, filepath.Join(repo, "snapshots", r1, "evil2")); err != nil {
		t.Fatal(err)
	}
	res = Execute(PlanRevisions(mustScan(t, dir), []string{r1}), ExecOptions{})
	if !res.OK() || exists(repo) || res.ReposDeleted != 1 {
		t.Fatalf("whole repo: %v, exists %v", res.Failures, exists(repo))
	}
	if !exists(outside) {
		t.Fatal("outside target deleted with the repo")
	}
}

// TestExecuteLinkedBlobsFolder: when blobs/ is a link to another folder,
// nothing is removed through it.
func TestExecuteLinkedBlobsFolder(t *testing.T) {
	dir, repo := repoTree(t)
	elsewhere := t.TempDir()
	if err := os.Rename(filepath.Join(repo, "blobs"), filepath.Join(elsewhere, "blobs")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(elsewhere, "blobs"), filepath.Join(repo, "blobs")); err != nil {
		t.Fatal(err)
	}
	plan := PlanRevisions(mustScan(t, dir), []string{r1})
	res := Execute(plan, ExecOptions{})
	if !exists(filepath.Join(elsewhere, "blobs", "only1")) {
		t.Fatal("blob removed through a linked folder")
	}
	if res.OK() && len(res.Skipped) == 0 {
		t.Error("kept blob not reported")
	}
}

// TestExecuteRevalidates: revisions that appear between the plan and the
// execution keep their blobs, and a whole-repo plan then keeps the repo.
func TestExecuteRevalidates(t *testing.T) {
	t.Run("partial", func(t *testing.T) {
		dir, repo := repoTree(t)
		plan := PlanRevisions(mustScan(t, dir), []string{r2})
		if !contains(plan.Blobs, filepath.Join(repo, "blobs", "only2")) {
			t.Fatalf("plan blobs %v", plan.Blobs)
		}
		// A new revision r3 now uses only2.
		var tr cachetest.Tree
		tr.AddSnapshotFile("models--acme--m", r3, "c.txt", "only2")
		if err := tr.Build(dir, time.Now()); err != nil {
			t.Fatal(err)
		}
		res := Execute(plan, ExecOptions{})
		if !res.OK() {
			t.Fatal(res.Failures)
		}
		if !exists(filepath.Join(repo, "blobs", "only2")) {
			t.Fatal("blob of a revision that appeared meanwhile deleted")
		}
		if exists(filepath.Join(repo, "snapshots", r2)) {
			t.Error("r2 not deleted")
		}
		if c := mustScan(t, dir); len(c.Warnings) != 0 {
			t.Error(warningMsgs(c))
		}
	})
	t.Run("whole", func(t *testing.T) {
		dir, repo := repoTree(t)
		plan := PlanRevisions(mustScan(t, dir), []string{r1, r2})
		if len(plan.Repos) != 1 {
			t.Fatalf("plan %+v", plan)
		}
		var tr cachetest.Tree
		tr.AddSnapshotFile("models--acme--m", r3, "a.txt", "shared")
		tr.AddRef("models--acme--m", "v2", r3)
		tr.AddRef("models--acme--m", "also-r1", r1)
		if err := tr.Build(dir, time.Now()); err != nil {
			t.Fatal(err)
		}
		res := Execute(plan, ExecOptions{})
		if !res.OK() || res.ReposDeleted != 0 || res.RevisionsDeleted != 2 {
			t.Fatalf("res %+v", res)
		}
		c := mustScan(t, dir)
		if len(c.Warnings) != 0 || len(c.Repos) != 1 || len(c.Repos[0].Revisions) != 1 || c.Repos[0].Revisions[0].Hash != r3 {
			t.Fatalf("after: %+v %v", c.Repos, warningMsgs(c))
		}
		if !exists(filepath.Join(repo, "blobs", "shared")) || exists(filepath.Join(repo, "blobs", "only1")) {
			t.Error("wrong blobs kept")
		}
	})
}

// TestExecuteRefusesOutsidePlan: hand-made plans cannot reach outside the
// cache or outside the targeted repos.
func TestExecuteRefusesOutsidePlan(t *testing.T) {
	dir, repo := repoTree(t)
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	plan := &Plan{
		CacheDir: dir,
		Blobs:    []string{victim, filepath.Join(dir, "models--acme--m", "..", "..", filepath.Base(filepath.Dir(victim)), "victim"), filepath.Join(repo, "blobs", "only1")},
		Repos:    []string{dir},
	}
	res := Execute(plan, ExecOptions{})
	if !exists(victim) || !exists(filepath.Join(repo, "blobs", "only1")) || !exists(dir) {
		t.Fatal("removed something outside the targets")
	}
	if len(res.Skipped) != 3 { // the two spellings of victim are one path
		t.Errorf("skipped %v", res.Skipped)
	}
	res = Execute(&Plan{CacheDir: "", Repos: []string{repo}}, ExecOptions{})
	if res.OK() || !exists(repo) {
		t.Error("plan without cache dir executed")
	}
}

// TestExecuteLeavesNoTrash: the trash under .locks is removed, and .locks
// itself when it did not exist before.
func TestExecuteLeavesNoTrash(t *testing.T) {
	dir, _ := repoTree(t)
	res := Execute(PlanRevisions(mustScan(t, dir), []string{r1, r2}), ExecOptions{})
	if !res.OK() || res.ReposDeleted != 1 {
		t.Fatal(res)
	}
	if exists(filepath.Join(dir, ".locks")) {
		t.Error(".locks left behind")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
}

// TestRecoverCompletesInterruptedRun: a journal left by a killed run is
// completed: its blobs that no revision uses are removed, used ones kept,
// the trash cleared.
func TestRecoverCompletesInterruptedRun(t *testing.T) {
	dir, repo := repoTree(t)
	// As if killed after r2's snapshot was moved to the trash.
	root := filepath.Join(dir, ".locks", trashName())
	if err := os.MkdirAll(filepath.Join(root, "99-x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(repo, "snapshots", r2), filepath.Join(root, "99-x", "1")); err != nil {
		t.Fatal(err)
	}
	journal := repo + "\t" + filepath.Join(repo, "blobs", "only2") + "\n" +
		repo + "\t" + filepath.Join(repo, "blobs", "shared") + "\n" +
		repo + "\t" + filepath.Join(dir, "elsewhere") + "\n"
	if err := os.WriteFile(filepath.Join(root, "99-x.journal"), []byte(journal), 0o644); err != nil {
		t.Fatal(err)
	}
	if n := Recover(dir, scan.Options{}); n != 1 {
		t.Fatalf("recovered %d", n)
	}
	if exists(filepath.Join(repo, "blobs", "only2")) || !exists(filepath.Join(repo, "blobs", "shared")) {
		t.Error("wrong blobs after recovery")
	}
	if exists(root) {
		t.Error("trash left")
	}
	// A journal whose process still runs (locked) is left alone.
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	jp := filepath.Join(root, "1-live.journal")
	if err := os.WriteFile(jp, []byte(repo+"\t"+filepath.Join(repo, "blobs", "only1")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(jp)
	defer f.Close()
	if err := lockFile(f); err != nil {
		t.Fatal(err)
	}
	if n := Recover(dir, scan.Options{}); n != 0 || !exists(jp) {
		t.Error("live journal recovered")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestExecuteCrossRepoLink: a revision of another repo links to a blob of
// the repo being deleted (a hand-made cache). That blob stays, and so does
// the folder holding it, so the other revision still resolves.
func TestExecuteCrossRepoLink(t *testing.T) {
	dir, repo := repoTree(t)
	var tr cachetest.Tree
	tr.AddRepo("models--acme--other")
	tr.AddSnapshotDir("models--acme--other", r3)
	if err := tr.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../../models--acme--m/blobs/shared", filepath.Join(dir, "models--acme--other", "snapshots", r3, "x")); err != nil {
		t.Fatal(err)
	}
	plan := PlanRevisions(mustScan(t, dir), []string{r1, r2})
	if len(plan.Repos) != 0 || len(plan.Snapshots) != 2 || contains(plan.Blobs, filepath.Join(repo, "blobs", "shared")) {
		t.Fatalf("plan %+v", plan)
	}
	res := Execute(plan, ExecOptions{})
	if !res.OK() || res.RevisionsDeleted != 2 {
		t.Fatalf("res %+v", res)
	}
	c := mustScan(t, dir)
	if len(c.Warnings) != 0 {
		t.Fatal(warningMsgs(c))
	}
	if rev := revisionIn(c, filepath.Join(dir, "models--acme--other"), r3); rev == nil || rev.NbFiles != 1 {
		t.Error("the other repo's revision broke")
	}
	if exists(filepath.Join(repo, "blobs", "only1")) || !exists(filepath.Join(repo, "blobs", "shared")) {
		t.Error("wrong blobs left")
	}
}

// TestExecuteOddNames: file and blob names with spaces, unicode and line
// breaks are deleted like any other (a blob whose path cannot be written
// to the journal is still removed; only a crash would leave it behind).
func TestExecuteOddNames(t *testing.T) {
	needSymlinks(t)
	dir := t.TempDir()
	f := "models--org--ünï cödé"
	var tr cachetest.Tree
	tr.AddRepo(f)
	tr.AddBlob(f, "blob with space", 0, []byte("a"), 1, 1)
	tr.AddBlob(f, "blob\nnewline", 0, []byte("bb"), 1, 1)
	tr.AddBlob(f, "kept", 0, []byte("ccc"), 1, 1)
	tr.AddSnapshotFile(f, r1, "dîr/fi le.txt", "blob with space")
	tr.AddSnapshotFile(f, r1, "line\nbreak", "blob\nnewline")
	tr.AddSnapshotFile(f, r2, "k", "kept")
	tr.AddRef(f, "ref with space", r1)
	if err := tr.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	c := mustScan(t, dir)
	if len(c.Warnings) != 0 || len(c.Repos) != 1 {
		t.Fatalf("scan: %v", warningMsgs(c))
	}
	res := Execute(PlanRevisions(c, []string{r1}), ExecOptions{})
	if !res.OK() || res.FreedSize != 3 || res.RevisionsDeleted != 1 {
		t.Fatalf("res %+v", res)
	}
	want := strings.Join([]string{
		"d " + f + " - ", "d " + f + "/blobs - ", "d " + f + "/refs - ", "d " + f + "/snapshots - ",
		"d " + f + "/snapshots/" + r2 + " - ", "f " + f + "/blobs/kept 3 ",
		"l " + f + "/snapshots/" + r2 + "/k 16 ../../blobs/kept",
	}, "\n") + "\n"
	if got := cachetest.Listing(t, dir); got != want {
		t.Errorf("after:\n%s\nwant:\n%s", got, want)
	}
}
