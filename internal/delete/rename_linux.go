package delete

import (
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
)

// renameAt renames name in from to newName in to with renameat(2) on the
// two pinned handles: neither folder can be swapped under it.
func renameAt(_ *pinnedDir, from *pinnedDir, name string, to *pinnedDir, newName string) error {
	for {
		err := syscall.Renameat(int(from.dir.Fd()), name, int(to.dir.Fd()), newName)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("move %s to %s: %w", filepath.Join(from.path, name), filepath.Join(to.path, newName), err)
		}
		return nil
	}
}
