package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/iostreams"
)

// TestRmHashHeldBySeveralRepos (attack 4): a bare hash that two cached
// repos hold deletes nothing, exits 2 and lists both repos; naming one as
// type/repo_id@hash deletes that repo's revision only.
func TestRmHashHeldBySeveralRepos(t *testing.T) {
	t.Parallel()
	hash := strings.Repeat("1", 40)
	root := smallCache(t, "models--acme--m", "models--fork--m")
	env := map[string]string{"HF_HUB_CACHE": root, "NO_COLOR": "1"}
	_, errOut, code := run(t, env, false, "rm", hash, "-y")
	if code != ExitUsage {
		t.Fatalf("exit %d, want %d; stderr %q", code, ExitUsage, errOut)
	}
	for _, want := range []string{"model/acme/m", "model/fork/m", "Nothing was deleted"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q does not say %q", errOut, want)
		}
	}
	for _, repo := range []string{"models--acme--m", "models--fork--m"} {
		if _, err := os.Lstat(filepath.Join(root, repo, "snapshots", hash)); err != nil {
			t.Fatalf("%s changed: %v", repo, err)
		}
	}
	_, errOut, code = run(t, env, false, "rm", "model/fork/m@"+strings.ToUpper(hash[:1])+hash[1:], "-y")
	if code != 0 {
		t.Fatalf("repo@hash: exit %d; stderr %q", code, errOut)
	}
	if _, err := os.Lstat(filepath.Join(root, "models--fork--m")); err == nil {
		t.Error("model/fork/m@hash left its only revision")
	}
	if _, err := os.Lstat(filepath.Join(root, "models--acme--m", "snapshots", hash)); err != nil {
		t.Errorf("model/fork/m@hash removed the other repo's revision: %v", err)
	}
}

// scopeCache is a cache where what a deletion frees depends on repos it
// does not touch: model/acme/b's snapshot links to a blob of model/acme/a,
// model/acme/s1 and model/acme/s2 use one payload of the shared blob
// store, model/acme/broken is corrupted. a has 1111 (blob a1, 100 bytes)
// and 2222 (a1 and a2, 50 bytes); b has 3333 (a's a1 and its own b1, 20
// bytes); s1 has 4444 and s2 5555, each on the 1000-byte payload.
func scopeCache(t *testing.T) string {
	t.Helper()
	cachetest.RequireSymlinks(t)
	h := func(c string) string { return strings.Repeat(c, 40) }
	a, b, s1, s2 := "models--acme--a", "models--acme--b", "models--acme--s1", "models--acme--s2"
	payload := strings.Repeat("7", 64)
	var tree cachetest.Tree
	tree.AddRepo(a)
	tree.AddBlob(a, "a1", 0, bytes.Repeat([]byte("a"), 100), 60, 60)
	tree.AddBlob(a, "a2", 0, bytes.Repeat([]byte("A"), 50), 60, 60)
	tree.AddSnapshotFile(a, h("1"), "w.bin", "a1")
	tree.AddSnapshotFile(a, h("2"), "w.bin", "a1")
	tree.AddSnapshotFile(a, h("2"), "x.bin", "a2")
	tree.AddRef(a, "main", h("1"))
	tree.AddRepo(b)
	tree.AddBlob(b, "b1", 0, bytes.Repeat([]byte("b"), 20), 60, 60)
	tree.AddSnapshotFile(b, h("3"), "own.bin", "b1")
	tree.Add(cachetest.Entry{Kind: cachetest.Symlink, Path: b + "/snapshots/" + h("3") + "/w.bin", Target: "../../../" + a + "/blobs/a1"})
	tree.AddRef(b, "main", h("3"))
	tree.AddSharedStore()
	tree.AddSharedPayload(payload, 0, bytes.Repeat([]byte("p"), 1000), 60, 60, s1+"/blobs/e1", s2+"/blobs/e2")
	for folder, rev := range map[string]string{s1: h("4"), s2: h("5")} {
		etag := "e" + folder[len(folder)-1:]
		tree.AddRepo(folder)
		tree.AddSharedLink(folder, etag, payload)
		tree.AddSnapshotFile(folder, rev, "p.bin", etag)
		tree.AddRef(folder, "main", rev)
	}
	tree.AddRepo("models--acme--broken")
	tree.AddSnapshotFile("models--acme--broken", h("6"), "gone.bin", "missing")
	root := filepath.Join(t.TempDir(), "hub")
	tree.MustBuild(t, root, time.Now())
	return root
}

