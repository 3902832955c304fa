package scan_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// findCache has the basic repo, a dataset sharing revision A, a broken repo
// with revision C and a junk folder.
func findCache(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "hub")
	var tree cachetest.Tree
	basicRepo(&tree)
	tree.AddRepo("datasets--org--d")
	tree.AddBlob("datasets--org--d", "d1", 50, nil, 1, 2)
	tree.AddSnapshotFile("datasets--org--d", revA, "data.csv", "d1")
	tree.AddRepo("models--acme--broken")
	tree.AddSnapshotFile("models--acme--broken", revC, "x.json", "gone")
	tree = append(tree, file("not-a-repo/x", 1, 1, 1), file("version.txt", 1, 1, 1))
	tree.MustBuild(t, root, time.Now())
	return root
}

// TestModelHelpers covers the Cache and Repo helpers on a real scan.
func TestModelHelpers(t *testing.T) {
	root := findCache(t)
	cache, err := scan.Dir(root, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := cache.NbRevisions(); n != 3 {
		t.Errorf("NbRevisions = %d", n)
	}
	var repo *scan.Repo
	for _, r := range cache.Repos {
		if r.FolderName() == repoM {
			repo = r
		}
	}
	if repo == nil {
		t.Fatalf("no repo %s", repoM)
	}
	if refs := repo.Refs(); strings.Join(refs, ",") != "main,refs/pr/1" {
		t.Errorf("Refs = %v", refs)
	}
}
