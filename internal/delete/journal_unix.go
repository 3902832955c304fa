//go:build unix

package delete

// renameOpenFiles says an open file can be renamed and removed: the
// journal is created and locked under a temporary name, then renamed.
const renameOpenFiles = true
