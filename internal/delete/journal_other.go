//go:build !unix

package delete

// renameOpenFiles is false on Windows: a file Go opened cannot be renamed
// or removed while it is open (Go does not share delete access). The
// journal is therefore created under its final name and locked at once; a
// concurrent Recover cannot remove it in between, since its open handle
// forbids the removal, and the journal is closed before it is removed.
const renameOpenFiles = false
