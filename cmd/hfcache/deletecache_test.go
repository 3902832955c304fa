package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// deleteCase is one golden/0.21/<preset>/delete-cache.<name> case, read
// from its .cmd.txt.
type deleteCase struct {
	preset, name string
	pty          bool     // run in a pseudo-terminal (else pipes)
	uncomment    []string // hashes uncommented before the first answer
	killSwitch   bool     // CANCEL_DELETION uncommented too
	answers      []string // typed at successive prompts
	rc           int
}

var quoted = regexp.MustCompile(`'([^']*)'`)

func loadDeleteCases(t *testing.T) []deleteCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(cachetest.CompatDir(t), "golden", "0.21", "*", "delete-cache.*.cmd.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no delete-cache golden: %v", err)
	}
	var cases []deleteCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := deleteCase{preset: filepath.Base(filepath.Dir(f)), name: strings.TrimSuffix(filepath.Base(f), ".cmd.txt")}
		for _, line := range strings.Split(string(data), "\n") {
			key, val, _ := strings.Cut(line, ": ")
			switch key {
			case "mode":
				c.pty = strings.HasPrefix(val, "pty")
			case "edit before 1st answer":
				for _, m := range quoted.FindAllStringSubmatch(val, -1) {
					c.uncomment = append(c.uncomment, m[1])
				}
				c.killSwitch = strings.Contains(val, "CANCEL_DELETION")
			case "answers typed at successive prompts":
				for _, m := range quoted.FindAllStringSubmatch(val, -1) {
					c.answers = append(c.answers, m[1])
				}
			case "rc":
				fmt.Sscan(val, &c.rc)
			}
		}
		if c.answers == nil {
			t.Fatalf("%s: no answers parsed", f)
		}
		cases = append(cases, c)
	}
	return cases
}

// uncommentLines removes the leading '#' of the revision lines of the given
// hashes (and of "# CANCEL_DELETION" when killSwitch is set), as the
// golden runs' edits did.
func uncommentLines(content string, hashes []string, killSwitch bool) string {
	lines := strings.Split(content, "\n")
	for i, l := range lines {
		rest := strings.TrimSpace(strings.TrimPrefix(l, "#"))
		if killSwitch && l == "# CANCEL_DELETION" {
			lines[i] = "CANCEL_DELETION"
			continue
		}
		for _, h := range hashes {
			if strings.HasPrefix(l, "#") && strings.HasPrefix(rest, h+" ") {
				lines[i] = l[1:]
			}
		}
	}
	return strings.Join(lines, "\n")
}

// session drives one delete-cache run: it waits for prompts, edits the
// review file before the first answer and types the answers.
type session struct {
	t      *testing.T
	mu     sync.Mutex
	out    bytes.Buffer
	done   chan struct{}
	in     io.Writer
	closeW func()
}

func (s *session) collect(r io.Reader) {
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		s.mu.Lock()
		s.out.Write(buf[:n])
		s.mu.Unlock()
		if err != nil {
			close(s.done)
			return
		}
	}
}

func (s *session) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// waitFor waits until cond(output) holds; false when the run ended or
// timed out first.
func (s *session) waitFor(cond func(string) bool) bool {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if cond(s.output()) {
			return true
		}
		select {
		case <-s.done:
			return cond(s.output())
		case <-time.After(2 * time.Millisecond):
		}
	}
	return false
}

var promptRe = regexp.MustCompile(`\((?:y/N|Y/n)\) `)

func countPrompts(s string) int { return len(promptRe.FindAllString(s, -1)) }

var tmpPathRe = regexp.MustCompile(`File to edit: (?:\x1b\[1m)?(\S+?\.txt)`)

