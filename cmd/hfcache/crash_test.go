//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// largeCache writes a cache of nRepos repos with 4 revisions of nFiles
// files each; neighbouring revisions share two thirds of their blobs. It returns the hashes to
// delete: every revision of one repo in three (whole-repo deletions) and
// revisions 0 and 1 of the others (partial deletions with blobs shared
// with kept revisions).
func largeCache(t testing.TB, dir string, nRepos, nFiles int) (selected []string) {
	t.Helper()
	var tr cachetest.Tree
	for i := 0; i < nRepos; i++ {
		folder := fmt.Sprintf("models--org--repo%03d", i)
		tr.AddRepo(folder)
		tr = append(tr, cachetest.Entry{Kind: cachetest.Dir, Path: ".locks/" + folder, NoTimes: true},
			cachetest.Entry{Kind: cachetest.File, Path: ".locks/" + folder + "/x.lock", NoTimes: true})
		step := nFiles / 3
		for b := 0; b < 3*step+nFiles; b++ {
			tr.AddBlob(folder, fmt.Sprintf("%040x", b), int64(1000+b), nil, 100, 1000)
		}
		for r := 0; r < 4; r++ {
			hash := fmt.Sprintf("%038x%02d", i, r)
			for f := 0; f < nFiles; f++ {
				name := fmt.Sprintf("f%03d.bin", f)
				if f%5 == 0 {
					name = fmt.Sprintf("d%d/%s", f%7, name)
				}
				tr.AddSnapshotFile(folder, hash, name, fmt.Sprintf("%040x", r*step+f))
			}
			if i%3 == 0 || r < 2 {
				selected = append(selected, hash)
			}
			switch r {
			case 0:
				tr.AddRef(folder, "v1", hash)
			case 3:
				tr.AddRef(folder, "main", hash)
			}
		}
	}
	tr.MustBuild(t, dir, time.Now())
	return selected
}

// deleteRun is a delete-cache --disable-tui run over pipes that selects
// hashes by adding them to the review file and answers n, y, y.
type deleteRun struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func (r *deleteRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

func (r *deleteRun) waitFor(s string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if strings.Contains(r.output(), s) {
			return true
		}
		select {
		case <-r.done:
			return strings.Contains(r.output(), s)
		case <-time.After(200 * time.Microsecond):
		}
	}
	return false
}

func startDeleteRun(t *testing.T, dir, tmp string, hashes []string) *deleteRun {
	t.Helper()
	r := &deleteRun{done: make(chan struct{})}
	r.cmd = exec.Command("hfcache", "delete-cache", "--disable-tui", "--dir", dir)
	r.cmd.Env = append(cleanEnv(), "TMPDIR="+tmp, "NO_COLOR=1")
	stdin, err := r.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.cmd.Stdout, r.cmd.Stderr = pw, pw
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := pr.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				close(r.done)
				return
			}
		}
	}()
	if !r.waitFor("Continue ? (y/N) ", 20*time.Second) {
		t.Fatalf("no prompt: %s", r.output())
	}
	m := tmpPathRe.FindStringSubmatch(r.output())
	if m == nil {
		t.Fatalf("no review file in %q", r.output())
	}
	f, err := os.OpenFile(m[1], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "\n"+strings.Join(hashes, "\n")+"\n")
	f.Close()
	io.WriteString(stdin, "n\ny\ny\n")
	stdin.Close()
	return r
}

// revisionFiles maps each revision hash to its sorted "file -> blob" lines.
func revisionFiles(t *testing.T, dir string) (map[string]string, []string) {
	t.Helper()
	c, err := scan.Dir(dir, scan.Options{Files: true})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, repo := range c.Repos {
		for _, rev := range repo.Revisions {
			var lines []string
			for _, f := range rev.Files {
				rel, _ := filepath.Rel(dir, repo.Blobs[f.Blob].Path)
				lines = append(lines, f.Name+" -> "+rel)
			}
			sort.Strings(lines)
			m[rev.Hash] = strings.Join(lines, "\n")
		}
	}
	var warnings []string
	for _, w := range c.Warnings {
		warnings = append(warnings, w.Msg)
	}
	return m, warnings
}

