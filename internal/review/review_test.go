package review

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hfcache/hfcache/internal/pycompat"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/scan"
)

func TestParseReview(t *testing.T) {
	const h1 = "23aa4f41cb7c08d4b05c8f327b22bfa0eb8c7ad9"
	const h2 = "378aa1bda6387fd00e824948ebe3488630ad8565"
	long := strings.Repeat("x", 1<<20)
	cases := []struct {
		name    string
		content string
		want    []string
	}{
		{"empty", "", nil},
		{"only comments", "# a\n#    " + h1 + " # Refs: main\n", nil},
		{"uncommented line", "#    " + h1 + " # Refs: main\n    " + h2 + " # Refs: (detached) # modified 2 years ago", []string{h2}},
		{"indented comment dropped", "   # " + h1, nil},
		{"no trailing comment", h1, []string{h1}},
		{"whitespace around", "\t " + h1 + " \t", []string{h1}},
		{"comment right after hash", h1 + "#x", []string{h1}},
		{"blank lines", "\n\n  \n" + h1 + "\n\n", []string{h1}},
		{"duplicates kept", h1 + "\n" + h1, []string{h1, h1}},
		{"unknown text kept", "not-a-hash # x", []string{"not-a-hash"}},
		{"inner spaces kept", "a b # x", []string{"a b"}},
		{"kill switch", "CANCEL_DELETION\n" + h1, []string{CancelDeletion, h1}},
		{"CRLF", "# x\r\n" + h1 + "\r\n" + h2 + "\r\n", []string{h1, h2}},
		{"lone CR", h1 + "\r" + h2, []string{h1, h2}},
		{"BOM then comment", "\ufeff# INSTRUCTIONS\n" + h1, []string{h1}},
		{"BOM then hash", "\ufeff" + h1, []string{h1}},
		{"python whitespace", "\x1c\u00a0" + h1 + "\u3000\x1f", []string{h1}},
		{"very long line", long + " # c\n" + h1, []string{long, h1}},
		{"very long comment", "#" + long + "\n" + h1, []string{h1}},
		{"invalid utf-8", "\xff\xfe" + h1, []string{"\xff\xfe" + h1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Parse(c.content)
			if !reflect.DeepEqual(got, c.want) {
				if len(c.content) > 200 {
					t.Errorf("Parse(long) = %d hashes, want %d", len(got), len(c.want))
				} else {
					t.Errorf("Parse(%q) = %q, want %q", c.content, got, c.want)
				}
			}
		})
	}
}

func TestCancelled(t *testing.T) {
	if Cancelled([]string{"a", "b"}) || !Cancelled([]string{"a", CancelDeletion}) {
		t.Error("Cancelled is wrong")
	}
}

