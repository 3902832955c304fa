package delete

// Deleting single files of a revision: the snapshot entries
// (snapshots/<hash>/<name>, links to ../../blobs/<etag>) go first, then
// the blobs that no remaining entry of any revision of any repo uses. What
// remains is a partial snapshot: both upstream scanners read it without a
// warning, and huggingface_hub downloads a removed file again on demand.
//
// The execution goes through the executor of execute.go: pinned folder
// handles (pinned.go), the repo's download locks (holdRepo), removals
// through the pinned folder (removeFile), retries on Windows, and a path
// another run removed meanwhile counted as done. Each repo is changed
// under its download locks, after being read again.

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"

	"github.com/hfcache/hfcache/internal/scan"
)

// KindFile names a snapshot entry (one file of a revision).
const KindFile Kind = "file"

// ErrNoFileList says the scanned cache was read without its file lists
// (scan.Options.Files), which a file deletion needs.
var ErrNoFileList = errors.New("the cache was scanned without file lists")

// FileSelection names files of one revision of a scanned repo.
type FileSelection struct {
	Repo     *scan.Repo
	Revision *scan.Revision
	// Names are scan.File.Name values ('/'-separated, relative to the
	// snapshot folder); names the revision does not have are ignored.
	Names []string
}

// FileLink is one snapshot entry a file plan removes.
type FileLink struct {
	Revision string // the revision's hash (snapshot folder name)
	Name     string // path relative to the snapshot folder, '/'-separated
	Blob     string // the resolved content it points to
	Size     int64  // the content's size
}

// FileRepoPlan is the part of a file plan that lies in one repo.
type FileRepoPlan struct {
	RepoPath string
	// Links are the snapshot entries removed, sorted by revision and name.
	Links []FileLink
	// Blobs are the files of <repo>/blobs that no remaining entry uses,
	// removed after the links; sorted.
	Blobs []string
}

// FilePlan is what deleting files of revisions means on disk.
type FilePlan struct {
	CacheDir string
	Modern   bool
	Repos    []FileRepoPlan
	// BlobSizes gives the size of each removed blob, and of each
	// Windows-style snapshot entry (a plain file: its own content).
	BlobSizes map[string]int64
	// ExpectedFreedSize is the number of bytes the plan frees.
	ExpectedFreedSize int64
	// Shared lists, sorted, the contents of removed entries that stay
	// because another entry (another revision, another file, another
	// repo) still uses them: deleting those files frees nothing.
	Shared []string
	// Elsewhere lists, sorted, contents no remaining entry uses that are
	// not plain blobs of the repo (a shared payload, a file of another
	// repo or out of the cache): kept, and not counted as freed
	// (hfcache prune --orphans collects what is really unused).
	Elsewhere []string
	// used counts, for every content of the scanned cache, the entries
	// of every revision of every repo that resolve to it.
	used map[string]int
}

// NbFiles is the number of snapshot entries the plan removes.
func (p *FilePlan) NbFiles() int {
	n := 0
	for _, r := range p.Repos {
		n += len(r.Links)
	}
	return n
}

// BlobUses counts, for every content (scan.Blob.Path) of the scanned cache,
// the snapshot entries of every revision of every repo that resolve to it:
// a file whose content has a count above one frees nothing when deleted.
// The cache must have been scanned with scan.Options.Files.
func BlobUses(c *scan.Cache) map[string]int {
	used := map[string]int{}
	for _, repo := range c.Repos {
		for _, rev := range repo.Revisions {
			for _, f := range rev.Files {
				used[repo.Blobs[f.Blob].Path]++
			}
		}
	}
	return used
}

// FileFreed is what deleting the single file f of repo frees, given the
// counts of BlobUses: its size when nothing else uses its content and the
// content is a plain blob of the repo (or the entry itself), else 0.
func FileFreed(c *scan.Cache, repo *scan.Repo, rev *scan.Revision, f scan.File, uses map[string]int) int64 {
	b := repo.Blobs[f.Blob]
	if uses[b.Path] > 1 || !removableContent(c.Path, repo.Path, rev, f.Name, b.Path) {
		return 0
	}
	return b.Size
}

// removableContent reports whether content, the resolved target of the
// entry name of rev, is something a file deletion removes: a file directly
// in <repo>/blobs, or the entry itself (a Windows-style plain file).
func removableContent(cacheDir, repoPath string, rev *scan.Revision, name, content string) bool {
	if content == filepath.Join(rev.SnapshotPath, filepath.FromSlash(name)) {
		return true
	}
	return filepath.Dir(content) == filepath.Join(repoPath, "blobs") && !scan.IsSharedPayload(cacheDir, content)
}