// runDelete runs delete-cache on dir with TMPDIR=tmp, in a pty or over
// pipes; edit changes the review file once the first prompt is shown.
// It returns the output, the review file as first written, its path and
// the exit code.
func runDelete(t *testing.T, dir, tmp string, usePty bool, env []string, answers []string, edit func(string) string, extraArgs ...string) (out, firstContent, tmpPath string, code int) {
	t.Helper()
	cmd := exec.Command("hfcache", append([]string{"delete-cache", "--disable-tui", "--dir", dir}, extraArgs...)...)
	cmd.Env = append(append(cleanEnv(), "TMPDIR="+tmp, "TERM=dumb"), env...)
	s := &session{t: t, done: make(chan struct{})}
	if usePty {
		f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 200})
		skipIfNoPTY(t, err)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		s.in = f
		go s.collect(f)
	} else {
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = w, w // stderr merged, as in the golden runs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		s.in = stdin
		s.closeW = func() { stdin.Close() }
		go s.collect(r)
	}
	for i, a := range answers {
		if !s.waitFor(func(o string) bool { return countPrompts(o) > i }) {
			t.Fatalf("prompt %d never came; output so far:\n%s", i+1, s.output())
		}
		if i == 0 {
			m := tmpPathRe.FindStringSubmatch(s.output())
			if m == nil {
				t.Fatalf("no temp file path in %q", s.output())
			}
			tmpPath = m[1]
			data, err := os.ReadFile(tmpPath)
			if err != nil {
				t.Fatal(err)
			}
			firstContent = string(data)
			if edit != nil {
				if err := os.WriteFile(tmpPath, []byte(edit(firstContent)), 0o600); err != nil {
					t.Fatal(err)
				}
			}
		}
		end := "\n"
		if usePty {
			end = "\r" // the Enter key
		}
		if _, err := io.WriteString(s.in, a+end); err != nil {
			t.Fatalf("type answer %d: %v", i+1, err)
		}
	}
	if s.closeW != nil {
		s.closeW()
	}
	err := cmd.Wait()
	<-s.done
	code = 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return s.output(), firstContent, tmpPath, code
}

var modifiedTies = regexp.MustCompile(` # modified .*$`)

// sortTies sorts consecutive revision lines with the same "modified" text
// (upstream orders equal timestamps arbitrarily).
func sortTies(s string) string {
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); {
		j := i + 1
		if strings.HasPrefix(lines[i], "#    ") {
			key := modifiedTies.FindString(lines[i])
			for j < len(lines) && strings.HasPrefix(lines[j], "#    ") && modifiedTies.FindString(lines[j]) == key {
				j++
			}
			sortStrings(lines[i:j])
		}
		i = j
	}
	return strings.Join(lines, "\n")
}

// dropTracebacks removes upstream 0.21's "Couldn't delete blob" messages
// and their tracebacks (one per file of a Windows-style snapshot): hfcache
// deletes those snapshots cleanly.
func dropTracebacks(s string) string {
	var keep []string
	skipping := false
	for _, l := range strings.SplitAfter(s, "\n") {
		switch {
		case strings.HasPrefix(l, "Couldn't delete blob: file not found"):
			skipping = true
			continue
		case skipping && strings.HasPrefix(l, "FileNotFoundError:"):
			skipping = false
			continue
		case skipping:
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "")
}

var tmpNameRe = regexp.MustCompile(`/tmp[a-z0-9_]{8}\.txt`)

// TestDeleteCacheGolden replays every golden/0.21/*/delete-cache.* case:
// the preset is rebuilt, the real binary runs in a pseudo-terminal or over
// pipes as recorded, the review file is edited before the first answer and
// the answers are typed one prompt at a time. The output (temp-file name
// normalised), the review file, the exit code and the cache left on disk
// must equal upstream's.
func TestDeleteCacheGolden(t *testing.T) {
	t.Parallel()
	for _, c := range loadDeleteCases(t) {
		t.Run(c.preset+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			run := cachetest.NewGoldenRun(t)
			dir := run.BuildPreset(t, c.preset, time.Now())
			tmp := filepath.Join(run.Root, "tmp")
			if err := os.Mkdir(tmp, 0o755); err != nil {
				t.Fatal(err)
			}
			out, content, tmpPath, code := runDelete(t, dir, tmp, c.pty, nil, c.answers,
				func(s string) string { return uncommentLines(s, c.uncomment, c.killSwitch) })
			want, _ := cachetest.Golden(t, "0.21", c.preset, c.name+".txt")
			got := tmpNameRe.ReplaceAllString(run.Normalize(out), "/tmpXXXXXXXX.txt")
			want = tmpNameRe.ReplaceAllString(dropTracebacks(want), "/tmpXXXXXXXX.txt")
			if got != want {
				t.Errorf("output differs\n--- got\n%q\n--- want\n%q", got, want)
			}
			if code != c.rc {
				t.Errorf("exit %d, want %d", code, c.rc)
			}
			wantTmp, _ := cachetest.Golden(t, "0.21", c.preset, c.name+".tmpfile.txt")
			if sortTies(content) != sortTies(wantTmp) {
				t.Errorf("review file differs\n--- got\n%s\n--- want\n%s", content, wantTmp)
			}
			if _, err := os.Stat(tmpPath); err == nil {
				t.Error("review file left behind")
			}
			wantAfter, _ := cachetest.Golden(t, "0.21", c.preset, c.name+".after.txt")
			if got := cachetest.Listing(t, dir); got != wantAfter {
				t.Errorf("cache after differs\n--- got\n%s\n--- want\n%s", got, wantAfter)
			}
		})
	}
}
