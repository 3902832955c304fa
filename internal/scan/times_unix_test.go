//go:build unix && (amd64 || arm64)

package scan_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// TestTimesAfter2262: blob times beyond what int64 nanoseconds hold (the
// year 2262) stay in the future instead of wrapping around to the past;
// upstream then says "a few seconds ago", not "165 years ago".
func TestTimesAfter2262(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	var tree cachetest.Tree
	basicRepo(&tree)
	if err := tree.Build(root, time.Now()); err != nil {
		t.Fatal(err)
	}
	far := time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)
	blob := filepath.Join(root, repoM, "blobs", "e3")
	// Not os.Chtimes: it goes through UnixNano, which wraps after 2262.
	ts := syscall.NsecToTimespec(0)
	ts.Sec = far.Unix()
	if err := syscall.UtimesNano(blob, []syscall.Timespec{ts, ts}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(blob); err != nil || st.ModTime().Year() < 2300 {
		t.Skipf("this filesystem cannot store the year 2400 (%v)", err)
	}
	for _, opts := range []scan.Options{{}, {Summary: true}, {Modern: true, Files: true}} {
		c, err := scan.Dir(root, opts)
		if err != nil || len(c.Repos) != 1 {
			t.Fatalf("%+v: %v, %d repos", opts, err, len(c.Repos))
		}
		repo := c.Repos[0]
		now := time.Now()
		if !repo.LastModified.After(now) || !repo.LastAccessed.After(now) {
			t.Errorf("%+v: repo times %v, %v, want after now", opts, repo.LastAccessed, repo.LastModified)
		}
		for _, rev := range repo.Revisions {
			if rev.Hash == revB && !rev.LastModified.After(now) {
				t.Errorf("%+v: revision time %v, want after now", opts, rev.LastModified)
			}
		}
	}
}
