// Package prune finds what `hfcache prune` removes beyond the revisions
// upstream's `hf cache prune` picks: detached revisions older than the N
// most recent of their repo (--keep-last), blobs no snapshot uses
// (--orphans) and lock files nobody holds (--locks). It only reads the
// cache; deletions go through package delete.
package prune

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/scan"
)

// Detached picks, per repo, the revisions no ref points to, except those
// among the keepLast most recently modified revisions of the repo (ties by
// hash). keepLast 0 picks every detached revision, as upstream does. A
// revision a ref points to is never picked.
func Detached(c *scan.Cache, keepLast int) []scan.Selection {
	var out []scan.Selection
	for _, repo := range c.Repos {
		revs := append([]*scan.Revision(nil), repo.Revisions...)
		sort.SliceStable(revs, func(i, j int) bool {
			a, b := revs[i], revs[j]
			if !a.LastModified.Equal(b.LastModified) {
				return a.LastModified.After(b.LastModified)
			}
			return a.Hash > b.Hash
		})
		var picked []*scan.Revision
		for i, rev := range revs {
			if i < keepLast || !rev.Detached() {
				continue
			}
			picked = append(picked, rev)
		}
		if len(picked) > 0 {
			sort.Slice(picked, func(i, j int) bool { return picked[i].Hash < picked[j].Hash })
			out = append(out, scan.Selection{Repo: repo, Revisions: picked})
		}
	}
	return out
}

// Incomplete lists every repo's blobs/*.incomplete partial downloads,
// split into those nobody writes to, those whose download is running
// (its lock, .locks/<repo>/<etag>.lock, is held): removing the latter
// would make the download fail, so they are left alone, and those whose
// locks cannot be checked (another account's lock folder, mode 0700),
// left alone too, since their download may be running. While any download
// of a repo runs, all its partial downloads count as running.
func Incomplete(c *scan.Cache) (stale, running []scan.Blob, unchecked []Unchecked) {
	for _, repo := range c.Repos {
		if len(repo.Incomplete) == 0 {
			continue
		}
		busy, repoErr := delete.CheckRepoLocks(c.Path, repo.FolderName())
		var u Unchecked
		for _, b := range repo.Incomplete {
			// <etag>.incomplete (0.21) or <etag>.<random>.incomplete (1.x)
			etag, _, _ := strings.Cut(filepath.Base(b.Path), ".")
			lock := filepath.Join(c.Path, ".locks", repo.FolderName(), etag+".lock")
			held, err := delete.LockHeld(lock)
			switch {
			case busy || (held && err == nil):
				running = append(running, b)
			case repoErr != nil || err != nil:
				if u.Err == nil {
					u.Err = repoErr
					if u.Err == nil {
						u.Err = err
					}
				}
				u.Blobs = append(u.Blobs, b)
			default:
				stale = append(stale, b)
			}
		}
		if len(u.Blobs) > 0 {
			unchecked = append(unchecked, u)
		}
	}
	return stale, running, unchecked
}

// Unchecked are the partial downloads of one repo whose download locks
// could not be checked: they are left alone.
type Unchecked struct {
	Blobs []scan.Blob
	// Err says why, with the path that could not be checked (a
	// *fs.PathError when the file system said why: "open
	// <cache>/.locks/<repo folder>: permission denied").
	Err error
}

// Orphans lists the regular files in each valid repo's blobs/ folder that
// no snapshot of any repo uses (partial downloads, *.incomplete, are not orphans: they
// are Incomplete). A blob whose download lock is held right now is left
// out: its download is finishing, and so are all the blobs of a repo in
// which any download runs (a blob just moved into place has no snapshot
// link yet). Repos the scanner rejected are skipped.
func Orphans(c *scan.Cache) ([]scan.Blob, error) {
	var out []scan.Blob
	// A snapshot of any repo may link to the blob (a hand-made or copied
	// cache links across repos): used is over the whole cache.
	used := scan.UsedBlobs(c.Repos...)
	for _, repo := range c.Repos {
		if delete.RepoBusy(c.Path, repo.FolderName()) {
			continue
		}
		dir := filepath.Join(repo.Path, "blobs")
		entries, err := os.ReadDir(dir)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return nil, err
		}
		for _, e := range entries {
			name := e.Name()
			p := filepath.Join(dir, name)
			if !e.Type().IsRegular() || strings.HasSuffix(name, ".incomplete") || used.Uses(p) {
				continue
			}
			lock := filepath.Join(c.Path, ".locks", repo.FolderName(), name+".lock")
			if held, _ := delete.LockHeld(lock); held {
				continue
			}
			st, err := e.Info()
			if err != nil {
				continue
			}
			out = append(out, scan.Blob{Path: p, Size: st.Size(), MTime: st.ModTime()})
		}
	}
	return out, nil
}

// UnreadableFolder is a folder below <cache>/.locks that could not be
// listed (another account's .locks/<repo> folder of mode 0700, an I/O
// error): the lock files it holds are left out, and so left alone.
type UnreadableFolder struct {
	Path string
	// Err says why, with the path: "list lock files: open <path>:
	// permission denied".
	Err error
}

// LockFiles lists the *.lock files below <cache>/.locks, sorted, leaving
// out hfcache's trash folders. A folder it cannot list is skipped, and
// returned in unreadable, and the rest is listed: in a cache shared by
// several accounts, one account's unreadable lock folder must not hide
// the others. A cache without .locks has no lock files.
func LockFiles(cacheDir string) (files []string, unreadable []UnreadableFolder) {
	root := filepath.Join(cacheDir, ".locks")
	// WalkDir calls back with an error only for what it could not read,
	// and skips the folder then; its own result is always nil.
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				unreadable = append(unreadable, UnreadableFolder{Path: p, Err: fmt.Errorf("list lock files: %w", err)})
			}
			// A folder removed meanwhile holds no lock file.
			return nil
		}
		if d.IsDir() && filepath.Dir(p) == root && strings.HasPrefix(d.Name(), ".hfcache-trash") {
			// hfcache's trashes (one per account, mode 0700: another
			// account's cannot be read) hold no download lock.
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && strings.HasSuffix(d.Name(), ".lock") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files, unreadable
}

// StaleLocks lists the lock files below <cache>/.locks nobody holds right
// now. It is conservative: the lock files of a repo folder are listed only
// when no lock of that repo is held (a process waiting for a held lock has
// the file open, and could lock the file after it is unlinked while a
// third process creates a new one: two holders) and the repo has no
// partial download (blobs/*.incomplete, which a download resumes under
// its lock) other than those in removing (the stale partial downloads the
// same run removes first). Lock files elsewhere below .locks are never
// listed. The folders it could not list are returned in unreadable (see
// LockFiles).
func StaleLocks(cacheDir string, removing []scan.Blob) (stale []string, unreadable []UnreadableFolder) {
	except := map[string]bool{}
	for _, b := range removing {
		except[b.Path] = true
	}
	files, unreadable := LockFiles(cacheDir)
	quiet := map[string]bool{}
	for _, f := range files {
		folderDir := filepath.Dir(f)
		if filepath.Dir(folderDir) != filepath.Join(cacheDir, ".locks") {
			continue
		}
		folder := filepath.Base(folderDir)
		ok, seen := quiet[folder]
		if !seen {
			ok = !delete.RepoBusy(cacheDir, folder) && !delete.HasIncomplete(filepath.Join(cacheDir, folder), except)
			quiet[folder] = ok
		}
		if ok {
			stale = append(stale, f)
		}
	}
	return stale, unreadable
}
