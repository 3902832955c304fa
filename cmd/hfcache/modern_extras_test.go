package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
)

const repoFolder = "models--acme--multi"

// rev builds a 40-hex revision name from a letter.
func rev(c string) string { return strings.Repeat(c, 40) }

// blobName is a 64-hex blob name from a letter.
func blobName(c string) string { return strings.Repeat(c, 64) }

// multiRevCache is a real cache with one repo and four revisions:
// a (main, 3 days), b (detached, 1 day), c (detached, 2 days),
// d (detached, 4 days); each has its own blob plus a shared one.
func multiRevCache(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	var tree cachetest.Tree
	tree.AddRepo(repoFolder)
	days := map[string]float64{"a": 3, "b": 1, "c": 2, "d": 4}
	tree.AddBlob(repoFolder, blobName("0"), 500, nil, 86400*5, 86400*5)
	for _, r := range []string{"a", "b", "c", "d"} {
		tree.AddBlob(repoFolder, blobName(r), 1000, nil, 86400*days[r], 86400*days[r])
		tree.AddSnapshotFile(repoFolder, rev(r), "weights.bin", blobName(r))
		tree.AddSnapshotFile(repoFolder, rev(r), "shared.txt", blobName("0"))
	}
	tree.AddRef(repoFolder, "main", rev("a"))
	tree.MustBuild(t, root, time.Now())
	return root
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

func TestPruneKeepLast(t *testing.T) {
	tests := []struct {
		args []string
		gone []string // revisions removed
		out  string
	}{
		{nil, []string{"b", "c", "d"}, "About to delete 3 unreferenced revision(s) (3.0K total)."},
		{[]string{"--keep-last", "1"}, []string{"c", "d"}, "About to delete 2 unreferenced revision(s) (2.0K total)."},
		{[]string{"--keep-last", "2"}, []string{"d"}, "About to delete 1 unreferenced revision(s) (1.0K total)."},
		// a ref target is never removed, even when older than the N kept
		{[]string{"--keep-last", "3"}, []string{"d"}, "About to delete 1 unreferenced revision(s) (1.0K total)."},
		{[]string{"--keep-last", "4"}, nil, "No unreferenced revisions or incomplete downloads found. Nothing to prune."},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			root := multiRevCache(t)
			args := append([]string{"prune", "--cache-dir", root, "-y"}, tt.args...)
			res := runBinary(t, []string{"NO_COLOR=1"}, "", args...)
			if res.code != 0 {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			if first := strings.SplitN(res.stdout, "\n", 2)[0]; first != tt.out {
				t.Errorf("first line %q, want %q", first, tt.out)
			}
			gone := map[string]bool{}
			for _, r := range tt.gone {
				gone[r] = true
			}
			for _, r := range []string{"a", "b", "c", "d"} {
				snap := filepath.Join(root, repoFolder, "snapshots", rev(r))
				blob := filepath.Join(root, repoFolder, "blobs", blobName(r))
				if exists(snap) == gone[r] || exists(blob) == gone[r] {
					t.Errorf("revision %s: snapshot exists %v, blob exists %v, want removed=%v", r, exists(snap), exists(blob), gone[r])
				}
			}
			if !exists(filepath.Join(root, repoFolder, "blobs", blobName("0"))) {
				t.Error("the blob shared with kept revisions was removed")
			}
		})
	}
	t.Run("negative", func(t *testing.T) {
		res := runBinary(t, nil, "", "prune", "--cache-dir", multiRevCache(t), "--keep-last", "-1")
		if res.code != 2 || !strings.Contains(res.stderr, "--keep-last") {
			t.Errorf("exit %d stderr %q", res.code, res.stderr)
		}
	})
}

// startHolder runs "holdlock path" and waits until it holds the lock; the
// lock is released when the test ends.
func startHolder(t *testing.T, path string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("flock is not available on windows")
	}
	cmd := exec.Command("holdlock", path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("holdlock: %q, %v", line, err)
	}
}

