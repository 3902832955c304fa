package delete

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hfcache/hfcache/internal/scan"
)

// Remains are what deletions left in the trash
// (<cache>/.locks/.hfcache-trash): folders already moved out of the cache
// but not removed yet. Neither upstream's scanner nor hfcache's counts
// them, so they are reported separately.
type Remains struct {
	// Path is the trash folder.
	Path string
	// Dead are the remains of runs that are gone (killed, crashed): Recover
	// (run by every deletion, and by prune) reclaims them.
	Dead []RemainsEntry
	// Size adds up the sizes of Dead.
	Size int64
	// LiveSize is what deletions running now hold; they remove it
	// themselves.
	LiveSize int64
	// Refused is set when a trash exists that hfcache does not use (a
	// link, not a folder, owned by another user or writable by others:
	// ErrLinkedTrash or ErrUntrustedTrash); nothing else is then filled.
	Refused error
}

// RemainsEntry is one interrupted deletion's folder in the trash.
type RemainsEntry struct {
	Name string
	Size int64
}

// TrashRemains reports what the trash of cacheDir holds, read through the
// same pinned handles as the deletions.
func TrashRemains(cacheDir string) Remains {
	cacheDir = filepath.Clean(cacheDir)
	r := Remains{Path: filepath.Join(cacheDir, ".locks", trashDir)}
	h, err := openHandles(cacheDir)
	if err != nil {
		return r
	}
	defer h.close()
	trash, _, err := h.openTrash(false)
	if errors.Is(err, ErrLinkedTrash) || errors.Is(err, ErrUntrustedTrash) {
		r.Refused = err
		return r
	}
	if err != nil {
		return r // no trash
	}
	entries, err := fs.ReadDir(trash.root.FS(), ".")
	if err != nil {
		return r
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || strings.Contains(name, ".") {
			continue
		}
		size := treeSize(trash.root.FS(), name)
		if journalLive(trash, name+".journal") {
			r.LiveSize += size
			continue
		}
		r.Dead = append(r.Dead, RemainsEntry{Name: name, Size: size})
		r.Size += size
	}
	sort.Slice(r.Dead, func(i, j int) bool { return r.Dead[i].Name < r.Dead[j].Name })
	return r
}

// ReclaimTrash removes the remains of dead runs (see Recover) and returns
// how many of them it removed and the bytes it freed.
func ReclaimTrash(cacheDir string, opts scan.Options) (int, int64) {
	before := TrashRemains(cacheDir)
	Recover(cacheDir, opts)
	after := TrashRemains(cacheDir)
	n, freed := len(before.Dead)-len(after.Dead), before.Size-after.Size
	if n < 0 || freed < 0 { // a run was killed meanwhile
		return 0, 0
	}
	return n, freed
}

// treeSize adds up the sizes of the regular files below name (links are
// not followed).
func treeSize(fsys fs.FS, name string) int64 {
	var n int64
	_ = fs.WalkDir(fsys, name, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			n += info.Size()
		}
		return nil
	})
	return n
}

// journalLive reports whether a running process holds the journal name
// of the trash (a missing journal is not live).
func journalLive(trash *pinnedDir, name string) bool {
	f, err := trash.root.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return !errors.Is(err, fs.ErrNotExist) // cannot tell: count as live
	}
	defer func() { _ = f.Close() }()
	return tryLockFile(f) != nil
}
