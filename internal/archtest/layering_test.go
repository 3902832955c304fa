package archtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/hfcache/hfcache"

// pkg is the part of "go list -json" output the rules need.
type pkg struct {
	ImportPath string
	Deps       []string // every package it imports, transitively
}

// rule restricts what the packages under a directory of the module may
// import, directly or not.
type rule struct {
	name  string
	under []string // import path prefixes (below the module) the rule applies to
	// allowed reports whether a dependency is acceptable.
	allowed func(dep string) bool
}

func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func within(path string, dirs ...string) bool {
	for _, d := range dirs {
		p := module + "/" + d
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// uiPackages are what only the command layer and the TUI may use.
var uiPackages = []string{
	"github.com/spf13/cobra",
	"github.com/spf13/pflag",
	"charm.land/",
	"github.com/charmbracelet/",
	module + "/internal/iostreams",
	module + "/internal/cli",
	module + "/internal/tui",
}

func isUI(dep string) bool {
	for _, p := range uiPackages {
		if dep == strings.TrimSuffix(p, "/") || strings.HasPrefix(dep, strings.TrimSuffix(p, "/")+"/") {
			return true
		}
	}
	return false
}

var rules = []rule{
	{
		// The module's own packages they use (scan, render) are checked
		// through Deps, which is transitive: no third-party code either.
		name:  "scan, delete and the other core packages (review, listing, target, prune, xetcache) use the standard library and the module's non-UI packages only",
		under: []string{"internal/scan", "internal/delete", "internal/xetcache", "internal/review", "internal/listing", "internal/target", "internal/prune"},
		allowed: func(dep string) bool {
			return isStd(dep) || (strings.HasPrefix(dep, module+"/") && !isUI(dep))
		},
	},
	{
		// The review file (rendered with render's sizes and times) lives
		// in internal/review, rm's and prune's listings in render: the
		// engine formats nothing.
		name:    "delete does not import render",
		under:   []string{"internal/delete"},
		allowed: func(dep string) bool { return dep != module+"/internal/render" },
	},
	{
		name:    "pycompat uses the standard library only",
		under:   []string{"internal/pycompat"},
		allowed: isStd,
	},
	{
		name:    "render never imports cobra, Charm, iostreams or cli",
		under:   []string{"internal/render"},
		allowed: func(dep string) bool { return !isUI(dep) },
	},
}

// violations lists, for every package a rule applies to, the dependencies
// it may not have.
func violations(pkgs []pkg, rules []rule) []string {
	var out []string
	for _, p := range pkgs {
		for _, r := range rules {
			if !within(p.ImportPath, r.under...) {
				continue
			}
			for _, d := range p.Deps {
				if !r.allowed(d) {
					out = append(out, fmt.Sprintf("%s imports %s (rule: %s)", p.ImportPath, d, r.name))
				}
			}
		}
	}
	return out
}

// listPackages runs "go list -json" on the whole module (non-test files:
// a package's tests may use helpers such as internal/cachetest).
func listPackages(t *testing.T) []pkg {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		// A test binary copied to another machine (a Windows one run
		// under wine, say) has no Go toolchain beside it; the rules are
		// about the source, which the host checks.
		t.Skipf("needs the go command to list the import graph: %v", err)
	}
	statSources(t)
	cmd := exec.Command("go", "list", "-json", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// statSources stats every Go file and go.mod of the module. go test caches
// a passing result keyed on the files the test itself opened or stat'ed;
// what the "go list" child process reads is not tracked, so without this a
// new bad import would not invalidate the cached pass.
func statSources(t *testing.T) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", ".tools", "dist", "bin", "man", "completions":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") || d.Name() == "go.mod" {
			_, err = os.Stat(p)
		}
		return err
	})
	if err != nil {
		t.Fatalf("walk module sources: %v", err)
	}
}

// TestLayering checks the rules on the module's real import graph.
func TestLayering(t *testing.T) {
	pkgs := listPackages(t)
	checked := map[string]bool{}
	for _, p := range pkgs {
		for _, r := range rules {
			if within(p.ImportPath, r.under...) {
				checked[r.name] = true
			}
		}
	}
	for _, r := range rules {
		if !checked[r.name] {
			t.Errorf("rule %q matched no package: is the layout still as CONTRIBUTING.md says?", r.name)
		}
	}
	for _, v := range violations(pkgs, rules) {
		t.Error(v)
	}
}

// TestViolationsDetected: the checker reports a bad import, directly or
// through another package, and accepts the allowed ones.
func TestViolationsDetected(t *testing.T) {
	tests := []struct {
		name string
		pkg  pkg
		want int
	}{
		{"scan with std only", pkg{module + "/internal/scan", []string{"os", "path/filepath", "internal/abi"}}, 0},
		{"delete importing scan", pkg{module + "/internal/delete", []string{"os", module + "/internal/scan"}}, 0},
		{"scan importing cobra", pkg{module + "/internal/scan", []string{"github.com/spf13/cobra", "os"}}, 1},
		{"delete importing x/sys", pkg{module + "/internal/delete", []string{"golang.org/x/sys/unix"}}, 1},
		{"delete importing iostreams", pkg{module + "/internal/delete", []string{module + "/internal/iostreams"}}, 1},
		{"delete importing render", pkg{module + "/internal/delete", []string{module + "/internal/render", module + "/internal/scan"}}, 1},
		{"delete importing pycompat", pkg{module + "/internal/delete", []string{module + "/internal/pycompat", module + "/internal/scan"}}, 0},
		{"delete importing tui", pkg{module + "/internal/delete", []string{module + "/internal/tui"}}, 1},
		{"delete importing cli", pkg{module + "/internal/delete", []string{module + "/internal/cli", "github.com/spf13/cobra"}}, 2},
		{"scan importing another module", pkg{module + "/internal/scan", []string{"github.com/dustin/go-humanize"}}, 1},
		{"scan subpackage importing lipgloss", pkg{module + "/internal/scan/walk", []string{"charm.land/lipgloss/v2"}}, 1},
		{"pycompat with std only", pkg{module + "/internal/pycompat", []string{"strings", "os"}}, 0},
		{"pycompat importing scan", pkg{module + "/internal/pycompat", []string{module + "/internal/scan"}}, 1},
		{"review importing pycompat", pkg{module + "/internal/review", []string{module + "/internal/pycompat", "os"}}, 0},
		{"review importing iostreams", pkg{module + "/internal/review", []string{module + "/internal/iostreams"}}, 1},
		{"render importing scan", pkg{module + "/internal/render", []string{module + "/internal/scan", "fmt"}}, 0},
		{"render importing bubbletea", pkg{module + "/internal/render", []string{"charm.land/bubbletea/v2"}}, 1},
		{"render importing iostreams and cli", pkg{module + "/internal/render", []string{module + "/internal/iostreams", module + "/internal/cli"}}, 2},
		{"cli may import anything", pkg{module + "/internal/cli", []string{"github.com/spf13/cobra", module + "/internal/iostreams"}}, 0},
		{"renderer is not render", pkg{module + "/internal/renderer", []string{"github.com/spf13/cobra"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := violations([]pkg{tt.pkg}, rules); len(got) != tt.want {
				t.Errorf("got %d violations %q, want %d", len(got), got, tt.want)
			}
		})
	}
}
