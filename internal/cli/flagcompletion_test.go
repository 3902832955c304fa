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
		tree.AddRef(folder, "refs/pr/7", "1111111111111111111111111111111111111111")
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
		{[]string{"ls", "--files", "--cache-dir", dir, ""}, []string{"model/acme/m", "dataset/acme/d"}},
		{[]string{"rm", "--cache-dir", dir, "--revision", ""}, []string{"refs/pr/7"}},
		{[]string{"ls", "-f", ""}, []string{"size>", "type=", "accessed<", "refs="}},
		{[]string{"ls", "--filter", "type="}, []string{"type=model", "type=dataset", "type=space"}},
		{[]string{"ls", "-f", "mod"}, []string{"modified>", "modified<"}},
		{[]string{"rm", "--cache-dir", dir, "model/acme/m", ""}, []string{"dataset/acme/d"}},
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
	// What must not be offered.
	for _, tt := range []struct {
		args    []string
		notWant string
	}{
		{[]string{"ls", "-f", ""}, "go.mod"}, // file names (the test runs in internal/cli)
		{[]string{"ls", "--filter", "s"}, "go.mod"},
		{[]string{"rm", "--cache-dir", dir, "model/acme/m", ""}, "model/acme/m"}, // a target already given
		{[]string{"verify", "--cache-dir", dir, "acme/m", ""}, "acme/d"},         // verify takes one REPO_ID
	} {
		ios, _, out, _ := iostreams.Test()
		Run(append([]string{"hfcache", "__complete"}, tt.args...), ios)
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.SplitN(l, "\t", 2)[0] == tt.notWant {
				t.Errorf("%v: completions %q offer %q", tt.args, out.String(), tt.notWant)
			}
		}
		if strings.HasSuffix(strings.TrimSpace(out.String()), ":0") && tt.args[0] == "ls" {
			t.Errorf("%v: directive 0 lets the shell complete file names: %q", tt.args, out.String())
		}
	}
	// rm's format completion has no csv: only ls offers it.
	ios, _, out, _ := iostreams.Test()
	Run([]string{"hfcache", "__complete", "rm", "--format", ""}, ios)
	if strings.Contains(out.String(), "csv") {
		t.Errorf("rm --format offers csv: %q", out.String())
	}
}
