//go:build !unix

package delete

import "io/fs"

// sameEntry reports whether a and b may describe the same file. Windows
// offers no device and inode through fs.FileInfo of a handle-relative
// Lstat; the folders are opened through os.Root, which refuses reparse
// points that leave the opened folder, so here only the kind is compared
// (documented in docs/safety.md).
func sameEntry(a, b fs.FileInfo) bool {
	return a.IsDir() == b.IsDir() && a.Mode()&fs.ModeSymlink == 0 && b.Mode()&fs.ModeSymlink == 0
}

// ownedByUs: owners are not checked here (ACLs are not inspected).
func ownedByUs(fs.FileInfo) bool { return true }

// ownedByMe: owners are not checked here (ACLs are not inspected).
func ownedByMe(fs.FileInfo) bool { return true }

// private: Windows has no mode bits for group and others (Go reports 0777
// or 0666); ACLs are not inspected.
func private(fs.FileInfo) bool { return true }
