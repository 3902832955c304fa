package pycompat

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Gettempdir is Python's tempfile.gettempdir(): the first folder of
// $TMPDIR, $TEMP, $TMP, /tmp, /var/tmp, /usr/tmp and the current folder in
// which a file can really be created (Python tries to write a file in
// each); the current folder when none can. getenv reads the environment.
func Gettempdir(getenv func(string) string) string {
	var dirs []string
	for _, k := range []string{"TMPDIR", "TEMP", "TMP"} {
		if v := getenv(k); v != "" {
			dirs = append(dirs, v)
		}
	}
	dirs = append(dirs, "/tmp", "/var/tmp", "/usr/tmp")
	wd, wdErr := os.Getwd()
	if wdErr == nil {
		dirs = append(dirs, wd)
	}
	for _, d := range dirs {
		if writableDir(d) {
			return d
		}
	}
	if wdErr == nil {
		return wd
	}
	return os.TempDir()
}

// writableDir reports whether a file can be created in dir (checked by
// creating and removing one, as Python does: permission bits alone do not
// tell about read-only mounts or ACLs). The probe's name is not Python's:
// nobody sees it, so os.CreateTemp names it.
func writableDir(dir string) bool {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return false
	}
	f, err := os.CreateTemp(dir, ".hfcache-probe-")
	if err != nil {
		return false
	}
	name := f.Name()
	_ = f.Close()
	_ = os.Remove(name)
	return true
}

// Mkstemp is Python's tempfile.mkstemp(suffix, prefix, dir): it creates
// dir/prefix + 8 random characters of [a-z0-9_] + suffix with mode 0600,
// never overwriting an existing file, and returns it open for writing.
// Use it only where the name is shown to the user (upstream's output
// has exactly this shape); os.CreateTemp otherwise.
func Mkstemp(dir, prefix, suffix string) (*os.File, error) {
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789_"
	for range 100 {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("mkstemp in %s: %w", dir, err)
		}
		name := []byte(prefix)
		for _, c := range b {
			name = append(name, chars[int(c)%len(chars)])
		}
		path := filepath.Join(dir, string(name)+suffix)
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("mkstemp: %w", err)
		}
		return f, nil
	}
	return nil, fmt.Errorf("mkstemp in %s: no free name", dir)
}