// TestDeleteCacheCrashConsistency kills the real binary (SIGKILL) at
// different moments of a large deletion. After each kill the scanner must
// find no warning, every kept revision must be intact (same files, all
// resolving), every selected revision must be either intact or entirely
// gone; running the same deletion again must then finish it, leaving the
// same cache as an uninterrupted run.
func TestDeleteCacheCrashConsistency(t *testing.T) {
	if testing.Short() {
		t.Skip("kills the binary many times; skipped with -short")
	}
	const nRepos, nFiles = 6, 150
	// The reference: one uninterrupted run.
	refDir := filepath.Join(fastTempDir(t), "hub")
	tmp := fastTempDir(t)
	hashes := largeCache(t, refDir, nRepos, nFiles)
	before, _ := revisionFiles(t, refDir)
	ref := startDeleteRun(t, refDir, tmp, hashes)
	if !ref.waitFor("Start deletion.", 20*time.Second) {
		t.Fatalf("no deletion started: %s", ref.output())
	}
	start := time.Now()
	if err := ref.cmd.Wait(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, ref.output())
	}
	<-ref.done
	elapsed := time.Since(start)
	if !strings.Contains(ref.output(), "Done. Deleted 2 repo(s) and 8 revision(s)") {
		t.Fatalf("reference run output:\n%s", ref.output())
	}
	want := cachetest.Listing(t, refDir)
	selected := map[string]bool{}
	for _, h := range hashes {
		selected[h] = true
	}

	// Kill points: one at a random moment of each of the kills equal
	// slices of the measured length of a deletion (plus a little beyond).
	// The default is a few kills so that "go test ./..." stays quick;
	// .ci/run sets HFCACHE_CRASH_KILLS=48 (200 digs deeper). The moments
	// come from a seeded generator: HFCACHE_CRASH_SEED=<n> replays a run
	// whose seed a failure logged.
	kills, seed := crashKills(), crashSeed()
	t.Logf("HFCACHE_CRASH_KILLS=%d HFCACHE_CRASH_SEED=%d", kills, seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	var delays []time.Duration
	span := elapsed * 11 / 10
	for k := 0; k < kills; k++ {
		delays = append(delays, time.Duration((float64(k)+rng.Float64())*float64(span)/float64(kills)))
	}
	states := map[int]bool{}
	recovered, tmpJournals := 0, 0
	for _, d := range delays {
		dir := filepath.Join(fastTempDir(t), "hub")
		largeCache(t, dir, nRepos, nFiles)
		r := startDeleteRun(t, dir, tmp, hashes)
		if !r.waitFor("Start deletion.", 20*time.Second) {
			t.Fatalf("no deletion started: %s", r.output())
		}
		time.Sleep(d)
		_ = r.cmd.Process.Signal(syscall.SIGKILL)
		_ = r.cmd.Wait()
		<-r.done

		after, warnings := revisionFiles(t, dir)
		if len(warnings) > 0 {
			t.Fatalf("seed %d, kill after %v: scan warnings %v", seed, d, warnings)
		}
		deleted := 0
		for hash, files := range before {
			got, ok := after[hash]
			switch {
			case !selected[hash] && got != files:
				t.Fatalf("seed %d, kill after %v: kept revision %s changed:\n%s\n--- was\n%s", seed, d, hash, got, files)
			case selected[hash] && ok && got != files:
				t.Fatalf("seed %d, kill after %v: selected revision %s half deleted:\n%s", seed, d, hash, got)
			case selected[hash] && !ok:
				deleted++
			}
		}
		states[deleted] = true
		t.Logf("killed %v after \"Start deletion.\": %d of %d selected revisions gone", d, deleted, len(hashes))

		again := startDeleteRun(t, dir, tmp, hashes)
		if err := again.cmd.Wait(); err != nil {
			t.Fatalf("re-run after kill at %v: %v\n%s", d, err, again.output())
		}
		<-again.done
		if strings.Contains(again.output(), "interrupted deletion(s) of an earlier run") {
			recovered++
		}
		listing := cachetest.Listing(t, dir)
		got := withoutYoungTmpJournals(listing)
		if got != listing {
			tmpJournals++
		}
		if got != want {
			t.Fatalf("seed %d, kill after %v: re-run did not finish the deletion:\n%s", seed, d, diffLines(got, want))
		}
	}
	t.Logf("uninterrupted deletion %v; %d kills, %d distinct states %v; %d re-runs completed a journal left by the killed run; %d kills left an empty temporary journal",
		elapsed, len(delays), len(states), states, recovered, tmpJournals)
	if len(states) < 3 {
		t.Logf("warning: only %d distinct kill states (machine too fast or too slow)", len(states))
	}
}

