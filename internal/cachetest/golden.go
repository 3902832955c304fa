package cachetest

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
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
// removes it when the test ends.
func NewGoldenRun(t testing.TB) *GoldenRun {
	t.Helper()
	for i := 0; i < 100; i++ {
		var b [4]byte
		_, _ = rand.Read(b[:])
		n := (uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) % 100000
		root := fmt.Sprintf("/tmp/hf-g%05d", n)
		if len(root) != len(GoldenRoot) {
			t.Fatalf("bad golden root length: %s", root)
		}
		if err := os.Mkdir(root, 0o755); err == nil {
			t.Cleanup(func() { _ = os.RemoveAll(root) })
			return &GoldenRun{Root: root}
		}
	}
	t.Fatal("cannot create a golden run folder under /tmp")
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

// Normalize replaces the run folder by GoldenRoot in s.
func (g *GoldenRun) Normalize(s string) string {
	return strings.ReplaceAll(s, g.Root, GoldenRoot)
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
