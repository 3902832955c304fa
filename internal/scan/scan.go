package scan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
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
	// of repos and revisions. Repo.Blobs and Revision.BlobIDs hold only
	// the files that lie outside the repo's folder (usually none): the
	// payloads of the shared blob store, so that sizes can count each
	// payload once across repos (SharedSize), and files of other repos'
	// folders or out of the cache that links reach, so that a deletion
	// plan spares what another repo uses (delete.PlanSelected). Memory
	// does not grow with the number of files. Repo.NbFiles still counts
	// every blob. It is ignored when Files is set.
	Summary bool
	// Index, when not nil, is where the scan remembers what it read of
	// each snapshot folder, so that a folder unchanged since is not read
	// again (only its blobs are stat'ed): see index.go. For reports only;
	// deletion scans without it.
	Index *Index
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
	index := newIndexRun(opts.Index, dir)
	scans := scanRepos(paths, names, opts, index)
	index.clean()
	index.close()

	cache := &Cache{Path: dir, Modern: opts.Modern}
	cache.collect(scans)
	return cache, nil
}

// collect adds the repos scanned to c, and the problems to its warnings,
// keeping both sorted.
func (c *Cache) collect(scans []*repoScan) {
	for _, rs := range scans {
		if rs.err != nil {
			c.Warnings = append(c.Warnings, rs.err)
			continue
		}
		c.Repos = append(c.Repos, rs.repo)
		c.Size += rs.repo.Size
	}
	sort.Slice(c.Repos, func(i, j int) bool { return c.Repos[i].Path < c.Repos[j].Path })
	sort.SliceStable(c.Warnings, func(i, j int) bool { return c.Warnings[i].Msg < c.Warnings[j].Msg })
}

// Rescan returns a copy of c in which the given repos of c are scanned
// again with opts, by one bounded pool as Dir: after a Summary scan of the
// whole cache, the few repos a command goes on with get their blob lists
// without keeping every other repo's. A repo that can no longer be read
// is left out, with its warning. The other repos are shared with c.
func (c *Cache) Rescan(repos []*Repo, opts Options) *Cache {
	again := map[string]bool{}
	var paths, names []string
	for _, r := range repos {
		if !again[r.Path] {
			again[r.Path] = true
			paths = append(paths, r.Path)
			names = append(names, filepath.Base(r.Path))
		}
	}
	out := &Cache{Path: c.Path, Modern: c.Modern, Warnings: slices.Clone(c.Warnings)}
	for _, r := range c.Repos {
		if !again[r.Path] {
			out.Repos = append(out.Repos, r)
			out.Size += r.Size
		}
	}
	out.collect(scanRepos(paths, names, opts, newIndexRun(opts.Index, c.Path)))
	return out
}

// ScanRepo scans a single repo folder (e.g. <cache>/models--org--name),
// its revisions in parallel. It returns a *CorruptedError when the folder
// is not a valid cached repo.
func ScanRepo(repoPath string, opts Options) (*Repo, error) {
	index := newIndexRun(opts.Index, filepath.Dir(repoPath))
	rs := scanRepos([]string{repoPath}, []string{filepath.Base(repoPath)}, opts, index)[0]
	index.close()
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
