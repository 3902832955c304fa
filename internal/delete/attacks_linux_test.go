//go:build linux

package delete

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// These tests replay, with a real concurrent swapper (renameat2 with
// RENAME_EXCHANGE in a goroutine, as a second user of a shared cache would
// run it in a loop), the attacks of docs/safety.md that need a race.

// swapper exchanges a and b (one a folder, the other a link to a folder
// outside the cache) in a loop until stopped; it returns how many swaps it
// made.
func swapper(t *testing.T, a, b string) (stop func() int) {
	t.Helper()
	var done atomic.Bool
	var n atomic.Int64
	var wg sync.WaitGroup
	started := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for first := true; first || !done.Load(); first = false {
			if unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE) == nil {
				n.Add(1)
			}
			if first {
				close(started)
			}
		}
	}()
	// Return once the first exchange was tried, so that on a loaded
	// machine the swapping has begun before what it races with.
	<-started
	return func() int {
		done.Store(true)
		wg.Wait()
		return int(n.Load())
	}
}

// victimFolder is a folder outside the cache holding files named names;
// it returns its path.
func victimFolder(t *testing.T, names []string) string {
	t.Helper()
	victim := t.TempDir()
	for _, n := range names {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(victim, n)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(victim, n), []byte("precious"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return victim
}

// manyBlobsRepo builds models--acme--big with revision r1 (ref main, kept)
// and r2 (n blobs of its own, deleted); it returns the cache, the repo and
// the names of r2's blobs.
func manyBlobsRepo(t *testing.T, n int) (dir, repo string, blobs []string) {
	t.Helper()
	dir = t.TempDir()
	var tr cachetest.Tree
	f := "models--acme--big"
	tr.AddRepo(f)
	tr.AddBlob(f, "keep", 0, []byte("kept"), 10, 10)
	tr.AddSnapshotFile(f, r1, "k.txt", "keep")
	tr.AddRef(f, "main", r1)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("blob%04d", i)
		blobs = append(blobs, name)
		tr.AddBlob(f, name, 0, []byte(name), 10, 10)
		tr.AddSnapshotFile(f, r2, fmt.Sprintf("f%04d.txt", i), name)
	}
	if err := tr.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	return dir, filepath.Join(dir, f), blobs
}

// TestAttackBlobsSwap (attack 3): while a revision with many blobs is
// removed, the repo's blobs/ is swapped in a loop with a link to an
// outside folder holding files of the same names. No outside file may go:
// blobs are removed through the pinned blobs/ handle.
func TestAttackBlobsSwap(t *testing.T) {
	t.Parallel()
	for round := 0; round < 3; round++ {
		dir, repo, blobs := manyBlobsRepo(t, 300)
		victim := victimFolder(t, blobs)
		evil := filepath.Join(repo, "evil")
		if err := os.Symlink(victim, evil); err != nil {
			t.Fatal(err)
		}
		plan := PlanRevisions(mustScan(t, dir), []string{r2})
		stop := swapper(t, filepath.Join(repo, "blobs"), evil)
		res := Execute(plan, ExecOptions{})
		swaps := stop()
		var lost []string
		for _, b := range blobs {
			if !exists(filepath.Join(victim, b)) {
				lost = append(lost, b)
			}
		}
		if len(lost) > 0 {
			t.Fatalf("round %d (%d swaps): %d outside files removed through the swapped blobs/ (%v...); %d failures", round, swaps, len(lost), lost[0], len(res.Failures))
		}
		if swaps == 0 {
			t.Fatalf("round %d: the swapper never ran", round)
		}
	}
}

// TestAttackTrashSwap (attack 2): while hfcache empties its trash (a big
// folder placed there first keeps it busy), the trash folder is swapped
// for a link to an outside folder holding entries of the same names as
// the ones still to remove. Nothing of the outside folder may go: the
// trash is read and emptied through its pinned handle. A second run
// swaps in a loop during a deletion of whole repos.
func TestAttackTrashSwap(t *testing.T) {
	t.Parallel()
	t.Run("recover", func(t *testing.T) {
		dir, _ := repoTree(t)
		trash := filepath.Join(dir, ".locks", trashName())
		var names []string
		for i := 0; i < 20; i++ {
			names = append(names, filepath.Join(fmt.Sprintf("b-%02d", i), "file"))
		}
		for _, n := range names {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(trash, n)), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(trash, n), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(trash, 0o700); err != nil {
			t.Fatal(err)
		}
		big := filepath.Join(trash, "a-big")
		if err := os.MkdirAll(big, 0o700); err != nil {
			t.Fatal(err)
		}
		const bigFiles = 3000
		for i := 0; i < bigFiles; i++ {
			if err := os.WriteFile(filepath.Join(big, fmt.Sprint(i)), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		victim := victimFolder(t, names)
		evil := filepath.Join(dir, ".locks", "evil")
		if err := os.Symlink(victim, evil); err != nil {
			t.Fatal(err)
		}
		swapped := make(chan bool)
		go func() { // the attacker: swap once the big folder is being emptied
			for i := 0; i < 200000; i++ {
				entries, err := os.ReadDir(big)
				if err != nil || len(entries) < bigFiles {
					swapped <- unix.Renameat2(unix.AT_FDCWD, trash, unix.AT_FDCWD, evil, unix.RENAME_EXCHANGE) == nil
					return
				}
			}
			swapped <- false
		}()
		Recover(dir, scan.Options{})
		if !<-swapped {
			t.Log("the swap came too late to matter")
		}
		for _, n := range names {
			if !exists(filepath.Join(victim, n)) {
				t.Fatalf("outside file %s removed through the swapped trash", n)
			}
		}
	})
	t.Run("execute", func(t *testing.T) {
		for round := 0; round < 3; round++ {
			trashSwapRound(t)
		}
	})
}

// trashSwapRound deletes many whole repos while the trash is swapped in a
// loop with a link to an outside folder mirroring the trash's entries.
func trashSwapRound(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	var tr cachetest.Tree
	for i := 0; i < 40; i++ {
		f := fmt.Sprintf("models--acme--r%02d", i)
		tr.AddRepo(f)
		for j := 0; j < 10; j++ {
			b := fmt.Sprintf("b%02d", j)
			tr.AddBlob(f, b, 0, []byte(b), 10, 10)
			tr.AddSnapshotFile(f, r1, b+".txt", b)
		}
		tr.AddRef(f, "main", r1)
	}
	if err := tr.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	locks := filepath.Join(dir, ".locks")
	trash := filepath.Join(locks, trashName())
	if err := os.MkdirAll(trash, 0o700); err != nil {
		t.Fatal(err)
	}
	// The outside folder holds, for any operation id that will appear,
	// what a trash entry holds: a mirror made as soon as the id shows.
	victim := t.TempDir()
	var victims []string
	for i := 1; i <= 40; i++ {
		victims = append(victims, filepath.Join(fmt.Sprint(i), "blobs", "b00"))
	}
	evil := filepath.Join(locks, "evil")
	if err := os.Symlink(victim, evil); err != nil {
		t.Fatal(err)
	}
	var mirrored []string
	var mu sync.Mutex
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the attacker: mirror the operation's folder, then swap
		defer wg.Done()
		for !done.Load() {
			for _, d := range []string{trash, evil} {
				entries, _ := os.ReadDir(d)
				for _, e := range entries {
					if !e.IsDir() || strings.Contains(e.Name(), ".") {
						continue
					}
					base := filepath.Join(victim, e.Name())
					if exists(base) {
						continue
					}
					for _, v := range victims {
						p := filepath.Join(base, v)
						_ = os.MkdirAll(filepath.Dir(p), 0o755)
						_ = os.WriteFile(p, []byte("precious"), 0o600)
						mu.Lock()
						mirrored = append(mirrored, p)
						mu.Unlock()
					}
				}
			}
			_ = unix.Renameat2(unix.AT_FDCWD, trash, unix.AT_FDCWD, evil, unix.RENAME_EXCHANGE)
		}
	}()
	c := mustScan(t, dir)
	var hashes []string
	for _, r := range c.Repos {
		for _, rev := range r.Revisions {
			hashes = append(hashes, rev.Hash)
		}
	}
	res := Execute(PlanRevisions(c, hashes), ExecOptions{})
	done.Store(true)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	for _, p := range mirrored {
		if !exists(p) {
			t.Fatalf("outside file %s removed through the swapped trash (%d failures)", p, len(res.Failures))
		}
	}
}

// TestAttackPlantedJournal (attack 1): a journal planted in the trash,
// naming refs/main and snapshot links of another repo, makes the next run
// remove nothing of that repo: a trash others can write is not believed,
// a journal not owned by the running user is not believed, and even a
// journal that is believed never removes refs or snapshot links.
func TestAttackPlantedJournal(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		trashMode os.FileMode
		chown     bool
	}{
		{"world-writable trash", 0o777, false},
		{"own trash, journal of another user", 0o700, true},
		{"own trash, own journal", 0o700, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.chown && os.Geteuid() != 0 {
				t.Skip("needs root to give the journal to another user")
			}
			dir := buildPreset(t, "small")
			c := mustScan(t, dir)
			victim, other := c.Repos[0], c.Repos[1]
			var planted []string
			planted = append(planted, filepath.Join(victim.Path, "refs", "main"))
			_ = filepath.Walk(filepath.Join(victim.Path, "snapshots"), func(p string, info os.FileInfo, err error) error {
				if err == nil && info.Mode()&os.ModeSymlink != 0 {
					planted = append(planted, p)
				}
				return nil
			})
			if len(planted) < 3 || !exists(planted[0]) {
				t.Fatalf("preset has no ref main in %s", victim.Path)
			}
			trash := filepath.Join(dir, ".locks", trashName())
			if err := os.MkdirAll(trash, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(trash, tc.trashMode); err != nil {
				t.Fatal(err)
			}
			var journal strings.Builder
			for _, p := range planted[:3] {
				journal.WriteString(victim.Path + "\t" + p + "\n")
			}
			jp := filepath.Join(trash, "1-planted.journal")
			if err := os.WriteFile(jp, []byte(journal.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			if tc.chown {
				if err := os.Chown(jp, 65534, 65534); err != nil {
					t.Fatal(err)
				}
			}
			before := treeListing(victim.Path)
			warned := warningMsgs(c)
			// Any deletion of the other repo runs Recover first.
			res := Execute(PlanRevisions(c, []string{other.Revisions[0].Hash}), ExecOptions{})
			_ = res
			if got := treeListing(victim.Path); strings.Join(got, "\n") != strings.Join(before, "\n") {
				t.Fatalf("the planted journal changed another repo: %d entries left of %d", len(got), len(before))
			}
			if warnings := warningMsgs(mustScan(t, dir)); len(warnings) != len(warned) {
				t.Errorf("cache not valid after: %v", warnings)
			}
		})
	}
}

// TestAttackFilesSnapshotSwap: while single files of revision r2 are
// removed, the revision's folder is swapped in a loop (renameat2
// RENAME_EXCHANGE) with a link, inside the same repo, to the folder of
// the kept revision r1, whose entries have the same names. No entry of r1
// may go: the snapshot folder is pinned before the repo is read again and
// every entry is removed through that handle. (Before ExecuteFiles used
// the pinned executor, 9 runs of 10 lost up to 122 of r1's 300 entries.)
func TestAttackFilesSnapshotSwap(t *testing.T) {
	t.Parallel()
	const n = 300
	for round := 0; round < 4; round++ {
		dir := t.TempDir()
		var tr cachetest.Tree
		f := "models--acme--files"
		tr.AddRepo(f)
		var names []string
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("f%04d.txt", i)
			names = append(names, name)
			tr.AddBlob(f, fmt.Sprintf("k%04d", i), 0, []byte("kept"), 10, 10)
			tr.AddSnapshotFile(f, r1, name, fmt.Sprintf("k%04d", i))
			tr.AddBlob(f, fmt.Sprintf("d%04d", i), 0, []byte("gone"), 10, 10)
			tr.AddSnapshotFile(f, r2, name, fmt.Sprintf("d%04d", i))
		}
		tr.AddRef(f, "main", r1)
		if err := tr.Build(dir, time.Now()); err != nil {
			t.Fatal(err)
		}
		snapshots := filepath.Join(dir, f, "snapshots")
		evil := filepath.Join(snapshots, "evil")
		if err := os.Symlink(r1, evil); err != nil {
			t.Fatal(err)
		}
		c := scanFiles(t, dir, true)
		repo, rev := findRepoRev(t, c, f, r2)
		plan, err := PlanFiles(c, []FileSelection{{Repo: repo, Revision: rev, Names: names}})
		if err != nil {
			t.Fatal(err)
		}
		// In even rounds the swapper starts once the first entry is
		// gone (the repo was read again and its folders pinned: the
		// removals race with it); in odd rounds it runs from the start
		// (a swap during the re-scan may make the run refuse the repo).
		var stop func() int
		if round%2 == 1 {
			stop = swapper(t, filepath.Join(snapshots, r2), evil)
		}
		res := ExecuteFiles(plan, ExecOptions{OnRemove: func(Kind, string) {
			if stop == nil {
				stop = swapper(t, filepath.Join(snapshots, r2), evil)
			}
		}})
		swaps := 0
		if stop != nil {
			swaps = stop()
		}
		var lost []string
		for _, name := range names {
			if _, err := os.Lstat(filepath.Join(snapshots, r1, name)); err != nil {
				lost = append(lost, name)
			}
		}
		if len(lost) > 0 {
			t.Fatalf("round %d (%d swaps): %d entries of the kept revision removed through the swapped folder (%v...); %d removed, %d failures", round, swaps, len(lost), lost[0], res.Removed, len(res.Failures))
		}
		if swaps == 0 {
			t.Fatalf("round %d: the swapper never ran", round)
		}
	}
}
