package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/iostreams"
)

// smallCache builds a real cache with one verified blob per repo.
func smallCache(t *testing.T, repos ...string) string {
	t.Helper()
	root := t.TempDir()
	content := []byte("weights\n")
	sum := sha256.Sum256(content)
	blob := hex.EncodeToString(sum[:])
	var tree cachetest.Tree
	for _, folder := range repos {
		tree.AddRepo(folder)
		tree.AddBlob(folder, blob, 0, content, 3600, 7200)
		tree.AddSnapshotFile(folder, strings.Repeat("1", 40), "model.bin", blob)
		tree.AddRef(folder, "main", strings.Repeat("1", 40))
	}
	tree.MustBuild(t, root, time.Now())
	return root
}

func run(t *testing.T, env map[string]string, errTTY bool, args ...string) (string, string, int) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.SetEnv(env)
	ios.ErrTTY = errTTY
	code := Run(append([]string{"hfcache"}, args...), ios)
	return out.String(), errOut.String(), code
}

func TestVerifyAllProgressOnlyOnTerminal(t *testing.T) {
	root := smallCache(t, "models--a--one", "models--a--two")
	for _, tty := range []bool{false, true} {
		out, errOut, code := run(t, nil, tty, "verify", "--all", "--cache-dir", root)
		if code != 0 || !strings.Contains(out, "Verified 2 file(s) in 2 revision(s) of 2 repo(s).") {
			t.Fatalf("tty=%v: exit %d stdout %q", tty, code, out)
		}
		hasProgress := strings.Contains(errOut, "Verifying 2/2: model/a/two@11111111")
		if hasProgress != tty {
			t.Errorf("tty=%v: stderr %q", tty, errOut)
		}
		if tty && !strings.HasSuffix(errOut, "\r\x1b[K") {
			t.Errorf("progress line not cleared: %q", errOut)
		}
	}
	// No progress line outside the human format, even on a terminal.
	if _, errOut, _ := run(t, nil, true, "verify", "--all", "--cache-dir", root, "--json"); errOut != "" {
		t.Errorf("json: stderr %q", errOut)
	}
}

func TestAutoFormat(t *testing.T) {
	root := smallCache(t, "models--a--one")
	tests := []struct {
		env       map[string]string
		args      []string
		wantFirst string
	}{
		{nil, nil, "ID SIZE LAST_ACCESSED LAST_MODIFIED REFS"},
		{map[string]string{"AI_AGENT": "some-agent"}, nil, "id\tsize\tlast_accessed\tlast_modified\trefs"},
		{map[string]string{"AGENT": "x"}, []string{"--format", "human"}, "ID SIZE LAST_ACCESSED LAST_MODIFIED REFS"},
		{nil, []string{"--revisions", "--no-revisions"}, "ID SIZE LAST_ACCESSED LAST_MODIFIED REFS"},
	}
	for _, tt := range tests {
		out, _, code := run(t, tt.env, false, append([]string{"ls", "--cache-dir", root}, tt.args...)...)
		first := strings.SplitN(out, "\n", 2)[0]
		if !strings.Contains(first, "\t") {
			first = strings.Join(strings.Fields(first), " ") // padding depends on the times
		}
		if code != 0 || first != tt.wantFirst {
			t.Errorf("env %v args %v: exit %d first line %q, want %q", tt.env, tt.args, code, first, tt.wantFirst)
		}
	}
	// Agents get no ANSI codes, even in the human format.
	out, _, _ := run(t, map[string]string{"AI_AGENT": "x"}, false, "ls", "--cache-dir", root, "--format", "human")
	if strings.Contains(out, "\x1b[") {
		t.Errorf("ANSI codes for an agent: %q", out)
	}
	out, _, _ = run(t, nil, false, "ls", "--cache-dir", root, "--no-color")
	if strings.Contains(out, "\x1b[") {
		t.Errorf("ANSI codes with --no-color: %q", out)
	}
}

func TestLsUsageErrors(t *testing.T) {
	root := smallCache(t, "models--a--one")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--limit", "-1"}, "Error: Invalid value: Limit must be a positive integer, got -1.\n"},
		{[]string{"-f", "size>1XB"}, "Error: Invalid value: Unknown unit 'xb'. Must be one of ['k', 'kb', 'm', 'mb', 'g', 'gb', 't', 'tb', 'p', 'pb'].\n"},
		{[]string{"-f", "type>model"}, "Error: Invalid value: Only '=' is supported for 'type' filters. Got '>'.\n"},
		{[]string{"--format", "xml"}, "Error: Invalid value for '--format': 'xml' is not one of 'auto', 'human', 'agent', 'json', 'quiet', 'csv'.\n"},
	}
	for _, tt := range tests {
		out, errOut, code := run(t, nil, false, append([]string{"ls", "--cache-dir", root}, tt.args...)...)
		want := "Usage: hfcache ls [OPTIONS]\nTry 'hfcache ls --help' for help.\n\n" + tt.want
		if code != 2 || out != "" || errOut != want {
			t.Errorf("%v: exit %d stdout %q stderr %q, want %q", tt.args, code, out, errOut, want)
		}
	}
}

