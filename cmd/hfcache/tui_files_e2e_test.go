package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/scan"
)

const keyRight = "\x1b[C"

// TestTUIFileViewE2E drives delete-cache in a pseudo-terminal: → on a
// revision opens its files, two are ticked (one whose blob another
// revision shares, one of its own), the confirmation lists them, y
// deletes them. On disk: both snapshot entries are gone, only the blob
// nothing else uses is removed, and the cache scans without a warning.
func TestTUIFileViewE2E(t *testing.T) {
	dir := buildSmall(t, t.TempDir(), "hub", time.Now())
	t5 := filepath.Join(dir, "models--t5-small")
	rev := filepath.Join(t5, "snapshots", "d78aea13fa7ecd06c29e3e46195d6341255065d5")
	before, err := scan.Dir(dir, scan.Options{Files: true})
	if err != nil {
		t.Fatal(err)
	}
	blobOf := func(name string) string {
		p, err := filepath.EvalSymlinks(filepath.Join(rev, name))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	sharedBlob, ownBlob := blobOf(".gitattributes"), blobOf("config.json")

	r := startInPTY(t, "hfcache", "delete-cache", "--dir", dir)
	r.waitFor("Select revisions to delete")
	r.send(keyDown, keyDown, keyDown, keyDown, keyDown, keyDown, keyDown, keyRight)
	r.waitFor("t5-small › d78aea13")
	r.send(keySpace, keyDown, keyDown, keySpace)
	r.waitFor("2 files selected counting for 1.2K")
	r.send(keyEnter)
	r.waitFor("Confirm deletion ?")
	r.waitFor("d78aea13: config.json 1.2K (frees 1.2K)")
	r.send("y")
	code, out := r.wait()
	if code != 0 {
		t.Fatalf("exit %d; output:\n%q", code, out)
	}
	if !strings.Contains(out, "Deleted 0 repo(s), 0 revision(s) and 2 file(s) for a total of 1.2K.") {
		t.Fatalf("output:\n%q", out)
	}
	for _, name := range []string{".gitattributes", "config.json"} {
		if _, err := os.Lstat(filepath.Join(rev, name)); !os.IsNotExist(err) {
			t.Errorf("%s still in the snapshot (%v)", name, err)
		}
	}
	if _, err := os.Lstat(ownBlob); !os.IsNotExist(err) {
		t.Errorf("the blob only config.json used is still there (%v)", err)
	}
	if _, err := os.Stat(sharedBlob); err != nil {
		t.Errorf("the blob other revisions use is gone: %v", err)
	}
	after, err := scan.Dir(dir, scan.Options{Files: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Warnings) != len(before.Warnings) {
		t.Fatalf("warnings after: %v", after.Warnings)
	}
	if got, want := after.Size, before.Size-1200; got > before.Size || before.Size-got < 1000 || got < want-100 {
		t.Errorf("cache size %d -> %d", before.Size, got)
	}
	files := 0
	for _, repo := range after.Repos {
		for _, rv := range repo.Revisions {
			files += len(rv.Files)
		}
	}
	beforeFiles := 0
	for _, repo := range before.Repos {
		for _, rv := range repo.Revisions {
			beforeFiles += len(rv.Files)
		}
	}
	if files != beforeFiles-2 {
		t.Errorf("%d files left, want %d", files, beforeFiles-2)
	}
}
