//go:build linux && (!(amd64 || arm64) || hfcache_portable)

package scan

import "syscall"

// pathKeepsChangeTimes says whether the folder at path is on such a
// filesystem.
func pathKeepsChangeTimes(path string) bool {
	var st syscall.Statfs_t
	return syscall.Statfs(path, &st) == nil && statfsKeepsChangeTimes(&st)
}
