package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/cli"
)

// TestMain makes this test binary double as the hfcache binary: scripts
// and golden tests run "hfcache" from PATH and get the real main. Invoked
// as huggingface-cli (a symlink to it, see testdata/script/alias.txtar) it
// runs the same main, which then sees that name in argv[0].
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"hfcache":         func() { os.Exit(cli.Main()) },
		"huggingface-cli": func() { os.Exit(cli.Main()) },
		"holdlock":        holdLock,
	})
}

// TestScripts runs testdata/script/*.txtar end to end.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			// The home folder, as Python's expanduser finds it on Unix
			// (HOME) and on Windows (USERPROFILE).
			env.Setenv("HOME", filepath.Join(env.WorkDir, "home"))
			env.Setenv("USERPROFILE", filepath.Join(env.WorkDir, "home"))
			bin, err := exec.LookPath("hfcache")
			if err != nil {
				return err
			}
			env.Setenv("HFCACHE_BIN", bin) // for scripts that make a symlink to it
			return nil
		},
		// [symlinks]: os.Symlink really makes links here (not on Windows
		// without developer mode, not under wine).
		Condition: func(cond string) (bool, error) {
			if cond == "symlinks" {
				return cachetest.SymlinksWork(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// writeref FILE HASH: a ref as the downloader writes it (no newline),
			// creating the parent folders.
			"writeref": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: writeref FILE HASH")
				}
				p := ts.MkAbs(args[0])
				ts.Check(os.MkdirAll(filepath.Dir(p), 0o755))
				ts.Check(os.WriteFile(p, []byte(args[1]), 0o644))
			},
			// notrash CACHE: no trash folder of any account
			// (CACHE/.locks/.hfcache-trash*) is left.
			"notrash": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: notrash CACHE")
				}
				entries, err := os.ReadDir(filepath.Join(ts.MkAbs(args[0]), ".locks"))
				if err != nil && !os.IsNotExist(err) {
					ts.Fatalf("%v", err)
				}
				for _, e := range entries {
					if strings.HasPrefix(e.Name(), ".hfcache-trash") {
						ts.Fatalf("trash left: %s", e.Name())
					}
				}
			},
			// sleep DURATION (a Go duration).
			"sleep": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: sleep DURATION")
				}
				d, err := time.ParseDuration(args[0])
				ts.Check(err)
				time.Sleep(d)
			},
			// filecount DIR N: DIR holds N regular files, at any depth (a
			// missing DIR holds none).
			"filecount": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: filecount DIR N")
				}
				n := 0
				err := filepath.WalkDir(ts.MkAbs(args[0]), func(_ string, d fs.DirEntry, err error) error {
					if err == nil && d.Type().IsRegular() {
						n++
					}
					if os.IsNotExist(err) {
						return filepath.SkipAll
					}
					return err
				})
				ts.Check(err)
				if fmt.Sprint(n) != args[1] {
					ts.Fatalf("%s holds %d files; want %s", args[0], n, args[1])
				}
			},
			// linkblob REPO REV NAME BLOB: snapshots/REV/NAME -> ../../blobs/BLOB
			"linkblob": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 4 {
					ts.Fatalf("usage: linkblob REPO REV NAME BLOB")
				}
				p := ts.MkAbs(filepath.Join(args[0], "snapshots", args[1], args[2]))
				ts.Check(os.MkdirAll(filepath.Dir(p), 0o755))
				up := strings.Repeat("../", 2+strings.Count(args[2], "/"))
				ts.Check(os.Symlink(up+"blobs/"+args[3], p))
				if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeSymlink == 0 {
					ts.Fatalf("linkblob: no link made at %s (guard the script with [!symlinks] skip)", p)
				}
			},
		},
	})
}

// result is what one run of the binary produced.
type result struct {
	stdout, stderr string
	code           int
}

// runBinary runs the hfcache binary with args and extra environment.
func runBinary(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command("hfcache", args...)
	// The scan index in the test's own folder, not the user's cache.
	cmd.Env = append(append(cleanEnv(), "HFCACHE_SCAN_INDEX="+filepath.Join(t.TempDir(), "scan-index")), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run hfcache: %v", err)
	}
	return result{out.String(), errOut.String(), code}
}

