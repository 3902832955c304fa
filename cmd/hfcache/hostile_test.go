//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// Hashes of the hostile cache.
const (
	okHash     = "0000000000000000000000000000000000000001"
	victimHash = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	outHash1   = "0000000000000000000000000000000000000003"
	outHash2   = "0000000000000000000000000000000000000004"
	out2Hash   = "0000000000000000000000000000000000000005"
)

// hostileCache builds, in root/hub, a cache holding every kind of hostile
// or broken input the scanner and the deletion must survive, and
// root/outside/precious, a file that links point to. It returns the cache
// and the outside file.
func hostileCache(t *testing.T, root string) (cache, precious string) {
	t.Helper()
	cache = filepath.Join(root, "hub")
	outside := filepath.Join(root, "outside")
	precious = filepath.Join(outside, "precious")
	var tr cachetest.Tree
	valid := func(folder, hash, file, ref string) {
		tr.AddRepo(folder)
		tr.AddBlob(folder, "blob-"+hash[36:], 100, nil, 3600, 7200)
		tr.AddSnapshotFile(folder, hash, file, "blob-"+hash[36:])
		if ref != "" {
			tr.AddRef(folder, ref, hash)
		}
	}
	valid("models--ok", okHash, "config.json", "main")
	valid("models--victim", victimHash, "config.json", "main")
	// Names with spaces, unicode and line breaks (folder, file, ref).
	valid("models--sp ace--ünï", "0000000000000000000000000000000000000002", "sp ace ü.bin", "v 1")
	valid("models--new\nline", "000000000000000000000000000000000000000a", "new\nline.txt", "main\n"+victimHash+" # ")
	// Snapshot links out of the cache: one of two revisions, and a whole repo.
	valid("models--out", outHash1, "config.json", "main")
	tr.AddBlob("models--out", "own2", 50, nil, 3600, 7200)
	tr.AddSnapshotFile("models--out", outHash2, "config.json", "own2")
	valid("models--out2", out2Hash, "config.json", "")
	// Refs whose content is a path, garbage or nothing.
	for folder, content := range map[string]string{
		"models--refpath": "../../x", "models--refabs": precious, "models--refempty": "", "models--refgarbage": "\x00\xff garbage",
	} {
		valid(folder, "0000000000000000000000000000000000000006", "config.json", "main")
		tr.AddRef(folder, "evil", content)
	}
	valid("models--refloop", "0000000000000000000000000000000000000007", "config.json", "main")
	valid("models--loop", "0000000000000000000000000000000000000008", "config.json", "main")
	tr.MustBuild(t, cache, time.Now())
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(outside, 0o755))
	must(os.WriteFile(precious, []byte("precious"), 0o644))
	must(os.Symlink(precious, filepath.Join(cache, "models--out", "snapshots", outHash1, "evil.bin")))
	must(os.Symlink(precious, filepath.Join(cache, "models--out2", "snapshots", out2Hash, "evil.bin")))
	must(os.Symlink("loopy", filepath.Join(cache, "models--loop", "snapshots", "0000000000000000000000000000000000000008", "loopy")))
	must(os.Symlink("models--selfloop", filepath.Join(cache, "models--selfloop")))
	must(os.Symlink(".", filepath.Join(cache, "models--refloop", "refs", "loop")))
	return cache, precious
}