// PlanFiles plans the deletion of the selected files. A content goes only
// when no entry left in any revision of any repo of c uses it.
func PlanFiles(c *scan.Cache, sel []FileSelection) (*FilePlan, error) {
	p := &FilePlan{CacheDir: c.Path, Modern: c.Modern, BlobSizes: map[string]int64{}}
	for _, repo := range c.Repos {
		for _, rev := range repo.Revisions {
			if rev.Files == nil && rev.NbFiles > 0 {
				return nil, ErrNoFileList
			}
		}
	}
	p.used = BlobUses(c)
	removed := map[string]int{}
	byRepo := map[string]*FileRepoPlan{}
	var order []string
	seen := map[string]bool{}
	for _, s := range sel {
		names := map[string]bool{}
		for _, n := range s.Names {
			names[n] = true
		}
		rp := byRepo[s.Repo.Path]
		for _, f := range s.Revision.Files {
			key := s.Repo.Path + "\x00" + s.Revision.Hash + "\x00" + f.Name
			if !names[f.Name] || seen[key] {
				continue
			}
			seen[key] = true
			if rp == nil {
				rp = &FileRepoPlan{RepoPath: s.Repo.Path}
				byRepo[s.Repo.Path] = rp
				order = append(order, s.Repo.Path)
			}
			b := s.Repo.Blobs[f.Blob]
			rp.Links = append(rp.Links, FileLink{Revision: s.Revision.Hash, Name: f.Name, Blob: b.Path, Size: b.Size})
			removed[b.Path]++
		}
	}
	sort.Strings(order)
	blobDone := map[string]bool{}
	for _, repoPath := range order {
		rp := byRepo[repoPath]
		sort.Slice(rp.Links, func(i, j int) bool {
			a, b := rp.Links[i], rp.Links[j]
			if a.Revision != b.Revision {
				return a.Revision < b.Revision
			}
			return a.Name < b.Name
		})
		for _, l := range rp.Links {
			if blobDone[l.Blob] {
				continue
			}
			blobDone[l.Blob] = true
			switch {
			case removed[l.Blob] < p.used[l.Blob]:
				p.Shared = append(p.Shared, l.Blob)
			case l.Blob == filepath.Join(repoPath, "snapshots", l.Revision, filepath.FromSlash(l.Name)):
				p.BlobSizes[l.Blob] = l.Size // goes with its entry
				p.ExpectedFreedSize += l.Size
			case filepath.Dir(l.Blob) == filepath.Join(repoPath, "blobs") && !scan.IsSharedPayload(c.Path, l.Blob):
				rp.Blobs = append(rp.Blobs, l.Blob)
				p.BlobSizes[l.Blob] = l.Size
				p.ExpectedFreedSize += l.Size
			default:
				p.Elsewhere = append(p.Elsewhere, l.Blob)
			}
		}
		sort.Strings(rp.Blobs)
		p.Repos = append(p.Repos, *rp)
	}
	sort.Strings(p.Shared)
	sort.Strings(p.Elsewhere)
	return p, nil
}

// ExecuteFiles performs a file plan, repo by repo, through the same
// executor as Execute (see execute.go): under the repo's download locks
// (unless opts.NoLock; locks another run holds for a moment are waited
// for), it pins the repo folder, its blobs/ and the folders holding the
// planned entries, reads the repo again and checks that every pinned name
// still leads to the folder that was read, then removes the planned
// snapshot entries that still exist, then the planned blobs that no entry
// now on disk uses (in this repo, or in another repo of the scanned
// cache). Every removal goes through a pinned folder handle: links are
// removed, never followed, and a folder swapped for another one (or for a
// link) after it was pinned redirects nothing. A path another run removed
// meanwhile is not a failure. An error on one path is recorded and the
// rest goes on. Result.Removed counts entries and blobs; FreedSize the
// bytes of removed contents.
func ExecuteFiles(p *FilePlan, opts ExecOptions) *Result {
	res := &Result{}
	cacheDir := filepath.Clean(p.CacheDir)
	if p.CacheDir == "" || !filepath.IsAbs(cacheDir) {
		for _, rp := range p.Repos {
			res.Failures = append(res.Failures, Failure{KindRepo, rp.RepoPath, ErrOutsideCache})
		}
		return res
	}
	ex := &executor{cacheDir: cacheDir, opts: opts, res: res}
	defer ex.close()
	if _, err := ex.pins(); err != nil {
		for _, rp := range p.Repos {
			ex.fail(KindRepo, rp.RepoPath, err)
		}
		return res
	}
	for _, rp := range p.Repos {
		ex.files(p, rp)
	}
	return res
}

