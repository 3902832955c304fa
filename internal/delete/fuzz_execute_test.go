package delete

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hfcache/hfcache/internal/scan"
)

// hostileTree builds, from fuzz bytes, a cache of two repos whose snapshot
// entries are links to their own blobs, to the other repo's blobs, to
// files and folders outside the cache (absolute or escaping with ../),
// dangling links, self loops and regular files; plus sentinel files
// outside the cache. It returns the cache path and the outside folder.
func hostileTree(t *testing.T, data []byte) (cache, outside string) {
	t.Helper()
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := int(data[0])
		data = data[1:]
		return b
	}
	root := t.TempDir()
	cache = filepath.Join(root, "hub")
	outside = filepath.Join(root, "outside")
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(outside, "pdir"), 0o755))
	must(os.WriteFile(filepath.Join(outside, "precious"), []byte("precious"), 0o644))
	must(os.WriteFile(filepath.Join(outside, "pdir", "x"), []byte("x"), 0o644))
	repos := []string{"models--a--x", "datasets--b--y"}
	for ri, repo := range repos {
		rp := filepath.Join(cache, repo)
		for _, d := range []string{"blobs", "refs", "snapshots"} {
			must(os.MkdirAll(filepath.Join(rp, d), 0o755))
		}
		for k := 0; k < 4; k++ {
			must(os.WriteFile(filepath.Join(rp, "blobs", fmt.Sprintf("b%d", k)), []byte(strings.Repeat("z", k+1)), 0o644))
		}
		nRevs := 1 + next()%3
		for i := 0; i < nRevs; i++ {
			hash := fmt.Sprintf("%039d%d", ri, i)
			sp := filepath.Join(rp, "snapshots", hash)
			must(os.MkdirAll(sp, 0o755))
			nFiles := 1 + next()%4
			for f := 0; f < nFiles; f++ {
				p := filepath.Join(sp, fmt.Sprintf("f%d", f))
				k := next() % 4
				var err error
				switch next() % 9 {
				case 0, 1:
					err = os.Symlink(fmt.Sprintf("../../blobs/b%d", k), p)
				case 2:
					err = os.Symlink(fmt.Sprintf("../../../%s/blobs/b%d", repos[1-ri], k), p)
				case 3:
					err = os.Symlink(filepath.Join(outside, "precious"), p)
				case 4:
					err = os.Symlink(filepath.Join(outside, "pdir"), p)
				case 5:
					err = os.WriteFile(p, []byte("windows"), 0o644)
				case 6:
					err = os.Symlink(p, p) // a loop
				case 7:
					err = os.Symlink("../../../../outside/precious", p)
				case 8:
					err = os.Symlink("../../blobs/missing", p)
				}
				must(err)
			}
			if next()%2 == 0 {
				must(os.WriteFile(filepath.Join(rp, "refs", fmt.Sprintf("r%d", i)), []byte(hash), 0o644))
			}
		}
	}
	return cache, outside
}

// treeListing lists every path below dir with its kind and link target.
func treeListing(dir string) []string {
	var out []string
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		target, _ := os.Readlink(p)
		out = append(out, fmt.Sprintf("%s %v %s", p, info.Mode().Type(), target))
		return nil
	})
	sort.Strings(out)
	return out
}

