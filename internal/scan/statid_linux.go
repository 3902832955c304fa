//go:build linux

package scan

import (
	"io/fs"
	"os"
	"syscall"
)

// sysStatID is the identity of a folder from its stat (see dirID).
func sysStatID(s *syscall.Stat_t) dirID {
	return dirID{
		dev: uint64(s.Dev), ino: uint64(s.Ino), size: int64(s.Size),
		ctime: unixNanos(int64(s.Ctim.Sec), int64(s.Ctim.Nsec)), // int32 on 386
		mtime: unixNanos(int64(s.Mtim.Sec), int64(s.Mtim.Nsec)),
	}
}

// ownedByMe says whether st belongs to the effective user.
func ownedByMe(st fs.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Geteuid()
}

// indexSupported: folders have a change time (see index.go).
const indexSupported = true
