package main

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// goldenCase is one golden/latest/<preset>/<name>.cmd.txt.
type goldenCase struct {
	env   []string
	args  []string // after "hf cache"
	stdin string
	rc    int
}

func parseCmdFile(t *testing.T, text string) goldenCase {
	t.Helper()
	var c goldenCase
	for _, line := range strings.Split(text, "\n") {
		key, val, _ := strings.Cut(line, ": ")
		switch key {
		case "env":
			// "PYTHONHASHSEED=0 LC_ALL=C.UTF-8 COLUMNS/LINES/NO_COLOR unset [EXTRA=1 ...]"
			_, extra, _ := strings.Cut(val, " unset")
			c.env = strings.Fields(extra)
		case "cmd":
			words := shellSplit(t, val)
			if len(words) < 2 || words[0] != "hf" || words[1] != "cache" {
				t.Fatalf("unexpected command %q", val)
			}
			c.args = words[2:]
		case "stdin":
			c.stdin = pyBytes(t, val)
		case "rc":
			c.rc, _ = strconv.Atoi(val)
		}
	}
	return c
}

// shellSplit splits a command line with single quotes, as the .cmd.txt
// files write them.
func shellSplit(t *testing.T, s string) []string {
	var words []string
	var cur strings.Builder
	in, started := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			in, started = !in, true
		case r == ' ' && !in:
			if started {
				words = append(words, cur.String())
				cur.Reset()
				started = false
			}
		default:
			cur.WriteRune(r)
			started = true
		}
	}
	if in {
		t.Fatalf("unbalanced quotes in %q", s)
	}
	if started {
		words = append(words, cur.String())
	}
	return words
}

// pyBytes decodes a Python bytes literal such as b'n\n'.
func pyBytes(t *testing.T, s string) string {
	if !strings.HasPrefix(s, "b'") || !strings.HasSuffix(s, "'") {
		t.Fatalf("bad stdin literal %q", s)
	}
	v, err := strconv.Unquote(`"` + s[2:len(s)-1] + `"`)
	if err != nil {
		t.Fatalf("bad stdin literal %q: %v", s, err)
	}
	return v
}

// extraJSONKeys are the numeric fields hfcache adds to hf 1.28's ls JSON.
var extraJSONKeys = regexp.MustCompile(`, "(size_bytes|nb_files|nb_revisions|last_accessed_epoch|last_modified_epoch|path)": ("[^"]*"|[0-9.e+-]+)`)

// sortWarningLines sorts the "Warning: ... Repo ignored." lines, which
// upstream prints in directory order.
func sortWarningLines(s string) string {
	lines := strings.Split(s, "\n")
	var idx []int
	var ws []string
	for i, l := range lines {
		if strings.Contains(l, ". Repo ignored.") {
			idx = append(idx, i)
			ws = append(ws, l)
		}
	}
	sort.Strings(ws)
	for k, i := range idx {
		lines[i] = ws[k]
	}
	return strings.Join(lines, "\n")
}

// TestModernGolden replays every golden/latest/*/cache-ls*, cache-rm* and
// cache-prune* case (except --help, whose layout is cobra's): the preset is
// rebuilt from trees/<preset>.tsv at a path as long as upstream's, the real
// binary runs with the recorded environment, arguments and answers, and
// stdout, stderr, the exit code and the cache listing afterwards must equal
// upstream's. Differences allowed: "hf cache" reads "hfcache", ls JSON
// carries extra numeric keys, --show-warnings lines are compared sorted.
func TestModernGolden(t *testing.T) {
	t.Parallel()
	root := filepath.Join(cachetest.CompatDir(t), "golden", "latest")
	presets, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, p := range presets {
		preset := p.Name()
		if !p.IsDir() || preset == "units" {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(root, preset, "cache-*.cmd.txt"))
		var names []string
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".cmd.txt")
			if strings.HasSuffix(name, "-help") || !(strings.HasPrefix(name, "cache-ls") || strings.HasPrefix(name, "cache-rm") || strings.HasPrefix(name, "cache-prune")) {
				continue
			}
			names = append(names, name)
		}
		total += len(names)
		t.Run(preset, func(t *testing.T) {
			t.Parallel()
			// Read-only cases share one build of the preset; cases that may
			// change the cache get a fresh one.
			shared := cachetest.NewGoldenRun(t)
			sharedDir := shared.BuildPreset(t, preset, time.Now())
			for _, name := range names {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					if mayChangeCache(t, preset, name) {
						run := cachetest.NewGoldenRun(t)
						replayGolden(t, preset, name, run, run.BuildPreset(t, preset, time.Now()))
						return
					}
					replayGolden(t, preset, name, shared, sharedDir)
				})
			}
		})
	}
	if total < 120 {
		t.Errorf("only %d golden cases found", total)
	}
}

// mayChangeCache reports whether a case deletes (or may delete) files.
func mayChangeCache(t *testing.T, preset, name string) bool {
	if _, ok := cachetest.Golden(t, "latest", preset, name+".after.txt"); ok {
		return true
	}
	cmdText, _ := cachetest.Golden(t, "latest", preset, name+".cmd.txt")
	c := parseCmdFile(t, cmdText)
	if c.stdin != "" {
		return true
	}
	for _, a := range c.args {
		if a == "-y" || a == "--yes" {
			return true
		}
	}
	return false
}

func replayGolden(t *testing.T, preset, name string, run *cachetest.GoldenRun, dir string) {
	cmdText, _ := cachetest.Golden(t, "latest", preset, name+".cmd.txt")
	c := parseCmdFile(t, cmdText)
	args := make([]string, len(c.args))
	for i, a := range c.args {
		args[i] = strings.ReplaceAll(a, cachetest.GoldenRoot, run.Root)
	}
	res := runBinary(t, c.env, c.stdin, args...)

	wantOut, _ := cachetest.Golden(t, "latest", preset, name+".txt")
	wantErr, _ := cachetest.Golden(t, "latest", preset, name+".stderr.txt")
	gotOut, gotErr := run.Normalize(res.stdout), run.Normalize(res.stderr)
	wantOut = strings.ReplaceAll(wantOut, "hf cache ", "hfcache ")
	wantErr = strings.ReplaceAll(wantErr, "hf cache ", "hfcache ")
	if strings.Contains(name, "json") && strings.HasPrefix(name, "cache-ls") {
		gotOut = extraJSONKeys.ReplaceAllString(gotOut, "")
	}
	if strings.Contains(name, "show-warnings") {
		gotErr, wantErr = sortWarningLines(gotErr), sortWarningLines(wantErr)
	}
	if res.code != c.rc {
		t.Errorf("exit code %d, want %d (stderr %q)", res.code, c.rc, res.stderr)
	}
	if gotOut != wantOut {
		t.Errorf("stdout differs\n--- got\n%s\n--- want\n%s", gotOut, wantOut)
	}
	if gotErr != wantErr {
		t.Errorf("stderr differs\n--- got\n%q\n--- want\n%q", gotErr, wantErr)
	}
	if after, ok := cachetest.Golden(t, "latest", preset, name+".after.txt"); ok {
		got := cachetest.Listing(t, dir)
		if got == "\n" {
			got = "" // an empty cache lists nothing at all
		}
		if got != after {
			t.Errorf("cache after the command differs from upstream's\n%s", diffLines(got, after))
		}
	}
}
