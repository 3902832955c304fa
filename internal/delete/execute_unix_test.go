//go:build unix

package delete

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// TestExecuteLockedRepo: while another open file holds a download lock of
// the repo, the repo is left alone and reported; once released it goes.
func TestExecuteLockedRepo(t *testing.T) {
	dir, repo := repoTree(t)
	f, lockPath := holdLock(t, dir, "only1.lock")
	plan := PlanRevisions(mustScan(t, dir), []string{r1})
	res := Execute(plan, ExecOptions{lockWait: -1})
	if res.OK() || len(res.Locked) != 1 || res.Locked[0] != repo {
		t.Fatalf("locked repo not reported: %+v", res)
	}
	if !exists(filepath.Join(repo, "refs", "main")) || !exists(filepath.Join(repo, "snapshots", r1)) || !exists(filepath.Join(repo, "blobs", "only1")) {
		t.Fatal("locked repo changed")
	}
	if !strings.Contains(res.Skipped[0].Reason.Error(), lockPath) {
		t.Errorf("reason %v does not name the lock", res.Skipped[0].Reason)
	}
	f.Close()
	res = Execute(plan, ExecOptions{})
	if !res.OK() || exists(filepath.Join(repo, "snapshots", r1)) {
		t.Fatalf("after release: %+v", res)
	}
	if !exists(lockPath) {
		t.Error("lock file removed")
	}
}

// immutable makes path impossible to remove or rename (even for root) with
// chattr +i; the test is skipped where the filesystem cannot do it.
func immutable(t *testing.T, path string) {
	t.Helper()
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("chattr +i not available here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", path).Run() })
}

// TestExecuteFailuresKeepCacheValid: when a path cannot be removed the
// failure is reported, the rest goes on, nothing that depends on the
// failed path is removed, and the cache stays valid.
func TestExecuteFailuresKeepCacheValid(t *testing.T) {
	t.Run("ref", func(t *testing.T) {
		dir, repo := repoTree(t)
		immutable(t, filepath.Join(repo, "refs", "main"))
		res := Execute(PlanRevisions(mustScan(t, dir), []string{r1}), ExecOptions{})
		if res.OK() || len(res.Failures) != 1 || res.Failures[0].Kind != KindRef || res.RevisionsDeleted != 0 || res.FreedSize != 0 {
			t.Fatalf("res %+v", res)
		}
		if !exists(filepath.Join(repo, "snapshots", r1)) || !exists(filepath.Join(repo, "blobs", "only1")) {
			t.Error("snapshot or blob of a revision whose ref stayed was removed")
		}
		if c := mustScan(t, dir); len(c.Warnings) != 0 {
			t.Error(warningMsgs(c))
		}
	})
	t.Run("blob", func(t *testing.T) {
		dir, repo := repoTree(t)
		immutable(t, filepath.Join(repo, "blobs"))
		res := Execute(PlanRevisions(mustScan(t, dir), []string{r2}), ExecOptions{})
		if res.OK() || len(res.Failures) != 1 || res.Failures[0].Kind != KindBlob || res.RevisionsDeleted != 1 || res.FreedSize != 0 {
			t.Fatalf("res %+v", res)
		}
		if exists(filepath.Join(repo, "snapshots", r2)) {
			t.Error("snapshot not removed")
		}
		if c := mustScan(t, dir); len(c.Warnings) != 0 {
			t.Error(warningMsgs(c))
		}
	})
	t.Run("snapshot", func(t *testing.T) {
		dir, repo := repoTree(t)
		var tr cachetest.Tree
		tr.AddRef("models--acme--m", "v2", r2)
		if err := tr.Build(dir, time.Now()); err != nil {
			t.Fatal(err)
		}
		plan := PlanRevisions(mustScan(t, dir), []string{r1, r2})
		immutable(t, filepath.Join(repo, "snapshots", r2))
		immutable(t, dir)
		res := Execute(plan, ExecOptions{})
		// Whole repo: no trash can be made (the cache folder is read-only)
		// so the repo is emptied in place, which stops at the first stage
		// that fails: the refs go, r2's snapshot and every blob stay.
		if res.OK() || res.ReposDeleted != 0 || exists(filepath.Join(repo, "refs", "v2")) {
			t.Fatalf("res %+v", res)
		}
		if !exists(filepath.Join(repo, "blobs", "only2")) || !exists(filepath.Join(repo, "blobs", "shared")) {
			t.Error("blob of the kept snapshot removed")
		}
		if c := mustScan(t, dir); len(c.Warnings) != 0 {
			t.Error(warningMsgs(c))
		}
	})
	t.Run("moved but not removed", func(t *testing.T) {
		dir, repo := repoTree(t)
		immutable(t, filepath.Join(repo, "snapshots", r2))
		res := Execute(PlanRevisions(mustScan(t, dir), []string{r1, r2}), ExecOptions{})
		if res.OK() || res.ReposDeleted != 0 || len(res.Failures) != 1 || !errors.Is(res.Failures[0].Err, errTrashRemove) {
			t.Fatalf("res %+v", res)
		}
		if exists(repo) {
			t.Error("repo still in the cache")
		}
		if c := mustScan(t, dir); len(c.Warnings) != 0 || len(c.Repos) != 0 {
			t.Error(warningMsgs(c))
		}
		// Once removable, the next run's recovery clears the trash.
		matches, _ := filepath.Glob(filepath.Join(dir, ".locks", trashName(), "*", "*", "snapshots", r2))
		if len(matches) != 1 {
			t.Fatalf("trash: %v", matches)
		}
		_ = exec.Command("chattr", "-i", matches[0]).Run()
		Recover(dir, scan.Options{})
		if exists(filepath.Join(dir, ".locks", trashName())) {
			t.Error("trash not cleared by Recover")
		}
	})
}

