package delete

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hfcache/hfcache/internal/scan"
)

// Recover completes the deletions that an earlier run left unfinished
// (killed midway): for each trash journal whose process is gone it removes
// the blobs it names that no revision uses any more, then the trash. It
// returns the number of journals completed. Journals of running processes
// are left alone. Repos are read with the scanner rules opts (those of the
// run that recovers: a repo those rules reject keeps its blobs).
//
// Each account has its own trash (see trashName). Recover works in the
// running account's trashes; run as root, it also removes the remains of
// dead runs from other accounts' trashes (those only their owner may
// write), without believing their journals: the folders of runs whose
// journal is missing or no longer locked go, the journals stay for their
// owner's next run to complete.
//
// Nothing a second user of the cache can write is believed: a trash is
// used only when it is a plain folder owned by the running user and not
// writable by others (see openTrash), a journal only when it is a regular
// file in it owned by the running user or root and not writable by
// others. Even then a journal only names candidates: a candidate goes only
// when it is an entry of its repo's blobs/ folder that a fresh scan of the
// repo, under its download locks, shows no revision uses. Refs and
// snapshot links are never removed on a journal's word.
func Recover(cacheDir string, opts scan.Options) int {
	return recoverCache(cacheDir, opts, leftovers{})
}

// leftovers records, by path, why Recover left a dead run's folder in a
// trash: the error of its removal, or the reason it was kept.
type leftovers map[string]error

// recoverCache is Recover; it records in left why it left any dead run's
// folder where it was.
func recoverCache(cacheDir string, opts scan.Options, left leftovers) int {
	h, err := openHandles(filepath.Clean(cacheDir))
	if err != nil {
		return 0
	}
	defer h.close()
	names, err := h.trashNames()
	if err != nil {
		return 0
	}
	n := 0
	for _, name := range names {
		trash, kind, _, err := h.openTrash(name, false)
		if err != nil {
			continue // a link, or not trusted: never touch it
		}
		switch {
		case kind == ownTrash:
			n += recoverTrash(h, trash, opts, left)
		case isRoot():
			reclaimForeignTrash(trash, left)
		default:
			h.forget(trash.path)
			continue
		}
		h.removeTrashIfEmpty(trash)
	}
	return n
}

// recoverTrash completes the dead runs of one of the running account's
// trashes and returns how many journals it completed.
func recoverTrash(h *handles, trash *pinnedDir, opts scan.Options, left leftovers) int {
	entries, err := fs.ReadDir(trash.root.FS(), ".")
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".journal.tmp") {
			removeDeadJournal(trash, name)
			continue
		}
		if !strings.HasSuffix(name, ".journal") {
			if _, err := trash.root.Lstat(name + ".journal"); errors.Is(err, fs.ErrNotExist) && e.IsDir() {
				left.removeAll(trash, name)
			}
			continue
		}
		if recoverJournal(h, trash, name, opts, left) {
			n++
		}
	}
	return n
}

// reclaimForeignTrash removes, as root, the remains of dead runs from
// another account's trash, through its pinned handle: each folder whose
// journal is missing or not locked by a running process. Its journals
// are neither believed nor removed (their owner's next run completes
// them); its files are left alone.
func reclaimForeignTrash(trash *pinnedDir, left leftovers) {
	entries, err := fs.ReadDir(trash.root.FS(), ".")
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || strings.Contains(name, ".") || journalLive(trash, name+".journal") {
			continue
		}
		left.removeAll(trash, name)
	}
}

// removeAll removes the dead run's folder name of a pinned trash, and
// records why when it cannot.
func (left leftovers) removeAll(trash *pinnedDir, name string) {
	if err := retryBusy(func() error { return trash.root.RemoveAll(name) }); err != nil {
		path := filepath.Join(trash.path, name)
		left[path] = fmt.Errorf("remove %s: %w", path, err)
	}
}

