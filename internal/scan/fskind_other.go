//go:build !linux && !darwin && !freebsd

package scan

// pathKeepsChangeTimes is false: the scan index is not used where the
// filesystem's kind is not checked.
func pathKeepsChangeTimes(string) bool { return false }
