package xetcache

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fakeXet builds an Xet tree as hf_xet leaves it: one environment with a
// chunk cache (prefix/key/range files), a shard cache, staging with a
// shard session, plus a logs folder at the root.
func fakeXet(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "xet")
	env := filepath.Join(root, "https___cas_serv-tGqkUaZf_CBPHQ6h")
	files := map[string]int{
		"chunk-cache/AB/ABCDEF0123/0-100-aaaa":         1000,
		"chunk-cache/AB/ABCDEF0123/100-200-bbbb":       2000,
		"chunk-cache/CD/CDEF012345/0-10-cccc":          500,
		"shard-cache/0123abcd.mdb":                     300,
		"staging/shard-session/4567.mdb":               40,
		"staging/xorb-metadata/89ab.mdb":               2,
		"../logs/xet_20260101.log":                     7,
		"../https___other-env/shard-cache/ffff.mdb":    11,
		"../https___other-env/staging/shard-session/x": 1,
	}
	for name, size := range files {
		p := filepath.Join(env, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestScan(t *testing.T) {
	root := fakeXet(t)
	c, err := Scan(root)
	if err != nil {
		t.Fatal(err)
	}
	if c.Size != 3861 {
		t.Errorf("Size = %d, want 3861", c.Size)
	}
	tests := []struct {
		kind Kind
		size int64
	}{
		{KindChunkCache, 3500},
		{KindShardCache, 311},
		{KindStaging, 43},
		{KindOther, 7},
	}
	for _, tt := range tests {
		if got := c.SizeOf(tt.kind); got != tt.size {
			t.Errorf("SizeOf(%s) = %d, want %d", tt.kind, got, tt.size)
		}
	}
	var rels []string
	for _, p := range c.Parts {
		rels = append(rels, p.Rel())
	}
	want := "https___cas_serv-tGqkUaZf_CBPHQ6h/chunk-cache https___cas_serv-tGqkUaZf_CBPHQ6h/shard-cache https___cas_serv-tGqkUaZf_CBPHQ6h/staging https___other-env/shard-cache https___other-env/staging logs"
	if got := strings.Join(rels, " "); got != want {
		t.Errorf("parts = %s\nwant    %s", got, want)
	}
	if _, err := Scan(filepath.Join(root, "missing")); err == nil {
		t.Error("Scan of a missing folder succeeded")
	}
}

func TestClear(t *testing.T) {
	root := fakeXet(t)
	c, err := Scan(root)
	if err != nil {
		t.Fatal(err)
	}
	var freed int64
	for _, p := range c.Parts {
		if !p.Clearable() {
			if _, err := Clear(c, p); err == nil {
				t.Errorf("Clear(%s) of a part that is not a cache succeeded", p.Rel())
			}
			continue
		}
		n, err := Clear(c, p)
		if err != nil {
			t.Fatalf("Clear(%s): %v", p.Rel(), err)
		}
		freed += n
	}
	if freed != 3811 {
		t.Errorf("freed %d, want 3811", freed)
	}
	after, err := Scan(root)
	if err != nil {
		t.Fatal(err)
	}
	if after.Size != 50 || after.SizeOf(KindStaging) != 43 {
		t.Errorf("after clearing: size %d, staging %d; want 50 and 43", after.Size, after.SizeOf(KindStaging))
	}
	for _, p := range after.Parts {
		if p.Clearable() {
			t.Errorf("%s still there", p.Rel())
		}
	}
}

// TestClearRefusesLinks: a chunk cache that is a link to elsewhere is not
// followed; nothing outside the tree is touched.
func TestClearRefusesLinks(t *testing.T) {
	root := fakeXet(t)
	outside := filepath.Join(t.TempDir(), "precious")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "keep"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := filepath.Join(root, "https___other-env")
	if err := os.Symlink(outside, filepath.Join(env, "chunk-cache")); err != nil {
		t.Fatal(err)
	}
	c, err := Scan(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.Parts {
		if p.Env == "https___other-env" && p.Name == "chunk-cache" {
			if p.Clearable() {
				t.Error("a linked chunk cache counts as clearable")
			}
			if _, err := Clear(c, Part{Env: p.Env, Name: p.Name, Kind: KindChunkCache, Path: p.Path}); err == nil {
				t.Error("Clear went through a link")
			}
		}
	}
	if _, err := os.Stat(filepath.Join(outside, "keep")); err != nil {
		t.Fatalf("file outside the xet cache was removed: %v", err)
	}
}

// startHolder starts a real process (sleep) holding f open, or running
// the given executable.
func startHolder(t *testing.T, exe string, f *os.File, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(exe, "30")
	if f != nil {
		cmd.ExtraFiles = []*os.File{f}
	}
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	time.Sleep(50 * time.Millisecond) // let it exec
	return cmd
}

func TestUsers(t *testing.T) {
	if runtime.GOOS != "linux" {
		if _, _, err := Users(t.TempDir()); !errors.Is(err, ErrUnsupported) {
			t.Fatalf("Users on %s: %v, want ErrUnsupported", runtime.GOOS, err)
		}
		return
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary")
	}
	root := fakeXet(t)
	real, _ := filepath.EvalSymlinks(root)
	pidOf := func(users []Process, pid int) *Process {
		for i := range users {
			if users[i].PID == pid {
				return &users[i]
			}
		}
		return nil
	}

	idle := startHolder(t, sleep, nil, t.TempDir())
	users, _, err := Users(real)
	if err != nil {
		t.Fatal(err)
	}
	if p := pidOf(users, idle.Process.Pid); p != nil {
		t.Errorf("a process not using the cache is reported: %+v", p)
	}

	f, err := os.Open(filepath.Join(real, "https___cas_serv-tGqkUaZf_CBPHQ6h", "shard-cache", "0123abcd.mdb"))
	if err != nil {
		t.Fatal(err)
	}
	holder := startHolder(t, sleep, f, t.TempDir())
	_ = f.Close()
	cwd := startHolder(t, sleep, nil, filepath.Join(real, "https___other-env"))

	// A process whose executable is named like the native library stands
	// for a Python process that loaded hf_xet.
	lib := filepath.Join(t.TempDir(), "hf_xet.abi3.so")
	data, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lib, data, 0o755); err != nil {
		t.Fatal(err)
	}
	client := startHolder(t, lib, nil, t.TempDir())

	users, _, err = Users(real)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		cmd    *exec.Cmd
		reason string
	}{
		{holder, "0123abcd.mdb open"},
		{cwd, "working folder"},
		{client, "loaded the Xet client"},
	} {
		p := pidOf(users, tt.cmd.Process.Pid)
		if p == nil {
			t.Errorf("process %d (%s) not reported; users: %+v", tt.cmd.Process.Pid, tt.reason, users)
			continue
		}
		if !strings.Contains(p.Reason, tt.reason) {
			t.Errorf("process %d: reason %q, want it to mention %q", p.PID, p.Reason, tt.reason)
		}
	}
}
