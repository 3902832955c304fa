package delete

import (
	"testing"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// needSymlinks skips a test that needs symbolic links where os.Symlink
// does not create one (wine: it returns nil and creates nothing; Windows
// without developer mode or the privilege: it fails).
func needSymlinks(t testing.TB) {
	t.Helper()
	cachetest.RequireSymlinks(t)
}