// failures lists, sorted by path, the dead runs' folders left in a trash
// and why, leaving out those whose run turned out to be still going
// (not remains: their run removes them).
func (left leftovers) failures() []Failure {
	var out []Failure
	for path, err := range left {
		if errors.Is(err, errRunning) {
			continue
		}
		out = append(out, Failure{Kind: KindTrash, Path: path, Err: err})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// keep records why a dead run's folder is left in its trash on purpose.
func (left leftovers) keep(trash *pinnedDir, journal string, why error) {
	path := filepath.Join(trash.path, strings.TrimSuffix(journal, ".journal"))
	left[path] = fmt.Errorf("complete %s: %w", path, why)
}

// deadJournalAge is how old an unlocked temporary journal must be before
// Recover removes it: a young one may be between its creation and its
// lock.
const deadJournalAge = time.Hour

// removeDeadJournal removes a journal still under its temporary name
// whose process died before it was renamed into place (nothing was
// journaled in it yet). One that is locked is being started, and so may
// be a recent one that is not locked yet: only old ones go.
func removeDeadJournal(trash *pinnedDir, name string) {
	st, err := trash.root.Lstat(name)
	if err != nil || !st.Mode().IsRegular() || time.Since(st.ModTime()) < deadJournalAge {
		return
	}
	f, err := trash.root.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return
	}
	locked := tryLockFile(f) == nil
	_ = f.Close() // closed before removed (Windows)
	if locked {
		_ = trash.root.Remove(name)
	}
}

// Reasons Recover leaves a dead run's folder in its trash.
var (
	errUntrustedJournal = errors.New("not trusted: not a regular file, or owned by another user, or writable by others")
	errReplacedJournal  = errors.New("replaced while it was read")
	errRunning          = errors.New("its run is still going")
)

// trustedJournal reports whether a journal may be believed: a regular
// file owned by the running user or root that others cannot write.
func trustedJournal(st fs.FileInfo) bool {
	return st.Mode().IsRegular() && ownedByUs(st) && private(st)
}

func recoverJournal(h *handles, trash *pinnedDir, name string, opts scan.Options, left leftovers) bool {
	st, err := trash.root.Lstat(name)
	if err == nil && !trustedJournal(st) {
		err = errUntrustedJournal
	}
	if err != nil {
		left.keep(trash, name, fmt.Errorf("journal %s: %w", name, err))
		return false
	}
	f, err := trash.root.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		left.keep(trash, name, fmt.Errorf("journal %s: %w", name, err))
		return false
	}
	if err := tryLockFile(f); err != nil {
		_ = f.Close()
		left.keep(trash, name, errRunning)
		return false // its process still runs
	}
	got, err := f.Stat()
	var data []byte
	if err == nil && sameEntry(st, got) {
		data, err = io.ReadAll(f)
	}
	if err == nil && !sameEntry(st, got) {
		err = errReplacedJournal
	}
	if err != nil {
		_ = f.Close()
		left.keep(trash, name, fmt.Errorf("journal %s: %w", name, err))
		return false
	}
	byRepo := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		repo, blob, ok := strings.Cut(line, "\t")
		if !ok || filepath.Dir(repo) != h.cacheDir || filepath.Dir(blob) != filepath.Join(repo, "blobs") {
			continue // only entries of a repo's blobs/ folder
		}
		byRepo[repo] = append(byRepo[repo], blob)
	}
	for repo, blobs := range byRepo {
		if err := recoverRepo(h, repo, blobs, opts); err != nil {
			_ = f.Close()
			// A download runs there: try again next time.
			left.keep(trash, name, err)
			return false
		}
	}
	// The journal stays locked until its trash folder is gone.
	left.removeAll(trash, strings.TrimSuffix(name, ".journal"))
	_ = f.Close() // closed before removed (Windows)
	_ = trash.root.Remove(name)
	return true
}

// recoverRepo removes the journaled blobs of repo that are unused now,
// under the repo's download locks; an error wrapping ErrLocked when
// another process holds one, ErrLockCheck when they cannot be checked.
func recoverRepo(h *handles, repo string, blobs []string, opts scan.Options) error {
	locks, holder, err := lockRepo(h.cacheDir, filepath.Base(repo))
	if errors.Is(err, errWouldBlock) {
		return fmt.Errorf("%w: %s", ErrLocked, holder)
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrLockCheck, holder, err)
	}
	defer locks.release()
	defer h.forget(repo)
	repoDir, err := h.dir(repo)
	if err != nil {
		return nil // gone or not a plain folder: leave it alone
	}
	fresh, err := scan.ScanRepo(repo, opts)
	if err != nil || !h.cache.still(filepath.Base(repo), repoDir) {
		return nil // not valid: leave its blobs alone
	}
	used := scan.UsedBlobs(fresh)
	for _, b := range blobs {
		if !used[b] && !strings.HasSuffix(b, ".incomplete") {
			_ = h.removeFile(filepath.Join(repo, "blobs"), b)
		}
	}
	return nil
}
