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
// <cache>/.locks/.hfcache-trash/<id>/ and <id>.journal next to it, both
// reached only through pinned handles. The journal is locked for as long
// as the operation runs.
type operation struct {
	h           *handles
	trash       *pinnedDir // <cache>/.locks/.hfcache-trash
	dir         *pinnedDir // <trash>/<id>
	id          string
	journalFile *os.File
	madeLocks   bool
	n           int
}

// Errors about the trash folder.
var (
	// ErrLinkedTrash says <cache>/.locks or its trash folder is not a
	// plain folder: hfcache never moves anything into, nor removes
	// anything from, a trash that a link sends elsewhere (someone sharing
	// the cache could make it point into your home folder).
	ErrLinkedTrash = errors.New("is a symbolic link or not a folder: not used as the trash")
	// ErrUntrustedTrash says the trash folder was not made by hfcache for
	// the running user: another user owns it, or others may write in it.
	// Nothing is moved into it and nothing it holds is believed.
	ErrUntrustedTrash = errors.New("is owned by another user or writable by others: not used as the trash")
)

// trashMode is the mode hfcache creates the trash with: only its owner
// can list, add or remove anything there.
const trashMode = 0o700

// trustTrash checks a pinned trash folder: owned by the running user, not
// writable by group or others.
func trustTrash(d *pinnedDir) error {
	if !ownedByMe(d.info) || !private(d.info) {
		return fmt.Errorf("%s %w", d.path, ErrUntrustedTrash)
	}
	return nil
}

// openTrash pins <cache>/.locks/.hfcache-trash, creating it (mode 0700)
// and .locks when create is set. It refuses a trash that is a link, not a
// folder, or not trusted.
func (h *handles) openTrash(create bool) (trash *pinnedDir, madeLocks bool, err error) {
	locksPath := filepath.Join(h.cacheDir, ".locks")
	if _, err := h.cache.root.Lstat(".locks"); errors.Is(err, fs.ErrNotExist) && create {
		if err := h.cache.root.Mkdir(".locks", 0o755); err == nil {
			madeLocks = true
		} else if !errors.Is(err, fs.ErrExist) {
			return nil, false, fmt.Errorf("create trash: %w", err)
		}
	}
	locks, err := h.dir(locksPath)
	if errors.Is(err, ErrLinkedParent) {
		return nil, madeLocks, fmt.Errorf("%s %w", locksPath, ErrLinkedTrash)
	}
	if err != nil {
		return nil, madeLocks, err
	}
	trashPath := filepath.Join(locksPath, trashDir)
	if create {
		if err := locks.root.Mkdir(trashDir, trashMode); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, madeLocks, fmt.Errorf("create trash: %w", err)
		}
	}
	trash, err = h.dir(trashPath)
	if errors.Is(err, ErrLinkedParent) {
		return nil, madeLocks, fmt.Errorf("%s %w", trashPath, ErrLinkedTrash)
	}
	if err != nil {
		return nil, madeLocks, err
	}
	if err := trustTrash(trash); err != nil {
		h.forget(trashPath)
		return nil, madeLocks, err
	}
	return trash, madeLocks, nil
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
	for attempt := 0; ; attempt++ {
		trash, madeLocks, err := op.h.openTrash(true)
		op.madeLocks = op.madeLocks || madeLocks
		if errors.Is(err, fs.ErrNotExist) && attempt < 10 {
			// A concurrent run removed .locks or the empty trash
			// between its creation and its opening.
			op.h.forget(filepath.Join(op.h.cacheDir, ".locks"))
			continue
		}
		if err != nil {
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
	locks, err := op.h.dir(filepath.Dir(trashPath))
	op.h.forget(trashPath)
	if err == nil {
		_ = locks.root.Remove(trashDir) // only when empty
	}
	if op.madeLocks {
		op.h.forget(filepath.Dir(trashPath))
		_ = op.h.cache.root.Remove(".locks") // only when empty
	}
}
