package delete

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// operation is one Execute's trash folder and journal:
// <cache>/.locks/.hfcache-trash-<account>/<id>/ and <id>.journal next to
// it, both reached only through pinned handles. The journal is locked for
// as long as the operation runs.
type operation struct {
	h           *handles
	trash       *pinnedDir // <cache>/.locks/.hfcache-trash-<account>
	dir         *pinnedDir // <trash>/<id>
	id          string
	journalFile *os.File
	madeLocks   bool
	n           int
}

// Errors about the trash folder.
var (
	// ErrLinkedTrash says <cache>/.locks or a trash folder is not a
	// plain folder: hfcache never moves anything into, nor removes
	// anything from, a trash that a link sends elsewhere (someone sharing
	// the cache could make it point into your home folder).
	ErrLinkedTrash = errors.New("is a symbolic link or not a folder: not used as the trash")
	// ErrUntrustedTrash says a trash folder was not made by hfcache for
	// the account it is named after: others may write in it, or another
	// account owns a trash named after the running one. Nothing is moved
	// into it and nothing it holds is believed.
	ErrUntrustedTrash = errors.New("is owned by another user or writable by others: not used as the trash")
)

// trashMode is the mode hfcache creates the trash with: only its owner
// can list, add or remove anything there.
const trashMode = 0o700

// Each account has its own trash, so that what one account's interrupted
// run left never blocks another's deletions:
//
//   - .locks/.hfcache-trash-<account>, where <account> is the effective
//     user id on Unix (.hfcache-trash-1000) and the user's SID on Windows
//     (see accountTag);
//   - .locks/.hfcache-trash-<account>_<run>, made by a run that found its
//     trash's name taken by something it cannot trust (a folder another
//     account made under that name, a link): such a squatted name is left
//     alone and never blocks a deletion;
//   - .locks/.hfcache-trash, the trash of versions before per-account
//     trashes, still reclaimed by the account that owns it.

// trashName is the name, in .locks, of the running account's trash.
func trashName() string { return trashDir + "-" + accountTag() }

// isTrashName reports whether an entry of .locks is a trash of any
// account.
func isTrashName(name string) bool {
	return name == trashDir || strings.HasPrefix(name, trashDir+"-")
}

// isOwnTrashName reports whether an entry of .locks is named as one of
// the running account's trashes.
func isOwnTrashName(name string) bool {
	own := trashName()
	return name == trashDir || name == own || strings.HasPrefix(name, own+"_")
}

// trashKind says whose a trash folder is.
type trashKind int

const (
	// ownTrash is the running account's: used, believed, reclaimed.
	ownTrash trashKind = iota
	// foreignTrash is another account's (a folder only its owner may
	// write): its remains are reported; only root reclaims them, and
	// never on the word of its journals (see Recover).
	foreignTrash
)

// classifyTrash checks a pinned trash folder. Writable by group or
// others, or named after the running account but owned by another, it is
// refused (ErrUntrustedTrash).
func classifyTrash(d *pinnedDir) (trashKind, error) {
	name := filepath.Base(d.path)
	switch {
	case !private(d.info):
		return 0, fmt.Errorf("%s %w", d.path, ErrUntrustedTrash)
	case isOwnTrashName(name) && ownedByMe(d.info):
		return ownTrash, nil
	case isOwnTrashName(name) && name != trashDir:
		return 0, fmt.Errorf("%s %w", d.path, ErrUntrustedTrash)
	default:
		return foreignTrash, nil
	}
}

