package cachetest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// TestGenerate builds small caches and checks their shape on disk and what
// the scanner makes of them.
func TestGenerate(t *testing.T) {
	cachetest.RequireSymlinks(t) // generated caches are of the symlink layout
	cases := []struct {
		name string
		spec cachetest.Spec
	}{
		{"one repo one revision", cachetest.Spec{Repos: 1, Revisions: 1, Files: 12}},
		{"shared blobs", cachetest.Spec{Repos: 3, Revisions: 3, Files: 40, Seed: 7}},
		{"for entries", cachetest.SpecForEntries(3000)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "hub")
			g, err := cachetest.Generate(root, c.spec, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			entries, links, subdirs := 0, 0, 0
			err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if p == root {
					return nil
				}
				entries++
				if d.Type()&os.ModeSymlink != 0 {
					links++
					target, _ := os.Readlink(p)
					if filepath.IsAbs(target) || !strings.Contains(target, "blobs/") {
						t.Errorf("link %s -> %s is not relative to blobs/", p, target)
					}
				}
				if d.IsDir() && strings.HasPrefix(d.Name(), "dir") {
					subdirs++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if entries != g.Entries || links != g.Files {
				t.Errorf("walk: %d entries %d links, generator says %d and %d", entries, links, g.Entries, g.Files)
			}
			if subdirs == 0 {
				t.Error("no nested snapshot folder")
			}
			if c.spec.Files*c.spec.Revisions*c.spec.Repos != g.Files {
				t.Errorf("files = %d, want %d", g.Files, c.spec.Files*c.spec.Revisions*c.spec.Repos)
			}
			cache, err := scan.Dir(root, scan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(cache.Warnings) != 0 {
				t.Fatalf("warnings: %v", cache.Warnings[0])
			}
			if len(cache.Repos) != c.spec.Repos || cache.NbRevisions() != c.spec.Repos*c.spec.Revisions {
				t.Errorf("%d repos %d revisions", len(cache.Repos), cache.NbRevisions())
			}
			blobs := 0
			for _, r := range cache.Repos {
				blobs += r.NbFiles()
				if refs := r.Refs(); len(refs) == 0 || refs[0] != "main" {
					t.Errorf("%s refs %v", r.ID, refs)
				}
			}
			if blobs != g.Blobs || cache.Size != g.TotalSize {
				t.Errorf("scan: %d blobs %d bytes, generator %d and %d", blobs, cache.Size, g.Blobs, g.TotalSize)
			}
			if c.spec.Revisions > 1 && g.Blobs >= g.Files {
				t.Errorf("revisions share no blob: %d blobs for %d files", g.Blobs, g.Files)
			}
			est := c.spec.EntriesPerRepo() * c.spec.Repos
			if d := est - g.Entries; d*10 > est || -d*10 > est {
				t.Errorf("EntriesPerRepo estimate %d far from %d", est, g.Entries)
			}
		})
	}
}
