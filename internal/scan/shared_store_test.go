package scan_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// TestSharedStoreHelpers builds a cache with a shared blob store: two repos
// link the same payload, a third payload is used by nobody.
func TestSharedStoreHelpers(t *testing.T) {
	root := t.TempDir()
	used := strings.Repeat("ab", 32)
	unused := strings.Repeat("cd", 32)
	a, b := "models--org--a", "models--org--b"
	var tree cachetest.Tree
	tree.AddSharedStore()
	tree.AddSharedPayload(used, 5000, nil, 60, 60, a+"/blobs/e1", b+"/blobs/e1")
	tree.AddSharedPayload(unused, 700, nil, 60, 60)
	for _, folder := range []string{a, b} {
		tree.AddRepo(folder)
		tree.AddSharedLink(folder, "e1", used)
		tree.AddBlob(folder, "own", 10, nil, 60, 60)
		tree.AddSnapshotFile(folder, "1111111111111111111111111111111111111111", "weights.bin", "e1")
		tree.AddSnapshotFile(folder, "1111111111111111111111111111111111111111", "own.txt", "own")
	}
	// A link in blobs/ that is not into the store, and a regular file.
	tree.Add(cachetest.Entry{Kind: cachetest.Symlink, Path: a + "/blobs/elsewhere", Target: "own"})
	tree.MustBuild(t, root, time.Now())
	usedPath := filepath.Join(root, cachetest.SharedPayloadPath(used))

	if !scan.IsSharedStore(root) {
		t.Fatal("IsSharedStore = false")
	}
	if scan.IsSharedStore(t.TempDir()) {
		t.Error("IsSharedStore on an empty folder = true")
	}
	payloads := scan.SharedPayloads(root)
	if len(payloads) != 2 {
		t.Fatalf("SharedPayloads = %v, want 2 payloads", payloads)
	}
	if scan.SharedPayloads(t.TempDir()) != nil {
		t.Error("SharedPayloads without a store is not nil")
	}

	census := scan.SharedLinkCensus(root)
	if census[usedPath] != 2 || len(census) != 1 {
		t.Errorf("SharedLinkCensus = %v, want 2 links to %s only", census, usedPath)
	}
	links := scan.SharedLinks(root, filepath.Join(root, a))
	if got := links[usedPath]; len(got) != 1 || got[0] != filepath.Join(root, a, "blobs", "e1") {
		t.Errorf("SharedLinks(a) = %v", links)
	}
	if got := scan.LinkTarget(filepath.Join(root, a, "blobs", "e1")); got != usedPath {
		t.Errorf("LinkTarget = %q, want %q", got, usedPath)
	}
	if got := scan.LinkTarget(filepath.Join(root, a, "blobs", "own")); got != "" {
		t.Errorf("LinkTarget of a regular file = %q, want empty", got)
	}

	// The modern scan skips the store folder and resolves snapshot files to
	// the payload; the total counts the shared payload once.
	cache, err := scan.Dir(root, scan.Options{Modern: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(cache.Warnings) != 0 || len(cache.Repos) != 2 {
		t.Fatalf("repos %d, warnings %v", len(cache.Repos), cache.Warnings)
	}
	if cache.Size != 2*(5000+10) {
		t.Errorf("sum of repo sizes = %d, want %d (each repo counts the payload)", cache.Size, 2*(5000+10))
	}
	if got := scan.SharedSize(root, cache.Repos, nil); got != 5000+2*10 {
		t.Errorf("SharedSize(repos) = %d, want %d", got, 5000+2*10)
	}
	revs := []*scan.Revision{cache.Repos[0].Revisions[0], cache.Repos[1].Revisions[0]}
	if got := scan.SharedSize(root, cache.Repos, revs); got != 5000+2*10 {
		t.Errorf("SharedSize(revisions) = %d, want %d", got, 5000+2*10)
	}
	// A summary scan (ls) keeps only the shared payloads of the blob lists,
	// and the same SharedSize figures.
	summary, err := scan.Dir(root, scan.Options{Modern: true, Summary: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range summary.Repos {
		if len(r.Blobs) != 1 || r.Blobs[0].Path != usedPath || r.NbFiles() != 2 {
			t.Errorf("summary %s: blobs %v, NbFiles %d; want only the payload, 2 files", r.Path, r.Blobs, r.NbFiles())
		}
		if ids := r.Revisions[0].BlobIDs; len(ids) != 1 || ids[0] != 0 {
			t.Errorf("summary %s: BlobIDs %v, want [0]", r.Path, ids)
		}
	}
	sumRevs := []*scan.Revision{summary.Repos[0].Revisions[0], summary.Repos[1].Revisions[0]}
	if got := scan.SharedSize(root, summary.Repos, nil); got != 5000+2*10 {
		t.Errorf("summary SharedSize(repos) = %d, want %d", got, 5000+2*10)
	}
	if got := scan.SharedSize(root, summary.Repos, sumRevs); got != 5000+2*10 {
		t.Errorf("summary SharedSize(revisions) = %d, want %d", got, 5000+2*10)
	}
	// The 0.21 rules keep upstream's warning for the store folder.
	legacy, err := scan.Dir(root, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(legacy.Warnings) != 1 || !strings.Contains(legacy.Warnings[0].Msg, "not a valid HuggingFace cache directory") {
		t.Errorf("0.21 warnings = %v", legacy.Warnings)
	}
}
