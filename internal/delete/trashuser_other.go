//go:build !unix && !windows

package delete

import "io/fs"

// accountTag: a single account where there are no user ids.
func accountTag() string { return "user" }

// isRoot: no account reclaims another's trash here.
func isRoot() bool { return false }

// ownerName: owners are not known here.
func ownerName(fs.FileInfo) string { return "" }
