package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/iostreams"
)

func TestFlagCompletions(t *testing.T) {
	dir := t.TempDir()
	var tree cachetest.Tree
	for _, folder := range []string{"models--acme--m", "datasets--acme--d"} {
		tree.AddRepo(folder)
		tree.AddBlob(folder, "b", 1, nil, 60, 60)
		tree.AddSnapshotFile(folder, "1111111111111111111111111111111111111111", "f", "b")
	}
	tree.MustBuild(t, dir, time.Now())
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"delete-cache", "--sort", ""}, []string{"alphabetical", "lastUpdated", "lastUsed", "size"}},
		{[]string{"ls", "--sort", ""}, []string{"accessed", "size:desc", "name:asc"}},
		{[]string{"ls", "--format", ""}, []string{"human", "json", "quiet", "csv"}},
		{[]string{"rm", "--format", ""}, []string{"human", "json"}},
		{[]string{"verify", "--repo-type", ""}, []string{"model", "dataset", "space"}},
		{[]string{"rm", "--cache-dir", dir, ""}, []string{"model/acme/m", "dataset/acme/d"}},
		{[]string{"verify", "--cache-dir", dir, ""}, []string{"acme/m", "acme/d"}},
	}
	for _, tt := range tests {
		ios, _, out, _ := iostreams.Test()
		if code := Run(append([]string{"hfcache", "__complete"}, tt.args...), ios); code != 0 {
			t.Fatalf("%v: exit %d", tt.args, code)
		}
		lines := strings.Split(out.String(), "\n")
		for _, w := range tt.want {
			found := false
			for _, l := range lines {
				if strings.SplitN(l, "\t", 2)[0] == w {
					found = true
				}
			}
			if !found {
				t.Errorf("%v: completions %q lack %q", tt.args, lines, w)
			}
		}
	}
	// rm's format completion has no csv: only ls offers it.
	ios, _, out, _ := iostreams.Test()
	Run([]string{"hfcache", "__complete", "rm", "--format", ""}, ios)
	if strings.Contains(out.String(), "csv") {
		t.Errorf("rm --format offers csv: %q", out.String())
	}
}
