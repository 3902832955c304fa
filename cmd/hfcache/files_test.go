package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// TestDeleteSevenOfEightQuantisations is the GGUF case of the file view:
// a repo holding eight multi-gigabyte quantisations (sparse files), the
// user keeps one and deletes seven by glob. The eighth and every other
// revision still resolve, both scanners' rules see no warning, and the
// freed figure is exactly the bytes that left the disk.
func TestDeleteSevenOfEightQuantisations(t *testing.T) {
	cachetest.RequireSymlinks(t) // the snapshot files link to blobs/
	dir := filepath.Join(t.TempDir(), "hub")
	const repo = "models--TheBloke--Llama-2-7B-GGUF"
	main := strings.Repeat("a", 40)
	pr := strings.Repeat("b", 40)
	quants := []string{"Q2_K", "Q3_K_M", "Q4_0", "Q4_K_M", "Q5_0", "Q5_K_M", "Q6_K", "Q8_0"}
	var tree cachetest.Tree
	tree.AddRepo(repo)
	for i, q := range quants {
		etag := fmt.Sprintf("%064x", i+1)
		tree.AddBlob(repo, etag, int64(i+2)<<30+int64(i), nil, 60, 60) // 2-9 GiB, sparse
		tree.AddSnapshotFile(repo, main, "llama-2-7b."+q+".gguf", etag)
	}
	tree.AddBlob(repo, "cfg", 0, []byte(`{"model_type": "llama"}`), 60, 60)
	tree.AddSnapshotFile(repo, main, "config.json", "cfg")
	// An older revision shares the Q4_K_M file and the config.
	tree.AddSnapshotFile(repo, pr, "llama-2-7b.Q4_K_M.gguf", fmt.Sprintf("%064x", 4))
	tree.AddSnapshotFile(repo, pr, "config.json", "cfg")
	tree.AddRef(repo, "main", main)
	tree.AddRef(repo, "refs/pr/1", pr)
	// Another repo, untouched.
	tree.AddRepo("models--acme--other")
	tree.AddBlob("models--acme--other", "x", 0, []byte("other"), 60, 60)
	tree.AddSnapshotFile("models--acme--other", strings.Repeat("c", 40), "x.bin", "x")
	tree.AddRef("models--acme--other", "main", strings.Repeat("c", 40))
	if err := tree.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}

	before := cachetest.DiskBytes(t, dir)
	r := runBinary(t, []string{"HF_HUB_CACHE=" + dir}, "", "rm", "model/TheBloke/Llama-2-7B-GGUF",
		"--revision", "main", "--include", "*.gguf", "--exclude", "*Q8_0*", "-y", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var got struct {
		Files      int   `json:"files_deleted"`
		FreedBytes int64 `json:"freed_bytes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v: %q", err, r.stdout)
	}
	removed := before - cachetest.DiskBytes(t, dir)
	// Q4_K_M's blob stays (refs/pr/1 uses it): six blobs go.
	var want int64
	for i := range quants[:7] {
		if quants[i] != "Q4_K_M" {
			want += int64(i+2)<<30 + int64(i)
		}
	}
	if got.Files != 7 || got.FreedBytes != want || removed != got.FreedBytes {
		t.Fatalf("deleted %d files, freed %d; %d bytes left the disk; want 7 files and %d", got.Files, got.FreedBytes, removed, want)
	}
	for _, modern := range []bool{false, true} {
		c, err := scan.Dir(dir, scan.Options{Files: true, Modern: modern})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Warnings) > 0 {
			t.Fatalf("modern=%v: warnings %v", modern, c.Warnings)
		}
	}
	// Every entry left resolves to its content.
	for _, p := range []string{
		filepath.Join(dir, repo, "snapshots", main, "llama-2-7b.Q8_0.gguf"),
		filepath.Join(dir, repo, "snapshots", main, "config.json"),
		filepath.Join(dir, repo, "snapshots", pr, "llama-2-7b.Q4_K_M.gguf"),
		filepath.Join(dir, repo, "snapshots", pr, "config.json"),
		filepath.Join(dir, "models--acme--other", "snapshots", strings.Repeat("c", 40), "x.bin"),
	} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("no longer resolves: %v", err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, repo, "snapshots", main))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("main holds %d entries, want Q8_0 and config.json", len(entries))
	}
	// upstream-compatible listing: scan-cache reads it with no warning.
	sc := runBinary(t, []string{"HF_HUB_CACHE=" + dir, "NO_COLOR=1"}, "", "scan-cache")
	if sc.code != 0 || strings.Contains(sc.stdout, "warning") {
		t.Fatalf("scan-cache: %d\n%s", sc.code, sc.stdout)
	}
}
