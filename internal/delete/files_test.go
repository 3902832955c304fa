package delete

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// The cache of the file-deletion tests:
//
//	models--org--gguf  r1 (main):      q1.gguf .. q8.gguf (blobs g1..g8, 1000*i bytes),
//	                                   config.json (blob C), sub/tok.json (blob T)
//	                   r2 (refs/pr/1): q1.gguf (g1), config.json (C)
//	models--org--other o1 (main):      weights.bin -> ../../../models--org--gguf/blobs/g3
//	                                   (a hand-made link across repos)
//	models--org--win   w1 (main):      plain.bin, a plain file (Windows-style cache)
const (
	ggufRepo  = "models--org--gguf"
	otherRepo = "models--org--other"
	winRepo   = "models--org--win"
)

var (
	fileRev1 = strings.Repeat("a", 40)
	fileRev2 = strings.Repeat("b", 40)
	otherRev = strings.Repeat("c", 40)
	winRev   = strings.Repeat("d", 40)
)

func ggufEtag(i int) string { return fmt.Sprintf("%064d", i) }

func fileCache(t *testing.T, crossRepo bool) string {
	t.Helper()
	dir := t.TempDir()
	var tree cachetest.Tree
	tree.AddRepo(ggufRepo)
	for i := 1; i <= 8; i++ {
		tree.AddBlob(ggufRepo, ggufEtag(i), 0, []byte(strings.Repeat("x", 1000*i)), 60, 60)
		tree.AddSnapshotFile(ggufRepo, fileRev1, fmt.Sprintf("q%d.gguf", i), ggufEtag(i))
	}
	tree.AddBlob(ggufRepo, "config", 0, []byte(`{"a":1}`), 60, 60)
	tree.AddBlob(ggufRepo, "tok", 0, []byte(`tokens`), 60, 60)
	tree.AddSnapshotFile(ggufRepo, fileRev1, "config.json", "config")
	tree.AddSnapshotFile(ggufRepo, fileRev1, "sub/tok.json", "tok")
	tree.AddSnapshotFile(ggufRepo, fileRev2, "q1.gguf", ggufEtag(1))
	tree.AddSnapshotFile(ggufRepo, fileRev2, "config.json", "config")
	tree.AddRef(ggufRepo, "main", fileRev1)
	tree.AddRef(ggufRepo, "refs/pr/1", fileRev2)
	if crossRepo {
		tree.AddRepo(otherRepo)
		tree.AddSnapshotDir(otherRepo, otherRev)
		tree.Add(cachetest.Entry{
			Kind: cachetest.Symlink, Path: otherRepo + "/snapshots/" + otherRev + "/weights.bin",
			Target: "../../../" + ggufRepo + "/blobs/" + ggufEtag(3),
		})
		tree.AddRef(otherRepo, "main", otherRev)
	}
	tree.AddRepo(winRepo)
	tree.AddSnapshotDir(winRepo, winRev)
	tree.Add(cachetest.Entry{Kind: cachetest.File, Path: winRepo + "/snapshots/" + winRev + "/plain.bin", Content: []byte("windows!"), ATimeAgo: 60, MTimeAgo: 60})
	tree.Add(cachetest.Entry{Kind: cachetest.File, Path: winRepo + "/snapshots/" + winRev + "/keep.bin", Content: []byte("kept"), ATimeAgo: 60, MTimeAgo: 60})
	tree.AddRef(winRepo, "main", winRev)
	if err := tree.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	return dir
}