// TestHostileCache runs scan-cache, ls, delete-cache and rm on a cache of
// hostile and broken input: each problem gets a clear message, nothing
// outside the cache is touched, and a name holding a line break cannot
// select another repo's revision in the review file.
func TestHostileCache(t *testing.T) {
	root := t.TempDir()
	cache, precious := hostileCache(t, root)
	tmp := filepath.Join(root, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	p := func(rel string) string { return filepath.Join(cache, rel) }
	warnings := []string{
		"Blob missing (symlink loop): " + p("models--loop/snapshots/0000000000000000000000000000000000000008/loopy"),
		"Reference(s) refer to missing commit hashes: {'': {'evil'}} (" + p("models--refempty") + ").",
		"Reference(s) refer to missing commit hashes: {'../../x': {'evil'}} (" + p("models--refpath") + ").",
		"Reference(s) refer to missing commit hashes: {'" + precious + "': {'evil'}} (" + p("models--refabs") + ").",
		`Reference(s) refer to missing commit hashes: {'\x00\ufffd garbage': {'evil'}} (` + p("models--refgarbage") + ").",
		"Repo path is not a directory: " + p("models--selfloop"),
	}

	r := runBinary(t, []string{"NO_COLOR=1"}, "", "scan-cache", "-vvv", "--dir", cache)
	if r.code != 0 {
		t.Fatalf("scan-cache exit %d: %s", r.code, r.stderr)
	}
	for _, w := range warnings {
		if !strings.Contains(r.stdout, "\n"+w+"\n") {
			t.Errorf("scan-cache -vvv lacks warning %q:\n%s", w, r.stdout)
		}
	}
	for _, want := range []string{
		"Scanned 7 repo(s)", "Got 6 warning(s) while scanning.",
		// upstream prints names as they are, line breaks included
		"new\nline   model ", "main\n" + victimHash + " # ", p("models--sp ace--ünï/snapshots/0000000000000000000000000000000000000002"),
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("scan-cache -vvv lacks %q:\n%s", want, r.stdout)
		}
	}
	// A cache directory that is a link is resolved: the same report.
	link := filepath.Join(root, "link-to-hub")
	if err := os.Symlink(cache, link); err != nil {
		t.Fatal(err)
	}
	if l := runBinary(t, []string{"NO_COLOR=1"}, "", "scan-cache", "-vvv", "--dir", link); l.code != 0 || doneIn.ReplaceAllString(l.stdout, "") != doneIn.ReplaceAllString(r.stdout, "") {
		t.Errorf("scan-cache through a link differs (exit %d):\n%s", l.code, l.stdout)
	}

	r = runBinary(t, []string{"NO_COLOR=1"}, "", "ls", "--show-warnings", "--dir", cache)
	if r.code != 0 {
		t.Fatalf("ls exit %d: %s", r.code, r.stderr)
	}
	for _, w := range warnings {
		if !strings.Contains(r.stderr, "Warning: "+strings.TrimSuffix(w, ".")+". Repo ignored.\n") {
			t.Errorf("ls --show-warnings lacks %q:\n%s", w, r.stderr)
		}
	}

	// The review file as written selects nothing: confirming deletes
	// nothing, although a ref name holds a line break and a hash.
	before := cachetest.Listing(t, root)
	out, content, _, code := runDelete(t, cache, tmp, false, []string{"NO_COLOR=1"}, []string{"y"}, nil)
	if code != 0 || !strings.Contains(out, "0 revisions selected counting for 0.0.") || !strings.Contains(out, "Deletion is cancelled. Do nothing.") {
		t.Fatalf("untouched review file: exit %d\n%s", code, out)
	}
	if !strings.Contains(content, `# Refs: main\n`+victimHash+" # ") || !strings.Contains(content, `# Model new\nline (`) {
		t.Errorf("line breaks of names not escaped in the review file:\n%s", content)
	}
	if after := cachetest.Listing(t, root); after != before {
		t.Fatalf("a review file left as written changed the cache:\n%s", diffLines(after, before))
	}

	// One of two revisions whose snapshot links out of the cache: the link
	// goes, the file stays, is named, and is not counted as freed.
	out, _, _, code = runDelete(t, cache, tmp, false, []string{"NO_COLOR=1"}, []string{"n", "y", "y"},
		func(s string) string { return s + "\n" + outHash1 + "\n" })
	for _, want := range []string{
		"1 revisions selected counting for 100.0. Continue ? (y/N) ",
		"Kept blob " + precious + ": path is outside the cache directory\n",
		"Done. Deleted 0 repo(s) and 1 revision(s) for a total of 100.0.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("delete-cache output lacks %q:\n%s", want, out)
		}
	}
	if code != 0 {
		t.Errorf("delete-cache exit %d", code)
	}
	if data, err := os.ReadFile(precious); err != nil || string(data) != "precious" {
		t.Fatalf("file outside the cache damaged: %q %v", data, err)
	}
	if _, err := os.Lstat(p("models--out/snapshots/" + outHash1)); err == nil {
		t.Error("revision not deleted")
	}

	// A whole repo through rm: the same.
	r = runBinary(t, []string{"NO_COLOR=1"}, "", "rm", "--dir", cache, "-y", "model/out2")
	if r.code != 0 || !strings.Contains(r.stderr, "Kept blob "+precious+": path is outside the cache directory") ||
		!strings.Contains(r.stdout, "About to delete 1 repo(s) totalling 100.0.") || !strings.Contains(r.stderr, "Cache deletion done. Saved 100.0.") {
		t.Errorf("rm: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if data, err := os.ReadFile(precious); err != nil || string(data) != "precious" {
		t.Fatalf("file outside the cache damaged by rm: %q %v", data, err)
	}
	if _, err := os.Lstat(p("models--out2")); err == nil {
		t.Error("repo not deleted by rm")
	}
	if _, err := os.Lstat(p("models--victim/snapshots/" + victimHash)); err != nil {
		t.Error("victim revision gone")
	}
}

