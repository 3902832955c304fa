package scan_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/review"
	"github.com/hfcache/hfcache/internal/scan"
)

// Pools the fuzzer picks names and link targets from: valid names, names
// with spaces, unicode and line breaks, names that are not cache names.
var (
	fuzzRepos = []string{
		"models--org--a", "datasets--b", "spaces--sp ace--ünï", "models--new\nline",
		"models--c", "junk", "models--", "bogus--x",
	}
	fuzzHashes = []string{
		"1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222",
		"3333333333333333333333333333333333333333", "a b", "ü\u2028", "x\n1111111111111111111111111111111111111111",
	}
	fuzzEtags = []string{
		"4444444444444444444444444444444444444444",
		"5555555555555555555555555555555555555555555555555555555555555555",
		"odd name", "e\nf", "6666666666666666666666666666666666666666.incomplete",
	}
	fuzzFiles = []string{"config.json", "sub/dir/w.bin", "sp ace.txt", "new\nline", "ü.bin", "d/x"}
	fuzzRefs  = []string{"main", "pr/1", "sp ace", "a\nb", "v1.0"}
)

// fuzzTree builds a cache from fuzz bytes in root/hub, with root/outside
// holding files that links may point to. Each operation takes a few bytes:
// repo skeletons, blobs, snapshot folders, snapshot entries (links to own
// blobs, other repos' blobs, outside files and folders, absolute and
// relative, dangling, self loops, regular files), refs whose content is a
// hash, a path, garbage or nothing, and linked or looping repo, refs,
// snapshots and blobs folders.
func fuzzTree(t *testing.T, data []byte) (cache, outside string) {
	t.Helper()
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := int(data[0])
		data = data[1:]
		return b
	}
	pick := func(list []string) string { return list[next()%len(list)] }
	root := t.TempDir()
	cache = filepath.Join(root, "hub")
	outside = filepath.Join(root, "outside")
	for _, d := range []string{cache, filepath.Join(outside, "pdir")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "precious"), []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Errors are ignored below: an operation on a path a previous one made
	// impossible (a file where a folder should be) simply does nothing.
	mkdir := func(p string) { _ = os.MkdirAll(p, 0o755) }
	write := func(p string, b []byte) { mkdir(filepath.Dir(p)); _ = os.WriteFile(p, b, 0o644) }
	link := func(target, p string) { mkdir(filepath.Dir(p)); _ = os.Symlink(target, p) }
	for ops := 0; len(data) > 0 && ops < 40; ops++ {
		repo := filepath.Join(cache, pick(fuzzRepos))
		switch next() % 12 {
		case 0, 1:
			for _, d := range []string{"blobs", "refs", "snapshots"} {
				mkdir(filepath.Join(repo, d))
			}
		case 2:
			write(filepath.Join(repo, "blobs", pick(fuzzEtags)), make([]byte, next()))
		case 3:
			mkdir(filepath.Join(repo, "snapshots", pick(fuzzHashes)))
		case 4, 5:
			name := pick(fuzzFiles)
			p := filepath.Join(repo, "snapshots", pick(fuzzHashes), name)
			up := strings.Repeat("../", 2+strings.Count(name, "/"))
			var target string
			switch next() % 10 {
			case 0, 1:
				target = up + "blobs/" + pick(fuzzEtags)
			case 2:
				target = up + "../" + pick(fuzzRepos) + "/blobs/" + pick(fuzzEtags)
			case 3:
				target = filepath.Join(outside, "precious")
			case 4:
				target = filepath.Join(outside, "pdir")
			case 5:
				target = up + "../../outside/precious"
			case 6:
				target = filepath.Base(p) // a loop
			case 7:
				target = filepath.Join(cache, pick(fuzzRepos), "blobs", pick(fuzzEtags))
			case 8:
				write(p, []byte("windows"))
				continue
			case 9:
				target = up + "blobs/missing"
			}
			link(target, p)
		case 6:
			var content []byte
			switch next() % 6 {
			case 0, 1, 2:
				content = []byte(pick(fuzzHashes))
			case 3:
				content = []byte("../../x")
			case 4:
				content = []byte(filepath.Join(outside, "precious"))
			case 5:
				n := next() % 8
				content = append([]byte(nil), data[:min(n, len(data))]...)
			}
			write(filepath.Join(repo, "refs", pick(fuzzRefs)), content)
		case 7:
			_ = os.RemoveAll(repo)
			switch next() % 3 {
			case 0:
				link(outside, repo)
			case 1:
				link(filepath.Base(repo), repo) // a loop
			case 2:
				link(pick(fuzzRepos), repo)
			}
		case 8:
			link(".", filepath.Join(repo, "refs", "loop"))
		case 9:
			link(pick([]string{"../" + pick(fuzzHashes), filepath.Join(outside, "pdir"), "."}), filepath.Join(repo, "snapshots", pick(fuzzHashes)))
		case 10:
			if _, err := os.Lstat(filepath.Join(repo, "blobs")); err != nil {
				link(filepath.Join(outside, "pdir"), filepath.Join(repo, "blobs"))
			}
		case 11:
			write(repo, []byte("a file at the root"))
		}
	}
	return cache, outside
}

