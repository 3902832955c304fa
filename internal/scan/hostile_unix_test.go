//go:build unix

package scan

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// TestHostileRefs: a ref that is a FIFO (reading it would wait forever),
// a huge sparse file (reading it would exhaust memory) or a dangling link
// makes its repo a warning with a clear message, quickly.
func TestHostileRefs(t *testing.T) {
	dir := t.TempDir()
	const hash = "1111111111111111111111111111111111111111"
	var tr cachetest.Tree
	for _, f := range []string{"models--fifo", "models--huge", "models--dangling", "models--ok"} {
		tr.AddRepo(f)
		tr.AddBlob(f, "b", 10, nil, 10, 10)
		tr.AddSnapshotFile(f, hash, "x", "b")
		tr.AddRef(f, "main", hash)
	}
	tr.MustBuild(t, dir, time.Now())
	p := func(rel string) string { return filepath.Join(dir, rel) }
	if err := syscall.Mkfifo(p("models--fifo/refs/evil"), 0o644); err != nil {
		t.Fatal(err)
	}
	huge, err := os.Create(p("models--huge/refs/evil"))
	if err != nil {
		t.Fatal(err)
	}
	if err := huge.Truncate(1 << 40); err != nil { // 1 TiB, sparse
		t.Fatal(err)
	}
	huge.Close()
	if err := os.Symlink("nowhere", p("models--dangling/refs/evil")); err != nil {
		t.Fatal(err)
	}
	done := make(chan *Cache, 1)
	go func() {
		c, err := Dir(dir, Options{})
		if err != nil {
			t.Error(err)
		}
		done <- c
	}()
	var c *Cache
	select {
	case c = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("scan hangs on a hostile ref")
	}
	want := map[string]string{
		"models--fifo":     "Ref is not a regular file: " + p("models--fifo/refs/evil"),
		"models--huge":     "Ref is too large to hold a revision hash (1099511627776 bytes): " + p("models--huge/refs/evil"),
		"models--dangling": "Ref cannot be read: " + p("models--dangling/refs/evil") + " (no such file or directory)",
	}
	if len(c.Repos) != 1 || len(c.Warnings) != len(want) {
		t.Fatalf("%d repos, warnings %v", len(c.Repos), c.Warnings)
	}
	for _, w := range c.Warnings {
		if w.Msg != want[filepath.Base(w.Path)] {
			t.Errorf("warning %q, want %q", w.Msg, want[filepath.Base(w.Path)])
		}
		if w.Err != nil {
			t.Errorf("%s counted as unreadable: %v", w.Path, w.Err)
		}
	}
}
