package scan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Options tune a scan. The zero value scans like huggingface_hub 0.21.
type Options struct {
	// Workers bounds the number of repos scanned at once; 0 means
	// 4 x GOMAXPROCS.
	Workers int
	// Files keeps each revision's file list (Revision.Files). Without it
	// only the aggregates and the blob sets are kept.
	Files bool
	// Modern applies huggingface_hub 1.x rules: OS junk files (.DS_Store,
	// Thumbs.db, desktop.ini), CACHEDIR.TAG and the shared blob store (a
	// blobs/ folder, see shared.go) are ignored, and
	// blobs/*.incomplete files are collected in Repo.Incomplete.
	Modern bool
}

// ErrNotFound is returned (wrapped in *NotFoundError) when the cache
// directory does not exist.
var ErrNotFound = errors.New("cache directory not found")

// NotFoundError says the cache directory does not exist.
type NotFoundError struct{ Path string }

func (e *NotFoundError) Error() string { return "cache directory not found: " + e.Path }

// Unwrap lets errors.Is(err, ErrNotFound) match.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// NotDirError says the cache path is a file, not a directory.
type NotDirError struct{ Path string }

func (e *NotDirError) Error() string { return "cache path is not a directory: " + e.Path }

// junkNames are files that hf 1.x ignores wherever it lists entries.
var junkNames = map[string]bool{".DS_Store": true, "Thumbs.db": true, "desktop.ini": true}

// Dir scans the cache directory dir, which should already be absolute and
// resolved (see ResolvePath). Repos are scanned in parallel.
func Dir(dir string, opts Options) (*Cache, error) {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &NotFoundError{Path: dir}
		}
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, &NotDirError{Path: dir}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if name == ".locks" {
			continue
		}
		if opts.Modern && (junkNames[name] || name == "CACHEDIR.TAG" || (name == SharedStoreDir && e.IsDir())) {
			continue
		}
		names = append(names, name)
	}

	workers := opts.Workers
	if workers <= 0 {
		workers = 4 * runtime.GOMAXPROCS(0)
	}
	repos := make([]*Repo, len(names))
	errs := make([]*CorruptedError, len(names))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(workers, len(names)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				repos[i], errs[i] = scanRepo(filepath.Join(dir, names[i]), names[i], opts)
			}
		}()
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()

	cache := &Cache{Path: dir}
	for i := range names {
		if errs[i] != nil {
			cache.Warnings = append(cache.Warnings, errs[i])
			continue
		}
		cache.Repos = append(cache.Repos, repos[i])
		cache.Size += repos[i].Size
	}
	sort.Slice(cache.Repos, func(i, j int) bool { return cache.Repos[i].Path < cache.Repos[j].Path })
	sort.SliceStable(cache.Warnings, func(i, j int) bool { return cache.Warnings[i].Msg < cache.Warnings[j].Msg })
	return cache, nil
}

// Repo scans a single repo folder (e.g. <cache>/models--org--name). It
// returns a *CorruptedError when the folder is not a valid cached repo.
func ScanRepo(repoPath string, opts Options) (*Repo, error) {
	repo, cerr := scanRepo(repoPath, filepath.Base(repoPath), opts)
	if cerr != nil {
		return nil, cerr
	}
	return repo, nil
}

// ParseFolderName splits "models--org--name" into ("model", "org/name").
// ok is false when the name has no "--" or an unknown type.
func ParseFolderName(name string) (repoType, repoID string, ok bool) {
	prefix, rest, found := strings.Cut(name, "--")
	if !found {
		return "", "", false
	}
	if prefix != "" {
		repoType = prefix[:len(prefix)-1]
	}
	repoID = strings.ReplaceAll(rest, "--", "/")
	switch repoType {
	case TypeModel, TypeDataset, TypeSpace:
		return repoType, repoID, true
	}
	return repoType, repoID, false
}

