package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCtrlCInEditorBelongsToTheEditor: while $EDITOR has the terminal,
// Ctrl-C is the editor's (vim and nano ignore it). hfcache must not exit
// under the editor's feet: when the editor returns, the prompts go on.
func TestCtrlCInEditorBelongsToTheEditor(t *testing.T) {
	root := t.TempDir()
	dir := buildSmall(t, root, "hub", time.Now())
	const hash = "23aa4f41cb7c08d4b05c8f327b22bfa0eb8c7ad9" // t5-base, its only revision
	editor := filepath.Join(root, "edit.sh")
	marker := filepath.Join(root, "editor-started")
	script := "#!/bin/sh\ntrap '' INT\ntouch '" + marker + "'\nsleep 1\nsed -i 's/^#    " + hash + " /    " + hash + " /' \"$1\"\n"
	if err := os.WriteFile(editor, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	run := startInPTYEnv(t, []string{"EDITOR=" + editor}, "hfcache", "delete-cache", "--disable-tui", "--dir", dir)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the editor never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	run.send(keyCtrlC)
	run.waitFor("1 revisions selected counting for 10.1K. Continue ? (y/N) ")
	run.send("y\r")
	run.waitFor("Confirm deletion ? (Y/n) ")
	run.send("\r")
	code, out := run.wait()
	if code != 0 || !strings.Contains(out, "Done. Deleted 1 repo(s) and 0 revision(s) for a total of 10.1K.") {
		t.Fatalf("exit %d, output:\n%q", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "models--t5-base")); !os.IsNotExist(err) {
		t.Errorf("models--t5-base still exists: %v", err)
	}
}
