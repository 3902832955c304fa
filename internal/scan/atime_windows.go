//go:build windows

package scan

import (
	"io/fs"
	"syscall"
	"time"
)

// atime returns the last access time of a stat result.
func atime(st fs.FileInfo) time.Time {
	if sys, ok := st.Sys().(*syscall.Win32FileAttributeData); ok {
		return time.Unix(0, sys.LastAccessTime.Nanoseconds())
	}
	return st.ModTime()
}
