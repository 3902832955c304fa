package cachetest

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// GoldenRoot is the folder the golden caches were built in upstream runs.
const GoldenRoot = "/tmp/hf-golden"

// CompatDir returns testdata/compat of the module (it holds golden/, trees/
// and tui/ copied from the shared compatibility reference).
func CompatDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate cachetest source")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "compat")
}

// GoldenRun is a folder standing in for /tmp/hf-golden: its path has the
// same length, so that tables padded around paths keep their widths once
// Normalize puts the golden path back.
type GoldenRun struct {
	Root string // e.g. /tmp/hf-g04217
}

// NewGoldenRun makes a fresh folder of GoldenRoot's length under /tmp and
// removes it when the test ends. On Windows, where /tmp is not a place a
// test may count on, the folder is <volume>\hf-gNNNNNNN at the root of the
// temporary folder's volume (C:\hf-g0123456: the same length again).
func NewGoldenRun(t testing.TB) *GoldenRun {
	t.Helper()
	format := "/tmp/hf-g%05d"
	mod := uint32(100000)
	if runtime.GOOS == "windows" {
		format = filepath.VolumeName(os.TempDir()) + `\hf-g%07d`
		mod = 10000000
	}
	for i := 0; i < 100; i++ {
		var b [4]byte
		_, _ = rand.Read(b[:])
		n := (uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) % mod
		root := fmt.Sprintf(format, n)
		if len(root) != len(GoldenRoot) {
			t.Fatalf("bad golden root length: %s", root)
		}
		if err := os.Mkdir(root, 0o755); err == nil {
			t.Cleanup(func() { _ = os.RemoveAll(root) })
			return &GoldenRun{Root: root}
		}
	}
	t.Fatalf("cannot create a golden run folder like %s", format)
	return nil
}

// BuildPreset rebuilds trees/<preset>.tsv at <run>/<preset> with times
// relative to now and returns the cache path.
func (g *GoldenRun) BuildPreset(t testing.TB, preset string, now time.Time) string {
	t.Helper()
	tree, err := Load(filepath.Join(CompatDir(t), "trees", preset+".tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if tree.HasSymlinks() {
		RequireSymlinks(t)
	}
	dir := filepath.Join(g.Root, preset)
	_ = os.RemoveAll(dir)
	if err := tree.Build(dir, now); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Normalize replaces the run folder by GoldenRoot in s. On Windows the
// paths below it are written with '\\' (or '\\\\' inside JSON strings):
// they are put back in upstream's '/' form too.
func (g *GoldenRun) Normalize(s string) string {
	if !strings.Contains(g.Root, `\`) {
		return strings.ReplaceAll(s, g.Root, GoldenRoot)
	}
	for _, sep := range []string{`\\`, `\`} { // JSON-escaped first
		root := strings.ReplaceAll(g.Root, `\`, sep)
		q := regexp.QuoteMeta(sep)
		re := regexp.MustCompile(regexp.QuoteMeta(root) + `((?:` + q + `[^\\\s"'\x1b]+)*)`)
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			return GoldenRoot + strings.ReplaceAll(m[len(root):], sep, "/")
		})
	}
	return s
}

// Golden reads golden/<version>/<preset>/<name> ("" when it does not exist).
func Golden(t testing.TB, version, preset, name string) (string, bool) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(CompatDir(t), "golden", version, preset, name))
	if err != nil {
		if os.IsNotExist(err) {
			return "", false
		}
		t.Fatal(err)
	}
	return string(data), true
}

// Listing returns the cache listing format of the golden .after.txt files:
// `find D -mindepth 1 -printf '%y %P %s %l\n' | LC_ALL=C sort`, with
// directory sizes shown as "-".
func Listing(t testing.TB, root string) string {
	t.Helper()
	var lines []string
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if p == root {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			lines = append(lines, fmt.Sprintf("l %s %d %s", rel, info.Size(), target))
		case info.IsDir():
			lines = append(lines, fmt.Sprintf("d %s - ", rel))
		default:
			lines = append(lines, fmt.Sprintf("f %s %d ", rel, info.Size()))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines) // LC_ALL=C sort: plain byte order
	if len(lines) == 0 {
		return "" // find prints nothing for an empty folder
	}
	return strings.Join(lines, "\n") + "\n"
}
