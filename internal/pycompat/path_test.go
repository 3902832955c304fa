package pycompat_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/pycompat"
)

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
			got, err := pycompat.ResolvePath(c.in)
			if err != nil || got != c.want {
				t.Errorf("ResolvePath = %q %v, want %q", got, err, c.want)
			}
		})
	}
	wd, _ := os.Getwd()
	if got, _ := pycompat.ResolvePath("."); got != wd {
		if real, _ := filepath.EvalSymlinks(wd); got != real {
			t.Errorf("ResolvePath(.) = %q, want %q", got, wd)
		}
	}
}
