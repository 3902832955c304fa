//go:build darwin || freebsd || netbsd || openbsd

package scan

import (
	"io/fs"
	"syscall"
	"time"
)

// atime returns the last access time of a stat result.
func atime(st fs.FileInfo) time.Time {
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		return time.Unix(sys.Atimespec.Sec, sys.Atimespec.Nsec)
	}
	return st.ModTime()
}