func TestTypeTitle(t *testing.T) {
	for in, want := range map[string]string{"model": "Model", "dataset": "Dataset", "space": "Space", "": ""} {
		if got := TypeTitle(in); got != want {
			t.Errorf("TypeTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

var modifiedSuffix = regexp.MustCompile(` # modified .*$`)

// sortTies sorts consecutive revision lines that show the same "modified"
// text: upstream orders revisions with equal timestamps arbitrarily (they
// come from a frozenset), hfcache by hash.
func sortTies(s string) string {
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); {
		j := i + 1
		if strings.HasPrefix(lines[i], "#    ") {
			key := modifiedSuffix.FindString(lines[i])
			for j < len(lines) && strings.HasPrefix(lines[j], "#    ") && modifiedSuffix.FindString(lines[j]) == key {
				j++
			}
			sort.Strings(lines[i:j])
		}
		i = j
	}
	return strings.Join(lines, "\n")
}

// TestRenderReviewGolden: the review file equals upstream's
// delete-cache.*.tmpfile.txt for every golden case.
func TestRenderReviewGolden(t *testing.T) {
	cachetest.RequireSymlinks(t)
	files, err := filepath.Glob(filepath.Join(cachetest.CompatDir(t), "golden", "0.21", "*", "delete-cache.*.tmpfile.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden tmpfile: %v", err)
	}
	for _, f := range files {
		preset := filepath.Base(filepath.Dir(f))
		t.Run(preset+"/"+filepath.Base(f), func(t *testing.T) {
			want, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			tree, err := cachetest.Load(filepath.Join(cachetest.CompatDir(t), "trees", preset+".tsv"))
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			if err := tree.Build(dir, now); err != nil {
				t.Fatal(err)
			}
			c, err := scan.Dir(dir, scan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := Render(delete.ReviewOrder(c, delete.SortDefault), now, nil)
			if sortTies(got) != sortTies(string(want)) {
				t.Errorf("review file differs\n--- got\n%s\n--- want\n%s", got, want)
			}
			if sel := Parse(got); len(sel) != 0 {
				t.Errorf("fresh review file selects %q", sel)
			}
		})
	}
}

// TestRenderReviewPreselected: preselected revisions are written
// uncommented and parse back, in file order.
func TestRenderReviewPreselected(t *testing.T) {
	cachetest.RequireSymlinks(t)
	c := smallCache(t)
	order := delete.ReviewOrder(c, delete.SortDefault)
	var want []string
	for _, rr := range order {
		for i, rev := range rr.Revisions {
			if i == 0 {
				want = append(want, rev.Hash)
			}
		}
	}
	got := Parse(Render(order, time.Now(), want))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parsed %q, want %q", got, want)
	}
}

func smallCache(t *testing.T) *scan.Cache {
	t.Helper()
	dir := t.TempDir()
	tree, err := cachetest.Load(filepath.Join(cachetest.CompatDir(t), "trees", "small.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := tree.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	c, err := scan.Dir(dir, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// FuzzParseReview: the parser never panics and every hash it returns is
// non-empty, has no '#', no line break and no surrounding white space;
// writing the hashes back one per line parses to the same list.
func FuzzParseReview(f *testing.F) {
	f.Add("")
	f.Add(reviewInstructions)
	f.Add("#    23aa4f41cb7c08d4b05c8f327b22bfa0eb8c7ad9 # Refs: main # modified 1 week ago\n    378aa1bda6387fd00e824948ebe3488630ad8565 # x")
	f.Add("\ufeffCANCEL_DELETION\r\nabc\r")
	f.Fuzz(func(t *testing.T, content string) {
		got := Parse(content)
		for _, h := range got {
			if h == "" || strings.ContainsAny(h, "#\r\n") || pycompat.Strip(h) != h {
				t.Fatalf("bad hash %q from %q", h, content)
			}
		}
		if n := strings.Count(content, "\n") + strings.Count(content, "\r") + 1; len(got) > n {
			t.Fatalf("%d hashes from %d lines", len(got), n)
		}
		again := Parse("\n" + strings.Join(got, "\n")) // "\n": a leading BOM would be dropped
		if len(got) > 0 && !reflect.DeepEqual(again, got) && utf8.ValidString(content) {
			t.Fatalf("round trip: %q -> %q", got, again)
		}
	})
}

// TestRenderReviewLineBreakInNames: a repo, ref or snapshot folder name
// holding a line break followed by a hash must not write an uncommented
// line into the review file: the fresh file selects nothing, so another
// repo's revision is never deleted without the user asking for it.
func TestRenderReviewLineBreakInNames(t *testing.T) {
	cachetest.RequireSymlinks(t)
	const victim = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	const h1 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	var tr cachetest.Tree
	tr.AddRepo("models--victim")
	tr.AddBlob("models--victim", "v", 10, nil, 100, 100)
	tr.AddSnapshotFile("models--victim", victim, "f", "v")
	for i, folder := range []string{"models--x\n" + victim, "models--y\r" + victim} {
		tr.AddRepo(folder)
		tr.AddBlob(folder, "b", 10, nil, 100, 100)
		tr.AddSnapshotFile(folder, h1[:39]+string(rune('0'+i)), "f", "b")
		tr.AddRef(folder, "main\n"+victim+" # ", h1[:39]+string(rune('0'+i)))
		tr.AddSnapshotFile(folder, "c\n"+victim, "f", "b")
		tr.AddSnapshotFile(folder, "d\r\n"+victim, "f", "b")
	}
	dir := t.TempDir()
	if err := tr.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	c, err := scan.Dir(dir, scan.Options{})
	if err != nil || len(c.Repos) != 3 || len(c.Warnings) != 0 {
		t.Fatalf("scan: %v %d repos %v", err, len(c.Repos), warningMsgs(c))
	}
	for _, key := range []string{delete.SortDefault, delete.SortAlphabetical} {
		content := Render(delete.ReviewOrder(c, key), time.Now(), nil)
		if sel := Parse(content); len(sel) != 0 {
			t.Fatalf("fresh review file selects %q:\n%s", sel, content)
		}
		for _, want := range []string{`# Model x\n` + victim + " (", `#    c\n` + victim + " # Refs: (detached)", `#    ` + h1[:39] + `0 # Refs: main\n` + victim + " # "} {
			if !strings.Contains(content, want) {
				t.Errorf("review file lacks %q:\n%s", want, content)
			}
		}
	}
	// Preselecting a hash with a line break cannot select anything else.
	var odd []string
	for _, repo := range c.Repos {
		for _, rev := range repo.Revisions {
			if strings.ContainsAny(rev.Hash, "\r\n") {
				odd = append(odd, rev.Hash)
			}
		}
	}
	if sel := Parse(Render(delete.ReviewOrder(c, delete.SortDefault), time.Now(), odd)); len(sel) != 0 {
		t.Fatalf("preselected odd hashes select %q", sel)
	}
}