// FuzzExecuteHostile: whatever the tree and the selection, Execute never
// panics, never removes anything outside the cache or inside a repo it was
// not asked to change, and leaves every kept revision of the changed
// repos exactly as it was.
func FuzzExecuteHostile(f *testing.F) {
	f.Add([]byte{2, 3, 0, 0, 1, 3, 2, 7, 3, 3, 1, 0, 0, 1, 2, 0, 5, 1, 8})
	f.Add([]byte{0, 3, 1, 3, 2, 4, 3, 7, 0, 5, 1, 2, 0, 0, 0, 6, 2, 2})
	f.Add([]byte{1, 1, 3, 3, 3, 4, 0, 0, 2, 0, 1, 1, 1, 2, 3})
	f.Add([]byte{2, 3, 0, 0, 1, 3, 2, 7, 3, 3, 1, 0, 0, 1, 2, 0, 5, 1, 1, 0xff})
	f.Add([]byte{0, 3, 1, 3, 2, 4, 3, 7, 0, 5, 1, 2, 0, 0, 0, 6, 2, 2, 0xff})
	f.Add([]byte{1, 1, 3, 3, 3, 4, 0, 0, 2, 0, 1, 1, 1, 2, 4, 0xff})
	f.Add([]byte{1, 1, 3, 3, 3, 4, 0, 0, 2, 0, 1, 1, 1, 2, 5, 0x03})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 200 {
			return
		}
		needSymlinks(t)
		cache, outside := hostileTree(t, data)
		swap := 0
		if len(data) > 1 {
			swap = int(data[len(data)-2]) % len(swaps)
		}
		mirror := outsideMirror(t, outside)
		outsideBefore := treeListing(outside)
		before, err := scan.Dir(cache, scan.Options{Files: true})
		if err != nil {
			t.Fatal(err)
		}
		// Select revisions from the last bytes.
		var hashes []string
		sel := 0
		if len(data) > 0 {
			sel = int(data[len(data)-1])
		}
		i := 0
		for _, repo := range before.Repos {
			for _, rev := range repo.Revisions {
				if sel&(1<<i) != 0 {
					hashes = append(hashes, rev.Hash)
				}
				i++
			}
		}
		plan := PlanRevisions(before, hashes)
		targets := map[string]bool{}
		for _, tg := range plan.Targets {
			targets[tg.RepoPath] = true
		}
		otherBefore := map[string][]string{}
		entries, _ := os.ReadDir(cache)
		for _, e := range entries {
			p := filepath.Join(cache, e.Name())
			if !targets[p] && e.Name() != ".locks" {
				otherBefore[p] = treeListing(p)
			}
		}
		// Between planning and execution, a second user of the cache
		// swaps a folder of a target repo (or the trash) with a link to a
		// folder outside the cache holding files of the same names.
		swapped := swaps[swap](t, cache, plan, mirror)
		Execute(plan, ExecOptions{})

		if got := treeListing(outside); strings.Join(got, "\n") != strings.Join(outsideBefore, "\n") {
			t.Fatalf("outside changed:\n%v\n%v", got, outsideBefore)
		}
		for p, l := range otherBefore {
			if got := treeListing(p); strings.Join(got, "\n") != strings.Join(l, "\n") {
				t.Fatalf("repo %s not targeted but changed", p)
			}
		}
		after, err := scan.Dir(cache, scan.Options{Files: true})
		if err != nil {
			t.Fatal(err)
		}
		selected := map[string]bool{}
		for _, h := range hashes {
			selected[h] = true
		}
		for _, repo := range before.Repos {
			if !targets[repo.Path] || swapped {
				continue // a swapped repo's revisions were damaged by the swap itself
			}
			for _, rev := range repo.Revisions {
				if selected[rev.Hash] {
					continue
				}
				now := revisionIn(after, repo.Path, rev.Hash)
				if now == nil || now.NbFiles != rev.NbFiles || now.Size != rev.Size {
					t.Fatalf("kept revision %s of %s damaged", rev.Hash, repo.Path)
				}
			}
		}
	})
}

// outsideMirror makes, outside the cache, a folder holding what a repo's
// blobs/, refs/ and snapshots/ hold (same names), for the swaps.
func outsideMirror(t *testing.T, outside string) string {
	t.Helper()
	mirror := filepath.Join(outside, "mirror")
	for _, p := range []string{"b0", "b1", "b2", "b3", "r0", "r1", "r2"} {
		if err := os.MkdirAll(mirror, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(mirror, p), []byte("precious"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for ri := 0; ri < 2; ri++ {
		for i := 0; i < 3; i++ {
			d := filepath.Join(mirror, fmt.Sprintf("%039d%d", ri, i))
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(d, "f0"), []byte("precious"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return mirror
}

// swaps change the cache between planning and execution; each reports
// whether it changed a target repo.
var swaps = []func(t *testing.T, cache string, plan *Plan, mirror string) bool{
	func(*testing.T, string, *Plan, string) bool { return false },
	swapSub("blobs"),
	swapSub("snapshots"),
	swapSub("refs"),
	func(t *testing.T, cache string, plan *Plan, mirror string) bool { // the whole repo
		if len(plan.Targets) == 0 {
			return false
		}
		repo := plan.Targets[0].RepoPath
		linkInstead(t, repo, mirror)
		return true
	},
	func(t *testing.T, cache string, plan *Plan, mirror string) bool { // the trash
		if err := os.MkdirAll(filepath.Join(cache, ".locks"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(mirror, filepath.Join(cache, ".locks", trashName())); err != nil {
			t.Fatal(err)
		}
		return false
	},
}

// swapSub replaces folder sub of the first target repo with a link to the
// mirror.
func swapSub(sub string) func(t *testing.T, cache string, plan *Plan, mirror string) bool {
	return func(t *testing.T, cache string, plan *Plan, mirror string) bool {
		if len(plan.Targets) == 0 {
			return false
		}
		linkInstead(t, filepath.Join(plan.Targets[0].RepoPath, sub), mirror)
		return true
	}
}

// linkInstead moves p aside (p + ".moved") and puts a link to target in
// its place.
func linkInstead(t *testing.T, p, target string) {
	t.Helper()
	if err := os.Rename(p, p+".moved"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}
