package delete

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hfcache/hfcache/internal/scan"
)

// Remains are what deletions left in the trashes
// (<cache>/.locks/.hfcache-trash-<account>): folders already moved out of
// the cache but not removed yet. Neither upstream's scanner nor hfcache's
// counts them, so they are reported separately.
type Remains struct {
	// Path is the trash folder holding Dead: the running account's trash
	// when Dead is empty or lies there, <cache>/.locks when Dead lies in
	// several trashes.
	Path string
	// Dead are the remains of runs that are gone (killed, crashed) that
	// the running account may reclaim: Recover (run by every deletion,
	// and by prune) reclaims them. Those of its own trashes, and, run as
	// root, those of every account's trash.
	Dead []RemainsEntry
	// Size adds up the sizes of Dead.
	Size int64
	// LiveSize is what deletions running now hold; they remove it
	// themselves.
	LiveSize int64
	// Others are the trashes of other accounts holding remains of their
	// dead runs, as far as the running account can read them: reported,
	// never reclaimed by this account (their owner, or root, can).
	Others []OtherTrash
	// Refused is set when a trash exists that hfcache does not use (a
	// link, not a folder, writable by others, or named after the running
	// account but owned by another: ErrLinkedTrash or ErrUntrustedTrash).
	// It holds nothing hfcache believes; the other fields leave it out.
	Refused error
}

// RemainsEntry is one interrupted deletion's folder in a trash.
type RemainsEntry struct {
	// Name is the folder's name in its trash.
	Name string
	// Path is the folder's path.
	Path string
	Size int64
}

// OtherTrash is another account's trash holding remains of its dead runs.
type OtherTrash struct {
	// Path is the trash folder.
	Path string
	// Owner names its owner ("uid 1001"), when known.
	Owner string
	// Count is the number of remains; Size adds up their sizes.
	Count int
	Size  int64
}

// TrashRemains reports what the trashes of cacheDir hold, read through
// the same pinned handles as the deletions.
func TrashRemains(cacheDir string) Remains {
	cacheDir = filepath.Clean(cacheDir)
	locksPath := filepath.Join(cacheDir, ".locks")
	r := Remains{Path: filepath.Join(locksPath, trashName())}
	h, err := openHandles(cacheDir)
	if err != nil {
		return r
	}
	defer h.close()
	names, err := h.trashNames()
	if errors.Is(err, ErrLinkedTrash) {
		r.Refused = err
		return r
	}
	if err != nil {
		return r // no .locks
	}
	where := map[string]bool{}
	for _, name := range names {
		trash, kind, _, err := h.openTrash(name, false)
		if errors.Is(err, ErrLinkedTrash) || errors.Is(err, ErrUntrustedTrash) {
			if r.Refused == nil {
				r.Refused = err
			}
			continue
		}
		if err != nil {
			continue // unreadable: another account's
		}
		dead, live := trashContents(trash)
		h.forget(trash.path)
		if kind == ownTrash || isRoot() {
			for _, e := range dead {
				r.Dead = append(r.Dead, e)
				r.Size += e.Size
				where[trash.path] = true
			}
			r.LiveSize += live
			continue
		}
		if len(dead) > 0 {
			o := OtherTrash{Path: trash.path, Owner: ownerName(trash.info), Count: len(dead)}
			for _, e := range dead {
				o.Size += e.Size
			}
			r.Others = append(r.Others, o)
		}
	}
	switch len(where) {
	case 0:
	case 1:
		for p := range where {
			r.Path = p
		}
	default:
		r.Path = locksPath
	}
	sort.Slice(r.Dead, func(i, j int) bool { return r.Dead[i].Path < r.Dead[j].Path })
	return r
}

// trashContents lists the remains of dead runs in a pinned trash, and
// the bytes that running deletions hold there.
func trashContents(trash *pinnedDir) (dead []RemainsEntry, live int64) {
	entries, err := fs.ReadDir(trash.root.FS(), ".")
	if err != nil {
		return nil, 0
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || strings.Contains(name, ".") {
			continue
		}
		size := treeSize(trash.root.FS(), name)
		if journalLive(trash, name+".journal") {
			live += size
			continue
		}
		dead = append(dead, RemainsEntry{Name: name, Path: filepath.Join(trash.path, name), Size: size})
	}
	return dead, live
}

// Reclaim is what ReclaimTrash did.
type Reclaim struct {
	// Removed counts the remains of dead runs that are gone; Freed adds
	// up what they held (and what went of those only partly removed).
	Removed int
	Freed   int64
	// Failures are the remains of dead runs still there (Kind KindTrash):
	// Err says why, with the folder's path, e.g. "remove <path>: unlinkat
	// ...: permission denied", or "complete <path>: locked by another
	// process (download in progress?): ..." when the blobs its journal
	// names wait for a download to end.
	Failures []Failure
}

// OK reports whether every remains ReclaimTrash found is gone.
func (r Reclaim) OK() bool { return len(r.Failures) == 0 }

// ReclaimTrash removes the remains of dead runs (see Recover) that
// TrashRemains lists, and says how many went, the bytes freed, and which
// could not be removed and why.
func ReclaimTrash(cacheDir string, opts scan.Options) Reclaim {
	before := TrashRemains(cacheDir)
	left := leftovers{}
	recoverCache(cacheDir, opts, left)
	after := TrashRemains(cacheDir)
	still := map[string]int64{}
	for _, e := range after.Dead {
		still[e.Path] = e.Size
	}
	var r Reclaim
	for _, e := range before.Dead {
		size, there := still[e.Path]
		if !there {
			r.Removed++
			r.Freed += e.Size
			continue
		}
		if size < e.Size {
			r.Freed += e.Size - size
		}
		err := left[e.Path]
		if err == nil {
			err = fmt.Errorf("remove %s: %w", e.Path, errStillInTrash)
		}
		r.Failures = append(r.Failures, Failure{Kind: KindTrash, Path: e.Path, Err: err})
	}
	return r
}

// errStillInTrash says a dead run's folder is still in its trash for a
// reason Recover did not record.
var errStillInTrash = errors.New("still in the trash after the recovery")

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
