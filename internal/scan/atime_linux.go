//go:build linux

package scan

import (
	"io/fs"
	"syscall"
	"time"
)

// atime returns the last access time of a stat result.
func atime(st fs.FileInfo) time.Time {
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		return time.Unix(int64(sys.Atim.Sec), int64(sys.Atim.Nsec)) // int32 on 386
	}
	return st.ModTime()
}
