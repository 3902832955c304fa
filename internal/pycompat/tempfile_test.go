package pycompat

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestGettempdirSkipsUnwritable: like Python's tempfile.gettempdir(), the
// temporary folder is the first candidate folder where a file can be
// created: a $TMPDIR that exists but is read-only is passed over.
func TestGettempdirSkipsUnwritable(t *testing.T) {
	readOnly, next := t.TempDir(), t.TempDir()
	if os.Geteuid() == 0 {
		// Root writes through permission bits: make the folder immutable.
		if out, err := exec.Command("chattr", "+i", readOnly).CombinedOutput(); err != nil {
			t.Skipf("chattr +i not available here: %v %s", err, out)
		}
		t.Cleanup(func() { _ = exec.Command("chattr", "-i", readOnly).Run() })
	} else {
		if err := os.Chmod(readOnly, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(readOnly, 0o755) })
	}
	tests := []struct {
		name     string
		env      map[string]string
		want     string
		readOnly bool
	}{
		{"writable TMPDIR", map[string]string{"TMPDIR": next}, next, false},
		{"read-only TMPDIR", map[string]string{"TMPDIR": readOnly, "TEMP": next}, next, true},
		{"missing TMPDIR", map[string]string{"TMPDIR": filepath.Join(next, "nope"), "TMP": next}, next, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.readOnly && runtime.GOOS == "windows" {
				t.Skip("Windows has no read-only folders: chmod sets the read-only attribute, which does not stop creating files in a folder")
			}
			getenv := func(k string) string { return tt.env[k] }
			if got := Gettempdir(getenv); got != tt.want {
				t.Errorf("Gettempdir = %s, want %s", got, tt.want)
			}
			if entries, _ := os.ReadDir(tt.want); len(entries) != 0 {
				t.Errorf("probe file left in %s: %v", tt.want, entries)
			}
		})
	}
}