// asNobody returns a copy of the hfcache binary that the nobody user can
// run, in a folder it can read, and a function running it as nobody. It
// skips the test when not root (chmod does not stop root, so unreadable
// folders can only be tested as another user).
// buildAsNobody builds tr at cache and gives every entry to the nobody
// account (65534), as if it had downloaded them.
func buildAsNobody(t *testing.T, tr *cachetest.Tree, cache string) {
	t.Helper()
	tr.MustBuild(t, cache, time.Now())
	if err := filepath.Walk(cache, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, 65534, 65534)
	}); err != nil {
		t.Fatal(err)
	}
}

func asNobody(t *testing.T, root string) func(env []string, args ...string) result {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run hfcache as the nobody user (as root, permissions do not apply)")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "bin", "hfcache")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	// Under "go test -cover" the binary writes coverage data on exit, to
	// a folder nobody cannot write to: it would then print an error on
	// stderr. Give it one it can write to (ignored without -cover).
	coverDir := filepath.Join(root, "gocoverdir")
	if err := os.Mkdir(coverDir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(coverDir, 0o777); err != nil { // past the umask
		t.Fatal(err)
	}
	return func(env []string, args ...string) result {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(append(cleanEnv(), "HOME="+root, "GOCOVERDIR="+coverDir), env...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr, cmd.Stdin = &out, &errOut, strings.NewReader("")
		err := cmd.Run()
		code := 0
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return result{out.String(), errOut.String(), code}
	}
}

// openTempDir is t.TempDir() readable by every user (t.TempDir and its
// parent are 0700).
func openTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestUnreadableFolders: folders and files the user cannot read are
// reported with the reason, the rest of the cache is reported, and the
// exit status is 1; a deletion the user has no right to make reports
// every failure and claims nothing.
func TestUnreadableFolders(t *testing.T) {
	root := openTempDir(t)
	run := asNobody(t, root)
	cache := filepath.Join(root, "hub")
	var tr cachetest.Tree
	hashes := map[string]string{}
	for i, folder := range []string{"models--ok", "models--snap", "models--refs", "models--blobs", "models--closed"} {
		hash := strings.Repeat("0", 39) + string(rune('1'+i))
		hashes[folder] = hash
		tr.AddRepo(folder)
		tr.AddBlob(folder, "b"+hash, 100, nil, 3600, 7200)
		tr.AddSnapshotFile(folder, hash, "config.json", "b"+hash)
		tr.AddRef(folder, "main", hash)
	}
	tr.MustBuild(t, cache, time.Now())
	p := func(rel string) string { return filepath.Join(cache, rel) }
	for rel, mode := range map[string]os.FileMode{
		"models--snap/snapshots/" + hashes["models--snap"]: 0o700,
		"models--refs/refs":   0o700,
		"models--blobs/blobs": 0o700,
		"models--closed":      0o000,
	} {
		if err := os.Chmod(p(rel), mode); err != nil {
			t.Fatal(err)
		}
	}
	before := cachetest.Listing(t, cache)

	r := run([]string{"NO_COLOR=1"}, "scan-cache", "-vvv", "--dir", cache)
	for _, want := range []string{
		"Snapshot folder cannot be read: " + p("models--snap/snapshots/"+hashes["models--snap"]) + " (permission denied)\n",
		"Refs directory cannot be read: " + p("models--refs/refs") + " (permission denied)\n",
		"Blob cannot be read: " + p("models--blobs/blobs/b"+hashes["models--blobs"]) + " (permission denied)\n",
		"Snapshots dir cannot be read: " + p("models--closed/snapshots") + " (permission denied)\n",
		"Scanned 1 repo(s) for a total of 100.0.",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("scan-cache -vvv lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.code != 1 || !strings.Contains(r.stderr, "Error: 4 repo(s) could not be read and are left out above (-vvv shows why): ") {
		t.Errorf("scan-cache: exit %d, stderr %q", r.code, r.stderr)
	}

	r = run([]string{"NO_COLOR=1"}, "ls", "--dir", cache)
	if r.code != 1 || !strings.Contains(r.stdout, "model/ok") || !strings.Contains(r.stderr, "Error: 4 repo(s) could not be read") {
		t.Errorf("ls: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Deleting what the user may read but not change: every failure is
	// reported, nothing is claimed, nothing changes.
	r = run([]string{"NO_COLOR=1"}, "rm", "--dir", cache, "-y", "model/ok")
	if r.code != 1 || !strings.Contains(r.stderr, "permission denied") || strings.Contains(r.stderr, "Cache deletion done") ||
		!strings.Contains(r.stderr, "Only 0 repo(s) and 0 revision(s) were deleted; freed 0.0.") {
		t.Errorf("rm as nobody: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if after := cachetest.Listing(t, cache); after != before {
		t.Errorf("cache changed:\n%s", diffLines(after, before))
	}

	// The cache folder itself.
	if err := os.Chmod(cache, 0o700); err != nil {
		t.Fatal(err)
	}
	r = run(nil, "scan-cache", "--dir", cache)
	if r.code != 1 || r.stderr != "Error: cannot read the cache directory "+cache+": permission denied\n" {
		t.Errorf("scan-cache of an unreadable cache: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestReadOnlyFilesystem: on a read-only file system every command that
// deletes reports each failure, never claims a deletion that did not
// happen, exits 1, and leaves the cache as it was. It mounts a tmpfs
// (root only; skipped elsewhere).
func TestReadOnlyFilesystem(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a read-only tmpfs")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", mnt).Run() })
	cache := filepath.Join(mnt, "hub")
	tree, err := cachetest.Load(filepath.Join(cachetest.CompatDir(t), "trees", "small.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	tree.MustBuild(t, cache, time.Now())
	if out, err := exec.Command("mount", "-o", "remount,ro", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v %s", err, out)
	}
	before := cachetest.Listing(t, cache)
	tmp := t.TempDir()
	const (
		glue1   = "9338f7b671827df886678df2bdd7cc7b4f36dffd" // one of two: partial
		t5base  = "23aa4f41cb7c08d4b05c8f327b22bfa0eb8c7ad9" // whole repo
		bertOld = "378aa1bda6387fd00e824948ebe3488630ad8565"
	)
	out, _, _, code := runDelete(t, cache, tmp, false, []string{"NO_COLOR=1"}, []string{"n", "y", "y"},
		func(s string) string { return s + "\n" + glue1 + "\n" + t5base + "\n" + bertOld + "\n" })
	if code != 1 || strings.Count(out, "Couldn't delete repo: ") != 3 || strings.Count(out, "read-only file system") != 3 ||
		!strings.Contains(out, "Done with errors. Deleted 0 repo(s) and 0 revision(s) for a total of 0.0.\n") ||
		!strings.Contains(out, "Error: deletion incomplete: 3 path(s) could not be deleted.\n") ||
		strings.Contains(out, "\nDone. ") {
		t.Errorf("delete-cache: exit %d\n%s", code, out)
	}
	for _, repo := range []string{"datasets--glue", "models--t5-base", "models--bert-base-cased"} {
		if !strings.Contains(out, filepath.Join(cache, repo)) {
			t.Errorf("delete-cache does not name %s:\n%s", repo, out)
		}
	}
	for _, args := range [][]string{
		{"rm", "-y", "model/t5-base", glue1},
		{"prune", "-y"},
		{"prune", "-y", "--format", "json"},
	} {
		r := runBinary(t, []string{"NO_COLOR=1"}, "", append(args, "--dir", cache)...)
		if r.code != 1 || !strings.Contains(r.stderr, "read-only file system") || strings.Contains(r.stderr, "Cache deletion done") ||
			strings.Contains(r.stdout, "Deleted") || !strings.Contains(r.stderr, "Only 0 repo(s) and 0 revision(s) were deleted; freed 0.0.") {
			t.Errorf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
	if after := cachetest.Listing(t, cache); after != before {
		t.Errorf("cache changed:\n%s", diffLines(after, before))
	}
}

// TestFIFOLockFiles: a FIFO planted under a lock file's name must not hang
// rm or prune (opening a FIFO waits for a writer), and what it guards is
// left alone, since its lock cannot be checked.
func TestFIFOLockFiles(t *testing.T) {
	cache := filepath.Join(t.TempDir(), "hub")
	var tr cachetest.Tree
	for _, folder := range []string{"models--a", "models--b"} {
		tr.AddRepo(folder)
		tr.AddBlob(folder, "b1", 100, nil, 3600, 7200)
		tr.AddSnapshotFile(folder, okHash, "config.json", "b1")
		tr.AddBlob(folder, "e2.incomplete", 10, nil, 3600, 7200)
		tr.AddRef(folder, "main", okHash)
	}
	tr.MustBuild(t, cache, time.Now())
	for _, p := range []string{".locks/models--a/b1.lock", ".locks/models--b/e2.lock"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(cache, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(filepath.Join(cache, p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) result {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "hfcache", append(args, "--dir", cache)...)
		cmd.Env = append(cleanEnv(), "NO_COLOR=1")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		if ctx.Err() != nil {
			t.Fatalf("%v hangs on a FIFO lock file", args)
		}
		code := 0
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		return result{out.String(), errOut.String(), code}
	}
	r := run("prune", "-y")
	if _, err := os.Stat(filepath.Join(cache, "models--b", "blobs", "e2.incomplete")); err != nil {
		t.Errorf("partial download whose lock cannot be checked was removed:\n%s%s", r.stdout, r.stderr)
	}
	r = run("rm", "-y", "model/a")
	if r.code != 1 || !strings.Contains(r.stderr, "models--a") {
		t.Errorf("rm: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(cache, "models--a", "snapshots", okHash)); err != nil {
		t.Error("repo whose lock cannot be checked was changed")
	}
}
