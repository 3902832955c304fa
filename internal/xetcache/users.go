package xetcache

import (
	"errors"
	"os"
	"path/filepath"
)

// Process is a process that uses the Xet cache.
type Process struct {
	PID  int
	Name string // the command name (/proc/<pid>/comm)
	// Reason says how it uses the cache: an open file below the Xet root,
	// or the hf_xet native library loaded.
	Reason string
}

// ErrUnsupported says Users cannot tell on this platform.
var ErrUnsupported = errors.New("cannot list the processes using the xet cache on this platform")

// Users lists the processes, other than this one, that use the Xet tree
// at root: those with a file or folder below root open (their current
// folder included) and those that loaded the hf_xet native library (the
// Xet client: it may open the cache at any moment). Hidden is the number
// of processes that could not be inspected (other users' processes, when
// not running as root). On platforms other than Linux it returns
// ErrUnsupported.
func Users(root string) (users []Process, hidden int, err error) {
	return users0(procRoot, root)
}

// SharedWritable reports whether other users may write to the Xet root or
// one of its environment folders (group or other write permission): their
// processes, which Users cannot inspect, might then be using it.
func SharedWritable(c *Cache) bool {
	dirs := []string{c.Path}
	seen := map[string]bool{}
	for _, p := range c.Parts {
		if p.Env != "" && !seen[p.Env] {
			seen[p.Env] = true
			dirs = append(dirs, filepath.Join(c.Path, p.Env))
		}
	}
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.Mode().Perm()&0o022 != 0 {
			return true
		}
	}
	return false
}