func TestPruneOrphansAndLocks(t *testing.T) {
	root := multiRevCache(t)
	blobs := filepath.Join(root, repoFolder, "blobs")
	locks := filepath.Join(root, ".locks", repoFolder)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(locks, 0o755))
	// Orphans: one stale, one whose download is still running (lock held).
	must(os.WriteFile(filepath.Join(blobs, blobName("e")), make([]byte, 2000), 0o644))
	must(os.WriteFile(filepath.Join(blobs, blobName("f")), make([]byte, 3000), 0o644))
	must(os.WriteFile(filepath.Join(blobs, blobName("9")+".abcd1234.incomplete"), make([]byte, 700), 0o644))
	// A partial download still running: its lock is held, it must stay.
	must(os.WriteFile(filepath.Join(blobs, blobName("8")+".ffff0000.incomplete"), make([]byte, 10), 0o644))
	startHolder(t, filepath.Join(locks, blobName("8")+".lock"))
	// Lock files: two stale, two held by another process.
	for _, n := range []string{"a", "b"} {
		must(os.WriteFile(filepath.Join(locks, blobName(n)+".lock"), nil, 0o664))
	}
	startHolder(t, filepath.Join(locks, blobName("f")+".lock"))
	startHolder(t, filepath.Join(locks, blobName("c")+".lock"))
	// The lock files of a repo deleted since: nobody holds them.
	gone := filepath.Join(root, ".locks", "models--acme--gone")
	must(os.MkdirAll(gone, 0o755))
	must(os.WriteFile(filepath.Join(gone, blobName("d")+".lock"), nil, 0o664))

	// A download runs in the repo, so its partial downloads, orphan blobs
	// and even its unheld lock files are left alone (a blob just moved
	// into place has no link yet; a process waiting on a lock file could
	// lock it once unlinked); the lock files of a quiet repo go.
	dry := runBinary(t, []string{"NO_COLOR=1"}, "", "prune", "--cache-dir", root, "--keep-last", "4", "--orphans", "--locks", "--dry-run")
	wantDry := "About to delete 1 stale lock file(s) (0.0 total).\n" +
		"  - stale lock .locks/models--acme--gone/" + blobName("d") + ".lock\n" +
		"✓ Dry run: no files were deleted.\n  dry_run: True\n  revisions: 0\n  incomplete: 0\n  orphans: 0\n  locks: 1\n  size: 0.0\n"
	if dry.code != 0 || dry.stdout != wantDry || dry.stderr != "Warning: Skipping 2 incomplete download(s) still in progress.\n" {
		t.Fatalf("dry run: exit %d\n%s\nwant\n%s\nstderr %s", dry.code, dry.stdout, wantDry, dry.stderr)
	}
	if !exists(filepath.Join(blobs, blobName("e"))) || !exists(filepath.Join(locks, blobName("a")+".lock")) {
		t.Fatal("dry run deleted files")
	}

	res := runBinary(t, []string{"NO_COLOR=1"}, "", "prune", "--cache-dir", root, "--keep-last", "4", "--orphans", "--locks", "--yes", "--format", "json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if want := `{"revisions_deleted": 0, "incomplete_deleted": 0, "orphans_deleted": 0, "locks_deleted": 1, "freed": "0.0"}` + "\n"; res.stdout != want {
		t.Errorf("stdout %q, want %q", res.stdout, want)
	}
	checks := map[string]bool{ // path -> should still exist
		filepath.Join(blobs, blobName("e")):                        true, // orphan in a repo with a running download
		filepath.Join(blobs, blobName("f")):                        true, // orphan being downloaded
		filepath.Join(blobs, blobName("9")+".abcd1234.incomplete"): true, // partial download in a busy repo
		filepath.Join(blobs, blobName("8")+".ffff0000.incomplete"): true, // download running
		filepath.Join(blobs, blobName("a")):                        true, // used by a snapshot
		filepath.Join(blobs, blobName("0")):                        true,
		filepath.Join(locks, blobName("a")+".lock"):                true, // another lock of the repo is held
		filepath.Join(locks, blobName("b")+".lock"):                true,
		filepath.Join(gone, blobName("d")+".lock"):                 false,
		filepath.Join(locks, blobName("c")+".lock"):                true, // held
		filepath.Join(locks, blobName("f")+".lock"):                true, // held
	}
	for p, want := range checks {
		if exists(p) != want {
			t.Errorf("%s exists = %v, want %v", p, exists(p), want)
		}
	}
	// Every revision is still there and valid.
	ls := runBinary(t, nil, "", "ls", "--cache-dir", root, "--revisions", "-q")
	if ls.code != 0 || strings.Count(ls.stdout, "\n") != 4 || ls.stderr != "" {
		t.Errorf("ls after prune: exit %d stdout %q stderr %q", ls.code, ls.stdout, ls.stderr)
	}
}

