package review

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
)

// TestFileLifecycle: the review file is created in the folder given, with
// upstream's name shape and mode 0600, read back as edited, and removed.
func TestFileLifecycle(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(dir, "# header\nabc\n")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(f.Path) != dir || !regexp.MustCompile(`^tmp[a-z0-9_]{8}\.txt$`).MatchString(filepath.Base(f.Path)) {
		t.Errorf("path %s: want %s/tmpXXXXXXXX.txt", f.Path, dir)
	}
	st, err := os.Stat(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	if err := os.WriteFile(f.Path, []byte("edited\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := f.Read(); err != nil || got != "edited\n" {
		t.Errorf("Read = %q %v, want the edited text", got, err)
	}
	f.Remove()
	f.Remove() // twice: already gone is fine
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left in %s: %v", dir, entries)
	}
	if _, err := f.Read(); err == nil {
		t.Error("Read of a removed file: no error")
	}
}

// TestCreateNeverOverwrites: many files in one folder all get their own
// name, and a missing folder is an error that says what failed.
func TestCreateNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	seen := map[string]bool{}
	for i := range 200 {
		f, err := Create(dir, string(rune('a'+i%26)))
		if err != nil {
			t.Fatal(err)
		}
		if seen[f.Path] {
			t.Fatalf("name %s given twice", f.Path)
		}
		seen[f.Path] = true
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 200 {
		t.Errorf("%d files, want 200", len(entries))
	}
	if _, err := Create(filepath.Join(dir, "missing"), "x"); err == nil || !regexp.MustCompile(`^create the review file: `).MatchString(err.Error()) {
		t.Errorf("Create in a missing folder: %v", err)
	}
}