// dump renders everything a scan found except times (listing a folder may
// change its access time between two scans).
func dump(c *scan.Cache) string {
	var b strings.Builder
	fmt.Fprintf(&b, "size %d\n", c.Size)
	for _, r := range c.Repos {
		fmt.Fprintf(&b, "repo %q %q %q size=%d files=%d blobs=%d\n", r.Type, r.ID, r.Path, r.Size, r.NbFiles(), len(r.Blobs))
		for _, bl := range r.Blobs {
			fmt.Fprintf(&b, "  blob %q %d\n", bl.Path, bl.Size)
		}
		for _, rev := range r.Revisions {
			fmt.Fprintf(&b, "  rev %q %q refs=%q size=%d n=%d blobs=%v\n", rev.Hash, rev.SnapshotPath, rev.Refs, rev.Size, rev.NbFiles, rev.BlobIDs)
			for _, f := range rev.Files {
				fmt.Fprintf(&b, "    file %q -> %d\n", f.Name, f.Blob)
			}
		}
	}
	for _, w := range c.Warnings {
		fmt.Fprintf(&b, "warning %q %q\n", w.Path, w.Msg)
	}
	return b.String()
}

// FuzzScan builds random, often broken or hostile caches and checks that
// the scanner never panics, gives the same result whatever the number of
// workers and with or without file lists, and that deleting any revisions
// of what it found never plans a path outside the cache, outside the repo
// being changed, or through a linked folder; and that the review file of
// the cache selects nothing until edited.
func FuzzScan(f *testing.F) {
	f.Add([]byte{0, 0, 4, 0, 0, 0, 0, 0, 2, 0, 0, 10, 6, 0, 0, 0, 0})
	f.Add([]byte{0, 1, 5, 1, 1, 1, 3, 4, 1, 1, 1, 4, 6, 1, 1, 1, 2, 2, 1, 1, 1, 5})
	f.Add([]byte{1, 2, 4, 2, 2, 0, 2, 7, 3, 0, 8, 3, 9, 3, 1, 1})
	f.Add([]byte{0, 3, 4, 3, 5, 2, 6, 3, 4, 3, 5, 0, 8, 5, 2, 0, 7, 1})
	// Repo models--c links to a blob of models--org--a.
	f.Add([]byte{0, 0, 0, 2, 0, 5, 0, 4, 0, 0, 0, 0, 4, 0, 4, 4, 0, 1, 2, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 160 {
			return
		}
		cache, outside := fuzzTree(t, data)
		full, err := scan.Dir(cache, scan.Options{Files: true, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		want := dump(full)
		for _, opts := range []scan.Options{{Files: true, Workers: 8}, {Files: true}} {
			c, err := scan.Dir(cache, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := dump(c); got != want {
				t.Fatalf("scan with %+v differs:\n%s\n--- want\n%s", opts, got, want)
			}
		}
		// The scan index: recorded by a first scan, replayed by a second
		// (the scans start an hour ahead so that the new folders count as
		// old enough to record).
		ixDir := t.TempDir()
		for run := 1; run <= 2; run++ {
			c, err := scan.Dir(cache, scan.Options{Files: true, Index: &scan.Index{Dir: ixDir, Now: time.Now().Add(time.Hour)}})
			if err != nil {
				t.Fatal(err)
			}
			if got := dump(c); got != want {
				t.Fatalf("scan %d with the index differs:\n%s\n--- want\n%s", run, got, want)
			}
		}
		sum, err := scan.Dir(cache, scan.Options{Summary: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Repos) != len(full.Repos) || sum.Size != full.Size || len(sum.Warnings) != len(full.Warnings) {
			t.Fatalf("summary scan differs: %d repos %d bytes, want %d repos %d bytes", len(sum.Repos), sum.Size, len(full.Repos), full.Size)
		}
		if _, err := scan.Dir(cache, scan.Options{Modern: true}); err != nil {
			t.Fatal(err)
		}

		var all []string
		for _, r := range full.Repos {
			for _, rev := range r.Revisions {
				all = append(all, rev.Hash)
			}
		}
		selections := [][]string{all}
		for _, h := range all {
			selections = append(selections, []string{h})
		}
		for _, hashes := range selections {
			checkPlan(t, full, delete.PlanRevisions(full, hashes), outside)
		}
		checkSummaryPlans(t, full, sum)

		// Execute a selection taken from the input: nothing outside the
		// cache changes.
		var pickHashes []string
		for i, h := range all {
			if len(data) > 0 && data[i%len(data)]&1 == 1 {
				pickHashes = append(pickHashes, h)
			}
		}
		before := listing(outside)
		delete.Execute(delete.PlanRevisions(full, pickHashes), delete.ExecOptions{})
		if after := listing(outside); after != before {
			t.Fatalf("outside of the cache changed:\n%s\n--- was\n%s", after, before)
		}

		if sel := review.Parse(review.Render(delete.ReviewOrder(full, delete.SortDefault), time.Now(), nil)); len(sel) != 0 {
			t.Fatalf("fresh review file selects %q", sel)
		}
	})
}

// checkSummaryPlans: planning the deletion of each revision, and of each
// repo whole, in a summary scan where only the selected repo was scanned
// again with its blob lists (Cache.Rescan, as rm does) gives the plan of
// the full scan: what other repos use outside their folders is kept.
func checkSummaryPlans(t *testing.T, full, sum *scan.Cache) {
	t.Helper()
	for i, repo := range full.Repos {
		sels := []scan.Selection{{Repo: repo, Revisions: repo.Revisions}}
		for _, rev := range repo.Revisions {
			sels = append(sels, scan.Selection{Repo: repo, Revisions: []*scan.Revision{rev}})
		}
		mixed := sum.Rescan([]*scan.Repo{sum.Repos[i]}, scan.Options{})
		again := mixed.Repos[i]
		if again.Path != repo.Path || len(again.Revisions) != len(repo.Revisions) {
			t.Fatalf("rescan of %s: %s with %d revisions", repo.Path, again.Path, len(again.Revisions))
		}
		for _, sel := range sels {
			other := scan.Selection{Repo: again}
			for _, rev := range sel.Revisions {
				for _, r := range again.Revisions {
					if r.Hash == rev.Hash {
						other.Revisions = append(other.Revisions, r)
					}
				}
			}
			want := fmt.Sprintf("%+v", *delete.PlanSelected(full, []scan.Selection{sel}))
			if got := fmt.Sprintf("%+v", *delete.PlanSelected(mixed, []scan.Selection{other})); got != want {
				t.Fatalf("plan of %d revision(s) of %s from a summary scan:\n%s\n--- full scan:\n%s", len(sel.Revisions), repo.Path, got, want)
			}
		}
	}
}

// listing describes every path below dir with its type, size and link.
func listing(dir string) string {
	var out []string
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		target, _ := os.Readlink(p)
		out = append(out, fmt.Sprintf("%q %v %d %q", p, info.Mode().Type(), info.Size(), target))
		return nil
	})
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// checkPlan fails when a plan names a path outside the cache, outside the
// repo folder of one of its targets, below a linked folder, or a repo
// folder that is not a direct child of the cache.
func checkPlan(t *testing.T, c *scan.Cache, p *delete.Plan, outside string) {
	t.Helper()
	targets := map[string]bool{}
	for _, tg := range p.Targets {
		if filepath.Dir(tg.RepoPath) != c.Path {
			t.Fatalf("target %q is not a folder of the cache", tg.RepoPath)
		}
		targets[tg.RepoPath] = true
	}
	for _, r := range p.Repos {
		if !targets[r] {
			t.Fatalf("repo %q removed but not a target", r)
		}
	}
	for _, part := range [][]string{p.Snapshots, p.Refs, p.Blobs} {
		for _, path := range part {
			repo := ""
			for tg := range targets {
				if delete.Inside(path, tg) && path != tg {
					repo = tg
				}
			}
			if repo == "" || !delete.Inside(path, c.Path) || delete.Inside(path, outside) {
				t.Fatalf("planned %q outside the cache or its repo (targets %v)", path, targets)
			}
		}
	}
	// Blobs are resolved paths: no linked folder leads to them. (Snapshot
	// folders and refs below a linked repo folder are refused by the
	// executor on disk, see the Execute run in FuzzScan.)
	for _, b := range p.Blobs {
		if real, err := filepath.EvalSymlinks(filepath.Dir(b)); err == nil && real != filepath.Dir(b) {
			t.Fatalf("planned blob %q below a linked folder (%s)", b, real)
		}
	}
	sort.Strings(p.Outside)
	for _, o := range p.Outside {
		if delete.Inside(o, c.Path) {
			t.Fatalf("%q listed outside but lies in the cache", o)
		}
	}
}
