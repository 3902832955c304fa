//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd && !windows

package scan

import (
	"io/fs"
	"time"
)

// atime returns the last access time of a stat result; this platform does
// not expose it, so the modification time stands in.
func atime(st fs.FileInfo) time.Time { return st.ModTime() }
