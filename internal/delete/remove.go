package delete

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// checkParent refuses a path whose parent folders, from the repo folder
// down, are not their own real path (a linked blobs/ or snapshots/ folder
// would make a removal happen elsewhere).
func checkParent(repoPath, path string) error {
	if !Inside(path, repoPath) || path == repoPath {
		return ErrOutsideRepo
	}
	dir := filepath.Dir(path)
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	realRepo, err := filepath.EvalSymlinks(repoPath)
	if err != nil {
		return err
	}
	if real != dir || realRepo != repoPath {
		return ErrLinkedParent
	}
	return nil
}

// removeFile removes one file or link (never a folder, never a link's
// target) inside repoPath. A path already gone counts as removed.
func removeFile(repoPath, path string) error {
	if err := checkParent(repoPath, path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("remove %s: %w", path, err)
	}
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	if st.IsDir() {
		return fmt.Errorf("remove %s: is a directory", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}

// removeRepoInPlace empties a repo folder in an order that keeps it valid
// as long as possible: refs, then each snapshot folder, then blobs and the
// rest, then snapshots/ and the folder itself. Only used when the folder
// cannot be moved into the trash.
func removeRepoInPlace(repoPath string) error {
	st, err := os.Lstat(repoPath)
	if err != nil {
		return fmt.Errorf("remove %s: %w", repoPath, err)
	}
	if !st.IsDir() { // a link or a file: remove it, not its target
		if err := os.Remove(repoPath); err != nil {
			return fmt.Errorf("remove %s: %w", repoPath, err)
		}
		return nil
	}
	var errs []error
	rm := func(p string) {
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", p, err))
		}
	}
	// Each stage runs only when the previous one fully succeeded.
	rm(filepath.Join(repoPath, "refs"))
	snaps := filepath.Join(repoPath, "snapshots")
	if len(errs) == 0 {
		if entries, err := os.ReadDir(snaps); err == nil {
			for _, e := range entries {
				rm(filepath.Join(snaps, e.Name()))
			}
		}
	}
	if len(errs) == 0 {
		entries, _ := os.ReadDir(repoPath)
		for _, e := range entries {
			if e.Name() != "snapshots" {
				rm(filepath.Join(repoPath, e.Name()))
			}
		}
	}
	if len(errs) == 0 {
		rm(snaps)
	}
	if len(errs) == 0 {
		rm(repoPath)
	}
	return errors.Join(errs...)
}
