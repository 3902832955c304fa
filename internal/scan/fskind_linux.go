//go:build linux

package scan

import "syscall"

// changeTimeFS are the filesystems (statfs f_type) known to set a
// folder's ctime whenever an entry is added, removed or renamed, which the
// scan index relies on. FUSE (object-store mounts, virtiofs), 9p and SMB
// are not among them: what their ctime means is up to the server.
var changeTimeFS = map[int64]bool{
	0xEF53:     true, // ext2, ext3, ext4
	0x58465342: true, // xfs
	0x9123683E: true, // btrfs
	0x01021994: true, // tmpfs
	0x2FC12FC1: true, // zfs
	0xF2F52010: true, // f2fs
	0xCA451A4E: true, // bcachefs
	0x794C7630: true, // overlayfs (containers)
	0x6969:     true, // nfs: as fresh as the client's attribute cache, like its listings
	0x0BD00BD0: true, // lustre
	0x47504653: true, // gpfs
	0x00C36400: true, // cephfs
}

func statfsKeepsChangeTimes(st *syscall.Statfs_t) bool {
	return changeTimeFS[int64(st.Type)] //nolint:unconvert // int32 on some platforms
}
