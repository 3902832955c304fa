package cachetest

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// ErrNoSymlinks is returned by Tree.Build when os.Symlink did not make a
// link: Windows without developer mode refuses, and wine 8.0 returns nil but
// creates nothing.
var ErrNoSymlinks = errors.New("this system cannot create symbolic links")

var symlinksWork = sync.OnceValue(func() bool {
	dir, err := os.MkdirTemp("", "hfcache-symlink-probe-")
	if err != nil {
		return false
	}
	defer func() { _ = os.RemoveAll(dir) }()
	link := filepath.Join(dir, "link")
	if err := os.Symlink("target", link); err != nil {
		return false
	}
	fi, err := os.Lstat(link)
	return err == nil && fi.Mode()&os.ModeSymlink != 0
})

// SymlinksWork reports whether os.Symlink really creates symbolic links on
// this system (checked once, with os.Lstat on a fresh link).
func SymlinksWork() bool { return symlinksWork() }

// RequireSymlinks skips t, with the reason, when the system cannot create
// symbolic links (Windows without developer mode, wine). A cache of
// huggingface_hub's usual layout has snapshot files that are links, so a
// test of that layout cannot run there.
func RequireSymlinks(t testing.TB) {
	t.Helper()
	if !SymlinksWork() {
		t.Skip("needs symbolic links: os.Symlink makes none on this system (Windows without developer mode, or wine)")
	}
}

// HasSymlinks reports whether the tree holds a symbolic link.
func (t Tree) HasSymlinks() bool {
	for _, e := range t {
		if e.Kind == Symlink {
			return true
		}
	}
	return false
}

// MustBuild builds the tree below root like Build; it skips tb when the tree
// holds a link the system cannot create (see RequireSymlinks) and fails it on
// any other error.
func (t Tree) MustBuild(tb testing.TB, root string, now time.Time) {
	tb.Helper()
	if t.HasSymlinks() {
		RequireSymlinks(tb)
	}
	if err := t.Build(root, now); err != nil {
		tb.Fatal(err)
	}
}