// openTrash pins the trash folder name of <cache>/.locks, creating it
// (mode 0700) and .locks when create is set. It refuses a trash that is a
// link, not a folder, or not trusted (see classifyTrash), and says whose
// it is.
func (h *handles) openTrash(name string, create bool) (trash *pinnedDir, kind trashKind, madeLocks bool, err error) {
	locksPath := filepath.Join(h.cacheDir, ".locks")
	if _, err := h.cache.root.Lstat(".locks"); errors.Is(err, fs.ErrNotExist) && create {
		if err := h.cache.root.Mkdir(".locks", 0o755); err == nil {
			madeLocks = true
		} else if !errors.Is(err, fs.ErrExist) {
			return nil, 0, false, fmt.Errorf("create trash: %w", err)
		}
	}
	locks, err := h.dir(locksPath)
	if errors.Is(err, ErrLinkedParent) {
		return nil, 0, madeLocks, fmt.Errorf("%s %w", locksPath, ErrLinkedTrash)
	}
	if err != nil {
		return nil, 0, madeLocks, err
	}
	trashPath := filepath.Join(locksPath, name)
	if create {
		if err := locks.root.Mkdir(name, trashMode); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, 0, madeLocks, fmt.Errorf("create trash: %w", err)
		}
	}
	trash, err = h.dir(trashPath)
	if errors.Is(err, ErrLinkedParent) {
		return nil, 0, madeLocks, fmt.Errorf("%s %w", trashPath, ErrLinkedTrash)
	}
	if err != nil {
		return nil, 0, madeLocks, err
	}
	kind, err = classifyTrash(trash)
	if err == nil && create && kind != ownTrash {
		err = fmt.Errorf("%s %w", trashPath, ErrUntrustedTrash)
	}
	if err != nil {
		h.forget(trashPath)
		return nil, 0, madeLocks, err
	}
	return trash, kind, madeLocks, nil
}