func TestRmBareRepoID(t *testing.T) {
	root := t.TempDir()
	var tree cachetest.Tree
	for _, folder := range []string{"models--acme--tiny", "datasets--acme--tiny", "models--acme--solo"} {
		tree.AddRepo(folder)
		tree.AddBlob(folder, blobName("1"), 100, nil, 60, 60)
		tree.AddSnapshotFile(folder, rev("1"), "f.txt", blobName("1"))
		tree.AddRef(folder, "main", rev("1"))
	}
	tree.MustBuild(t, root, time.Now())
	amb := runBinary(t, []string{"NO_COLOR=1"}, "", "rm", "acme/tiny", "--cache-dir", root, "-y")
	if amb.code != 1 || !strings.Contains(amb.stderr, `"acme/tiny" matches several cached repos: dataset/acme/tiny, model/acme/tiny; use type/repo_id`) {
		t.Errorf("ambiguous: exit %d stderr %q", amb.code, amb.stderr)
	}
	if !exists(filepath.Join(root, "models--acme--tiny")) || !exists(filepath.Join(root, "datasets--acme--tiny")) {
		t.Fatal("an ambiguous target deleted something")
	}
	res := runBinary(t, []string{"NO_COLOR=1"}, "", "rm", "ACME/Solo", "--cache-dir", root, "-y")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "About to delete 1 repo(s) totalling 100.0.\n  - model/acme/solo (entire repo)\n") {
		t.Errorf("bare id: exit %d stdout %q stderr %q", res.code, res.stdout, res.stderr)
	}
	if exists(filepath.Join(root, "models--acme--solo")) {
		t.Error("models--acme--solo still exists")
	}
	// The three repos share a revision hash: only the selected one may go.
	if !exists(filepath.Join(root, "models--acme--tiny")) || !exists(filepath.Join(root, "datasets--acme--tiny")) {
		t.Error("a repo that shares the revision hash was deleted")
	}
	// hfcache names itself in its own messages, not upstream's command.
	for bad, want := range map[string]string{
		"hf://models/acme/tiny@main": "Error: Only repo-level hf:// URIs are supported by `hfcache rm` for now.\n",
		"hf://buckets/acme/b":        "Error: Only repository hf:// URIs are supported by `hfcache rm`.\n",
	} {
		r := runBinary(t, []string{"NO_COLOR=1"}, "", "rm", bad, "--cache-dir", root, "--dry-run")
		if r.code != 1 || !strings.HasPrefix(r.stderr, want) {
			t.Errorf("%s: exit %d stderr %q, want %q", bad, r.code, r.stderr, want)
		}
	}
	// A file URI names one file of the repo (as huggingface_hub after
	// 1.28), never another repo that shares the revision hash.
	r := runBinary(t, []string{"NO_COLOR=1"}, "", "rm", "hf://models/acme/tiny/f.txt", "--cache-dir", root, "--dry-run")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "About to delete 1 file(s) of 1 revision(s) totalling 100.0.\n  - model/acme/tiny ") {
		t.Errorf("file URI: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestVerifyCommand runs verify on a real cache: intact, then with a
// flipped byte, a truncated blob and a missing blob, one at a time.
func TestVerifyCommand(t *testing.T) {
	content := []byte(strings.Repeat("0123456789", 1000))
	sum := sha256.Sum256(content)
	lfs := hex.EncodeToString(sum[:])
	build := func(t *testing.T) (string, string) {
		root := t.TempDir()
		var tree cachetest.Tree
		tree.AddRepo(repoFolder)
		tree.AddBlob(repoFolder, lfs, 0, content, 60, 60)
		tree.AddSnapshotFile(repoFolder, rev("a"), "model.bin", lfs)
		tree.AddRef(repoFolder, "main", rev("a"))
		tree.MustBuild(t, root, time.Now())
		return root, filepath.Join(root, repoFolder, "blobs", lfs)
	}
	root, _ := build(t)
	ok := runBinary(t, []string{"NO_COLOR=1"}, "", "verify", "acme/multi", "--cache-dir", root)
	want := "✓ Verified 1 file(s) for model 'acme/multi'. All checksums match.\n  repo_id: acme/multi\n  repo_type: model\n  revision: " + rev("a") +
		"\n  checked: 1\n  path: " + filepath.Join(root, repoFolder, "snapshots", rev("a")) + "\n"
	if ok.code != 0 || ok.stdout != want {
		t.Errorf("intact: exit %d\n%s\nwant\n%s", ok.code, ok.stdout, want)
	}
	all := runBinary(t, []string{"NO_COLOR=1"}, "", "verify", "--all", "--cache-dir", root)
	if all.code != 0 || !strings.HasPrefix(all.stdout, "✓ Verified 1 file(s) in 1 revision(s) of 1 repo(s). All checksums match.") || all.stderr != "" {
		t.Errorf("--all intact: exit %d stdout %q stderr %q", all.code, all.stdout, all.stderr)
	}

	damages := []struct {
		name, want string
		damage     func(blob string) error
	}{
		{"flipped byte", "model.bin: expected " + lfs + " (sha256), got ", func(blob string) error {
			b, _ := os.ReadFile(blob)
			b[5000] ^= 0x80
			return os.WriteFile(blob, b, 0o644)
		}},
		{"truncated", "model.bin: expected " + lfs + " (sha256), got ", func(blob string) error { return os.Truncate(blob, 4096) }},
		{"missing", "❌ Missing files (in the snapshot, absent from the cache):\n  - model.bin (blob " + lfs + ")", os.Remove},
	}
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			root, blob := build(t)
			if err := d.damage(blob); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"verify", "acme/multi"}, {"verify", "--all"}} {
				res := runBinary(t, []string{"NO_COLOR=1"}, "", append(args, "--cache-dir", root)...)
				if res.code != 1 || !strings.Contains(res.stdout, d.want) || !strings.Contains(res.stderr, "Error: Verification failed") {
					t.Errorf("%v: exit %d stdout %q stderr %q", args, res.code, res.stdout, res.stderr)
				}
			}
			js := runBinary(t, nil, "", "verify", "acme/multi", "--cache-dir", root, "--json")
			if js.code != 1 || !strings.Contains(js.stdout, `"ok": false`) {
				t.Errorf("json: exit %d stdout %q", js.code, js.stdout)
			}
		})
	}
}