// TestRmDryRunCountsOtherReposUse: rm scans the cache in summary mode and
// only the selected repos with their blob lists; what it plans and prints
// must still account for what the other repos use (a link into the
// selected repo, a shared payload) for every target form. The figures are
// those of a plan on a full scan (the output before rm scanned in summary
// mode was checked against these).
func TestRmDryRunCountsOtherReposUse(t *testing.T) {
	t.Parallel()
	root := scopeCache(t)
	h := func(c string) string { return strings.Repeat(c, 40) }
	for _, c := range []struct {
		targets []string
		want    string
	}{
		// b links to a1: removing a frees a2 only.
		{[]string{"model/acme/a"}, "About to delete 1 repo(s) totalling 50.0.\n  - model/acme/a (entire repo)\n"},
		{[]string{"acme/a"}, "About to delete 1 repo(s) totalling 50.0.\n  - model/acme/a (entire repo)\n"},
		{[]string{"hf://models/acme/a"}, "About to delete 1 repo(s) totalling 50.0.\n  - model/acme/a (entire repo)\n"},
		{[]string{h("1")}, "About to delete 1 revision(s) totalling 0.0.\n  - model/acme/a:\n      " + h("1") + " [main] 100.0\n"},
		{[]string{"model/acme/a@" + h("2")}, "About to delete 1 revision(s) totalling 50.0.\n  - model/acme/a:\n      " + h("2") + " [(detached)] 150.0\n"},
		// b's own blob only: a1 is a's.
		{[]string{"model/acme/b"}, "About to delete 1 repo(s) totalling 20.0.\n  - model/acme/b (entire repo)\n"},
		// a1 stays: until b's revision is gone its repo must stay readable.
		{[]string{"model/acme/a", "model/acme/b"}, "About to delete 2 repo(s) totalling 70.0.\n  - model/acme/a (entire repo)\n  - model/acme/b (entire repo)\n"},
		// The payload goes only with both repos that use it.
		{[]string{"model/acme/s1"}, "About to delete 1 repo(s) totalling 0.0.\n  - model/acme/s1 (entire repo)\n"},
		{[]string{h("5")}, "About to delete 1 repo(s) totalling 0.0.\n  - model/acme/s2 (entire repo)\n"},
		{[]string{"model/acme/s1", h("5")}, "About to delete 2 repo(s) totalling 1.0K.\n  - model/acme/s1 (entire repo)\n  - model/acme/s2 (entire repo)\n"},
		// Mixed forms, with targets that name nothing.
		{[]string{h("3"), "model/acme/a@" + h("2"), "model/acme/gone", h("9")}, "About to delete 1 repo(s) and 1 revision(s) totalling 70.0.\n  - model/acme/a:\n      " + h("2") + " [(detached)] 150.0\n  - model/acme/b (entire repo)\n"},
		{[]string{"model/acme/broken", h("6")}, "Nothing to delete.\n"},
	} {
		out, errOut, code := run(t, map[string]string{"NO_COLOR": "1"}, false, append([]string{"rm", "--cache-dir", root, "--dry-run"}, c.targets...)...)
		if code != 0 {
			t.Errorf("rm %v: exit %d\n%s%s", c.targets, code, out, errOut)
			continue
		}
		if !strings.HasPrefix(out, c.want) {
			t.Errorf("rm %v: stdout\n%s\nwant it to start with\n%s", c.targets, out, c.want)
		}
	}
	// The warning names exactly the targets that name nothing.
	_, errOut, _ := run(t, map[string]string{"NO_COLOR": "1"}, false, "rm", "--cache-dir", root, "--dry-run", "model/acme/broken", h("6"), "model/acme/a")
	if want := "Warning: Could not find in cache:\n  - model/acme/broken\n  - " + h("6") + "\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	out, _, code := run(t, nil, false, "rm", "--cache-dir", root, "--dry-run", "--json", "model/acme/a", h("5"))
	if want := `{"dry_run": true, "repos": 2, "revisions": 3, "size": "50.0"}` + "\n"; code != 0 || out != want {
		t.Errorf("json: exit %d stdout %q, want %q", code, out, want)
	}
}

// TestRmKeepsBlobListsOfSelectedReposOnly: rm holds the blob lists of the
// repos its targets select, and of the others only the files they use
// outside their own folders, so that its memory does not grow with the
// cache.
func TestRmKeepsBlobListsOfSelectedReposOnly(t *testing.T) {
	t.Parallel()
	root := scopeCache(t)
	for _, c := range []struct {
		targets []string
		// blobs kept per repo folder, by base name
		want map[string]string
	}{
		{[]string{"model/acme/s1"}, map[string]string{
			"models--acme--a":  "",
			"models--acme--b":  "models--acme--a/blobs/a1",
			"models--acme--s1": "blobs/77/" + strings.Repeat("7", 64),
			"models--acme--s2": "blobs/77/" + strings.Repeat("7", 64),
		}},
		{[]string{strings.Repeat("2", 40), "model/acme/s2@" + strings.Repeat("5", 40)}, map[string]string{
			"models--acme--a":  "models--acme--a/blobs/a1,models--acme--a/blobs/a2",
			"models--acme--b":  "models--acme--a/blobs/a1",
			"models--acme--s1": "blobs/77/" + strings.Repeat("7", 64),
			"models--acme--s2": "blobs/77/" + strings.Repeat("7", 64),
		}},
		{[]string{"model/acme/b"}, map[string]string{
			"models--acme--a":  "",
			"models--acme--b":  "models--acme--a/blobs/a1,models--acme--b/blobs/b1",
			"models--acme--s1": "blobs/77/" + strings.Repeat("7", 64),
			"models--acme--s2": "blobs/77/" + strings.Repeat("7", 64),
		}},
	} {
		ios, _, _, errOut := iostreams.Test()
		o, err := newModernOut(ios, "rm", "", FormatFlags{Format: "human"}, false)
		if err != nil {
			t.Fatal(err)
		}
		cache, res, err := resolveRm(o, &RmOptions{IO: ios, Dir: root, Targets: c.targets})
		if err != nil || len(res.Hashes) == 0 {
			t.Fatalf("rm %v: %v, %v %s", c.targets, res, err, errOut)
		}
		got := map[string]string{}
		for _, r := range cache.Repos {
			var paths []string
			for _, b := range r.Blobs {
				rel, _ := filepath.Rel(root, b.Path)
				paths = append(paths, filepath.ToSlash(rel))
			}
			got[filepath.Base(r.Path)] = strings.Join(paths, ",")
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("rm %v: blobs kept %v, want %v", c.targets, got, c.want)
		}
	}
}
