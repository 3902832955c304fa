package tui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// presetCache rebuilds testdata/compat/trees/<preset>.tsv in a temporary
// folder (real files, symlinks and timestamps relative to now) and scans it.
func presetCache(t testing.TB, preset string) (*scan.Cache, time.Time) {
	t.Helper()
	tree, err := cachetest.Load(filepath.Join(cachetest.CompatDir(t), "trees", preset+".tsv"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	dir := filepath.Join(t.TempDir(), preset)
	tree.MustBuild(t, dir, now)
	c, err := scan.Dir(dir, scan.Options{Files: true})
	if err != nil {
		t.Fatal(err)
	}
	return c, now
}

// syntheticCache is a scanned cache of nRepos repos with nRevs revisions
// each, built in memory (the model never looks at the disk): every revision
// has one blob of its own and shares one with the other revisions of its
// repo, so that the planner has real work to do.
func syntheticCache(nRepos, nRevs int, now time.Time) *scan.Cache {
	c := &scan.Cache{Path: "/cache"}
	types := []string{scan.TypeModel, scan.TypeDataset, scan.TypeSpace}
	for i := 0; i < nRepos; i++ {
		typ := types[i%len(types)]
		id := fmt.Sprintf("org%03d/repo-%04d", i%37, i)
		r := &scan.Repo{ID: id, Type: typ, Path: "/cache/" + scan.FolderName(typ, id)}
		shared := scan.Blob{
			Path: r.Path + "/blobs/shared", Size: int64(1000 * (i%50 + 1)),
			ATime: now.Add(-time.Duration(i) * time.Hour), MTime: now.Add(-time.Duration(i) * time.Hour),
		}
		r.Blobs = append(r.Blobs, shared)
		for j := 0; j < nRevs; j++ {
			hash := fmt.Sprintf("%08x%032x", i*nRevs+j, i*7919+j)
			b := scan.Blob{
				Path: fmt.Sprintf("%s/blobs/%s", r.Path, hash), Size: int64((j + 1) * 1_000_000 * (i%13 + 1)),
				ATime: now.Add(-time.Duration(i*nRevs+j) * time.Minute), MTime: now.Add(-time.Duration(i*nRevs+j) * time.Minute),
			}
			r.Blobs = append(r.Blobs, b)
			rev := &scan.Revision{
				Hash: hash, SnapshotPath: r.Path + "/snapshots/" + hash,
				Size: shared.Size + b.Size, NbFiles: 2, LastModified: b.MTime, BlobIDs: []int32{0, int32(len(r.Blobs) - 1)},
			}
			if j == nRevs-1 {
				rev.Refs = []string{"main"}
			}
			r.Revisions = append(r.Revisions, rev)
			r.Size += b.Size
			r.LastAccessed = maxTime(r.LastAccessed, b.ATime)
			r.LastModified = maxTime(r.LastModified, b.MTime)
		}
		r.Size += shared.Size
		c.Repos = append(c.Repos, r)
		c.Size += r.Size
	}
	return c
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// keyNames maps the key names used in tests (and in the upstream captures'
// runs.txt) to key press messages.
var keyNames = map[string]tea.KeyPressMsg{
	"up":        {Code: tea.KeyUp},
	"down":      {Code: tea.KeyDown},
	"pgup":      {Code: tea.KeyPgUp},
	"pgdown":    {Code: tea.KeyPgDown},
	"home":      {Code: tea.KeyHome},
	"end":       {Code: tea.KeyEnd},
	"space":     {Code: tea.KeySpace, Text: " "},
	"enter":     {Code: tea.KeyEnter},
	"tab":       {Code: tea.KeyTab},
	"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
	"esc":       {Code: tea.KeyEscape},
	"backspace": {Code: tea.KeyBackspace},
	"right":     {Code: tea.KeyRight},
	"left":      {Code: tea.KeyLeft},
	"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
	"ctrl+a":    {Code: 'a', Mod: tea.ModCtrl},
	"ctrl+r":    {Code: 'r', Mod: tea.ModCtrl},
	"ctrl+n":    {Code: 'n', Mod: tea.ModCtrl},
	"ctrl+p":    {Code: 'p', Mod: tea.ModCtrl},
	"ctrl+u":    {Code: 'u', Mod: tea.ModCtrl},
	"ctrl+z":    {Code: 'z', Mod: tea.ModCtrl},
}

// keyMsg returns the key press named s: a name of keyNames or one
// printable character.
func keyMsg(s string) tea.KeyPressMsg {
	if k, ok := keyNames[s]; ok {
		return k
	}
	r := []rune(s)
	if len(r) != 1 {
		panic("unknown key " + s)
	}
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

// press feeds keys to the model and reports whether one of them ended it.
func press(m *Model, keys ...string) (quit bool) {
	for _, k := range keys {
		_, cmd := m.Update(keyMsg(k))
		if cmd != nil {
			if _, ok := cmd().(tea.QuitMsg); ok {
				quit = true
			}
		}
	}
	return quit
}

// typeText presses one key per character of s.
func typeText(m *Model, s string) {
	for _, r := range s {
		press(m, string(r))
	}
}

func repeat(k string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = k
	}
	return keys
}

// screenText is the view with its escape codes removed and each line's
// trailing spaces trimmed.
func screenText(m *Model) string {
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// checkGolden compares got with testdata/<name>.golden (rewritten with
// -update).
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	got += "\n"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/tui -update)", err)
	}
	if got != string(want) {
		t.Errorf("view differs from %s (refresh with -update if intended)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