// youngTmpJournal is the listing line of a journal still under its
// temporary name, empty: what a run killed between creating its journal and
// locking it leaves. Recover keeps such a file for an hour (until then it
// cannot tell it from a run that is just starting; see createJournal in
// internal/delete), so the re-run leaves it, and it holds nothing. The
// trash is the running account's (.locks/.hfcache-trash-<account>).
var youngTmpJournal = regexp.MustCompile(`^f \.locks/\.hfcache-trash[^/]*/[^/]+\.journal\.tmp 0 $`)

// trashEntry and trashFolder match the listing lines of what a trash
// holds and of a trash folder itself.
var (
	trashEntry  = regexp.MustCompile(`^[dfl] \.locks/(\.hfcache-trash[^/]*)/`)
	trashFolder = regexp.MustCompile(`^d \.locks/(\.hfcache-trash[^/]*) - $`)
)

// withoutYoungTmpJournals drops those files from a cachetest.Listing, and
// a trash folder when nothing else is in it.
func withoutYoungTmpJournals(listing string) string {
	var kept []string
	trashUsed := map[string]bool{}
	for _, l := range strings.Split(listing, "\n") {
		if youngTmpJournal.MatchString(l) {
			continue
		}
		if m := trashEntry.FindStringSubmatch(l); m != nil {
			trashUsed[m[1]] = true
		}
		kept = append(kept, l)
	}
	out := kept[:0]
	for _, l := range kept {
		if m := trashFolder.FindStringSubmatch(l); m != nil && !trashUsed[m[1]] {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// defaultCrashKills is how many kills TestDeleteCacheCrashConsistency
// makes when HFCACHE_CRASH_KILLS is not set.
const defaultCrashKills = 6

// crashKills is $HFCACHE_CRASH_KILLS when it is a positive number, else
// defaultCrashKills.
func crashKills() int {
	if n, err := strconv.Atoi(os.Getenv("HFCACHE_CRASH_KILLS")); err == nil && n > 0 {
		return n
	}
	return defaultCrashKills
}

// crashSeed is $HFCACHE_CRASH_SEED when it is a number, else 1: the kill
// moments are the same fractions of the deletion on every run.
func crashSeed() uint64 {
	if n, err := strconv.ParseUint(os.Getenv("HFCACHE_CRASH_SEED"), 10, 64); err == nil {
		return n
	}
	return 1
}

// fastTempDir is a temporary folder in memory (/dev/shm) when there is
// one: building thousands of files there is ten times faster than on a
// disk, and killing a process is the same on both.
func fastTempDir(t *testing.T) string {
	t.Helper()
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "hfcache-test-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

// TestDeleteCacheSkipsLockedRepo: while another process holds a download
// lock of a repo (flock on .locks/<repo>/<blob>.lock, as huggingface_hub's
// downloader), delete-cache leaves that repo alone, names it, deletes the
// rest and exits 1.
func TestDeleteCacheSkipsLockedRepo(t *testing.T) {
	run := cachetest.NewGoldenRun(t)
	dir := run.BuildPreset(t, "small", time.Now())
	tmp := filepath.Join(run.Root, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(dir, ".locks", "datasets--glue", "31522691c6b74903ce36188dc4b0cfb9e01dc97a.lock")
	f, err := os.Open(lock)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	const glue1, t5base = "f021ae41c879fcabcf823648ec685e3fead91fe7", "23aa4f41cb7c08d4b05c8f327b22bfa0eb8c7ad9"
	out, _, _, code := runDelete(t, dir, tmp, false, []string{"NO_COLOR=1"}, []string{"n", "y", "y"},
		func(s string) string { return s + "\n" + glue1 + "\n" + t5base + "\n" })
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{
		"Kept repo " + filepath.Join(dir, "datasets--glue") + ": locked by another process (download in progress?): " + lock + "\n",
		"Done with errors. Deleted 1 repo(s) and 0 revision(s) for a total of 10.1K.\n",
		"Error: deletion incomplete: 1 repo(s) skipped because a download holds their lock (datasets--glue).\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "datasets--glue", "snapshots", glue1)); err != nil {
		t.Error("locked repo changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "models--t5-base")); err == nil {
		t.Error("unlocked repo not deleted")
	}
}

// TestDeleteCacheInterruptAtPrompt: Ctrl-C (SIGINT) at a prompt exits
// with 130, deletes nothing and removes the review file.
func TestDeleteCacheInterruptAtPrompt(t *testing.T) {
	run := cachetest.NewGoldenRun(t)
	dir := run.BuildPreset(t, "small", time.Now())
	tmp := filepath.Join(run.Root, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	before := cachetest.Listing(t, dir)
	r := &deleteRun{done: make(chan struct{})}
	r.cmd = exec.Command("hfcache", "delete-cache", "--disable-tui", "--dir", dir)
	r.cmd.Env = append(cleanEnv(), "TMPDIR="+tmp)
	stdin, err := r.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var out bytes.Buffer
	r.cmd.Stdout = &out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		entries, _ := os.ReadDir(tmp)
		if len(entries) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no review file")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let it reach the prompt
	_ = r.cmd.Process.Signal(syscall.SIGINT)
	err = r.cmd.Wait()
	if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("wait: %v, want exit 130", err)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("review file left: %v", entries)
	}
	if cachetest.Listing(t, dir) != before {
		t.Error("cache changed")
	}
}

// TestWithoutYoungTmpJournals: only empty temporary journals (and the
// trash folder they leave alone) are ignored; anything else left in the
// trash still counts as an unfinished deletion.
func TestWithoutYoungTmpJournals(t *testing.T) {
	t.Parallel()
	const base = "d .locks - \nf .locks/x.lock 0 "
	for _, c := range []struct{ in, want string }{
		{base, base},
		{base + "\nd .locks/.hfcache-trash - \nf .locks/.hfcache-trash/1-ab.journal.tmp 0 ", base},
		{base + "\nd .locks/.hfcache-trash - \nf .locks/.hfcache-trash/1-ab.journal.tmp 12 ", base + "\nd .locks/.hfcache-trash - \nf .locks/.hfcache-trash/1-ab.journal.tmp 12 "},
		{base + "\nd .locks/.hfcache-trash - \nf .locks/.hfcache-trash/1-ab.journal 0 ", base + "\nd .locks/.hfcache-trash - \nf .locks/.hfcache-trash/1-ab.journal 0 "},
		{base + "\nd .locks/.hfcache-trash - \nd .locks/.hfcache-trash/1-ab - \nf .locks/.hfcache-trash/2-cd.journal.tmp 0 ", base + "\nd .locks/.hfcache-trash - \nd .locks/.hfcache-trash/1-ab - "},
		{base + "\nd .locks/.hfcache-trash-0 - \nf .locks/.hfcache-trash-0/1-ab.journal.tmp 0 ", base},
		{
			base + "\nd .locks/.hfcache-trash-0 - \nd .locks/.hfcache-trash-1000 - \nf .locks/.hfcache-trash-0/1-ab.journal.tmp 0 \nf .locks/.hfcache-trash-1000/2-cd.journal 0 ",
			base + "\nd .locks/.hfcache-trash-1000 - \nf .locks/.hfcache-trash-1000/2-cd.journal 0 ",
		},
	} {
		if got := withoutYoungTmpJournals(c.in); got != c.want {
			t.Errorf("withoutYoungTmpJournals(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