// trashNames lists the trash folders of every account in <cache>/.locks,
// read through its pinned handle; an error wrapping ErrLinkedTrash when
// .locks is a link.
func (h *handles) trashNames() ([]string, error) {
	locksPath := filepath.Join(h.cacheDir, ".locks")
	locks, err := h.dir(locksPath)
	if errors.Is(err, ErrLinkedParent) {
		return nil, fmt.Errorf("%s %w", locksPath, ErrLinkedTrash)
	}
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(locks.root.FS(), ".")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if isTrashName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// removeTrashIfEmpty removes the pinned trash folder when it holds
// nothing.
func (h *handles) removeTrashIfEmpty(trash *pinnedDir) {
	locks, err := h.dir(filepath.Dir(trash.path))
	h.forget(trash.path)
	if err == nil {
		_ = locks.root.Remove(filepath.Base(trash.path)) // only when empty
	}
}

func startOperation(h *handles, opts *ExecOptions) (*operation, error) {
	op := &operation{h: h}
	op.id = strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	f, err := op.createJournal(opts)
	if err != nil {
		return nil, err
	}
	op.journalFile = f
	if err := op.trash.root.Mkdir(op.id, trashMode); err != nil {
		op.closeJournal()
		return nil, fmt.Errorf("create trash: %w", err)
	}
	op.dir, err = op.h.dir(filepath.Join(op.trash.path, op.id))
	if err != nil {
		op.closeJournal()
		return nil, fmt.Errorf("create trash: %w", err)
	}
	return op, nil
}

func (op *operation) closeJournal() {
	_ = op.journalFile.Close() // closed before removed (Windows)
	_ = op.trash.root.Remove(op.id + ".journal")
}

// createJournal creates the trash and, locked, the journal in it. A
// concurrent Recover treats an unlocked *.journal as the leftover of a dead
// process and removes it with the trash, so the journal is created and
// locked under a temporary name (<id>.journal.tmp, which Recover removes
// only when it is old and unlocked) and only then renamed into place. A
// concurrent Recover may also remove the empty trash between its creation
// and the journal's: that is retried with a new handle.
func (op *operation) createJournal(opts *ExecOptions) (*os.File, error) {
	name := op.id + ".journal"
	tmp := name + ".tmp"
	if !renameOpenFiles {
		tmp = name // see journal_other.go
	}
	trashNames := []string{trashName(), trashName() + "_" + op.id}
	var squatted error
	for attempt := 0; ; attempt++ {
		trash, _, madeLocks, err := op.h.openTrash(trashNames[0], true)
		op.madeLocks = op.madeLocks || madeLocks
		if errors.Is(err, fs.ErrNotExist) && attempt < 10 {
			// A concurrent run removed .locks or the empty trash
			// between its creation and its opening.
			op.h.forget(filepath.Join(op.h.cacheDir, ".locks"))
			continue
		}
		if (errors.Is(err, ErrUntrustedTrash) || errors.Is(err, ErrLinkedTrash)) && len(trashNames) > 1 {
			// The account's trash name is taken by something it cannot
			// trust: left alone, and a trash of this run's own is made.
			squatted = err
			trashNames = trashNames[1:]
			continue
		}
		if err != nil {
			if squatted != nil && (errors.Is(err, ErrUntrustedTrash) || errors.Is(err, ErrLinkedTrash)) {
				err = squatted
			}
			return nil, fmt.Errorf("create trash: %w", err)
		}
		op.trash = trash
		f, err := trash.root.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
		if errors.Is(err, fs.ErrNotExist) && attempt < 10 {
			op.h.forget(trash.path) // removed by a concurrent Recover
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create trash journal: %w", err)
		}
		if opts.journalCreated != nil {
			opts.journalCreated(filepath.Join(trash.path, tmp))
		}
		if err := lockFile(f); err != nil {
			_ = f.Close()
			_ = trash.root.Remove(tmp)
			return nil, fmt.Errorf("lock trash journal: %w", err)
		}
		if tmp == name {
			return f, nil
		}
		if err := trash.root.Rename(tmp, name); err != nil {
			_ = f.Close()
			_ = trash.root.Remove(tmp)
			return nil, fmt.Errorf("create trash journal: %w", err)
		}
		return f, nil
	}
}

// journal records, before anything of the repo is removed, the blobs that
// must go once its snapshots are gone.
func (op *operation) journal(repoPath string, blobs []string) error {
	var b strings.Builder
	for _, blob := range blobs {
		if strings.ContainsAny(repoPath+blob, "\n") {
			continue // not representable; at worst left unreferenced
		}
		b.WriteString(repoPath + "\t" + blob + "\n")
	}
	if b.Len() == 0 {
		return nil
	}
	if _, err := op.journalFile.WriteString(b.String()); err != nil {
		return fmt.Errorf("write trash journal: %w", err)
	}
	if err := op.journalFile.Sync(); err != nil {
		return fmt.Errorf("write trash journal: %w", err)
	}
	return nil
}

// discard moves the folder name of parent (a snapshot folder of a repo's
// snapshots/, or a repo folder of the cache) into the trash in one rename
// through the pinned handles, and removes it there. When the rename fails
// and inPlace is set, the folder is removed where it is through the
// parent's handle (fine for a snapshot folder: its links stay valid to the
// end since blobs go after it); otherwise the rename error is returned.
//
// want, when set, is the pinned folder the caller means: an entry of
// that name which is another folder is left alone (ErrRepoChanged).
func (op *operation) discard(parent *pinnedDir, name string, want fs.FileInfo, inPlace bool) error {
	path := filepath.Join(parent.path, name)
	st, err := parent.root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // removed by another run
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("remove %s: %w", path, ErrLinkedParent)
	}
	if want != nil && !sameEntry(st, want) {
		return fmt.Errorf("remove %s: %w: replaced by another folder", path, ErrRepoChanged)
	}
	op.n++
	dest := strconv.Itoa(op.n)
	if err := op.h.move(parent, name, st, op.dir, dest); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed by another run meanwhile
		}
		if errors.Is(err, ErrLinkedParent) || !inPlace {
			return fmt.Errorf("move %s to the trash: %w", path, err)
		}
		if err := retryBusy(func() error { return parent.root.RemoveAll(name) }); err != nil {
			return fmt.Errorf("remove %s: %w", path, err)
		}
		return nil
	}
	op.h.forget(path) // close its handles before removing it (Windows)
	if err := retryBusy(func() error { return op.dir.root.RemoveAll(dest) }); err != nil {
		return fmt.Errorf("%w: %s (moved to %s): %w", errTrashRemove, path, filepath.Join(op.dir.path, dest), err)
	}
	return nil
}

// errTrashRemove says a folder left the cache (moved into the trash) but
// could not be removed there.
var errTrashRemove = errors.New("moved out of the cache but not removed")

// finish removes the trash folder and the journal, and .locks when this
// operation created it and left it empty.
func (op *operation) finish() {
	// Every handle is closed before what it holds is removed (Windows
	// cannot remove a folder or file that is still open).
	op.h.forget(op.dir.path)
	_ = retryBusy(func() error { return op.trash.root.RemoveAll(op.id) })
	op.closeJournal()
	trashPath := op.trash.path
	op.h.removeTrashIfEmpty(op.trash)
	if op.madeLocks {
		op.h.forget(filepath.Dir(trashPath))
		_ = op.h.cache.root.Remove(".locks") // only when empty
	}
}
