package delete

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// removeRepoInPlace empties a pinned repo folder in an order that keeps it
// valid as long as possible: refs, then each snapshot folder, then blobs
// and the rest, then snapshots/ and the folder itself. Every removal goes
// through the pinned handles (os.Root.RemoveAll removes links, never what
// they point to). Only used when the folder cannot be moved into the
// trash.
func removeRepoInPlace(h *handles, repo *pinnedDir) error {
	var errs []error
	rm := func(d *pinnedDir, name string) {
		if err := retryBusy(func() error { return d.root.RemoveAll(name) }); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove %s: %w", filepath.Join(d.path, name), err))
		}
	}
	// Each stage runs only when the previous one fully succeeded.
	rm(repo, "refs")
	if len(errs) == 0 {
		if snaps, err := h.dir(filepath.Join(repo.path, "snapshots")); err == nil {
			if entries, err := fs.ReadDir(snaps.root.FS(), "."); err == nil {
				for _, e := range entries {
					rm(snaps, e.Name())
				}
			}
		}
	}
	if len(errs) == 0 {
		entries, _ := fs.ReadDir(repo.root.FS(), ".")
		for _, e := range entries {
			if e.Name() != "snapshots" {
				rm(repo, e.Name())
			}
		}
	}
	if len(errs) == 0 {
		h.forget(repo.path + string(filepath.Separator) + "snapshots")
		rm(repo, "snapshots")
	}
	if len(errs) == 0 {
		name := filepath.Base(repo.path)
		if _, err := h.cache.root.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return nil // removed by another run meanwhile
		}
		if !h.cache.still(name, repo) {
			return fmt.Errorf("remove %s: %w: replaced by another folder", repo.path, ErrRepoChanged)
		}
		if err := retryBusy(func() error { return h.cache.root.Remove(name) }); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove %s: %w", repo.path, err))
		}
	}
	return errors.Join(errs...)
}
