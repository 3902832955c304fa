package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// sharedHubCache builds, by hand, a cache in the layout of
// huggingface_hub's cross-repo shared blob store: models--acme--a and
// models--other--b both hold blobs/<sha256 of the weights> as a link to
// <cache>/blobs/ab/<xet hash> (1000 bytes, one manifest listing both);
// acme/a also has a detached revision with a payload of its own (300
// bytes) and a regular blob (10 bytes).
func sharedHubCache(t *testing.T) (dir string, weights []byte) {
	t.Helper()
	dir = t.TempDir()
	weights = []byte(strings.Repeat("w", 1000))
	old := []byte(strings.Repeat("o", 300))
	config := []byte("0123456789")
	etag := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	hashP := "ab" + strings.Repeat("1", 62)
	hashQ := "cd" + strings.Repeat("2", 62)
	a, b := "models--acme--a", "models--other--b"
	var tree cachetest.Tree
	tree.AddSharedStore()
	tree.AddSharedPayload(hashP, 0, weights, 60, 60, a+"/blobs/"+etag(weights), b+"/blobs/"+etag(weights))
	tree.AddSharedPayload(hashQ, 0, old, 120, 120, a+"/blobs/"+etag(old))
	tree.AddRepo(a)
	tree.AddSharedLink(a, etag(weights), hashP)
	tree.AddSharedLink(a, etag(old), hashQ)
	tree.AddBlob(a, etag(config), 0, config, 60, 60)
	tree.AddSnapshotFile(a, rev("1"), "model.safetensors", etag(weights))
	tree.AddSnapshotFile(a, rev("1"), "config.json", etag(config))
	tree.AddSnapshotFile(a, rev("2"), "model.safetensors", etag(old))
	tree.AddRef(a, "main", rev("1"))
	tree.AddRepo(b)
	tree.AddSharedLink(b, etag(weights), hashP)
	tree.AddSnapshotFile(b, rev("3"), "model.safetensors", etag(weights))
	tree.AddRef(b, "main", rev("3"))
	tree.MustBuild(t, dir, time.Now())
	return dir, weights
}