func corrupted(path, format string, args ...any) *CorruptedError {
	return &CorruptedError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// repoScanner holds the state of one repo scan.
type repoScanner struct {
	opts     Options
	repo     *Repo
	blobIdx  map[string]int32
	blobsDir string // <repo>/blobs when it is a real directory, else ""
	fastPath bool   // the repo folder is its own real path
}

func scanRepo(repoPath, name string, opts Options) (*Repo, *CorruptedError) {
	st, err := os.Stat(repoPath)
	if err != nil || !st.IsDir() {
		return nil, corrupted(repoPath, "Repo path is not a directory: %s", repoPath)
	}
	if !strings.Contains(name, "--") {
		return nil, corrupted(repoPath, "Repo path is not a valid HuggingFace cache directory: %s", repoPath)
	}
	repoType, repoID, ok := ParseFolderName(name)
	if !ok {
		return nil, corrupted(repoPath, "Repo type must be `dataset`, `model` or `space`, found `%s` (%s).", repoType, repoPath)
	}
	snapshotsPath := filepath.Join(repoPath, "snapshots")
	refsPath := filepath.Join(repoPath, "refs")
	if st, err := os.Stat(snapshotsPath); err != nil || !st.IsDir() {
		return nil, corrupted(repoPath, "Snapshots dir doesn't exist in cached repo: %s", snapshotsPath)
	}

	refsByHash := map[string][]string{}
	if rst, err := os.Stat(refsPath); err == nil {
		if rst.Mode().IsRegular() {
			return nil, corrupted(repoPath, "Refs directory cannot be a file: %s", refsPath)
		}
		if cerr := readRefs(repoPath, refsPath, "", refsByHash); cerr != nil {
			return nil, cerr
		}
	}

	s := &repoScanner{
		opts:    opts,
		repo:    &Repo{ID: repoID, Type: repoType, Path: repoPath},
		blobIdx: map[string]int32{},
	}
	if real, err := filepath.EvalSymlinks(repoPath); err == nil && real == repoPath {
		s.fastPath = true
		if bst, err := os.Lstat(filepath.Join(repoPath, "blobs")); err == nil && bst.IsDir() {
			s.blobsDir = filepath.Join(repoPath, "blobs")
		}
	}

	revEntries, err := os.ReadDir(snapshotsPath)
	if err != nil {
		return nil, corrupted(repoPath, "Snapshots dir doesn't exist in cached repo: %s", snapshotsPath)
	}
	for _, e := range revEntries {
		if opts.Modern && junkNames[e.Name()] {
			continue
		}
		revPath := filepath.Join(snapshotsPath, e.Name())
		rst, err := os.Stat(revPath)
		if err == nil && rst.Mode().IsRegular() {
			return nil, corrupted(repoPath, "Snapshots folder corrupted. Found a file: %s", revPath)
		}
		if err != nil || !rst.IsDir() {
			// A broken link or special file in snapshots/: upstream cannot
			// stat it either; report it as a missing blob would be wrong, so
			// name it plainly.
			return nil, corrupted(repoPath, "Snapshots folder corrupted. Found a file: %s", revPath)
		}
		rev := &Revision{Hash: e.Name(), SnapshotPath: revPath}
		seen := map[int32]bool{}
		if cerr := s.walkRevision(rev, revPath, "", seen); cerr != nil {
			return nil, cerr
		}
		if rev.NbFiles > 0 {
			for id := range seen {
				b := s.repo.Blobs[id]
				rev.Size += b.Size
				if b.MTime.After(rev.LastModified) {
					rev.LastModified = b.MTime
				}
				rev.BlobIDs = append(rev.BlobIDs, id)
			}
			sort.Slice(rev.BlobIDs, func(i, j int) bool { return rev.BlobIDs[i] < rev.BlobIDs[j] })
		} else {
			rev.LastModified = rst.ModTime()
		}
		if refs, ok := refsByHash[rev.Hash]; ok {
			sort.Strings(refs)
			rev.Refs = refs
			delete(refsByHash, rev.Hash)
		}
		s.repo.Revisions = append(s.repo.Revisions, rev)
	}
	if len(refsByHash) > 0 {
		return nil, corrupted(repoPath, "Reference(s) refer to missing commit hashes: %s (%s).", pyRefsRepr(refsByHash), repoPath)
	}

	repo := s.repo
	if len(repo.Blobs) > 0 {
		for _, b := range repo.Blobs {
			repo.Size += b.Size
			if b.ATime.After(repo.LastAccessed) {
				repo.LastAccessed = b.ATime
			}
			if b.MTime.After(repo.LastModified) {
				repo.LastModified = b.MTime
			}
		}
	} else {
		repo.LastAccessed = atime(st)
		repo.LastModified = st.ModTime()
	}
	if opts.Modern {
		s.collectIncomplete()
	}
	sort.Slice(repo.Revisions, func(i, j int) bool { return repo.Revisions[i].Hash < repo.Revisions[j].Hash })
	return repo, nil
}

// readRefs reads every file below refs/ (recursively, not through linked
// folders) into refsByHash, keyed by the file's content read as Python's
// text mode does (universal newlines, nothing stripped).
func readRefs(repoPath, dir, prefix string, refsByHash map[string][]string) *CorruptedError {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return corrupted(repoPath, "Refs directory cannot be read: %s", dir)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		name := prefix + e.Name()
		st, err := os.Stat(p)
		if err == nil && st.IsDir() {
			if e.Type()&fs.ModeSymlink == 0 {
				if cerr := readRefs(repoPath, p, name+"/", refsByHash); cerr != nil {
					return cerr
				}
			}
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return corrupted(repoPath, "Ref cannot be read: %s", p)
		}
		hash := universalNewlines(string(data))
		refsByHash[hash] = append(refsByHash[hash], name)
	}
	return nil
}

func universalNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// walkRevision visits every non-directory entry below dir (recursing into
// real folders only, as pathlib's "**" does) and records its blob.
func (s *repoScanner) walkRevision(rev *Revision, dir, prefix string, seen map[int32]bool) *CorruptedError {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return corrupted(s.repo.Path, "Snapshot folder cannot be read: %s", dir)
	}
	for _, e := range entries {
		name := e.Name()
		if s.opts.Modern && junkNames[name] {
			continue
		}
		p := filepath.Join(dir, name)
		typ := e.Type()
		if typ.IsDir() {
			if cerr := s.walkRevision(rev, p, prefix+name+"/", seen); cerr != nil {
				return cerr
			}
			continue
		}
		blobPath, st, isDir, cerr := s.resolve(dir, p, typ)
		if cerr != nil {
			return cerr
		}
		if isDir { // a link to a folder: skipped like a folder
			continue
		}
		id, ok := s.blobIdx[blobPath]
		if !ok {
			if st == nil {
				var err error
				if st, err = os.Stat(blobPath); err != nil {
					return corrupted(s.repo.Path, "Blob missing (broken symlink): %s", blobPath)
				}
			}
			id = int32(len(s.repo.Blobs))
			s.blobIdx[blobPath] = id
			s.repo.Blobs = append(s.repo.Blobs, Blob{Path: blobPath, Size: st.Size(), ATime: atime(st), MTime: st.ModTime()})
		}
		seen[id] = true
		rev.NbFiles++
		if s.opts.Files {
			rev.Files = append(rev.Files, File{Name: prefix + name, Blob: id})
		}
	}
	return nil
}

