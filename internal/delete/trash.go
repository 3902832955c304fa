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
// <cache>/.locks/.hfcache-trash/<id>/ and <id>.journal next to it. The
// journal is locked for as long as the operation runs.
type operation struct {
	root, dir, journalPath string
	journalFile            *os.File
	madeLocks              bool
	n                      int
}

func startOperation(cacheDir string) (*operation, error) {
	locksDir := filepath.Join(cacheDir, ".locks")
	op := &operation{}
	if _, err := os.Lstat(locksDir); errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(locksDir, 0o755); err != nil {
			return nil, fmt.Errorf("create trash: %w", err)
		}
		op.madeLocks = true
	}
	if st, err := os.Lstat(locksDir); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("create trash: %s %w", locksDir, ErrLinkedTrash)
	}
	op.root = filepath.Join(locksDir, trashDir)
	id := strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	op.journalPath = filepath.Join(op.root, id+".journal")
	f, err := createJournal(cacheDir, op.root, op.journalPath)
	if err != nil {
		return nil, err
	}
	op.journalFile = f
	op.dir = filepath.Join(op.root, id)
	if err := os.Mkdir(op.dir, 0o755); err != nil {
		_ = f.Close()
		_ = os.Remove(op.journalPath)
		return nil, fmt.Errorf("create trash: %w", err)
	}
	return op, nil
}

// journalCreated, when set (tests), is called with the path of the new
// journal file right after it is created, before it is locked.
var journalCreated func(path string)

// createJournal creates the trash root and, locked, the journal at path. A
// concurrent Recover treats an unlocked *.journal as the leftover of a dead
// process and removes it with the trash root, so the journal is created and
// locked under a temporary name (path + ".tmp", which Recover removes
// only when it is old and unlocked) and only then renamed into place. Recover may also remove
// the empty trash root between its creation and the journal's: that is
// retried.
func createJournal(cacheDir, root, path string) (*os.File, error) {
	tmp := path + ".tmp"
	for attempt := 0; ; attempt++ {
		if err := os.MkdirAll(root, 0o755); err != nil {
			return nil, fmt.Errorf("create trash: %w", err)
		}
		if err := trashUsable(cacheDir); err != nil {
			return nil, fmt.Errorf("create trash: %w", err)
		}
		f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o644)
		if errors.Is(err, fs.ErrNotExist) && attempt < 10 {
			continue // the root was removed by a concurrent Recover
		}
		if err != nil {
			return nil, fmt.Errorf("create trash journal: %w", err)
		}
		if journalCreated != nil {
			journalCreated(tmp)
		}
		if err := lockFile(f); err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
			return nil, fmt.Errorf("lock trash journal: %w", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
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

// discard moves path (a snapshot folder inside parent, or a repo folder)
// into the trash in one rename and removes it there. When the rename fails
// and inPlace is set, the folder is removed where it is (fine for a
// snapshot folder: its links stay valid to the end since blobs go after
// it); otherwise the rename error is returned.
func (op *operation) discard(parent, path string, inPlace bool) error {
	if err := checkParent(parent, path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("remove %s: %w", path, err)
	}
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	op.n++
	dest := filepath.Join(op.dir, strconv.Itoa(op.n))
	if err := os.Rename(path, dest); err != nil {
		if !inPlace {
			return fmt.Errorf("move %s to the trash: %w", path, err)
		}
		if err := os.RemoveAll(path); err != nil {
			return fmt.Errorf("remove %s: %w", path, err)
		}
		return nil
	}
	if err := os.RemoveAll(dest); err != nil {
		return fmt.Errorf("%w: %s (moved to %s): %w", errTrashRemove, path, dest, err)
	}
	return nil
}

// errTrashRemove says a folder left the cache (moved into the trash) but
// could not be removed there.
var errTrashRemove = errors.New("moved out of the cache but not removed")

// finish removes the trash folder and the journal, and .locks when this
// operation created it and left it empty.
func (op *operation) finish() {
	_ = os.RemoveAll(op.dir)
	_ = os.Remove(op.journalPath)
	_ = op.journalFile.Close()
	_ = os.Remove(op.root)
	if op.madeLocks {
		_ = os.Remove(filepath.Dir(op.root))
	}
}

// ErrLinkedTrash says <cache>/.locks or its trash folder is not a plain
// folder: hfcache never moves anything into, nor removes anything from, a
// trash that a link sends elsewhere (someone sharing the cache could make
// it point into your home folder).
var ErrLinkedTrash = errors.New("is a symbolic link or not a folder: not used as the trash")

// trashUsable checks that <cache>/.locks and <cache>/.locks/.hfcache-trash
// exist and are plain folders, not links.
func trashUsable(cacheDir string) error {
	for _, p := range []string{filepath.Join(cacheDir, ".locks"), filepath.Join(cacheDir, ".locks", trashDir)} {
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if !st.IsDir() {
			return fmt.Errorf("%s %w", p, ErrLinkedTrash)
		}
	}
	return nil
}
