package delete

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// The hand-made shared-store cache of these tests (layout of
// huggingface_hub's shared blob store, see internal/scan/shared.go):
//
//	models--acme--a  a1 (main): model.safetensors -> blobs/<etagP> -> store P (1000 bytes)
//	                             config.json       -> blobs/<etagC>  (own blob, 10 bytes)
//	                 a2:         model.safetensors -> blobs/<etagQ> -> store Q (300 bytes)
//	models--other--b b1 (main): model.safetensors -> blobs/<etagP> -> store P
//
// P's manifest lists both links to it, Q's lists A's.
const (
	repoA = "models--acme--a"
	repoB = "models--other--b"
)

var (
	hashP = "ab" + strings.Repeat("1", 62)
	hashQ = "cd" + strings.Repeat("2", 62)
	etagP = strings.Repeat("e", 64)
	etagQ = strings.Repeat("f", 64)
	etagC = strings.Repeat("c", 40)
	revA1 = strings.Repeat("1", 40)
	revA2 = strings.Repeat("2", 40)
	revB1 = strings.Repeat("3", 40)
)

type sharedOpts struct {
	noMarker, noManifestQ, extraLinkQ bool
}

func sharedCache(t *testing.T, o sharedOpts) string {
	t.Helper()
	needSymlinks(t)
	dir := t.TempDir()
	var tree cachetest.Tree
	if !o.noMarker {
		tree.AddSharedStore()
	}
	tree.AddSharedPayload(hashP, 0, []byte(strings.Repeat("P", 1000)), 60, 60, repoA+"/blobs/"+etagP, repoB+"/blobs/"+etagP)
	refsQ := []string{repoA + "/blobs/" + etagQ}
	if o.noManifestQ {
		refsQ = nil
	}
	tree.AddSharedPayload(hashQ, 0, []byte(strings.Repeat("Q", 300)), 60, 60, refsQ...)
	tree.AddRepo(repoA)
	tree.AddSharedLink(repoA, etagP, hashP)
	tree.AddSharedLink(repoA, etagQ, hashQ)
	tree.AddBlob(repoA, etagC, 0, []byte("0123456789"), 60, 60)
	tree.AddSnapshotFile(repoA, revA1, "model.safetensors", etagP)
	tree.AddSnapshotFile(repoA, revA1, "config.json", etagC)
	tree.AddSnapshotFile(repoA, revA2, "model.safetensors", etagQ)
	tree.AddRef(repoA, "main", revA1)
	tree.AddRepo(repoB)
	tree.AddSharedLink(repoB, etagP, hashP)
	tree.AddSnapshotFile(repoB, revB1, "model.safetensors", etagP)
	tree.AddRef(repoB, "main", revB1)
	if o.extraLinkQ { // a hand-made link the manifest does not list
		tree.AddRepo("models--x--c")
		tree.AddSharedLink("models--x--c", etagQ, hashQ)
	}
	if err := tree.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestSharedStoreDelete(t *testing.T) {
	payloadP := func(dir string) string {
		return filepath.Join(dir, filepath.FromSlash(cachetest.SharedPayloadPath(hashP)))
	}
	payloadQ := func(dir string) string {
		return filepath.Join(dir, filepath.FromSlash(cachetest.SharedPayloadPath(hashQ)))
	}
	tests := []struct {
		name     string
		opts     sharedOpts
		hashes   []string
		expected int64 // plan.ExpectedFreedSize
		freed    int64 // result.FreedSize
		goneP    bool
		goneQ    bool
		skipErr  error // a Skipped entry with this reason, for payload Q
	}{
		{"detached revision with its own payload", sharedOpts{}, []string{revA2}, 300, 300, false, true, nil},
		{"whole repo sharing a payload", sharedOpts{}, []string{revA1, revA2}, 310, 310, false, true, nil},
		{"the other repo sharing the payload", sharedOpts{}, []string{revB1}, 0, 0, false, false, nil},
		{"both repos", sharedOpts{}, []string{revA1, revA2, revB1}, 1310, 1310, true, true, nil},
		{"missing manifest keeps the payload", sharedOpts{noManifestQ: true}, []string{revA2}, 300, 0, false, false, ErrNoManifest},
		{"unmarked store keeps the payload", sharedOpts{noMarker: true}, []string{revA2}, 300, 0, false, false, ErrNotSharedStore},
		{"link not in the manifest keeps the payload", sharedOpts{extraLinkQ: true}, []string{revA2}, 300, 0, false, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := sharedCache(t, tt.opts)
			c := mustScan(t, dir)
			plan := PlanRevisions(c, tt.hashes)
			if plan.ExpectedFreedSize != tt.expected {
				t.Errorf("ExpectedFreedSize = %d, want %d", plan.ExpectedFreedSize, tt.expected)
			}
			for _, b := range plan.Blobs {
				if scan.IsSharedPayload(dir, b) {
					t.Errorf("plan lists shared payload %s as a blob to remove", b)
				}
			}
			res := Execute(plan, ExecOptions{})
			if len(res.Failures) > 0 {
				t.Fatalf("failures: %+v", res.Failures)
			}
			if res.FreedSize != tt.freed {
				t.Errorf("FreedSize = %d, want %d", res.FreedSize, tt.freed)
			}
			if exists(payloadP(dir)) == tt.goneP || exists(payloadQ(dir)) == tt.goneQ {
				t.Errorf("payload P exists=%v (want gone=%v), Q exists=%v (want gone=%v)", exists(payloadP(dir)), tt.goneP, exists(payloadQ(dir)), tt.goneQ)
			}
			if tt.goneQ && exists(payloadQ(dir)+".refs") {
				t.Error("Q's manifest stayed after Q went")
			}
			var skipped error
			for _, s := range res.Skipped {
				if s.Path == payloadQ(dir) {
					skipped = s.Reason
				}
			}
			if tt.skipErr != nil && !errors.Is(skipped, tt.skipErr) {
				t.Errorf("Q skipped with %v, want %v (skipped: %+v)", skipped, tt.skipErr, res.Skipped)
			}
			// The repo-level links of the deleted revisions went; the
			// cache still scans without a warning and every kept file
			// reads its content.
			if contains(tt.hashes, revA2) && exists(filepath.Join(dir, repoA, "blobs", etagQ)) {
				t.Error("A's link to Q stayed")
			}
			after, err := scan.Dir(dir, scan.Options{Modern: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(after.Warnings) > 0 {
				t.Errorf("warnings after deletion: %v", after.Warnings)
			}
			for _, repo := range after.Repos {
				if repo.Path == filepath.Join(dir, ".locks") {
					continue
				}
				for _, rev := range repo.Revisions {
					entries, _ := os.ReadDir(rev.SnapshotPath)
					for _, e := range entries {
						if _, err := os.ReadFile(filepath.Join(rev.SnapshotPath, e.Name())); err != nil {
							t.Errorf("%s unreadable after deletion: %v", e.Name(), err)
						}
					}
				}
			}
			if !tt.goneP {
				data, err := os.ReadFile(filepath.Join(dir, repoB, "snapshots", revB1, "model.safetensors"))
				if err != nil && !contains(tt.hashes, revB1) {
					t.Errorf("B's file unreadable: %v", err)
				}
				if err == nil && string(data) != strings.Repeat("P", 1000) {
					t.Error("B's file changed")
				}
			}
		})
	}
}

// TestSharedStoreScan: the modern scanner treats the store as reserved,
// the drop-in scanner reports it as upstream 0.21 does, and SharedSize
// counts the shared payload once.
func TestSharedStoreScan(t *testing.T) {
	dir := sharedCache(t, sharedOpts{})
	modern, err := scan.Dir(dir, scan.Options{Modern: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(modern.Warnings) != 0 || len(modern.Repos) != 2 {
		t.Fatalf("modern scan: %d repos, warnings %v", len(modern.Repos), modern.Warnings)
	}
	legacy := mustScan(t, dir)
	want := "Repo path is not a valid HuggingFace cache directory: " + filepath.Join(dir, "blobs")
	if len(legacy.Warnings) != 1 || legacy.Warnings[0].Error() != want {
		t.Fatalf("drop-in scan warnings: %v, want [%s]", legacy.Warnings, want)
	}
	// A counts P, Q and its own blob (1310), B counts P (1000): upstream's
	// per-repo logical sizes; the total counts P once.
	if legacy.Size != 2310 {
		t.Errorf("drop-in Size = %d, want upstream's sum 2310", legacy.Size)
	}
	if got := scan.SharedSize(dir, modern.Repos, nil); got != 1310 {
		t.Errorf("SharedSize(repos) = %d, want 1310", got)
	}
	var repos []*scan.Repo
	var revs []*scan.Revision
	for _, r := range modern.Repos {
		for _, rev := range r.Revisions {
			repos, revs = append(repos, r), append(revs, rev)
		}
	}
	if got := scan.SharedSize(dir, repos, revs); got != 1310 {
		t.Errorf("SharedSize(revisions) = %d, want 1310", got)
	}
	if n := len(scan.SharedPayloads(dir)); n != 2 {
		t.Errorf("SharedPayloads: %d, want 2", n)
	}
}

// TestPlanSelectedSameHashTwoRepos: a hash present in two repos reaches
// only the repo it was selected in; PlanRevisions (upstream's lookup by
// hash) picks the first repo.
func TestPlanSelectedSameHashTwoRepos(t *testing.T) {
	needSymlinks(t)
	dir := t.TempDir()
	var tree cachetest.Tree
	for _, r := range []string{"models--o--a", "models--o--b"} {
		tree.AddRepo(r)
		tree.AddBlob(r, etagC, 0, []byte("x"), 60, 60)
		tree.AddSnapshotFile(r, revA1, "f", etagC)
	}
	if err := tree.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	c := mustScan(t, dir)
	b := c.Repos[1]
	tests := []struct {
		name string
		plan *Plan
		want string
	}{
		{"selected", PlanSelected(c, []scan.Selection{{Repo: b, Revisions: b.Revisions}}), b.Path},
		{"by hash", PlanRevisions(c, []string{revA1}), c.Repos[0].Path},
	}
	for _, tt := range tests {
		if len(tt.plan.Repos) != 1 || tt.plan.Repos[0] != tt.want {
			t.Errorf("%s: plan removes %v, want [%s]", tt.name, tt.plan.Repos, tt.want)
		}
	}
}

// TestCollectShared: only payloads nothing references go; a payload a
// revision uses or a path outside the store is kept.
func TestCollectShared(t *testing.T) {
	dir := sharedCache(t, sharedOpts{})
	payloadP := filepath.Join(dir, filepath.FromSlash(cachetest.SharedPayloadPath(hashP)))
	payloadQ := filepath.Join(dir, filepath.FromSlash(cachetest.SharedPayloadPath(hashQ)))
	// acme/a's detached revision and its link vanish, as an old tool
	// would leave them: Q is referenced by nothing but a stale manifest line.
	if err := os.RemoveAll(filepath.Join(dir, repoA, "snapshots", revA2)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, repoA, "blobs", etagQ)); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(dir, repoA, "blobs", etagC)
	res := CollectShared(mustScan(t, dir), []string{payloadP, payloadQ, outside}, ExecOptions{})
	tests := []struct {
		path   string
		exists bool
		reason error
	}{
		{payloadP, true, ErrInUse},
		{payloadQ, false, nil},
		{outside, true, ErrOutsideCache},
	}
	for _, tt := range tests {
		if exists(tt.path) != tt.exists {
			t.Errorf("%s exists=%v, want %v", tt.path, exists(tt.path), tt.exists)
		}
		if tt.reason == nil {
			continue
		}
		found := false
		for _, s := range res.Skipped {
			if s.Path == tt.path && errors.Is(s.Reason, tt.reason) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no skip with %v in %+v", tt.path, tt.reason, res.Skipped)
		}
	}
	if res.FreedSize != 300 || len(res.Failures) > 0 {
		t.Errorf("FreedSize %d, failures %v", res.FreedSize, res.Failures)
	}
}
