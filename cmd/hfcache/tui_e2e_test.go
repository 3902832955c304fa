package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
)

// Keys as a terminal sends them.
const (
	keyDown  = "\x1b[B"
	keySpace = " "
	keyEnter = "\r"
	keyCtrlC = "\x03"
)

// ptyRun is the binary running in a pseudo-terminal.
type ptyRun struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptmx *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

// startInPTY runs name with args on a 120x40 pseudo-terminal.
func startInPTY(t *testing.T, name string, args ...string) *ptyRun {
	t.Helper()
	return startInPTYEnv(t, nil, name, args...)
}

// startInPTYEnv is startInPTY with extra environment variables.
func startInPTYEnv(t *testing.T, env []string, name string, args ...string) *ptyRun {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(append(cleanEnv(), "TERM=xterm-256color", "LC_ALL=C.UTF-8"), env...)
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	skipIfNoPTY(t, err)
	if err != nil {
		t.Fatalf("start %s in a pty: %v", name, err)
	}
	r := &ptyRun{t: t, cmd: cmd, ptmx: ptmx, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = ptmx.Close()
	})
	return r
}

func (r *ptyRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// waitFor waits until the output holds s.
func (r *ptyRun) waitFor(s string) {
	r.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(ansi.Strip(r.output()), s) {
		select {
		case <-r.done:
			if !strings.Contains(ansi.Strip(r.output()), s) {
				r.t.Fatalf("the program ended before showing %q; output:\n%q", s, r.output())
			}
		default:
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %q; output so far:\n%q", s, r.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// send types keys, one at a time as a person would.
func (r *ptyRun) send(keys ...string) {
	r.t.Helper()
	for _, k := range keys {
		if _, err := io.WriteString(r.ptmx, k); err != nil {
			r.t.Fatalf("type %q: %v", k, err)
		}
		time.Sleep(60 * time.Millisecond)
	}
}

// wait waits for the program to end and returns its exit code and output.
func (r *ptyRun) wait() (int, string) {
	r.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- r.cmd.Wait() }()
	var err error
	select {
	case err = <-errc:
	case <-time.After(15 * time.Second):
		r.t.Fatalf("the program did not end; output:\n%q", r.output())
	}
	select {
	case <-r.done:
	case <-time.After(2 * time.Second):
	}
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		r.t.Fatal(err)
	}
	return code, r.output()
}

// snapshot describes every entry of a cache folder: type, size, mode,
// modification time, link target and, for files under 1 MB, a hash of the
// content (the big blobs are sparse and never written by hfcache).
func snapshot(t *testing.T, root string) string {
	t.Helper()
	var lines []string
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		line := fmt.Sprintf("%s %v %d %d", rel, info.Mode(), info.Size(), info.ModTime().UnixNano())
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			line += " -> " + target
		case info.Mode().IsRegular() && info.Size() < 1<<20:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %x", sha256.Sum256(data))
		}
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// buildSmall rebuilds the small preset at root/name.
func buildSmall(t *testing.T, root, name string, now time.Time) string {
	t.Helper()
	tree, err := cachetest.Load(filepath.Join(cachetest.CompatDir(t), "trees", "small.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, name)
	tree.MustBuild(t, dir, now)
	return dir
}

// tuiDeleteScenario selects the first revision with the keyboard,
// validates, confirms, and checks the cache left on disk against the
// planner and executor run on a twin cache; then it quits a second run with
// ctrl+c and checks that nothing changed. command runs the TUI on a cache
// folder.
func tuiDeleteScenario(t *testing.T, command func(dir string) (string, []string)) {
	now := time.Now()
	root := t.TempDir()
	dir := buildSmall(t, root, "hub", now)
	twin := buildSmall(t, root, "twin", now)

	cache, err := scan.Dir(twin, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hash := delete.ReviewOrder(cache, delete.SortDefault)[0].Revisions[0].Hash
	plan := delete.PlanRevisions(cache, []string{hash})

	// The twin gets the same selection through `delete-cache --disable-tui`
	// with an editor that uncomments that revision's line.
	editor := filepath.Join(root, "edit.sh")
	script := "#!/bin/sh\nsed -i 's/^#    " + hash + " /    " + hash + " /' \"$1\"\n"
	if err := os.WriteFile(editor, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	manual := startInPTYEnv(t, []string{"EDITOR=" + editor}, "hfcache", "delete-cache", "--disable-tui", "--dir", twin)
	manual.waitFor("1 revisions selected counting for " + render.Size(plan.ExpectedFreedSize) + ". Continue ? (y/N) ")
	manual.send("y\r")
	manual.waitFor("Confirm deletion ? (Y/n) ")
	manual.send("\r")
	if code, out := manual.wait(); code != 0 || !strings.Contains(out, "Done. Deleted") {
		t.Fatalf("delete-cache --disable-tui on the twin: exit %d\n%q", code, out)
	}

	name, args := command(dir)
	run := startInPTY(t, name, args...)
	run.waitFor("Select revisions to delete:")
	run.send(keyDown, keySpace)
	run.waitFor("1 revisions selected counting for " + render.Size(plan.ExpectedFreedSize) + ".")
	run.send(keyEnter)
	run.waitFor("Confirm deletion ?")
	run.send(keyEnter) // the default answer is yes
	code, out := run.wait()
	out = ansi.Strip(out)
	if code != 0 {
		t.Fatalf("exit %d; output:\n%q", code, out)
	}
	for _, want := range []string{
		"? Select revisions to delete: 1 revision(s) selected.",
		"Confirm deletion ?",
		" Yes",
		"Start deletion.",
		fmt.Sprintf("Done. Deleted %d repo(s) and %d revision(s) for a total of %s.", len(plan.Repos), len(plan.Snapshots), render.Size(plan.ExpectedFreedSize)),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%q", want, out)
		}
	}
	if got, want := cachetest.Listing(t, dir), cachetest.Listing(t, twin); got != want {
		t.Errorf("cache after the TUI deletion differs from the --disable-tui run's\n--- got\n%s\n--- want\n%s", got, want)
	}

	// ctrl+c in the checklist: exit 0, nothing touched.
	before := snapshot(t, dir)
	run = startInPTY(t, name, args...)
	run.waitFor("Select revisions to delete:")
	run.send(keyDown, keySpace)
	run.waitFor("1 revisions selected counting for")
	run.send(keyCtrlC)
	code, out = run.wait()
	out = ansi.Strip(out)
	if code != 0 || !strings.Contains(out, "Deletion is cancelled. Do nothing.") {
		t.Errorf("ctrl+c: exit %d, output:\n%q", code, out)
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("ctrl+c changed the cache\n--- before\n%s\n--- after\n%s", before, after)
	}

	// ctrl+c at the confirmation: exit 130 as upstream, nothing touched.
	run = startInPTY(t, name, args...)
	run.waitFor("Select revisions to delete:")
	run.send(keyDown, keySpace, keyEnter)
	run.waitFor("Confirm deletion ?")
	run.send(keyCtrlC)
	code, out = run.wait()
	if out = ansi.Strip(out); code != 130 || strings.Contains(out, "Start deletion.") {
		t.Errorf("ctrl+c at the confirmation: exit %d, output:\n%q", code, out)
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("ctrl+c at the confirmation changed the cache\n--- before\n%s\n--- after\n%s", before, after)
	}
}

// TestDeleteCacheTUIEndToEnd runs the real `hfcache delete-cache` (TUI
// mode) in a pseudo-terminal.
func TestDeleteCacheTUIEndToEnd(t *testing.T) {
	tuiDeleteScenario(t, func(dir string) (string, []string) {
		return "hfcache", []string{"delete-cache", "--dir", dir}
	})
}
