package scan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/hfcache/hfcache/internal/pycompat"
)

// Options tune a scan. The zero value scans like huggingface_hub 0.21.
type Options struct {
	// Workers bounds the number of folders (repos, then revisions) read at
	// once; 0 means 32, or 4 x GOMAXPROCS when that is more (the reads
	// block on I/O when the cache is not in memory, see defaultWorkers).
	Workers int
	// Files keeps each revision's file list (Revision.Files), sorted by
	// name. Without it only the aggregates and the blob sets are kept.
	Files bool
	// Modern applies huggingface_hub 1.x rules: OS junk files (.DS_Store,
	// Thumbs.db, desktop.ini), CACHEDIR.TAG and the shared blob store (a
	// blobs/ folder, see shared.go) are ignored, and
	// blobs/*.incomplete files are collected in Repo.Incomplete.
	Modern bool
	// Summary keeps only what a report needs: the sizes, counts and times
	// of repos and revisions. Repo.Blobs and Revision.BlobIDs stay nil
	// (Repo.NbFiles still counts the blobs), so memory does not grow with
	// the number of files. It is ignored when Files is set.
	Summary bool
	// Progress, when not nil, is updated while the scan runs (files seen,
	// bytes of distinct blobs, repos done) and may be read concurrently.
	Progress *Progress
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
// resolved (see pycompat.ResolvePath). Repos are prepared in parallel, then all
// their revisions are walked by one bounded pool of workers, so a huge repo
// is spread over every worker too.
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
	paths := make([]string, len(names))
	for i, name := range names {
		paths[i] = filepath.Join(dir, name)
	}
	scans := scanRepos(paths, names, opts)

	cache := &Cache{Path: dir, Modern: opts.Modern}
	for _, rs := range scans {
		if rs.err != nil {
			cache.Warnings = append(cache.Warnings, rs.err)
			continue
		}
		cache.Repos = append(cache.Repos, rs.repo)
		cache.Size += rs.repo.Size
	}
	sort.Slice(cache.Repos, func(i, j int) bool { return cache.Repos[i].Path < cache.Repos[j].Path })
	sort.SliceStable(cache.Warnings, func(i, j int) bool { return cache.Warnings[i].Msg < cache.Warnings[j].Msg })
	return cache, nil
}

// ScanRepo scans a single repo folder (e.g. <cache>/models--org--name),
// its revisions in parallel. It returns a *CorruptedError when the folder
// is not a valid cached repo.
func ScanRepo(repoPath string, opts Options) (*Repo, error) {
	rs := scanRepos([]string{repoPath}, []string{filepath.Base(repoPath)}, opts)[0]
	if rs.err != nil {
		return nil, rs.err
	}
	return rs.repo, nil
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

// unreadable is the problem "what cannot be read: p (reason)", e.g.
// "Snapshot folder cannot be read: /c/models--x/snapshots/abc (permission
// denied)"; err stays reachable with errors.Is. These are hfcache's own
// messages: upstream stops with a traceback there.
func unreadable(repoPath, what, p string, err error) *CorruptedError {
	reason := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		reason = pe.Err.Error()
	}
	ce := &CorruptedError{Path: repoPath, Msg: fmt.Sprintf("%s cannot be read: %s (%s)", what, p, reason)}
	if cannotRead(err) {
		ce.Err = err // there but not readable; not merely missing
	}
	return ce
}

// cannotRead reports whether err is about access rather than absence (a
// folder without read or search permission, an I/O error).
func cannotRead(err error) bool {
	return err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR)
}

// maxRefSize bounds what is read of a ref file: the downloader writes 40
// bytes.
const maxRefSize = 1 << 16

// readRefs reads every file below refs/ (recursively, not through linked
// folders) into refsByHash, keyed by the file's content read as Python's
// text mode does (universal newlines, nothing stripped).
func readRefs(repoPath, dir, prefix string, refsByHash map[string][]string, skipJunk bool) *CorruptedError {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return unreadable(repoPath, "Refs directory", dir, err)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		name := prefix + e.Name()
		st, err := os.Stat(p)
		if err == nil && st.IsDir() {
			if e.Type()&fs.ModeSymlink == 0 {
				if cerr := readRefs(repoPath, p, name+"/", refsByHash, skipJunk); cerr != nil {
					return cerr
				}
			}
			continue
		}
		if skipJunk && junkNames[e.Name()] {
			// hf 1.x skips OS helper files (Finder's .DS_Store, Explorer's
			// Thumbs.db and desktop.ini) at any depth of refs/.
			continue
		}
		// Read only what a ref can be: a FIFO would block the scan and a
		// huge (sparse) file exhaust memory. Upstream reads anything.
		if err == nil && !st.Mode().IsRegular() {
			return corrupted(repoPath, "Ref is not a regular file: %s", p)
		}
		if err == nil && st.Size() > maxRefSize {
			return corrupted(repoPath, "Ref is too large to hold a revision hash (%d bytes): %s", st.Size(), p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return unreadable(repoPath, "Ref", p, err)
		}
		hash := pycompat.UniversalNewlines(string(data))
		refsByHash[hash] = append(refsByHash[hash], name)
	}
	return nil
}