// resolve returns the real path of a snapshot entry and, when it had to
// stat it, what it points to (nil when the path is a blob already seen).
// isDir reports a link to a folder. The fast path avoids a full resolution
// for the common case of a relative link ../../blobs/<etag> to a regular
// file.
func (s *repoScanner) resolve(dir, p string, typ fs.FileMode) (path string, st fs.FileInfo, isDir bool, cerr *CorruptedError) {
	if typ&fs.ModeSymlink != 0 && s.blobsDir != "" {
		if target, err := os.Readlink(p); err == nil && !filepath.IsAbs(target) {
			cand := filepath.Join(dir, target)
			if filepath.Dir(cand) == s.blobsDir {
				if _, ok := s.blobIdx[cand]; ok {
					return cand, nil, false, nil
				}
				if st, err := os.Lstat(cand); err == nil && st.Mode().IsRegular() {
					return cand, st, false, nil
				}
			}
		}
	}
	if typ.IsRegular() && s.fastPath {
		if st, err := os.Lstat(p); err == nil {
			return p, st, false, nil
		}
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", nil, false, corrupted(s.repo.Path, "Blob missing (broken symlink): %s", pyResolve(p))
	}
	st, err = os.Stat(real)
	if err != nil {
		return "", nil, false, corrupted(s.repo.Path, "Blob missing (broken symlink): %s", real)
	}
	if st.IsDir() {
		return "", nil, true, nil
	}
	return real, st, false, nil
}

// collectIncomplete lists blobs/*.incomplete files.
func (s *repoScanner) collectIncomplete() {
	dir := filepath.Join(s.repo.Path, "blobs")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".incomplete") {
			continue
		}
		st, err := e.Info()
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		s.repo.Incomplete = append(s.repo.Incomplete, Blob{Path: filepath.Join(dir, e.Name()), Size: st.Size(), ATime: atime(st), MTime: st.ModTime()})
	}
}

// pyResolve mimics Python's Path.resolve(strict=False): it resolves links
// as far as the path exists and appends the remaining components.
func pyResolve(p string) string {
	p = filepath.Clean(p)
	for dir, rest := p, ""; ; {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			if rest == "" {
				return real
			}
			// dir exists; the next component may be a dangling link.
			first, tail, _ := strings.Cut(rest, string(filepath.Separator))
			next := filepath.Join(real, first)
			if target, err := os.Readlink(next); err == nil {
				if !filepath.IsAbs(target) {
					target = filepath.Join(real, target)
				}
				if tail != "" {
					target = filepath.Join(target, tail)
				}
				if target == p { // a loop: give up resolving
					return p
				}
				return pyResolveDepth(target, 40)
			}
			return filepath.Join(real, rest)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return p
		}
		if rest == "" {
			rest = filepath.Base(dir)
		} else {
			rest = filepath.Join(filepath.Base(dir), rest)
		}
		dir = parent
	}
}

func pyResolveDepth(p string, depth int) string {
	if depth == 0 {
		return p
	}
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real
	}
	parent, base := filepath.Dir(p), filepath.Base(p)
	realParent := parent
	if r, err := filepath.EvalSymlinks(parent); err == nil {
		realParent = r
	} else if parent != p {
		realParent = pyResolveDepth(parent, depth-1)
	}
	next := filepath.Join(realParent, base)
	if target, err := os.Readlink(next); err == nil {
		if !filepath.IsAbs(target) {
			target = filepath.Join(realParent, target)
		}
		return pyResolveDepth(target, depth-1)
	}
	return next
}

// pyRefsRepr renders refs by hash like Python's repr of
// dict[str, set[str]]; keys and set members are sorted.
func pyRefsRepr(refsByHash map[string][]string) string {
	hashes := make([]string, 0, len(refsByHash))
	for h := range refsByHash {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	var b strings.Builder
	b.WriteByte('{')
	for i, h := range hashes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(PyRepr(h))
		b.WriteString(": {")
		refs := append([]string(nil), refsByHash[h]...)
		sort.Strings(refs)
		for j, r := range refs {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(PyRepr(r))
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.String()
}

// PyRepr renders a string as Python's repr() does.
func PyRepr(s string) string {
	quote := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, "\"") {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == 0xFFFD:
			b.WriteString(`\ufffd`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// ResolvePath makes p absolute and resolves its links as far as it exists,
// like Python's Path.resolve(strict=False).
func ResolvePath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", p, err)
	}
	return pyResolve(abs), nil
}