// TestMissingCacheDirWording: every command but scan-cache (which keeps
// upstream 0.21's stdout line and exit 0) says the same thing about a
// missing cache folder, on stderr, with exit 1.
func TestMissingCacheDirWording(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	for _, args := range [][]string{
		{"ls"},
		{"rm", "model/a/one"},
		{"prune"},
		{"verify", "a/one"},
		{"verify", "--all"},
		{"delete-cache"},
		{"delete-cache", "--disable-tui"},
		{"delete-cache", "--plain"},
	} {
		out, errOut, code := run(t, map[string]string{"NO_COLOR": "1"}, false, append(args, "--dir", missing)...)
		if code != 1 || out != "" || !strings.HasPrefix(errOut, "Error: Cache directory not found: "+missing+"\n") {
			t.Errorf("%v: exit %d stdout %q stderr %q", args, code, out, errOut)
		}
	}
}

// TestHFDebug: the hint "set HF_DEBUG=1 ... for full traceback" is kept
// byte for byte, and with HF_DEBUG set hfcache shows what it promises: the
// chain of errors behind the message instead of the hint.
func TestHFDebug(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	const hint = "Hint: set HF_DEBUG=1 as environment variable for full traceback.\n"
	for _, c := range []struct {
		debug string
		want  []string
		hint  bool
	}{
		{"", nil, true},
		{"0", nil, true},
		{"1", []string{"Debug (HF_DEBUG): error chain, outermost first:\n", "  *scan.NotFoundError: cache directory not found: " + missing + "\n", "  *errors.errorString: cache directory not found\n"}, false},
		{"true", []string{"*scan.NotFoundError"}, false},
	} {
		_, errOut, code := run(t, map[string]string{"NO_COLOR": "1", "HF_DEBUG": c.debug}, false, "ls", "--dir", missing)
		if code != 1 || !strings.HasPrefix(errOut, "Error: Cache directory not found: "+missing+"\n") {
			t.Errorf("HF_DEBUG=%q: exit %d stderr %q", c.debug, code, errOut)
		}
		if strings.Contains(errOut, hint) != c.hint {
			t.Errorf("HF_DEBUG=%q: hint shown = %v, want %v:\n%s", c.debug, !c.hint, c.hint, errOut)
		}
		for _, w := range c.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("HF_DEBUG=%q: stderr lacks %q:\n%s", c.debug, w, errOut)
			}
		}
	}
	// A message hfcache found itself has no chain, and says so.
	_, errOut, _ := run(t, map[string]string{"NO_COLOR": "1", "HF_DEBUG": "1"}, false, "verify", "acme/none", "--dir", filepath.Dir(missing))
	if !strings.Contains(errOut, "Debug (HF_DEBUG): no underlying error") || strings.Contains(errOut, hint) {
		t.Errorf("verify of a repo not cached, HF_DEBUG=1: %q", errOut)
	}
}

func TestModernCacheDirErrors(t *testing.T) {
	root := smallCache(t, "models--a--one")
	file := root + "/models--a--one/refs/main"
	for _, verb := range [][]string{{"ls"}, {"rm", "model/a/one"}, {"prune"}} {
		_, errOut, code := run(t, map[string]string{"NO_COLOR": "1"}, false, append(verb, "--cache-dir", file)...)
		want := "Error: Invalid value. Scan cache expects a directory but found a file: " + file +
			". Please use `cache_dir` argument or set `HF_HUB_CACHE` environment variable.\nHint: set HF_DEBUG=1 as environment variable for full traceback.\n"
		if code != 1 || errOut != want {
			t.Errorf("%v: exit %d stderr %q", verb, code, errOut)
		}
		_, errOut, code = run(t, map[string]string{"NO_COLOR": "1"}, false, append(verb, "--cache-dir", root+"/nope")...)
		if code != 1 || !strings.HasPrefix(errOut, "Error: Cache directory not found: "+root+"/nope\n") {
			t.Errorf("%v missing dir: exit %d stderr %q", verb, code, errOut)
		}
	}
}
