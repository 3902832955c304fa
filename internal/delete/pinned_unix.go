//go:build unix

package delete

import (
	"io/fs"
	"os"
	"syscall"
)

// sameEntry reports whether a and b describe the same file: same device
// and inode.
func sameEntry(a, b fs.FileInfo) bool {
	sa, ok1 := a.Sys().(*syscall.Stat_t)
	sb, ok2 := b.Sys().(*syscall.Stat_t)
	if !ok1 || !ok2 {
		return false
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino && a.IsDir() == b.IsDir()
}

// ownedByUs reports whether info's owner is the running user (or root,
// whom the running user trusts anyway).
func ownedByUs(info fs.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	return int(st.Uid) == os.Geteuid() || st.Uid == 0
}

// ownedByMe reports whether info's owner is the running user.
func ownedByMe(info fs.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}

// private reports whether neither group nor others may write info.
func private(info fs.FileInfo) bool { return info.Mode().Perm()&0o022 == 0 }
