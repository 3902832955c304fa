package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// buildHfcache builds the real binary the way the Makefile and goreleaser
// do (static, trimmed paths, version/commit/date through -ldflags).
func buildHfcache(t *testing.T, dir string) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		// A test binary run on another machine (a Windows build under
		// wine, say) has no toolchain to build the release binary with.
		t.Skipf("needs the go command to build the binary: %v", err)
	}
	bin := filepath.Join(dir, "hfcache")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	const pkg = "github.com/hfcache/hfcache/internal/cli"
	ldflags := "-s -w -X " + pkg + ".version=1.2.3 -X " + pkg + ".commit=abc1234 -X " + pkg + ".date=2026-01-02T03:04:05Z"
	// The Makefile also passes -trimpath and CGO_ENABLED=0; they do not
	// change what this test checks, and leaving them out lets the build
	// reuse every package "go test" just compiled (with them, a cold run
	// recompiled the standard library and every dependency: minutes).
	cmd := exec.Command("go", "build", "-ldflags", ldflags, "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// exitOf runs bin with args and returns its stdout, stderr and exit code.
func exitOf(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = cleanEnv()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return out.String(), errOut.String(), ee.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", bin, err)
	}
	return out.String(), errOut.String(), 0
}

// TestBuiltBinary: the released binary reports the version it was built
// with, exits with the documented codes, and a symlink named
// huggingface-cli to it runs in alias mode.
func TestBuiltBinary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := buildHfcache(t, dir)

	out, _, code := exitOf(t, bin, "--version")
	if want := "hfcache 1.2.3 (commit abc1234, built 2026-01-02T03:04:05Z)\n"; out != want || code != 0 {
		t.Errorf("--version: %q exit %d, want %q exit 0", out, code, want)
	}
	if _, errOut, code := exitOf(t, bin, "nosuchcommand"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: exit %d stderr %q, want 2", code, errOut)
	}
	if _, errOut, code := exitOf(t, bin, "scan-cache", "--dir", filepath.Join(dir, "hfcache")); code != 1 || !strings.Contains(errOut, "expects a directory") {
		t.Errorf("file as cache dir: exit %d stderr %q, want 1", code, errOut)
	}

	// A link named huggingface-cli, or a copy where links cannot be made
	// (Windows without developer mode): argv[0] decides either way.
	alias := filepath.Join(dir, "huggingface-cli"+filepath.Ext(bin))
	if cachetest.SymlinksWork() {
		if err := os.Symlink(bin, alias); err != nil {
			t.Fatal(err)
		}
	} else if data, err := os.ReadFile(bin); err != nil {
		t.Fatal(err)
	} else if err := os.WriteFile(alias, data, 0o755); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := exitOf(t, alias)
	if code != 1 || !strings.HasPrefix(out, "usage: huggingface-cli <command> [<args>]\n") || errOut != "" {
		t.Errorf("huggingface-cli: exit %d stdout %q stderr %q, want usage on stdout and exit 1", code, out, errOut)
	}
	out, _, code = exitOf(t, alias, "scan-cache", "--dir", filepath.Join(dir, "nope"))
	if code != 0 || !strings.HasPrefix(out, "Cache directory not found: ") {
		t.Errorf("huggingface-cli scan-cache: exit %d stdout %q", code, out)
	}
	if _, errOut, code := exitOf(t, alias, "upload", "me/repo", "."); code != 1 || !strings.Contains(errOut, "not provided by hfcache") {
		t.Errorf("huggingface-cli upload: exit %d stderr %q, want 1 and 'not provided'", code, errOut)
	}
}
