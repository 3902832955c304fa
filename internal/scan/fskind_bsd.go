//go:build darwin || freebsd

package scan

import (
	"syscall"
	"unsafe"
)

// changeTimeFS are the filesystems (statfs f_fstypename) known to set a
// folder's ctime whenever an entry is added, removed or renamed, which the
// scan index relies on (not FUSE mounts, SMB or webdav: what their ctime
// means is up to the server).
var changeTimeFS = map[string]bool{"apfs": true, "hfs": true, "ufs": true, "zfs": true, "tmpfs": true, "nfs": true}

// pathKeepsChangeTimes says whether the folder at path is on such a
// filesystem.
func pathKeepsChangeTimes(path string) bool {
	var st syscall.Statfs_t
	if syscall.Statfs(path, &st) != nil {
		return false
	}
	name := unsafe.Slice((*byte)(unsafe.Pointer(&st.Fstypename[0])), len(st.Fstypename))
	n := 0
	for n < len(name) && name[n] != 0 {
		n++
	}
	return changeTimeFS[string(name[:n])]
}