// TestRecoverWaitsForDownloads: an interrupted run's journal is not
// replayed in a repo while a download holds one of its locks.
func TestRecoverWaitsForDownloads(t *testing.T) {
	dir, repo := repoTree(t)
	if err := os.RemoveAll(filepath.Join(repo, "snapshots", r2)); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, ".locks", trashName())
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "7-x.journal"), []byte(repo+"\t"+filepath.Join(repo, "blobs", "only2")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _ := holdLock(t, dir, "only2.lock")
	if n := Recover(dir, scan.Options{}); n != 0 || !exists(filepath.Join(repo, "blobs", "only2")) {
		t.Fatal("journal replayed while a download holds the repo's lock")
	}
	f.Close()
	if n := Recover(dir, scan.Options{}); n != 1 || exists(filepath.Join(repo, "blobs", "only2")) {
		t.Fatal("journal not replayed once the lock is free")
	}
}

// TestReclaimTrashFailures: ReclaimTrash says which remains of dead runs
// it could not remove, and why (with the folder's path), next to those it
// removed: a folder that cannot be removed (chattr +i below it), and a
// journal whose repo a download holds. Nothing is claimed that is not
// gone.
func TestReclaimTrashFailures(t *testing.T) {
	dir, repo := repoTree(t)
	trash := filepath.Join(dir, ".locks", trashName())
	write := func(rel string, data string) {
		t.Helper()
		p := filepath.Join(trash, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("1-gone/1/x", "abc")        // removable
	write("2-stuck/1/sub/y", "12345") // below an immutable folder
	write("2-stuck/1/z", "zz")        // goes before the failure
	write("3-waits/1/w", "wait")      // its journal's repo is busy
	write("3-waits.journal", repo+"\t"+filepath.Join(repo, "blobs", "only2")+"\n")
	if err := os.Chmod(trash, 0o700); err != nil {
		t.Fatal(err)
	}
	f, lockPath := holdLock(t, dir, "only2.lock")
	immutable(t, filepath.Join(trash, "2-stuck", "1", "sub"))
	if r := TrashRemains(dir); len(r.Dead) != 3 || r.Size != 14 {
		t.Fatalf("remains %+v", r)
	}

	r := ReclaimTrash(dir, scan.Options{})
	if r.OK() || r.Removed != 1 || len(r.Failures) != 2 {
		t.Fatalf("ReclaimTrash = %+v, want 1 removed and 2 failures", r)
	}
	// 3 bytes of 1-gone, and z (2 bytes) of 2-stuck, which went before
	// the failure.
	if r.Freed != 5 {
		t.Errorf("freed %d, want 5", r.Freed)
	}
	stuck, waits := r.Failures[0], r.Failures[1]
	if stuck.Kind != KindTrash || stuck.Path != filepath.Join(trash, "2-stuck") ||
		!errors.Is(stuck.Err, fs.ErrPermission) || !strings.HasPrefix(stuck.Err.Error(), "remove "+stuck.Path+": ") {
		t.Errorf("failure %+v (%v), want 2-stuck: operation not permitted", stuck, stuck.Err)
	}
	if waits.Kind != KindTrash || waits.Path != filepath.Join(trash, "3-waits") || !errors.Is(waits.Err, ErrLocked) ||
		!strings.Contains(waits.Err.Error(), lockPath) {
		t.Errorf("failure %+v (%v), want 3-waits: locked by another process", waits, waits.Err)
	}
	if exists(filepath.Join(trash, "1-gone")) || !exists(filepath.Join(trash, "2-stuck", "1", "sub", "y")) ||
		!exists(filepath.Join(repo, "blobs", "only2")) {
		t.Error("the trash is not as reported")
	}

	// Once the folder can be removed and the download is over, the rest
	// goes.
	_ = exec.Command("chattr", "-i", filepath.Join(trash, "2-stuck", "1", "sub")).Run()
	f.Close()
	if r := ReclaimTrash(dir, scan.Options{}); !r.OK() || r.Removed != 2 || r.Freed != 9 || exists(trash) {
		t.Fatalf("second ReclaimTrash = %+v, trash left %v", r, exists(trash))
	}
}

// TestExecuteTooManyLockFiles: a repo with more lock files than the
// open-file limit lets hfcache hold at once is left alone and the real
// cause is reported as a failure, not blamed on a download.
func TestExecuteTooManyLockFiles(t *testing.T) {
	dir, repo := repoTree(t)
	lockDir := filepath.Join(dir, ".locks", "models--acme--m")
	if err := os.MkdirAll(lockDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 400 {
		if err := os.WriteFile(filepath.Join(lockDir, strconv.Itoa(i)+".lock"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plan := PlanRevisions(mustScan(t, dir), []string{r1})
	var orig syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &orig); err != nil {
		t.Fatal(err)
	}
	low := orig
	low.Cur = 200
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Skipf("cannot lower the open-file limit: %v", err)
	}
	res := Execute(plan, ExecOptions{})
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &orig); err != nil {
		t.Fatal(err)
	}
	if len(res.Locked) != 0 || len(res.Failures) != 1 {
		t.Fatalf("locked %v, failures %v: want one failure, no lock held by another process", res.Locked, res.Failures)
	}
	err := res.Failures[0].Err
	if !errors.Is(err, ErrLockCheck) || !errors.Is(err, syscall.EMFILE) || !strings.Contains(err.Error(), "ulimit -n") {
		t.Errorf("failure %v", err)
	}
	if !exists(filepath.Join(repo, "snapshots", r1)) {
		t.Error("repo changed without holding its locks")
	}
}

// TestJournalStartRace: a Recover that runs while an operation is
// creating its journal (between the creation of the file and its lock)
// must not take it for the leftover of a dead run and remove it, nor the
// trash root: the journal becomes visible only once locked.
func TestJournalStartRace(t *testing.T) {
	dir, _ := repoTree(t)
	recovered := -1
	t.Parallel()
	h, err := openHandles(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer h.close()
	opts := ExecOptions{journalCreated: func(string) { recovered = Recover(dir, scan.Options{}) }}
	op, err := startOperation(h, &opts)
	if err != nil {
		t.Fatal(err)
	}
	defer op.finish()
	journalPath := filepath.Join(op.trash.path, op.id+".journal")
	if recovered != 0 {
		t.Errorf("Recover during the start completed %d journal(s)", recovered)
	}
	if !exists(journalPath) || !exists(op.dir.path) {
		t.Fatalf("journal %v, trash folder %v after a concurrent Recover", exists(journalPath), exists(op.dir.path))
	}
	if err := op.journal(filepath.Join(dir, "models--acme--m"), []string{filepath.Join(dir, "models--acme--m", "blobs", "only1")}); err != nil {
		t.Fatal(err)
	}
	if n := Recover(dir, scan.Options{}); n != 0 || !exists(journalPath) {
		t.Errorf("Recover took the running operation's journal (%d)", n)
	}
	// A temporary journal whose process died long ago is cleaned up; a
	// recent one may be about to be locked.
	dead, young := filepath.Join(op.trash.path, "1-dead.journal.tmp"), filepath.Join(op.trash.path, "2-young.journal.tmp")
	for _, p := range []string{dead, young} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * deadJournalAge)
	if err := os.Chtimes(dead, old, old); err != nil {
		t.Fatal(err)
	}
	Recover(dir, scan.Options{})
	if exists(dead) || !exists(young) {
		t.Errorf("dead temporary journal left %v, young one removed %v", exists(dead), !exists(young))
	}
}

// TestRemoveLooseLockFiles: a lock file goes only when no lock of its
// repo is held by another process and the repo has no partial download,
// checked at removal time (not only when prune listed it).
func TestRemoveLooseLockFiles(t *testing.T) {
	tests := []struct {
		name       string
		holdOther  bool
		incomplete bool
		want       error // nil: removed
	}{
		{name: "quiet repo"},
		{name: "other lock held", holdOther: true, want: ErrRepoLockHeld},
		{name: "partial download", incomplete: true, want: ErrPartialPresent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, repo := repoTree(t)
			c := mustScan(t, dir)
			lockDir := filepath.Join(dir, ".locks", "models--acme--m")
			if err := os.MkdirAll(lockDir, 0o755); err != nil {
				t.Fatal(err)
			}
			stale, other := filepath.Join(lockDir, "only1.lock"), filepath.Join(lockDir, "only2.lock")
			for _, p := range []string{stale, other} {
				if err := os.WriteFile(p, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.holdOther {
				f, err := os.Open(other)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
					t.Fatal(err)
				}
			}
			if tt.incomplete {
				if err := os.WriteFile(filepath.Join(repo, "blobs", "only3.incomplete"), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res := RemoveLoose(c, []string{stale}, ExecOptions{})
			if tt.want == nil {
				if exists(stale) || res.Removed != 1 || !res.OK() {
					t.Fatalf("not removed: %+v", res)
				}
				return
			}
			if !exists(stale) || !errors.Is(skippedFor(res, stale), tt.want) || !res.OK() {
				t.Errorf("exists %v, skip %v, want %v kept without failure", exists(stale), skippedFor(res, stale), tt.want)
			}
		})
	}
}

// holdLock creates the lock file <dir>/.locks/models--acme--m/<name> and
// holds it (flock, as huggingface_hub's downloads do) until the returned
// file is closed, or the test ends.
func holdLock(t *testing.T, dir, name string) (*os.File, string) {
	t.Helper()
	lockDir := filepath.Join(dir, ".locks", "models--acme--m")
	if err := os.MkdirAll(lockDir, 0o755); err != nil {
		t.Fatal(err)
	}
	lockPath := filepath.Join(lockDir, name)
	if err := os.WriteFile(lockPath, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(lockPath, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	return f, lockPath
}