// files removes the planned entries and blobs of one repo.
func (ex *executor) files(p *FilePlan, rp FileRepoPlan) {
	repoPath := filepath.Clean(rp.RepoPath)
	folder := filepath.Base(repoPath)
	if filepath.Dir(repoPath) != ex.cacheDir || folder == ".locks" {
		ex.fail(KindRepo, repoPath, ErrOutsideCache)
		return
	}
	if _, _, ok := scan.ParseFolderName(folder); !ok {
		ex.fail(KindRepo, repoPath, ErrOutsideCache)
		return
	}
	h := ex.h
	if _, err := h.cache.root.Lstat(folder); errors.Is(err, fs.ErrNotExist) {
		return // gone already
	}
	locks, err := ex.holdRepo(repoPath)
	if err != nil {
		return
	}
	defer locks.release()
	repoDir, err := h.dir(repoPath)
	if errors.Is(err, fs.ErrNotExist) {
		return // removed by another run
	}
	if err != nil {
		ex.fail(KindRepo, repoPath, fmt.Errorf("%w: %w", ErrRepoChanged, err))
		return
	}
	defer h.forget(repoPath)
	// Pin, before reading the repo again, blobs/ and every folder holding
	// a planned entry (a linked one is refused path by path below, with
	// the reason).
	blobsPath := filepath.Join(repoPath, "blobs")
	_, _ = h.dir(blobsPath)
	for _, l := range rp.Links {
		_, _ = h.dir(filepath.Dir(fileEntryPath(repoPath, l)))
	}
	fresh, err := rescanRepo(repoPath, scan.Options{Modern: p.Modern, Files: true})
	if errors.Is(err, fs.ErrNotExist) {
		return // removed by another run
	}
	if err == nil {
		err = h.stillPinned(repoPath, repoDir)
	}
	if err != nil {
		if _, statErr := h.cache.root.Lstat(folder); errors.Is(statErr, fs.ErrNotExist) {
			return // removed by another run meanwhile
		}
		ex.fail(KindRepo, repoPath, fmt.Errorf("%w: %w", ErrRepoChanged, err))
		return
	}
	now := map[string]scan.Blob{} // hash/name -> content
	for _, rev := range fresh.Revisions {
		for _, f := range rev.Files {
			now[rev.Hash+"/"+f.Name] = fresh.Blobs[f.Blob]
		}
	}
	// 1. The entries.
	gone := map[string]bool{}
	for _, l := range rp.Links {
		key := l.Revision + "/" + l.Name
		b, ok := now[key]
		if !ok {
			continue // removed since the scan
		}
		entry := fileEntryPath(repoPath, l)
		if err := h.removeFile(filepath.Join(repoPath, "snapshots", l.Revision), entry); err != nil {
			ex.fail(KindFile, entry, err)
			continue
		}
		gone[key] = true
		if b.Path == entry {
			ex.res.FreedSize += b.Size // a plain file: its own content
		}
		ex.removed(KindFile, entry)
	}
	// 2. The blobs no entry left in this repo uses now (the plan spared
	// those other repos of the scanned cache use).
	inRepo := map[string]int{}
	for key, b := range now {
		if !gone[key] {
			inRepo[b.Path]++
		}
	}
	for _, b := range rp.Blobs {
		if inRepo[b] > 0 {
			ex.skip(KindBlob, b, ErrInUse)
			continue
		}
		if filepath.Dir(b) != blobsPath {
			ex.skip(KindBlob, b, ErrOutsideRepo)
			continue
		}
		blobs, err := h.dir(blobsPath)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed by another run
		}
		if err != nil {
			ex.fail(KindBlob, b, fmt.Errorf("remove %s: %w", b, err))
			continue
		}
		st, err := blobs.root.Lstat(filepath.Base(b))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil && !st.Mode().IsRegular() {
			ex.skip(KindBlob, b, fmt.Errorf("not a regular file"))
			continue
		}
		if err := h.removeFile(blobsPath, b); err != nil {
			ex.fail(KindBlob, b, err)
			continue
		}
		ex.res.FreedSize += p.BlobSizes[b]
		ex.removed(KindBlob, b)
	}
}

// fileEntryPath is the path of a planned snapshot entry.
func fileEntryPath(repoPath string, l FileLink) string {
	return filepath.Join(repoPath, "snapshots", l.Revision, filepath.FromSlash(l.Name))
}
