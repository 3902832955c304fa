//go:build darwin || freebsd || netbsd || openbsd

package scan

import (
	"io/fs"
	"os"
	"syscall"
)

// statID is the identity of a folder from its stat (see dirID).
func statID(st fs.FileInfo) (dirID, bool) {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return dirID{}, false
	}
	return dirID{
		dev: uint64(s.Dev), ino: uint64(s.Ino), size: int64(s.Size),
		ctime: unixNanos(int64(s.Ctimespec.Sec), int64(s.Ctimespec.Nsec)),
		mtime: unixNanos(int64(s.Mtimespec.Sec), int64(s.Mtimespec.Nsec)),
	}, true
}

// ownedByMe says whether st belongs to the effective user.
func ownedByMe(st fs.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Geteuid()
}

// indexSupported: folders have a change time (see index.go).
const indexSupported = true
