package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
)

const xetEnv = "https___cas_serv-tGqkUaZf_CBPHQ6h"

// xetHome builds $HF_HOME with a hub cache (one repo) and a fake xet tree:
// chunk cache 3000 bytes, shard cache 500, staging 40.
func xetHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	var tree cachetest.Tree
	tree.AddRepo("models--acme--m")
	tree.AddBlob("models--acme--m", blobName("a"), 1000, nil, 60, 60)
	tree.AddSnapshotFile("models--acme--m", rev("a"), "w.bin", blobName("a"))
	tree.AddRef("models--acme--m", "main", rev("a"))
	tree.MustBuild(t, filepath.Join(home, "hub"), time.Now())
	for name, size := range map[string]int{
		"chunk-cache/AB/ABCDEF/0-100-x":  2000,
		"chunk-cache/CD/CDEF01/0-10-y":   1000,
		"shard-cache/0123.mdb":           500,
		"staging/shard-session/4567.mdb": 40,
	} {
		p := filepath.Join(home, "xet", xetEnv, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

func TestLsXetSummary(t *testing.T) {
	home := xetHome(t)
	env := []string{"HF_HOME=" + home, "NO_COLOR=1"}
	res := runBinary(t, env, "", "ls")
	want := "Found 1 repo(s) for a total of 1 revision(s) and 1.0K on disk.\n" +
		"Xet cache: 3.5K in " + filepath.Join(home, "xet") + " (chunk cache 3.0K, shard cache 500.0, staging 40.0). Clear its caches with 'hfcache prune --xet'.\n"
	if res.code != 0 || !strings.HasSuffix(res.stdout, want) {
		t.Fatalf("exit %d, stdout:\n%s\nwant it to end with:\n%s", res.code, res.stdout, want)
	}
	// HF_XET_CACHE moves it.
	moved := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Rename(filepath.Join(home, "xet"), moved); err != nil {
		t.Fatal(err)
	}
	res = runBinary(t, env, "", "ls")
	if strings.Contains(res.stdout, "Xet cache") {
		t.Errorf("xet line without a xet cache:\n%s", res.stdout)
	}
	res = runBinary(t, append(env, "HF_XET_CACHE="+moved), "", "ls", "--format", "agent")
	if !strings.Contains(res.stdout, "\nXet cache: 3.5K in "+moved+" (") {
		t.Errorf("HF_XET_CACHE not used:\n%s", res.stdout)
	}
	// A --cache-dir that is not the environment's cache does not get the
	// line (the xet cache belongs to HF_HOME); JSON stays a plain list.
	if err := os.Rename(moved, filepath.Join(home, "xet")); err != nil {
		t.Fatal(err)
	}
	other := multiRevCache(t)
	res = runBinary(t, env, "", "ls", "--cache-dir", other)
	if strings.Contains(res.stdout, "Xet cache") {
		t.Errorf("xet line for an unrelated --cache-dir:\n%s", res.stdout)
	}
	res = runBinary(t, env, "", "ls", "--json")
	if strings.Contains(res.stdout, "Xet cache") || !strings.HasPrefix(res.stdout, "[{") {
		t.Errorf("json changed:\n%s", res.stdout)
	}
}

// TestPruneXet: the dry run lists exactly what -y then removes; a real
// process holding a shard file open blocks the clearing; staging is kept.
func TestPruneXet(t *testing.T) {
	home := xetHome(t)
	env := []string{"HF_HOME=" + home, "NO_COLOR=1"}
	envDir := filepath.Join(home, "xet", xetEnv)

	res := runBinary(t, env, "", "prune", "--xet", "--dry-run")
	wantDry := "About to clear 2 xet cache folder(s) (3.5K total) in " + filepath.Join(home, "xet") + ":\n" +
		"  - " + xetEnv + "/chunk-cache (chunk cache) 3.0K\n" +
		"  - " + xetEnv + "/shard-cache (shard cache) 500.0\n" +
		"Kept: staging 40.0 (state of uploads that can be resumed).\n" +
		"✓ Dry run: no files were deleted.\n  dry_run: True\n  xet_folders: 2\n  size: 3.5K\n"
	if res.code != 0 || res.stdout != wantDry {
		t.Fatalf("dry run: exit %d\n%s\nwant:\n%s\nstderr: %s", res.code, res.stdout, wantDry, res.stderr)
	}
	if !exists(filepath.Join(envDir, "chunk-cache", "AB", "ABCDEF", "0-100-x")) {
		t.Fatal("the dry run removed something")
	}

	if runtime.GOOS == "linux" {
		sleep, err := exec.LookPath("sleep")
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(envDir, "shard-cache", "0123.mdb"))
		if err != nil {
			t.Fatal(err)
		}
		holder := exec.Command(sleep, "30")
		holder.ExtraFiles = []*os.File{f}
		if err := holder.Start(); err != nil {
			t.Fatal(err)
		}
		_ = f.Close()
		res = runBinary(t, env, "", "prune", "--xet", "-y")
		_ = holder.Process.Kill()
		_ = holder.Wait()
		if res.code != 1 || !strings.Contains(res.stderr, "the xet cache is in use by process(es) ") || !strings.Contains(res.stderr, "0123.mdb open") {
			t.Fatalf("held file: exit %d, stderr:\n%s", res.code, res.stderr)
		}
		for _, p := range []string{"chunk-cache/AB/ABCDEF/0-100-x", "shard-cache/0123.mdb"} {
			if !exists(filepath.Join(envDir, p)) {
				t.Fatalf("%s removed while a process held the cache", p)
			}
		}
	} else {
		res = runBinary(t, env, "", "prune", "--xet", "-y")
		if res.code != 1 {
			t.Fatalf("without --force on %s: exit %d", runtime.GOOS, res.code)
		}
	}

	args := []string{"prune", "--xet", "-y"}
	if runtime.GOOS != "linux" {
		args = append(args, "--force")
	}
	res = runBinary(t, env, "", args...)
	if res.code != 0 || !strings.Contains(res.stdout, "✓ Cleared 2 xet cache folder(s); freed 3.5K.\n") {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	for _, p := range []string{"chunk-cache", "shard-cache"} {
		if exists(filepath.Join(envDir, p)) {
			t.Errorf("%s still there", p)
		}
	}
	if !exists(filepath.Join(envDir, "staging", "shard-session", "4567.mdb")) {
		t.Error("staging was removed")
	}
	if !exists(filepath.Join(home, "hub", "models--acme--m", "blobs", blobName("a"))) {
		t.Error("the hub cache was touched")
	}
	res = runBinary(t, env, "", "prune", "--xet", "--dry-run")
	if res.code != 0 || !strings.Contains(res.stdout, "no chunk or shard cache to clear. Nothing to prune.") {
		t.Errorf("second run: exit %d\n%s", res.code, res.stdout)
	}
	res = runBinary(t, env, "", "prune", "--xet", "--orphans")
	if res.code != 2 {
		t.Errorf("--xet --orphans: exit %d, want 2", res.code)
	}
}
