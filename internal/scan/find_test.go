package scan_test

import (
	"errors"
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

func TestFindRepo(t *testing.T) {
	root := findCache(t)
	cases := []struct {
		typ, id string
		size    int64
		err     func(error) bool
	}{
		{"model", "org/m", 600, nil},
		{"dataset", "org/d", 50, nil},
		{"model", "org/d", 0, func(err error) bool {
			var nf *scan.RepoNotFoundError
			return errors.Is(err, scan.ErrRepoNotFound) && errors.As(err, &nf) &&
				nf.Path == filepath.Join(root, "models--org--d") && strings.Contains(err.Error(), "model org/d not found")
		}},
		{"model", "acme/broken", 0, func(err error) bool {
			var ce *scan.CorruptedError
			return errors.As(err, &ce) && strings.HasPrefix(ce.Msg, "Blob missing (broken symlink): ")
		}},
	}
	for _, c := range cases {
		t.Run(c.typ+"/"+c.id, func(t *testing.T) {
			repo, err := scan.FindRepo(root, c.typ, c.id, scan.Options{Summary: true})
			if c.err != nil {
				if err == nil || !c.err(err) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if repo.ID != c.id || repo.Type != c.typ || repo.Size != c.size {
				t.Errorf("got %s %s %d", repo.Type, repo.ID, repo.Size)
			}
		})
	}
}

func TestFindRevision(t *testing.T) {
	root := findCache(t)
	cases := []struct {
		name, hash string
		repos      []string // ReposWithRevision, relative to root
		found      string   // repo folder FindRevision returns, "" for an error
		err        func(error) bool
	}{
		{"in two repos", revA, []string{"datasets--org--d", repoM}, "datasets--org--d", nil},
		{"upper case", strings.ToUpper(revB), []string{repoM}, repoM, nil},
		{"unknown", strings.Repeat("f", 40), nil, "", func(err error) bool { return errors.Is(err, scan.ErrRevisionNotFound) }},
		{"path-like", "../" + repoM, nil, "", func(err error) bool { return errors.Is(err, scan.ErrRevisionNotFound) }},
		{"in a broken repo", revC, []string{"models--acme--broken"}, "", func(err error) bool {
			var ce *scan.CorruptedError
			return errors.As(err, &ce)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			paths, err := scan.ReposWithRevision(root, c.hash)
			if err != nil {
				t.Fatal(err)
			}
			var rel []string
			for _, p := range paths {
				rel = append(rel, strings.TrimPrefix(p, root+"/"))
			}
			if strings.Join(rel, ",") != strings.Join(c.repos, ",") {
				t.Errorf("ReposWithRevision = %v, want %v", rel, c.repos)
			}
			repo, rev, err := scan.FindRevision(root, c.hash, scan.Options{})
			if c.err != nil {
				if err == nil || !c.err(err) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if repo.FolderName() != c.found || !strings.EqualFold(rev.Hash, c.hash) {
				t.Errorf("found %s@%s", repo.FolderName(), rev.Hash)
			}
		})
	}
	if _, err := scan.ReposWithRevision(filepath.Join(root, "nope"), revA); !errors.Is(err, scan.ErrNotFound) {
		t.Errorf("missing cache: err = %v", err)
	}
	if _, _, err := scan.FindRevision(filepath.Join(root, "version.txt"), revA, scan.Options{}); err == nil {
		t.Errorf("cache is a file: no error")
	}
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
	repo, rev, err := scan.FindRevision(root, revB, scan.Options{})
	if err != nil || repo.FolderName() != repoM || rev.Hash != revB {
		t.Fatalf("FindRevision(B) = %v %v %v", repo, rev, err)
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
