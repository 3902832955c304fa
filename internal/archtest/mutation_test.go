package archtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The command layer asks, confirms and prints; what changes the disk lives
// in the core packages (delete, prune, review, ...), which cli calls. These
// are the standard library's ways to change a filesystem that cli may not
// use itself: referring to one (a call, or a function value) is an error.
var (
	// mutatingFuncs are package-level functions, by package path.
	mutatingFuncs = map[string][]string{
		"os": {
			"Chmod", "Chown", "Chtimes", "CopyFS", "Create", "CreateTemp", "Lchown", "Link",
			"Mkdir", "MkdirAll", "MkdirTemp", "OpenFile", "OpenInRoot", "OpenRoot",
			"Remove", "RemoveAll", "Rename", "Symlink", "Truncate", "WriteFile",
		},
		"io/ioutil": {"TempDir", "TempFile", "WriteFile"},
	}
	// mutatingMethods are methods, by "package.Type".
	mutatingMethods = map[string][]string{
		"os.File": {"Chmod", "Chown", "Truncate"},
	}
	// rawPackages are packages none of whose functions cli may call (their
	// constants and types, such as syscall.SIGTERM, are fine).
	rawPackages = []string{"syscall", "golang.org/x/sys/unix", "golang.org/x/sys/windows"}
)

// mutation reports whether obj is one of the denied functions or methods,
// and its name as code would spell it.
func mutation(obj types.Object) (string, bool) {
	fn, ok := obj.(*types.Func)
	if !ok || fn.Pkg() == nil {
		return "", false
	}
	pkg := fn.Pkg().Path()
	sig := fn.Type().(*types.Signature)
	if recv := sig.Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		named, ok := t.(*types.Named)
		if !ok {
			return "", false
		}
		key := pkg + "." + named.Obj().Name()
		for _, m := range mutatingMethods[key] {
			if fn.Name() == m {
				return "(*" + key + ")." + m, true
			}
		}
		return "", false
	}
	for _, raw := range rawPackages {
		if pkg == raw {
			return pkg + "." + fn.Name(), true
		}
	}
	for _, name := range mutatingFuncs[pkg] {
		if fn.Name() == name {
			return pkg + "." + name, true
		}
	}
	return "", false
}

// mutationUses type-checks the files of one package and lists, sorted, the
// places that refer to a denied function ("file.go:12: os.Remove").
func mutationUses(fset *token.FileSet, path string, files []*ast.File, imp types.Importer) ([]string, error) {
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: imp}
	if _, err := conf.Check(path, fset, files, info); err != nil {
		return nil, fmt.Errorf("type-check %s: %w", path, err)
	}
	var out []string
	for id, obj := range info.Uses {
		if name, ok := mutation(obj); ok {
			pos := fset.Position(id.Pos())
			out = append(out, fmt.Sprintf("%s:%d: %s", filepath.Base(pos.Filename), pos.Line, name))
		}
	}
	sort.Strings(out)
	return out, nil
}

// listed is the part of "go list -json -export -deps" the check needs.
type listed struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Export     string
}

// exportImporter lists pkg and its dependencies with their compiled export
// data (go list builds them, or takes them from the build cache) and
// returns pkg's entry and an importer that reads that export data.
func exportImporter(t *testing.T, fset *token.FileSet, pkg string) (listed, types.Importer) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		// As listPackages: a test binary run elsewhere (Windows under
		// wine) has no Go toolchain; the host checks the source.
		t.Skipf("needs the go command to type-check the sources: %v", err)
	}
	statSources(t)
	cmd := exec.Command("go", "list", "-json", "-export", "-deps", pkg)
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list -export: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list -export: %v", err)
	}
	exports := map[string]string{}
	var self listed
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		exports[p.ImportPath] = p.Export
		if p.ImportPath == pkg {
			self = p
		}
	}
	if self.ImportPath == "" {
		t.Fatalf("go list did not list %s", pkg)
	}
	lookup := func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	}
	return self, importer.ForCompiler(fset, "gc", lookup)
}

// TestCLIDoesNotMutateTheFilesystem: internal/cli (its non-test files)
// refers to none of the standard library's filesystem-changing functions;
// deleting, creating and renaming go through the core packages.
func TestCLIDoesNotMutateTheFilesystem(t *testing.T) {
	fset := token.NewFileSet()
	cli, imp := exportImporter(t, fset, module+"/internal/cli")
	var files []*ast.File
	for _, name := range cli.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(cli.Dir, name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	uses, err := mutationUses(fset, cli.ImportPath, files, imp)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range uses {
		t.Errorf("internal/cli/%s: cli changes the filesystem itself; do it in a core package", u)
	}
}

// TestMutationUsesDetected: the checker finds calls, aliased imports,
// function values and methods of *os.File, and lets reads, constants and
// the core's own methods through.
func TestMutationUsesDetected(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"remove", `import "os"; func f() { _ = os.Remove("x") }`, []string{"x.go:1: os.Remove"}},
		{"aliased import", `import xos "os"; func f() { _ = xos.RemoveAll("x") }`, []string{"x.go:1: os.RemoveAll"}},
		{"function value", `import "os"; var rename = os.Rename`, []string{"x.go:1: os.Rename"}},
		{"write file", `import "os"; func f() { _ = os.WriteFile("x", nil, 0o600) }`, []string{"x.go:1: os.WriteFile"}},
		{"open for writing", `import "os"; func f() { _, _ = os.OpenFile("x", os.O_RDWR, 0) }`, []string{"x.go:1: os.OpenFile"}},
		{"chmod through a read-only handle", `import "os"; func f(g *os.File) { _ = g.Chmod(0) }`, []string{"x.go:1: (*os.File).Chmod"}},
		{"syscall function", `import "syscall"; func f() { _ = syscall.Unlink("x") }`, []string{"x.go:1: syscall.Unlink"}},
		{"reads are fine", `import "os"; func f() { _, _ = os.ReadFile("x"); _, _ = os.Stat("x"); _, _ = os.Open("x") }`, nil},
		{"syscall constants are fine", `import "syscall"; var sig = syscall.SIGTERM`, nil},
		{"a method named Remove elsewhere is fine", `type file struct{}; func (file) Remove() {}; func f() { file{}.Remove() }`, nil},
	}
	fset := token.NewFileSet()
	_, imp := exportImporter(t, fset, "os")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parser.ParseFile(fset, "x.go", "package x; "+tt.src, 0)
			if err != nil {
				t.Fatal(err)
			}
			got, err := mutationUses(fset, "x", []*ast.File{f}, imp)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
