package delete

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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
func Recover(cacheDir string, opts scan.Options) int {
	root := filepath.Join(cacheDir, ".locks", trashDir)
	if trashUsable(cacheDir) != nil {
		return 0 // no trash, or a link to somewhere else: never touch it
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".journal.tmp") {
			removeDeadJournal(filepath.Join(root, name))
			continue
		}
		if !strings.HasSuffix(name, ".journal") {
			if _, err := os.Lstat(filepath.Join(root, name+".journal")); errors.Is(err, fs.ErrNotExist) && e.IsDir() {
				_ = os.RemoveAll(filepath.Join(root, name))
			}
			continue
		}
		if recoverJournal(cacheDir, root, name, opts) {
			n++
		}
	}
	_ = os.Remove(root)
	return n
}

// deadJournalAge is how old an unlocked temporary journal must be before
// Recover removes it: a young one may be between its creation and its
// lock.
const deadJournalAge = time.Hour

// removeDeadJournal removes a journal still under its temporary name
// whose process died before it was renamed into place (nothing was
// journaled in it yet). One that is locked is being started, and so may
// be a recent one that is not locked yet: only old ones go.
func removeDeadJournal(path string) {
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() || time.Since(st.ModTime()) < deadJournalAge {
		return
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return
	}
	defer func() { _ = f.Close() }()
	if tryLockFile(f) == nil {
		_ = os.Remove(path)
	}
}

func recoverJournal(cacheDir, root, name string, opts scan.Options) bool {
	path := filepath.Join(root, name)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer func() { _ = f.Close() }() // releases the journal's lock
	if err := tryLockFile(f); err != nil {
		return false // its process still runs
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	byRepo := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		repo, blob, ok := strings.Cut(line, "\t")
		if !ok || filepath.Dir(repo) != cacheDir || !Inside(blob, repo) {
			continue
		}
		byRepo[repo] = append(byRepo[repo], blob)
	}
	for repo, blobs := range byRepo {
		locks, _, err := lockRepo(cacheDir, filepath.Base(repo))
		if err != nil {
			return false // a download runs there: try again next time
		}
		fresh, err := scan.ScanRepo(repo, opts)
		if err != nil {
			locks.release()
			continue // gone or not valid: leave its blobs alone
		}
		used := scan.UsedBlobs(fresh)
		for _, b := range blobs {
			if !used[b] {
				_ = removeFile(repo, b)
			}
		}
		locks.release()
	}
	_ = os.RemoveAll(filepath.Join(root, strings.TrimSuffix(name, ".journal")))
	_ = os.Remove(path)
	return true
}
