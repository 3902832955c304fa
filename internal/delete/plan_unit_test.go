package delete

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// TestPlanRevisions covers the planner's rules on the repoTree cache
// (r1: ref main, files shared+only1; r2: detached, files shared+only2)
// plus a Windows-style repo whose snapshot holds regular files.
func TestPlanRevisions(t *testing.T) {
	dir, repo := repoTree(t)
	win := filepath.Join(dir, "models--acme--win")
	var tr cachetest.Tree
	tr.AddRepo("models--acme--win")
	tr = append(tr,
		cachetest.Entry{Kind: cachetest.File, Path: "models--acme--win/snapshots/" + r3 + "/config.json", Content: []byte("{}"), ATimeAgo: 5, MTimeAgo: 5},
		cachetest.Entry{Kind: cachetest.File, Path: "models--acme--win/snapshots/" + r3 + "/sub/w.bin", Size: 1000, ATimeAgo: 5, MTimeAgo: 5},
		cachetest.Entry{Kind: cachetest.File, Path: "models--acme--win/snapshots/" + r1[:39] + "4/x.bin", Size: 10, ATimeAgo: 5, MTimeAgo: 5},
	)
	tr.AddRef("models--acme--win", "main", r3)
	if err := tr.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The same hash r1 also exists in a later repo: the first one (path
	// order) takes it, as upstream.
	if err := os.MkdirAll(filepath.Join(dir, "models--zzz", "snapshots", r1), 0o755); err != nil {
		t.Fatal(err)
	}
	c := mustScan(t, dir)
	if len(c.Warnings) != 0 {
		t.Fatal(warningMsgs(c))
	}
	snap := func(r, h string) string { return filepath.Join(r, "snapshots", h) }
	blob := func(name string) string { return filepath.Join(repo, "blobs", name) }
	const unknown = "0000000000000000000000000000000000000000"
	cases := []struct {
		name                      string
		hashes                    []string
		repos, snaps, refs, blobs []string
		freed                     int64
		notFound                  []string
		nbRevisions               int
	}{
		{"whole repo", []string{r1, r2}, []string{repo}, nil, nil, nil, 13, nil, 2},
		{"partial, shared blob kept", []string{r1}, nil, []string{snap(repo, r1)}, []string{filepath.Join(repo, "refs", "main")}, []string{blob("only1")}, 3, nil, 1},
		{"detached revision", []string{r2}, nil, []string{snap(repo, r2)}, nil, []string{blob("only2")}, 4, nil, 1},
		{"unknown and duplicate hashes", []string{r2, unknown, r2, unknown}, nil, []string{snap(repo, r2)}, nil, []string{blob("only2")}, 4, []string{unknown}, 1},
		{"nothing", nil, nil, nil, nil, nil, 0, nil, 0},
		{"windows-style snapshot", []string{r3}, nil, []string{snap(win, r3)}, []string{filepath.Join(win, "refs", "main")}, nil, 1002, nil, 1},
		{"windows-style whole repo", []string{r3, r1[:39] + "4"}, []string{win}, nil, nil, nil, 1012, nil, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := PlanRevisions(c, tc.hashes)
			got := [][]string{p.Repos, p.Snapshots, p.Refs, p.Blobs, p.NotFound}
			want := [][]string{tc.repos, tc.snaps, tc.refs, tc.blobs, tc.notFound}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("plan\n got %q\nwant %q", got, want)
			}
			if p.ExpectedFreedSize != tc.freed {
				t.Errorf("freed %d, want %d", p.ExpectedFreedSize, tc.freed)
			}
			n := 0
			for _, target := range p.Targets {
				n += len(target.Hashes)
			}
			if n != tc.nbRevisions {
				t.Errorf("%d revision(s) in the targets, want %d", n, tc.nbRevisions)
			}
		})
	}
	// Executing the Windows-style plan removes the folder and its files
	// with no failure (upstream 0.21 reports one per file).
	res := Execute(PlanRevisions(c, []string{r3}), ExecOptions{})
	if !res.OK() || res.FreedSize != 1002 || exists(snap(win, r3)) {
		t.Errorf("windows-style execution: %+v", res)
	}
}
