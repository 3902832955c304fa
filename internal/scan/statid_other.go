//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd

package scan

import "io/fs"

// statID reports no identity: without a change time (Windows' Go stat has
// none) the scan index cannot tell that a folder is unchanged, so it is
// not used.
func statID(fs.FileInfo) (dirID, bool) { return dirID{}, false }

// ownedByMe is true: owners are not inspected here (the index folder is
// in the user's own profile).
func ownedByMe(fs.FileInfo) bool { return true }

// indexSupported is false: no change time (see statID).
const indexSupported = false
