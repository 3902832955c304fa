package delete

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Every removal, rename and directory read that decides a removal goes
// through folders opened once and verified (pinnedDir): the cache folder,
// then each folder below it, one component at a time, each checked to be a
// real folder (not a link) and to be the very folder its name showed when
// it was opened. Operations inside a pinned folder are relative to its
// handle (os.Root: openat/unlinkat/renameat on Unix, handle-relative
// NtCreateFile on Windows), so renaming or swapping a path after it was
// opened redirects nothing: a swapped blobs/ or trash folder keeps being
// the one that was opened, and a link placed under a folder's name is
// refused when the folder is opened.

// pinnedDir is a folder opened once and verified.
type pinnedDir struct {
	path string // for messages and for the rename fallback
	rel  string // path relative to the cache folder ("." for the cache)
	root *os.Root
	dir  *os.File // the same folder as a file, for renameat
	info fs.FileInfo
}

func (d *pinnedDir) close() {
	if d == nil {
		return
	}
	_ = d.dir.Close()
	_ = d.root.Close()
}

// openCacheRoot pins the cache folder itself. It may be reached through
// links (a user's choice: HF_HOME on another disk); everything below it
// may not.
func openCacheRoot(cacheDir string) (*pinnedDir, error) {
	root, err := os.OpenRoot(cacheDir)
	if err != nil {
		return nil, fmt.Errorf("open cache %s: %w", cacheDir, err)
	}
	f, err := root.Open(".")
	if err != nil {
		_ = root.Close()
		return nil, fmt.Errorf("open cache %s: %w", cacheDir, err)
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		_ = root.Close()
		return nil, fmt.Errorf("open cache %s: %w", cacheDir, err)
	}
	return &pinnedDir{path: cacheDir, rel: ".", root: root, dir: f, info: info}, nil
}

// sub pins the folder name (one path component) inside d. A link, a file,
// or a folder swapped between the check and the open is refused with
// ErrLinkedParent; a missing one returns an error wrapping
// fs.ErrNotExist.
func (d *pinnedDir) sub(name string) (*pinnedDir, error) {
	path := filepath.Join(d.path, name)
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("open %s: %w", path, ErrOutsideRepo)
	}
	st, err := d.root.Lstat(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if !st.IsDir() || st.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Errorf("open %s: %w", path, ErrLinkedParent)
	}
	root, err := d.root.OpenRoot(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	f, err := root.Open(".")
	if err != nil {
		_ = root.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	got, err := f.Stat()
	if err == nil && !sameEntry(st, got) {
		err = ErrLinkedParent // swapped between the check and the open
	}
	if err != nil {
		_ = f.Close()
		_ = root.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &pinnedDir{path: path, rel: filepath.Join(d.rel, name), root: root, dir: f, info: got}, nil
}

// still reports whether name inside d is still the folder pinned as p.
func (d *pinnedDir) still(name string, p *pinnedDir) bool {
	st, err := d.root.Lstat(name)
	return err == nil && st.IsDir() && sameEntry(st, p.info)
}

// removeFile removes the file or link name (one component) inside d,
// never a folder, never a link's target. Already gone counts as removed.
func (d *pinnedDir) removeFile(name string) error {
	path := filepath.Join(d.path, name)
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return fmt.Errorf("remove %s: %w", path, ErrOutsideRepo)
	}
	st, err := d.root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	if st.IsDir() {
		return fmt.Errorf("remove %s: is a directory", path)
	}
	if err := retryBusy(func() error { return d.root.Remove(name) }); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}

// handles pins the folders an execution works in, each opened once from
// the cache folder down and kept until forgotten.
type handles struct {
	cacheDir string
	cache    *pinnedDir
	dirs     map[string]*pinnedDir
}

func openHandles(cacheDir string) (*handles, error) {
	cache, err := openCacheRoot(cacheDir)
	if err != nil {
		return nil, err
	}
	return &handles{cacheDir: cacheDir, cache: cache, dirs: map[string]*pinnedDir{}}, nil
}

func (h *handles) close() {
	if h == nil {
		return
	}
	for _, d := range h.dirs {
		d.close()
	}
	h.dirs = nil
	h.cache.close()
}

// dir returns the pinned folder at path (inside the cache), opening each
// component not pinned yet.
func (h *handles) dir(path string) (*pinnedDir, error) {
	path = filepath.Clean(path)
	if path == h.cacheDir {
		return h.cache, nil
	}
	if !Inside(path, h.cacheDir) {
		return nil, fmt.Errorf("open %s: %w", path, ErrOutsideCache)
	}
	if d := h.dirs[path]; d != nil {
		return d, nil
	}
	parent, err := h.dir(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	d, err := parent.sub(filepath.Base(path))
	if err != nil {
		return nil, err
	}
	h.dirs[path] = d
	return d, nil
}

// forget closes the handles of path and everything below it.
func (h *handles) forget(path string) {
	for p, d := range h.dirs {
		if p == path || Inside(p, path) {
			d.close()
			delete(h.dirs, p)
		}
	}
}

// removeFile removes one file or link inside container (never a folder,
// never a link's target), through the pinned handle of its folder. A path
// already gone, or whose folder is gone, counts as removed.
func (h *handles) removeFile(container, path string) error {
	path = filepath.Clean(path)
	if !Inside(path, container) || path == container {
		return fmt.Errorf("remove %s: %w", path, ErrOutsideRepo)
	}
	d, err := h.dir(filepath.Dir(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return d.removeFile(filepath.Base(path))
}

// move renames the entry name of from to newName in to, and checks that
// what arrived is the entry that was there when the move was decided
// (want); otherwise it is moved back and ErrLinkedParent returned.
func (h *handles) move(from *pinnedDir, name string, want fs.FileInfo, to *pinnedDir, newName string) error {
	if err := retryBusy(func() error { return renameAt(h.cache, from, name, to, newName) }); err != nil {
		return err
	}
	got, err := to.root.Lstat(newName)
	if err == nil && sameEntry(want, got) {
		return nil
	}
	_ = renameAt(h.cache, to, newName, from, name)
	return fmt.Errorf("move %s: %w", filepath.Join(from.path, name), ErrLinkedParent)
}

// stillPinned checks, after the repo was read again, that the repo folder
// and every folder pinned below it are still reached by their names: what
// is removed through them is what was read.
func (h *handles) stillPinned(repoPath string, repoDir *pinnedDir) error {
	if !h.cache.still(filepath.Base(repoPath), repoDir) {
		return fmt.Errorf("%s was replaced while it was read", repoPath)
	}
	for p, d := range h.dirs {
		if !Inside(p, repoPath) || p == repoPath {
			continue
		}
		parent := h.dirs[filepath.Dir(p)]
		if parent == nil || !parent.still(filepath.Base(p), d) {
			return fmt.Errorf("%s was replaced while it was read", p)
		}
	}
	return nil
}