func TestSharedBlobsEndToEnd(t *testing.T) {
	env := []string{"NO_COLOR=1"}
	payloadP := func(dir string) string { return filepath.Join(dir, "blobs", "ab", "ab"+strings.Repeat("1", 62)) }
	payloadQ := func(dir string) string { return filepath.Join(dir, "blobs", "cd", "cd"+strings.Repeat("2", 62)) }
	readB := func(t *testing.T, dir string, want []byte) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, "models--other--b", "snapshots", rev("3"), "model.safetensors"))
		if err != nil || string(data) != string(want) {
			t.Fatalf("other/b's weights unreadable or changed: %v", err)
		}
	}

	t.Run("ls counts each payload once, no warning", func(t *testing.T) {
		dir, _ := sharedHubCache(t)
		res := runBinary(t, env, "", "ls", "--cache-dir", dir)
		if res.code != 0 || !strings.Contains(res.stdout, "Found 2 repo(s) for a total of 3 revision(s) and 1.3K on disk.") {
			t.Fatalf("exit %d\n%s", res.code, res.stdout)
		}
		if strings.Contains(res.stderr, "inconsistencies") {
			t.Errorf("the store counts as a broken repo:\n%s", res.stderr)
		}
		// Per-repo sizes stay logical (upstream's): a counts the shared
		// weights too.
		if !strings.Contains(res.stdout, "model/acme/a  1.3K") || !strings.Contains(res.stdout, "model/other/b 1.0K") {
			t.Errorf("per-repo sizes:\n%s", res.stdout)
		}
		res = runBinary(t, env, "", "ls", "--cache-dir", dir, "--revisions")
		if !strings.Contains(res.stdout, "and 1.3K on disk.") {
			t.Errorf("--revisions total:\n%s", res.stdout)
		}
	})

	t.Run("scan-cache prints what upstream 0.21 prints", func(t *testing.T) {
		dir, _ := sharedHubCache(t)
		res := runBinary(t, env, "", "scan-cache", "--dir", dir, "-vvv")
		if !strings.Contains(res.stdout, "Done in ") || !strings.Contains(res.stdout, "Scanned 2 repo(s) for a total of 2.3K.") ||
			!strings.Contains(res.stdout, "Repo path is not a valid HuggingFace cache directory: "+filepath.Join(dir, "blobs")) {
			t.Errorf("scan-cache:\n%s", res.stdout)
		}
	})

	t.Run("verify names the file by its etag, not the xet hash", func(t *testing.T) {
		dir, _ := sharedHubCache(t)
		res := runBinary(t, env, "", "verify", "--cache-dir", dir, "--all")
		if res.code != 0 || strings.Contains(res.stdout, "failed") {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
	})

	t.Run("rm one of two repos sharing a payload", func(t *testing.T) {
		dir, weights := sharedHubCache(t)
		res := runBinary(t, env, "", "rm", "--cache-dir", dir, "model/acme/a", "-y")
		if res.code != 0 {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		if !strings.Contains(res.stdout, "freed 310.0.") {
			t.Errorf("freed size (the shared weights stay):\n%s", res.stdout)
		}
		if exists(filepath.Join(dir, "models--acme--a")) || !exists(payloadP(dir)) || exists(payloadQ(dir)) {
			t.Errorf("after rm: repo a exists=%v, shared P exists=%v, a-only Q exists=%v", exists(filepath.Join(dir, "models--acme--a")), exists(payloadP(dir)), exists(payloadQ(dir)))
		}
		readB(t, dir, weights)
		res = runBinary(t, env, "", "ls", "--cache-dir", dir)
		if !strings.Contains(res.stdout, "Found 1 repo(s) for a total of 1 revision(s) and 1.0K on disk.") || strings.Contains(res.stderr, "inconsistencies") {
			t.Errorf("ls after rm:\n%s\n%s", res.stdout, res.stderr)
		}
		// Then the last user: the payload and its manifest go.
		res = runBinary(t, env, "", "rm", "--cache-dir", dir, "model/other/b", "-y")
		if res.code != 0 || exists(payloadP(dir)) || exists(payloadP(dir)+".refs") || !strings.Contains(res.stdout, "freed 1.0K.") {
			t.Errorf("last user removed: exit %d, P exists=%v\n%s", res.code, exists(payloadP(dir)), res.stdout)
		}
	})

	t.Run("prune the detached revision", func(t *testing.T) {
		dir, weights := sharedHubCache(t)
		res := runBinary(t, env, "", "prune", "--cache-dir", dir, "-y")
		if res.code != 0 || !strings.Contains(res.stdout, "About to delete 1 unreferenced revision(s) (300.0 total).") {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		if exists(payloadQ(dir)) || !exists(payloadP(dir)) || exists(filepath.Join(dir, "models--acme--a", "snapshots", rev("2"))) {
			t.Error("prune removed the wrong things")
		}
		readB(t, dir, weights)
	})

	t.Run("payloads left by an old tool: ls hint, prune --orphans", func(t *testing.T) {
		dir, weights := sharedHubCache(t)
		// An old tool deletes acme/a's folder and nothing else.
		if err := os.RemoveAll(filepath.Join(dir, "models--acme--a")); err != nil {
			t.Fatal(err)
		}
		res := runBinary(t, env, "", "ls", "--cache-dir", dir)
		if !strings.Contains(res.stderr, "Hint: Found 1 shared blob(s) no repo uses, totalling 300.0. Remove them with 'hfcache prune --orphans'.") {
			t.Errorf("ls hint:\n%s", res.stderr)
		}
		res = runBinary(t, env, "", "prune", "--cache-dir", dir, "--orphans", "--dry-run")
		if !strings.Contains(res.stdout, "About to delete 1 unused shared blob(s) (300.0 total).\n  - unused shared blob blobs/cd/cd"+strings.Repeat("2", 62)+" 300.0\n") {
			t.Fatalf("dry run:\n%s\n%s", res.stdout, res.stderr)
		}
		res = runBinary(t, env, "", "prune", "--cache-dir", dir, "--orphans", "-y")
		if res.code != 0 || exists(payloadQ(dir)) || exists(payloadQ(dir)+".refs") || !exists(payloadP(dir)) {
			t.Fatalf("exit %d, Q exists=%v, P exists=%v\n%s\n%s", res.code, exists(payloadQ(dir)), exists(payloadP(dir)), res.stdout, res.stderr)
		}
		readB(t, dir, weights)
		res = runBinary(t, env, "", "prune", "--cache-dir", dir, "--orphans")
		if !strings.Contains(res.stdout, "Nothing to prune.") {
			t.Errorf("second prune:\n%s", res.stdout)
		}
	})

	t.Run("delete-cache --plain the repo b", func(t *testing.T) {
		dir, _ := sharedHubCache(t)
		res := runBinary(t, append(env, "TERM=xterm"), "all\ny\n", "delete-cache", "--plain", "--dir", dir)
		if res.code != 0 || !strings.Contains(res.stdout, "This will free 1.3K.") {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		if exists(payloadP(dir)) || exists(payloadQ(dir)) {
			t.Error("payloads stayed after every repo was deleted")
		}
		dir, weights := sharedHubCache(t)
		// acme/a's revisions are listed first (by last use); 1 and 2 are its two.
		res = runBinary(t, append(env, "TERM=dumb"), "1-2\ny\n", "delete-cache", "--dir", dir)
		if res.code != 0 || exists(filepath.Join(dir, "models--acme--a")) || !exists(payloadP(dir)) {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		readB(t, dir, weights)
	})
}

// TestRmKeepsFileLinkedFromAnotherRepo: a revision of repo b links (by
// hand) to a blob of repo a; rm of repo a must leave b readable, as
// delete-cache does (rm and prune plan per selected repo but against the
// whole cache).
func TestRmKeepsFileLinkedFromAnotherRepo(t *testing.T) {
	for _, args := range [][]string{{"rm", "model/o/a", "-y"}, {"delete-cache", "--plain"}} {
		t.Run(args[0], func(t *testing.T) {
			dir := t.TempDir()
			var tree cachetest.Tree
			tree.AddRepo("models--o--a")
			tree.AddBlob("models--o--a", blobName("a"), 0, []byte("data"), 60, 60)
			tree.AddSnapshotFile("models--o--a", rev("1"), "f", blobName("a"))
			tree.AddRepo("models--o--b")
			tree.Add(cachetest.Entry{Kind: cachetest.Symlink, Path: "models--o--b/snapshots/" + rev("2") + "/f", Target: "../../../models--o--a/blobs/" + blobName("a")})
			tree.MustBuild(t, dir, time.Now())
			var res result
			if args[0] == "rm" {
				res = runBinary(t, []string{"NO_COLOR=1"}, "", append(args, "--cache-dir", dir)...)
			} else {
				// models--o--a's revision is listed first (same age, path order).
				res = runBinary(t, []string{"TERM=xterm"}, "1\ny\n", append(args, "--dir", dir)...)
			}
			if res.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
			}
			data, err := os.ReadFile(filepath.Join(dir, "models--o--b", "snapshots", rev("2"), "f"))
			if err != nil || string(data) != "data" {
				t.Fatalf("b's file broken: %v\n%s\n%s", err, res.stdout, res.stderr)
			}
			if exists(filepath.Join(dir, "models--o--a", "snapshots", rev("1"))) {
				t.Error("a's revision stayed")
			}
		})
	}
}