// cleanEnv is the process environment without the variables that change
// hfcache's output, and without the scan index (which would otherwise be
// written to the user's cache folder, one folder per test cache).
func cleanEnv() []string {
	env := []string{"HFCACHE_SCAN_INDEX=off"}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "NO_COLOR", "COLUMNS", "LINES", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME", "EDITOR", "VISUAL", "AI_AGENT", "AGENT", "HF_XET_CACHE", "HFCACHE_SCAN_INDEX":
			continue
		}
		env = append(env, kv)
	}
	return env
}

var doneIn = regexp.MustCompile(`Done in [0-9]+\.[0-9]s\.`)

// sortWarnings puts the -vvv warning lines (after "Got N warning(s)") in
// byte order: upstream prints them in directory order.
func sortWarnings(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.Contains(l, "warning(s) while scanning.") && !strings.Contains(l, "Use -vvv") {
			rest := lines[i+1:]
			end := len(rest)
			if end > 0 && rest[end-1] == "" {
				end--
			}
			sortStrings(rest[:end])
			break
		}
	}
	return strings.Join(lines, "\n")
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TestScanCacheGolden replays every golden/0.21/<preset>/scan-cache* case:
// the preset is rebuilt from trees/<preset>.tsv, the real binary runs, and
// stdout and the exit code must equal upstream's, apart from the "Done in"
// figure and the order of -vvv warnings.
func TestScanCacheGolden(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string
		env  []string
	}{
		{"scan-cache", nil, nil},
		{"scan-cache-v", []string{"-v"}, nil},
		{"scan-cache-vvv", []string{"-vvv"}, nil},
		{"scan-cache.nocolor", nil, []string{"NO_COLOR=1"}},
		{"scan-cache-vvv.nocolor", []string{"-vvv"}, []string{"NO_COLOR=1"}},
	}
	for _, preset := range []string{"small", "corrupt", "windows", "empty", "large"} {
		t.Run(preset, func(t *testing.T) {
			t.Parallel()
			run := cachetest.NewGoldenRun(t)
			dir := run.BuildPreset(t, preset, time.Now())
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					want, ok := cachetest.Golden(t, "0.21", preset, c.name+".txt")
					if !ok {
						t.Fatalf("no golden %s/%s", preset, c.name)
					}
					res := runBinary(t, c.env, "", append([]string{"scan-cache", "--dir", dir}, c.args...)...)
					if res.code != 0 {
						t.Fatalf("exit %d, stderr %q", res.code, res.stderr)
					}
					got := sortWarnings(doneIn.ReplaceAllString(run.Normalize(res.stdout), "Done in X."))
					want = sortWarnings(doneIn.ReplaceAllString(want, "Done in X."))
					if got != want {
						t.Errorf("stdout differs from upstream\n--- got\n%s\n--- want\n%s", got, want)
					}
				})
			}
		})
	}
}

// TestScanCacheMissingDir: upstream prints the resolved path on stdout and
// exits 0.
func TestScanCacheMissingDir(t *testing.T) {
	run := cachetest.NewGoldenRun(t)
	dir := run.BuildPreset(t, "small", time.Now())
	want, _ := cachetest.Golden(t, "0.21", "small", "scan-cache-missing-dir.txt")
	res := runBinary(t, nil, "", "scan-cache", "--dir", dir+"/nope")
	if res.code != 0 || run.Normalize(res.stdout) != want {
		t.Errorf("got exit %d stdout %q, want 0 and %q", res.code, res.stdout, want)
	}
}

// TestScanCacheDirIsFile: upstream crashes with a ValueError traceback; we
// keep its message on stderr without the traceback, stdout empty, exit 1.
func TestScanCacheDirIsFile(t *testing.T) {
	run := cachetest.NewGoldenRun(t)
	dir := run.BuildPreset(t, "small", time.Now())
	stderr, _ := cachetest.Golden(t, "0.21", "small", "scan-cache-dir-is-file.stderr.txt")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	msg := strings.TrimPrefix(lines[len(lines)-1], "ValueError: ")
	res := runBinary(t, nil, "", "scan-cache", "--dir", dir+"/version.txt")
	if res.code != 1 || res.stdout != "" {
		t.Fatalf("got exit %d stdout %q", res.code, res.stdout)
	}
	if got := strings.TrimSpace(run.Normalize(res.stderr)); got != "Error: "+msg {
		t.Errorf("stderr = %q, want %q", got, "Error: "+msg)
	}
	if strings.Contains(res.stderr, "Traceback") {
		t.Error("stderr has a traceback")
	}
}
