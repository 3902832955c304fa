//go:build linux && (!(amd64 || arm64) || hfcache_portable)

package scan

import (
	"io/fs"
	"syscall"
)

// statID is the identity of a folder from its stat (see dirID), for the
// portable walker (dir_other.go).
func statID(st fs.FileInfo) (dirID, bool) {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return dirID{}, false
	}
	return sysStatID(s), true
}
