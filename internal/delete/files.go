package delete

// Deleting single files of a revision: the snapshot entries
// (snapshots/<hash>/<name>, links to ../../blobs/<etag>) go first, then
// the blobs that no remaining entry of any revision of any repo uses. What
// remains is a partial snapshot: both upstream scanners read it without a
// warning, and huggingface_hub downloads a removed file again on demand.
//
// The execution works through os.Root handles: the cache folder is opened
// as a root, the repo folder (checked to be a plain folder, not a link) as
// a root inside it, and every removal is a Root method on a path relative
// to the repo, whose parent folders are checked not to be links. Each repo
// is changed under its download locks, after being read again.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

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

// ExecuteFiles performs a file plan, repo by repo: under the repo's
// download locks (unless opts.NoLock), it reads the repo again, removes
// the planned snapshot entries that still exist, then the planned blobs
// that no entry now on disk uses (in this repo, or in another repo of the
// scanned cache). Links are removed, never followed; nothing outside the
// repo folder is removed. An error on one path is recorded and the rest
// goes on. Result.Removed counts entries and blobs; FreedSize the bytes
// of removed contents.
func ExecuteFiles(p *FilePlan, opts ExecOptions) *Result {
	res := &Result{}
	cacheDir := filepath.Clean(p.CacheDir)
	if p.CacheDir == "" || !filepath.IsAbs(cacheDir) {
		for _, rp := range p.Repos {
			res.Failures = append(res.Failures, Failure{KindRepo, rp.RepoPath, ErrOutsideCache})
		}
		return res
	}
	root, err := os.OpenRoot(cacheDir)
	if err != nil {
		for _, rp := range p.Repos {
			res.Failures = append(res.Failures, Failure{KindRepo, rp.RepoPath, fmt.Errorf("open cache %s: %w", cacheDir, err)})
		}
		return res
	}
	defer func() { _ = root.Close() }()
	for _, rp := range p.Repos {
		fe := &fileExec{plan: p, opts: opts, res: res, cacheDir: cacheDir}
		fe.repo(root, rp)
	}
	return res
}

type fileExec struct {
	plan     *FilePlan
	opts     ExecOptions
	res      *Result
	cacheDir string
}

func (fe *fileExec) fail(kind Kind, p string, err error) {
	fe.res.Failures = append(fe.res.Failures, Failure{kind, p, err})
}

func (fe *fileExec) removed(kind Kind, p string, size int64) {
	fe.res.Removed++
	fe.res.FreedSize += size
	if fe.opts.OnRemove != nil {
		fe.opts.OnRemove(kind, p)
	}
}

// repo changes one repo of the plan.
func (fe *fileExec) repo(root *os.Root, rp FileRepoPlan) {
	repoPath := filepath.Clean(rp.RepoPath)
	folder := filepath.Base(repoPath)
	if filepath.Dir(repoPath) != fe.cacheDir || folder == ".locks" {
		fe.fail(KindRepo, repoPath, ErrOutsideCache)
		return
	}
	if _, _, ok := scan.ParseFolderName(folder); !ok {
		fe.fail(KindRepo, repoPath, ErrOutsideCache)
		return
	}
	st, err := root.Lstat(folder)
	if errors.Is(err, fs.ErrNotExist) {
		return // gone already
	}
	if err != nil {
		fe.fail(KindRepo, repoPath, fmt.Errorf("change %s: %w", repoPath, err))
		return
	}
	if !st.IsDir() {
		fe.fail(KindRepo, repoPath, ErrLinkedParent)
		return
	}
	if !fe.opts.NoLock {
		locks, holder, err := lockRepo(fe.cacheDir, folder)
		switch {
		case errors.Is(err, errWouldBlock):
			fe.res.Locked = append(fe.res.Locked, repoPath)
			fe.res.Skipped = append(fe.res.Skipped, Skip{KindRepo, repoPath, fmt.Errorf("%w: %s", ErrLocked, holder)})
			return
		case err != nil:
			fe.fail(KindRepo, repoPath, fmt.Errorf("%w: %s: %w", ErrLockCheck, holder, err))
			return
		}
		defer locks.release()
	}
	repoRoot, err := root.OpenRoot(folder)
	if err != nil {
		fe.fail(KindRepo, repoPath, fmt.Errorf("change %s: %w", repoPath, err))
		return
	}
	defer func() { _ = repoRoot.Close() }()
	if again, err := repoRoot.Lstat("."); err != nil || !os.SameFile(st, again) {
		fe.fail(KindRepo, repoPath, fmt.Errorf("%w: the repo folder changed while it was opened", ErrRepoChanged))
		return
	}

	// Read the repo again: which entries exist now, and what uses what.
	fresh, err := scan.ScanRepo(repoPath, scan.Options{Modern: fe.plan.Modern, Files: true})
	if err != nil {
		fe.fail(KindRepo, repoPath, fmt.Errorf("%w: %w", ErrRepoChanged, err))
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
		rel := path.Join("snapshots", l.Revision, l.Name)
		entry := filepath.Join(repoPath, filepath.FromSlash(rel))
		if err := removeInRoot(repoRoot, rel); err != nil {
			fe.fail(KindFile, entry, err)
			continue
		}
		gone[key] = true
		var size int64
		if b.Path == entry {
			size = b.Size // a plain file: its own content
		}
		fe.removed(KindFile, entry, size)
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
			fe.res.Skipped = append(fe.res.Skipped, Skip{KindBlob, b, ErrInUse})
			continue
		}
		rel, ok := blobRel(repoPath, b)
		if !ok {
			fe.res.Skipped = append(fe.res.Skipped, Skip{KindBlob, b, ErrOutsideRepo})
			continue
		}
		st, err := repoRoot.Lstat(rel)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil && !st.Mode().IsRegular() {
			fe.res.Skipped = append(fe.res.Skipped, Skip{KindBlob, b, fmt.Errorf("not a regular file")})
			continue
		}
		if err := removeInRoot(repoRoot, rel); err != nil {
			fe.fail(KindBlob, b, err)
			continue
		}
		fe.removed(KindBlob, b, fe.plan.BlobSizes[b])
	}
}

// blobRel returns b relative to the repo folder when it lies directly in
// <repo>/blobs.
func blobRel(repoPath, b string) (string, bool) {
	if filepath.Dir(b) != filepath.Join(repoPath, "blobs") {
		return "", false
	}
	return "blobs/" + filepath.Base(b), true
}

// removeInRoot removes the file or link rel ('/'-separated) of the repo
// root r, after checking that none of its parent folders is a link (os.Root
// would follow one that stays inside the repo). A folder is never removed.
func removeInRoot(r *os.Root, rel string) error {
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		dir := strings.Join(parts[:i], "/")
		st, err := r.Lstat(dir)
		if err != nil {
			return fmt.Errorf("remove %s: %w", rel, err)
		}
		if !st.IsDir() || st.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("remove %s: %w", rel, ErrLinkedParent)
		}
	}
	st, err := r.Lstat(rel)
	if err != nil {
		return fmt.Errorf("remove %s: %w", rel, err)
	}
	if st.IsDir() {
		return fmt.Errorf("remove %s: is a folder", rel)
	}
	if err := r.Remove(rel); err != nil {
		return fmt.Errorf("remove %s: %w", rel, err)
	}
	return nil
}
