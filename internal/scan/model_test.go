package scan_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// findCache has the basic repo, a dataset sharing revision A, a broken repo
// with revision C and a junk folder.
func findCache(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "hub")
	var tree cachetest.Tree
	basicRepo(&tree)
	tree.AddRepo("datasets--org--d")
	tree.AddBlob("datasets--org--d", "d1", 50, nil, 1, 2)
	tree.AddSnapshotFile("datasets--org--d", revA, "data.csv", "d1")
	tree.AddRepo("models--acme--broken")
	tree.AddSnapshotFile("models--acme--broken", revC, "x.json", "gone")
	tree = append(tree, file("not-a-repo/x", 1, 1, 1), file("version.txt", 1, 1, 1))
	tree.MustBuild(t, root, time.Now())
	return root
}

// TestModelHelpers covers the Cache and Repo helpers on a real scan.
func TestModelHelpers(t *testing.T) {
	root := findCache(t)
	cache, err := scan.Dir(root, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := cache.NbRevisions(); n != 3 {
		t.Errorf("NbRevisions = %d", n)
	}
	var repo *scan.Repo
	for _, r := range cache.Repos {
		if r.FolderName() == repoM {
			repo = r
		}
	}
	if repo == nil {
		t.Fatalf("no repo %s", repoM)
	}
	if refs := repo.Refs(); strings.Join(refs, ",") != "main,refs/pr/1" {
		t.Errorf("Refs = %v", refs)
	}
}

func TestResolvePath(t *testing.T) {
	cachetest.RequireSymlinks(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mk := func(p string) string { return filepath.Join(base, p) }
	if err := os.MkdirAll(mk("real/sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range [][2]string{
		{"real", "link"},
		{mk("missing/target"), "dangling"},
		{"loop2", "loop1"},
		{"loop1", "loop2"},
		{"real/nothing", "to-missing"},
		{"dangling", "chain"},
	} {
		if err := os.Symlink(l[0], mk(l[1])); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct{ in, want string }{
		{mk("real/sub"), mk("real/sub")},
		{mk("link/sub"), mk("real/sub")},
		{mk("link/sub/../sub/x/y"), mk("real/sub/x/y")},
		{mk("dangling"), mk("missing/target")},
		{mk("dangling/more"), mk("missing/target/more")},
		{mk("to-missing"), mk("real/nothing")},
		{mk("chain"), mk("missing/target")},
		{mk("nope/a/b"), mk("nope/a/b")},
	}
	for _, c := range cases {
		t.Run(strings.TrimPrefix(c.in, base), func(t *testing.T) {
			got, err := scan.ResolvePath(c.in)
			if err != nil || got != c.want {
				t.Errorf("ResolvePath = %q %v, want %q", got, err, c.want)
			}
		})
	}
	wd, _ := os.Getwd()
	if got, _ := scan.ResolvePath("."); got != wd {
		if real, _ := filepath.EvalSymlinks(wd); got != real {
			t.Errorf("ResolvePath(.) = %q, want %q", got, wd)
		}
	}
}

func TestPyRepr(t *testing.T) {
	cases := []struct{ in, want string }{
		{"main", "'main'"},
		{"it's", `"it's"`},
		{`it's "x"`, `'it\'s "x"'`},
		{"a\nb\r\tc\\", `'a\nb\r\tc\\'`},
		{"\x01\x7f", `'\x01\x7f'`},
		{"\u0085é", `'\x85é'`},
		{"\xff", `'\ufffd'`},
	}
	for _, c := range cases {
		if got := scan.PyRepr(c.in); got != c.want {
			t.Errorf("PyRepr(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}
