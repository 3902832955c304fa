package review

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var (
	symlinksOnce sync.Once
	symlinksWork bool
)

// needSymlinks skips a test that needs symbolic links where os.Symlink
// does not create one (wine: it returns nil and creates nothing; Windows
// without developer mode or the privilege: it fails).
func needSymlinks(t testing.TB) {
	t.Helper()
	symlinksOnce.Do(func() {
		dir, err := os.MkdirTemp("", "symlink-probe")
		if err != nil {
			return
		}
		defer os.RemoveAll(dir)
		link := filepath.Join(dir, "link")
		if os.Symlink("target", link) != nil {
			return
		}
		st, err := os.Lstat(link)
		symlinksWork = err == nil && st.Mode()&os.ModeSymlink != 0
	})
	if !symlinksWork {
		t.Skip("os.Symlink creates no symbolic link here (wine, or Windows without developer mode)")
	}
}