// snapshotFiles lists "repo folder:hash/name" for every file of every
// revision of c.
func snapshotFiles(c *scan.Cache) []string {
	var out []string
	for _, repo := range c.Repos {
		for _, rev := range repo.Revisions {
			for _, f := range rev.Files {
				out = append(out, filepath.Base(repo.Path)+":"+rev.Hash[:1]+"/"+f.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

func scanFiles(t *testing.T, dir string, modern bool) *scan.Cache {
	t.Helper()
	c, err := scan.Dir(dir, scan.Options{Files: true, Modern: modern})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func findRepoRev(t *testing.T, c *scan.Cache, folder, hash string) (*scan.Repo, *scan.Revision) {
	t.Helper()
	for _, repo := range c.Repos {
		if filepath.Base(repo.Path) != folder {
			continue
		}
		for _, rev := range repo.Revisions {
			if rev.Hash == hash {
				return repo, rev
			}
		}
	}
	t.Fatalf("no revision %s in %s", hash, folder)
	return nil, nil
}

func TestDeleteFiles(t *testing.T) {
	needSymlinks(t)
	type pick struct {
		folder, rev string
		names       []string
	}
	var sevenQuants []string
	for i := 2; i <= 8; i++ {
		sevenQuants = append(sevenQuants, fmt.Sprintf("q%d.gguf", i))
	}
	tests := []struct {
		name      string
		crossRepo bool
		picks     []pick
		freed     int64
		files     int      // snapshot entries removed
		gone      []string // entries that must no longer be listed
		blobsGone []string // blob etags of the gguf repo removed
		blobsKept []string // blob etags of the gguf repo that must stay
	}{
		{
			name:      "seven of eight quantisations",
			picks:     []pick{{ggufRepo, fileRev1, sevenQuants}},
			freed:     (2 + 3 + 4 + 5 + 6 + 7 + 8) * 1000,
			files:     7,
			gone:      []string{ggufRepo + ":a/q2.gguf", ggufRepo + ":a/q8.gguf"},
			blobsGone: []string{ggufEtag(2), ggufEtag(8)},
			blobsKept: []string{ggufEtag(1), "config", "tok"},
		},
		{
			name:      "a file whose blob another revision uses frees nothing",
			picks:     []pick{{ggufRepo, fileRev1, []string{"config.json", "q1.gguf"}}},
			freed:     0,
			files:     2,
			gone:      []string{ggufRepo + ":a/config.json", ggufRepo + ":a/q1.gguf"},
			blobsKept: []string{"config", ggufEtag(1)},
		},
		{
			name: "the same file in both revisions frees its blob",
			picks: []pick{
				{ggufRepo, fileRev1, []string{"config.json"}},
				{ggufRepo, fileRev2, []string{"config.json"}},
			},
			freed:     7,
			files:     2,
			blobsGone: []string{"config"},
		},
		{
			name:      "a blob another repo links to stays",
			crossRepo: true,
			picks:     []pick{{ggufRepo, fileRev1, []string{"q3.gguf", "q4.gguf"}}},
			freed:     4000,
			files:     2,
			gone:      []string{ggufRepo + ":a/q3.gguf"},
			blobsGone: []string{ggufEtag(4)},
			blobsKept: []string{ggufEtag(3)},
		},
		{
			name:      "a nested file",
			picks:     []pick{{ggufRepo, fileRev1, []string{"sub/tok.json"}}},
			freed:     6,
			files:     1,
			gone:      []string{ggufRepo + ":a/sub/tok.json"},
			blobsGone: []string{"tok"},
		},
		{
			name:  "a plain file of a Windows-style snapshot",
			picks: []pick{{winRepo, winRev, []string{"plain.bin"}}},
			freed: 8,
			files: 1,
			gone:  []string{winRepo + ":d/plain.bin"},
		},
		{
			name:  "unknown names select nothing",
			picks: []pick{{ggufRepo, fileRev1, []string{"nope.bin"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fileCache(t, tt.crossRepo)
			c := scanFiles(t, dir, true)
			before := snapshotFiles(c)
			var sel []FileSelection
			for _, p := range tt.picks {
				repo, rev := findRepoRev(t, c, p.folder, p.rev)
				sel = append(sel, FileSelection{Repo: repo, Revision: rev, Names: p.names})
			}
			plan, err := PlanFiles(c, sel)
			if err != nil {
				t.Fatal(err)
			}
			if plan.ExpectedFreedSize != tt.freed || plan.NbFiles() != tt.files {
				t.Fatalf("plan frees %d in %d files, want %d in %d", plan.ExpectedFreedSize, plan.NbFiles(), tt.freed, tt.files)
			}
			diskBefore := cachetest.DiskBytes(t, dir)
			var removedFiles int
			res := ExecuteFiles(plan, ExecOptions{OnRemove: func(kind Kind, _ string) {
				if kind == KindFile {
					removedFiles++
				}
			}})
			if !res.OK() {
				t.Fatalf("failures %v, locked %v", res.Failures, res.Locked)
			}
			if res.FreedSize != tt.freed || removedFiles != tt.files {
				t.Errorf("freed %d in %d files, want %d in %d", res.FreedSize, removedFiles, tt.freed, tt.files)
			}
			if got := diskBefore - cachetest.DiskBytes(t, dir); got != res.FreedSize {
				t.Errorf("bytes removed from disk %d, reported freed %d", got, res.FreedSize)
			}
			// The cache stays valid for both rule sets, every other
			// entry still resolves.
			for _, modern := range []bool{false, true} {
				after := scanFiles(t, dir, modern)
				if len(after.Warnings) != 0 {
					t.Fatalf("modern=%v: warnings after deletion: %v", modern, after.Warnings)
				}
				got := snapshotFiles(after)
				if len(got) != len(before)-tt.files {
					t.Errorf("modern=%v: %d entries left, want %d: %v", modern, len(got), len(before)-tt.files, got)
				}
				for _, g := range tt.gone {
					if i := sort.SearchStrings(got, g); i < len(got) && got[i] == g {
						t.Errorf("%s still listed", g)
					}
				}
			}
			for _, b := range tt.blobsGone {
				if _, err := os.Lstat(filepath.Join(dir, ggufRepo, "blobs", b)); !os.IsNotExist(err) {
					t.Errorf("blob %s not removed (%v)", b, err)
				}
			}
			for _, b := range tt.blobsKept {
				if _, err := os.Stat(filepath.Join(dir, ggufRepo, "blobs", b)); err != nil {
					t.Errorf("blob %s: %v", b, err)
				}
			}
		})
	}
}

// A revision that starts using a blob after the plan was made keeps it:
// the executor reads the repo again.
func TestDeleteFilesRecheck(t *testing.T) {
	needSymlinks(t)
	dir := fileCache(t, false)
	c := scanFiles(t, dir, true)
	repo, rev := findRepoRev(t, c, ggufRepo, fileRev1)
	plan, err := PlanFiles(c, []FileSelection{{Repo: repo, Revision: rev, Names: []string{"q5.gguf"}}})
	if err != nil {
		t.Fatal(err)
	}
	if plan.ExpectedFreedSize != 5000 {
		t.Fatalf("plan frees %d", plan.ExpectedFreedSize)
	}
	// A new revision linking to g5 appears.
	newRev := filepath.Join(dir, ggufRepo, "snapshots", strings.Repeat("e", 40))
	if err := os.MkdirAll(newRev, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../blobs/"+ggufEtag(5), filepath.Join(newRev, "q5.gguf")); err != nil {
		t.Fatal(err)
	}
	res := ExecuteFiles(plan, ExecOptions{})
	if res.FreedSize != 0 || len(res.Skipped) != 1 || !errors.Is(res.Skipped[0].Reason, ErrInUse) {
		t.Fatalf("freed %d, skipped %v", res.FreedSize, res.Skipped)
	}
	if _, err := os.Stat(filepath.Join(newRev, "q5.gguf")); err != nil {
		t.Fatalf("the new revision's file no longer resolves: %v", err)
	}
}

// A linked repo folder or snapshot folder is refused: nothing is removed
// through a link.
func TestDeleteFilesRefusesLinks(t *testing.T) {
	needSymlinks(t)
	dir := fileCache(t, false)
	c := scanFiles(t, dir, true)
	repo, rev := findRepoRev(t, c, ggufRepo, fileRev1)
	plan, err := PlanFiles(c, []FileSelection{{Repo: repo, Revision: rev, Names: []string{"sub/tok.json"}}})
	if err != nil {
		t.Fatal(err)
	}
	// sub/ becomes a link to a folder elsewhere in the repo holding a
	// tok.json of its own.
	sub := filepath.Join(rev.SnapshotPath, "sub")
	decoy := filepath.Join(dir, ggufRepo, "decoy")
	if err := os.MkdirAll(decoy, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(decoy, "tok.json"), []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(sub); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../decoy", sub); err != nil {
		t.Fatal(err)
	}
	files := 0
	ExecuteFiles(plan, ExecOptions{OnRemove: func(kind Kind, _ string) {
		if kind == KindFile {
			files++
		}
	}})
	if _, err := os.Stat(filepath.Join(decoy, "tok.json")); err != nil {
		t.Fatalf("removed through a linked folder: %v", err)
	}
	if files != 0 {
		t.Fatalf("%d entries removed", files)
	}
}

// A scan without file lists cannot plan a file deletion.
func TestPlanFilesNeedsFileLists(t *testing.T) {
	needSymlinks(t)
	dir := fileCache(t, false)
	c, err := scan.Dir(dir, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := PlanFiles(c, nil); !errors.Is(err, ErrNoFileList) {
		t.Fatalf("got %v", err)
	}
}

func TestFileFreed(t *testing.T) {
	needSymlinks(t)
	dir := fileCache(t, true)
	c := scanFiles(t, dir, true)
	uses := BlobUses(c)
	repo, rev := findRepoRev(t, c, ggufRepo, fileRev1)
	want := map[string]int64{"q1.gguf": 0, "q2.gguf": 2000, "q3.gguf": 0, "config.json": 0, "sub/tok.json": 6}
	for _, f := range rev.Files {
		w, ok := want[f.Name]
		if !ok {
			continue
		}
		if got := FileFreed(c, repo, rev, f, uses); got != w {
			t.Errorf("%s frees %d, want %d", f.Name, got, w)
		}
	}
}

// The pinned handles the file deletion removes through never go through a
// linked parent folder, even one that stays inside the cache, and never
// remove a folder.
func TestPinnedRemoveFileLinkedParent(t *testing.T) {
	needSymlinks(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "real", "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	h, err := openHandles(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer h.close()
	if err := h.removeFile(dir, filepath.Join(dir, "link", "f")); !errors.Is(err, ErrLinkedParent) {
		t.Fatalf("got %v", err)
	}
	if err := h.removeFile(dir, filepath.Join(dir, "real")); err == nil {
		t.Fatal("a folder was removed")
	}
	if _, err := os.Stat(filepath.Join(dir, "real", "f")); err != nil {
		t.Fatal(err)
	}
	if err := h.removeFile(dir, filepath.Join(dir, "real", "f")); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(dir, "real", "f")) {
		t.Fatal("real/f not removed")
	}
}

// A file whose content is a payload of the shared blob store: its entry
// goes, the payload and the repo's link to it stay (prune --orphans
// collects what nothing uses), nothing is counted as freed; the cache
// stays valid for both rule sets.
func TestDeleteFilesSharedStore(t *testing.T) {
	dir := sharedCache(t, sharedOpts{})
	c := scanFiles(t, dir, true)
	repo, rev := findRepoRev(t, c, repoA, revA2) // model.safetensors -> payload Q, used by nothing else
	plan, err := PlanFiles(c, []FileSelection{{Repo: repo, Revision: rev, Names: []string{"model.safetensors"}}})
	if err != nil {
		t.Fatal(err)
	}
	if plan.ExpectedFreedSize != 0 || len(plan.Elsewhere) != 1 || len(plan.Repos) != 1 || len(plan.Repos[0].Blobs) != 0 {
		t.Fatalf("plan %+v", plan)
	}
	legacyBefore := len(scanFiles(t, dir, false).Warnings)
	res := ExecuteFiles(plan, ExecOptions{})
	if !res.OK() || res.FreedSize != 0 || res.Removed != 1 {
		t.Fatalf("result %+v", res)
	}
	if _, err := os.Lstat(filepath.Join(rev.SnapshotPath, "model.safetensors")); !os.IsNotExist(err) {
		t.Fatalf("entry still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(cachetest.SharedPayloadPath(hashQ)))); err != nil {
		t.Fatalf("payload removed: %v", err)
	}
	if after := scanFiles(t, dir, true); len(after.Warnings) != 0 {
		t.Fatalf("warnings %v", after.Warnings)
	}
	// 0.21 rules warn about the store's root blobs/ folder, before as after.
	if after := scanFiles(t, dir, false); len(after.Warnings) != legacyBefore {
		t.Fatalf("0.21 warnings %v (%d before)", after.Warnings, legacyBefore)
	}
}
