package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWriteMan generates the man pages and checks that every command has
// one, with its description and examples.
func TestWriteMan(t *testing.T) {
	dir := t.TempDir()
	if err := writeMan(dir, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	for _, c := range rootCmd().Commands() {
		if c.Hidden || c.Name() == "help" {
			continue
		}
		page := filepath.Join(dir, "hfcache-"+c.Name()+".1")
		b, err := os.ReadFile(page)
		if err != nil {
			t.Errorf("no man page for %s: %v", c.Name(), err)
			continue
		}
		s := string(b)
		title := strings.ToUpper("hfcache-" + c.Name())
		if !strings.Contains(s, "\n.TH \""+title+"\" \"1\" \"Jan 2026\" \"hfcache\" \"hfcache manual\"\n") {
			t.Errorf("%s has no .TH header titled %s with the given date", page, title)
		}
		if strings.Contains(s, "[=false]") {
			t.Errorf("%s lists a flag as --flag[=false]", page)
		}
		if !strings.Contains(s, c.Short) {
			t.Errorf("%s does not contain the command's description %q", page, c.Short)
		}
		if c.Example != "" && !strings.Contains(s, ".SH EXAMPLE") {
			t.Errorf("%s has no EXAMPLE section", page)
		}
	}
	root, err := os.ReadFile(filepath.Join(dir, "hfcache.1"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(root), "hfcache-scan-cache(1)") {
		t.Errorf("hfcache.1 does not refer to hfcache-scan-cache(1)")
	}
	for _, want := range []string{"\n.TH \"HFCACHE\" \"1\"", "\\fB--version\\fP\n"} {
		if !strings.Contains(string(root), want) {
			t.Errorf("hfcache.1 lacks %q", want)
		}
	}
	// The checklist's keys, from its own key map, are in delete-cache's page.
	dc, err := os.ReadFile(filepath.Join(dir, "hfcache-delete-cache.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n.SH KEYS\n", "\\fBspace\\fP, \\fBx\\fP\nselect\n", "\\fB/\\fP\nfilter\n", "\\fBctrl+c\\fP\nabort\n"} {
		if !strings.Contains(string(dc), want) {
			t.Errorf("hfcache-delete-cache.1 lacks %q", want)
		}
	}
}

func TestWriteCompletions(t *testing.T) {
	dir := t.TempDir()
	if err := writeCompletions(dir); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"hfcache.bash": "complete -o default -F __start_hfcache hfcache",
		"_hfcache":     "#compdef hfcache",
		"hfcache.fish": "complete -c hfcache",
		"hfcache.ps1":  "Register-ArgumentCompleter",
	}
	for name, marker := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !strings.Contains(string(b), marker) {
			t.Errorf("%s does not contain %q", name, marker)
		}
	}
}
