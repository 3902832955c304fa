package archtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var fuzzFunc = regexp.MustCompile(`(?m)^func (Fuzz\w+)\(\w+ \*testing\.F\)`)

// TestEveryFuzzerRunsInCI: each Fuzz function of the module keeps its
// seed corpus in its package's testdata/fuzz/<name>/ and is run by
// .ci/run (as "./<package dir>:<name>").
func TestEveryFuzzerRunsInCI(t *testing.T) {
	root := filepath.Join("..", "..")
	ci, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range fuzzFunc.FindAllStringSubmatch(string(src), -1) {
			found++
			dir, _ := filepath.Rel(root, filepath.Dir(p))
			name := "./" + filepath.ToSlash(dir) + ":" + m[1]
			if !strings.Contains(string(ci), name) {
				t.Errorf(".ci/run does not run %s", name)
			}
			if entries, err := os.ReadDir(filepath.Join(filepath.Dir(p), "testdata", "fuzz", m[1])); err != nil || len(entries) == 0 {
				t.Errorf("%s has no seed corpus in %s/testdata/fuzz/%s", m[1], dir, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 4 {
		t.Errorf("found %d fuzzers, expected at least 4", found)
	}
}
