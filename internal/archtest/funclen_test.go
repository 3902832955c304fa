package archtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// maxCLIFuncLines bounds the functions of internal/cli: a command parses
// its flags, asks the core for a plan or a result, confirms and prints;
// a longer function is a decision that belongs in a core package.
const maxCLIFuncLines = 80

// longFuncs lists the functions (and function literals) of the given
// files longer than max lines, from their first line to their closing
// brace, as "file.go:12: name (95 lines)", sorted.
func longFuncs(fset *token.FileSet, files []*ast.File, maxLines int) []string {
	var out []string
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			var body *ast.BlockStmt
			name := "func literal"
			switch x := n.(type) {
			case *ast.FuncDecl:
				body, name = x.Body, x.Name.Name
				if x.Recv != nil && len(x.Recv.List) == 1 {
					name = receiverName(x.Recv.List[0].Type) + "." + name
				}
			case *ast.FuncLit:
				body = x.Body
			}
			if body == nil {
				return true
			}
			start := fset.Position(n.Pos())
			if lines := fset.Position(body.Rbrace).Line - start.Line + 1; lines > maxLines {
				out = append(out, fmt.Sprintf("%s:%d: %s (%d lines)", filepath.Base(start.Filename), start.Line, name, lines))
			}
			return true
		})
	}
	sort.Strings(out)
	return out
}

// receiverName names a receiver type ("*modernOut" -> "modernOut").
func receiverName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return receiverName(x.X)
	case *ast.Ident:
		return x.Name
	case *ast.IndexExpr:
		return receiverName(x.X)
	}
	return "?"
}

// TestCLIFunctionsAreShort: no function of internal/cli (tests aside) is
// over maxCLIFuncLines lines.
func TestCLIFunctionsAreShort(t *testing.T) {
	dir := filepath.Join("..", "cli")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		t.Fatal("no Go file in internal/cli")
	}
	for _, l := range longFuncs(fset, files, maxCLIFuncLines) {
		t.Errorf("internal/cli/%s: over %d lines; move the decisions to a core package", l, maxCLIFuncLines)
	}
}

// TestLongFuncsDetected: the check counts from the func line to the
// closing brace, and sees methods and function literals.
func TestLongFuncsDetected(t *testing.T) {
	body := func(n int) string { return strings.Repeat("\t_ = 0\n", n) }
	src := "package x\n" +
		"func ok() {\n" + body(3) + "}\n" + // 5 lines
		"func long() {\n" + body(4) + "}\n" + // 6 lines
		"type T struct{}\n" +
		"func (t *T) m() {\n" + body(4) + "}\n" +
		"var f = func() {\n" + body(4) + "}\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(longFuncs(fset, []*ast.File{f}, 5), "\n")
	want := "x.go:14: T.m (6 lines)\nx.go:7: long (6 lines)\nx.go:20: func literal (6 lines)"
	want = strings.Join(sortLines(want), "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func sortLines(s string) []string {
	l := strings.Split(s, "\n")
	sort.Strings(l)
	return l
}
