//go:build !linux

package delete

import (
	"fmt"
	"path/filepath"
)

// renameAt renames name in from to newName in to. Without renameat in the
// standard library here, the rename goes through the cache's own handle
// (os.Root: it cannot leave the cache), and the caller checks that what
// arrived is what was meant (handles.move).
func renameAt(cache *pinnedDir, from *pinnedDir, name string, to *pinnedDir, newName string) error {
	if err := cache.root.Rename(filepath.Join(from.rel, name), filepath.Join(to.rel, newName)); err != nil {
		return fmt.Errorf("move %s to %s: %w", filepath.Join(from.path, name), filepath.Join(to.path, newName), err)
	}
	return nil
}
