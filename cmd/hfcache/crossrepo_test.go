package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// TestRmKeepsFilesOtherReposLinkTo: when a snapshot of repo b links to a
// blob of repo a, removing repo a (rm, prune and delete-cache all plan the
// same way) must leave b's file readable. Upstream deletes the blob.
func TestRmKeepsFilesOtherReposLinkTo(t *testing.T) {
	for _, args := range [][]string{
		{"rm", "model/acme/a", "-y"},
		{"rm", "1111111111111111111111111111111111111111", "-y"},
	} {
		t.Run(args[1], func(t *testing.T) {
			root := t.TempDir()
			a, b := "models--acme--a", "models--acme--b"
			var tree cachetest.Tree
			tree.AddRepo(a)
			tree.AddRepo(b)
			tree.AddBlob(a, "aaaa", 0, []byte("shared weights"), 60, 60)
			tree.AddSnapshotFile(a, "1111111111111111111111111111111111111111", "w.bin", "aaaa")
			tree.AddRef(a, "main", "1111111111111111111111111111111111111111")
			tree.Add(cachetest.Entry{Kind: cachetest.Symlink, Path: b + "/snapshots/2222222222222222222222222222222222222222/w.bin", Target: "../../../" + a + "/blobs/aaaa"})
			tree.AddRef(b, "main", "2222222222222222222222222222222222222222")
			tree.MustBuild(t, root, time.Now())
			res := runBinary(t, []string{"NO_COLOR=1"}, "", append(args, "--cache-dir", root)...)
			if res.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
			}
			data, err := os.ReadFile(filepath.Join(root, b, "snapshots/2222222222222222222222222222222222222222/w.bin"))
			if err != nil || string(data) != "shared weights" {
				t.Fatalf("repo b's file after rm of repo a: %q, %v", data, err)
			}
			if _, err := os.Stat(filepath.Join(root, a, "snapshots/1111111111111111111111111111111111111111")); err == nil {
				t.Error("repo a's revision is still there")
			}
			// Repo a is emptied, not removed: its folder holds the protected blob.
			ls := runBinary(t, nil, "", "ls", "--cache-dir", root, "-q")
			if ls.code != 0 || ls.stdout != "model/acme/a\nmodel/acme/b\n" || ls.stderr != "" {
				t.Errorf("ls after rm: exit %d stdout %q stderr %q", ls.code, ls.stdout, ls.stderr)
			}
		})
	}
}
