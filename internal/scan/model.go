// Package scan reads a Hugging Face hub cache directory into a typed model
// (Cache, Repo, Revision, File, Blob) mirroring huggingface_hub's
// HFCacheInfo / CachedRepoInfo / CachedRevisionInfo / CachedFileInfo.
//
// The scanner walks repos in parallel with a bounded worker pool, never
// aborts on a broken repo (each problem becomes a *CorruptedError carrying
// upstream's exact message) and returns deterministic, sorted results.
// It uses the standard library only and never prints: rendering belongs to
// higher layers.
package scan

import (
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Repo types, as they appear in the folder prefix ("models--", ...).
const (
	TypeModel   = "model"
	TypeDataset = "dataset"
	TypeSpace   = "space"
)

// Cache is the result of scanning a cache directory (upstream HFCacheInfo).
type Cache struct {
	// Path is the absolute, symlink-resolved cache directory.
	Path string
	// Repos holds every valid repo, sorted by Path.
	Repos []*Repo
	// Size is the sum of the repos' sizes on disk.
	Size int64
	// Warnings holds one *CorruptedError per repo that could not be read,
	// sorted by message.
	Warnings []*CorruptedError
	// Modern is set when the cache was scanned with hf 1.x rules
	// (Options.Modern): whatever re-scans one of its repos before
	// changing it must apply the same rules.
	Modern bool
}

// Repo is one cached repository (upstream CachedRepoInfo).
type Repo struct {
	ID   string // "org/name" or "name"
	Type string // TypeModel, TypeDataset or TypeSpace
	// Path is the repo folder, e.g. <cache>/models--org--name.
	Path string
	// Size is the sum of the sizes of the distinct blobs used by its revisions.
	Size int64
	// LastAccessed and LastModified are the max over blobs, or the repo
	// folder's own times when it has no blob.
	LastAccessed time.Time
	LastModified time.Time
	// Revisions are sorted by commit hash.
	Revisions []*Revision
	// Blobs are the distinct resolved files used by the revisions, sorted
	// by Path; with Options.Summary only those outside the repo's folder
	// (shared-store payloads, files other repos' folders hold). Files
	// refer to them by index.
	Blobs []Blob
	// Incomplete lists blobs/*.incomplete partial downloads (not part of Size).
	Incomplete []Blob

	nbBlobs int // distinct blobs counted by the scan (Blobs is partial with Options.Summary)
}

// NbFiles is the number of distinct blobs (upstream nb_files).
func (r *Repo) NbFiles() int { return max(len(r.Blobs), r.nbBlobs) }

// FolderName is the repo folder's base name, e.g. "models--org--name".
func (r *Repo) FolderName() string { return FolderName(r.Type, r.ID) }

// Refs returns every ref name of every revision, sorted.
func (r *Repo) Refs() []string {
	var refs []string
	for _, rev := range r.Revisions {
		refs = append(refs, rev.Refs...)
	}
	sort.Strings(refs)
	return refs
}

// Revision is one snapshot folder (upstream CachedRevisionInfo).
type Revision struct {
	// Hash is the snapshot folder name (normally a 40-hex commit hash).
	Hash string
	// SnapshotPath is <repo>/snapshots/<Hash>.
	SnapshotPath string
	// Refs are the ref names pointing to this revision, sorted.
	Refs []string
	// Size is the sum of the sizes of its distinct blobs.
	Size int64
	// NbFiles is the number of files in the snapshot (upstream len(files)).
	NbFiles int
	// LastModified is the max blob mtime, or the snapshot folder's mtime
	// when it holds no file.
	LastModified time.Time
	// Files is the snapshot's file list; nil when the scan was run without
	// Options.Files.
	Files []File
	// BlobIDs are the indexes into Repo.Blobs of the distinct blobs this
	// revision uses, sorted; with Options.Summary only those outside the
	// repo's folder.
	BlobIDs []int32
}

// Detached reports whether no ref points to the revision.
func (r *Revision) Detached() bool { return len(r.Refs) == 0 }

// File is one file of a snapshot (upstream CachedFileInfo).
type File struct {
	// Name is the path relative to the snapshot folder, with '/' separators.
	Name string
	// Blob is the index into Repo.Blobs of the file's resolved target.
	Blob int32
}

// Blob is a resolved file with its stat.
type Blob struct {
	// Path is the absolute, symlink-resolved path of the file's content.
	Path  string
	Size  int64
	ATime time.Time
	MTime time.Time
}

// FolderName returns the cache folder name of a repo: "models--org--name".
func FolderName(repoType, repoID string) string {
	return repoType + "s--" + strings.ReplaceAll(repoID, "/", "--")
}

// CorruptedError is a repo that could not be read (upstream
// CorruptedCacheException). Error() returns upstream's exact message.
type CorruptedError struct {
	// Path is the repo folder (or root entry) the problem was found in.
	Path string
	Msg  string
	// Err is the error of the file system behind the problem, when there
	// is one (a folder that cannot be read: fs.ErrPermission, ...).
	Err error
}

func (e *CorruptedError) Error() string { return e.Msg }

// Unwrap returns the file-system error behind the problem, if any, so
// that errors.Is(err, fs.ErrPermission) tells an unreadable folder.
func (e *CorruptedError) Unwrap() error { return e.Err }

// BlobSet is a set of resolved file paths (Blob.Path).
type BlobSet map[string]bool

// UsedBlobs is the set of the resolved files (Blob.Path) that revisions of
// the given repos use: the one definition of "used" for every deletion
// that must spare what a snapshot links to.
func UsedBlobs(repos ...*Repo) BlobSet {
	n := 0
	for _, r := range repos {
		n += len(r.Blobs)
	}
	used := make(BlobSet, n)
	for _, r := range repos {
		for _, b := range r.Blobs {
			used[b.Path] = true
		}
	}
	return used
}

// Uses reports whether p, or the file its links resolve to, is in the set
// (the scanner records resolved paths).
func (s BlobSet) Uses(p string) bool {
	if s[p] {
		return true
	}
	real, err := filepath.EvalSymlinks(p)
	return err == nil && s[real]
}

// NbRevisions counts the revisions of all repos.
func (c *Cache) NbRevisions() int {
	n := 0
	for _, r := range c.Repos {
		n += len(r.Revisions)
	}
	return n
}
