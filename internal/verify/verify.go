// Package verify checks a cached snapshot offline, with what the cache
// itself proves: LFS blobs are named by the sha256 of their content, other
// blobs by their git blob sha1 (sha1 of "blob <size>\0" + content). When
// huggingface_hub 1.x left a trees/<commit>.json listing, its hashes and
// sizes are used too (files copied into the snapshot, truncation).
package verify

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hfcache/hfcache/internal/scan"
)

// Kind is the kind of a problem.
type Kind string

// Kinds of problems.
const (
	// Corrupt: the content does not hash to the expected value.
	Corrupt Kind = "corrupt"
	// Truncated: the content is shorter than the recorded size.
	Truncated Kind = "truncated"
	// Missing: the snapshot links to a blob that is not there.
	Missing Kind = "missing"
)

// Algorithms.
const (
	SHA256  = "sha256"
	GitSHA1 = "git-sha1"
)

// Problem is one file of a snapshot that failed verification.
type Problem struct {
	// File is the path inside the snapshot, '/' separated.
	File string
	Kind Kind
	// Blob is the blob path the file resolves (or should resolve) to.
	Blob      string
	Algorithm string
	Expected  string
	Actual    string
	// Size is the blob's size; ExpectedSize is the recorded size, or -1.
	Size, ExpectedSize int64
}

// Report is the verification of one revision.
type Report struct {
	RepoType, RepoID string
	Revision         string
	SnapshotPath     string
	// Checked counts the files whose content was hashed.
	Checked int
	// Unverifiable counts files with no known hash (not named by a hash and
	// absent from any trees/<commit>.json).
	Unverifiable int
	Problems     []Problem
}

// OK reports whether no problem was found.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Verifier hashes blobs, each at most once per algorithm.
type Verifier struct {
	hashes map[blobKey]blobHash
}

// blobKey is a blob and the algorithm its content is hashed with: the
// algorithm a file's etag (or listing) names, and only that one. A blob is
// hashed with both only when files name it both ways (one payload linked
// as blobs/<sha256> and as blobs/<git sha1>), which a downloader never does.
type blobKey struct {
	path, algo string
}

type blobHash struct {
	sum  string
	size int64
	err  error
}

// New returns a Verifier.
func New() *Verifier { return &Verifier{hashes: map[blobKey]blobHash{}} }

var (
	hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)
	hex40 = regexp.MustCompile(`^[0-9a-f]{40}$`)
)

// treeEntry is a file of trees/<commit>.json (format_version 1).
type treeEntry struct {
	Size       int64  `json:"size"`
	BlobID     string `json:"blob_id"`
	LFSSHA256  string `json:"lfs_sha256"`
	LFSSize    *int64 `json:"lfs_size"`
	XetHashRaw string `json:"xet_hash"`
}

func readTree(repoPath, commit string) map[string]treeEntry {
	data, err := os.ReadFile(filepath.Join(repoPath, "trees", commit+".json"))
	if err != nil {
		return nil
	}
	var doc struct {
		FormatVersion int                  `json:"format_version"`
		Files         map[string]treeEntry `json:"files"`
	}
	if json.Unmarshal(data, &doc) != nil || doc.FormatVersion != 1 {
		return nil
	}
	return doc.Files
}

// ResolveRevision finds the snapshot of repoPath that rev names: a ref
// (refs/<rev>), a snapshot folder name, or a unique prefix (7+ characters)
// of one. An empty rev means "main".
func ResolveRevision(repoPath, rev string) (string, error) {
	if rev == "" {
		rev = "main"
	}
	// A ref name is a path below refs/ and a ref's content a snapshot
	// folder name: neither may climb out of its folder (a hostile ref
	// holding "../../x" would make us verify files elsewhere).
	if filepath.IsLocal(filepath.FromSlash(rev)) {
		if data, err := os.ReadFile(filepath.Join(repoPath, "refs", filepath.FromSlash(rev))); err == nil {
			h := string(data)
			if !isFolderName(h) {
				return "", fmt.Errorf("ref %q does not hold a revision hash: %q", rev, h)
			}
			if st, err := os.Stat(filepath.Join(repoPath, "snapshots", h)); err == nil && st.IsDir() {
				return h, nil
			}
			return "", fmt.Errorf("ref %q points to %s, which is not in the cache", rev, strings.TrimSpace(h))
		}
	}
	entries, err := os.ReadDir(filepath.Join(repoPath, "snapshots"))
	if err != nil {
		return "", fmt.Errorf("read snapshots: %w", err)
	}
	var matches []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if e.Name() == rev {
			return rev, nil
		}
		if len(rev) >= 7 && strings.HasPrefix(e.Name(), strings.ToLower(rev)) {
			matches = append(matches, e.Name())
		}
	}
	if len(matches) == 1 {
		return matches[0], nil
	}
	if len(matches) > 1 {
		return "", fmt.Errorf("revision %q is ambiguous: %s", rev, strings.Join(matches, ", "))
	}
	if rev == "main" && len(entries) == 1 && entries[0].IsDir() {
		return entries[0].Name(), nil // no main ref but a single snapshot
	}
	return "", fmt.Errorf("revision %q not found", rev)
}

// isFolderName reports whether s names an entry of a folder: not empty,
// not "." or "..", no separator.
func isFolderName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, `/\`+"\x00")
}

// Revision verifies snapshots/<commit> of the repo folder repoPath.
func (v *Verifier) Revision(repoPath, commit string) (*Report, error) {
	typ, id, _ := scan.ParseFolderName(filepath.Base(repoPath))
	rep := &Report{RepoType: typ, RepoID: id, Revision: commit, SnapshotPath: filepath.Join(repoPath, "snapshots", commit)}
	tree := readTree(repoPath, commit)
	err := filepath.WalkDir(rep.SnapshotPath, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(rep.SnapshotPath, p)
		rel = filepath.ToSlash(rel)
		v.file(rep, p, rel, d, tree)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", rep.SnapshotPath, err)
	}
	sort.Slice(rep.Problems, func(i, j int) bool { return rep.Problems[i].File < rep.Problems[j].File })
	return rep, nil
}

func (v *Verifier) file(rep *Report, p, rel string, d fs.DirEntry, tree map[string]treeEntry) {
	blob := p
	// The blob's name says its hash: that of the repo's own blobs/<etag>
	// entry, even when that entry is itself a link into the shared blob
	// store (whose payloads are named by their Xet hash, not a sha256).
	named := p
	if d.Type()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(p)
		if err != nil {
			target = p
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		blob = filepath.Clean(target)
		named = blob
		st, err := os.Stat(p)
		if err != nil {
			rep.Problems = append(rep.Problems, Problem{File: rel, Kind: Missing, Blob: blob, Size: -1, ExpectedSize: -1})
			return
		}
		if st.IsDir() {
			return
		}
		if real, err := filepath.EvalSymlinks(p); err == nil {
			blob = real
		}
		if filepath.Base(filepath.Dir(named)) != "blobs" || filepath.Dir(filepath.Dir(named)) != filepath.Dir(filepath.Dir(rep.SnapshotPath)) {
			named = blob // not the repo's blobs/ folder: the file itself names it
		}
	}
	algo, expected := "", ""
	name := filepath.Base(named)
	switch {
	case hex64.MatchString(name):
		algo, expected = SHA256, name
	case hex40.MatchString(name):
		algo, expected = GitSHA1, name
	}
	expectedSize := int64(-1)
	if e, ok := tree[rel]; ok {
		expectedSize = e.Size
		if e.LFSSize != nil {
			expectedSize = *e.LFSSize
		}
		if algo == "" {
			switch {
			case hex64.MatchString(e.LFSSHA256):
				algo, expected = SHA256, e.LFSSHA256
			case hex40.MatchString(e.BlobID):
				algo, expected = GitSHA1, e.BlobID
			}
		}
	}
	if algo == "" {
		rep.Unverifiable++
		return
	}
	h := v.hash(blob, algo)
	rep.Checked++
	if h.err != nil {
		kind := Corrupt
		if errors.Is(h.err, fs.ErrNotExist) {
			kind = Missing
		}
		rep.Problems = append(rep.Problems, Problem{File: rel, Kind: kind, Blob: blob, Algorithm: algo, Expected: expected, Actual: h.err.Error(), Size: -1, ExpectedSize: expectedSize})
		return
	}
	actual := h.sum
	if actual == expected {
		return
	}
	kind := Corrupt
	if expectedSize >= 0 && h.size < expectedSize {
		kind = Truncated
	}
	rep.Problems = append(rep.Problems, Problem{File: rel, Kind: kind, Blob: blob, Algorithm: algo, Expected: expected, Actual: actual, Size: h.size, ExpectedSize: expectedSize})
}

var errNotRegular = errors.New("not a regular file")

// hash returns the algo (SHA256 or GitSHA1) hash of a blob, computed once.
func (v *Verifier) hash(path, algo string) blobHash {
	k := blobKey{path, algo}
	if h, ok := v.hashes[k]; ok {
		return h
	}
	h := hashFile(path, algo)
	v.hashes[k] = h
	return h
}

// hashFile hashes the content of path in one read, with the one hasher
// algo needs: sha256 of the content for SHA256, sha1 of
// "blob <size>\x00" + content for GitSHA1.
func hashFile(path, algo string) blobHash {
	// Only regular files: a link to /dev/zero would be read forever, and
	// opening a FIFO waits for a writer that never comes.
	if st, err := os.Stat(path); err != nil {
		return blobHash{err: err}
	} else if !st.Mode().IsRegular() {
		return blobHash{err: fmt.Errorf("%s: %w", path, errNotRegular)}
	}
	f, err := os.Open(path)
	if err != nil {
		return blobHash{err: err}
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose on close
	st, err := f.Stat()
	if err != nil {
		return blobHash{err: err}
	}
	if !st.Mode().IsRegular() {
		return blobHash{err: fmt.Errorf("%s: %w", path, errNotRegular)}
	}
	var h hash.Hash
	if algo == GitSHA1 {
		// The header holds the size, so it is written before the content:
		// the size the file has now.
		h = sha1.New()
		fmt.Fprintf(h, "blob %d\x00", st.Size())
	} else {
		h = sha256.New()
	}
	n, err := io.Copy(h, f)
	if err != nil {
		return blobHash{err: fmt.Errorf("read %s: %w", path, err)}
	}
	if algo == GitSHA1 && n != st.Size() {
		// The file changed while we read it: hash what git would see.
		h = sha1.New()
		if _, err := f.Seek(0, io.SeekStart); err == nil {
			fmt.Fprintf(h, "blob %d\x00", n)
			_, _ = io.Copy(h, f)
		}
	}
	return blobHash{sum: hex.EncodeToString(h.Sum(nil)), size: n}
}

// Target is one revision to verify in a whole-cache run.
type Target struct {
	RepoPath string
	Revision string
}

// CacheTargets lists every snapshot of every repo folder of cacheDir
// (including repos the scanner rejects, e.g. for a missing blob), sorted.
func CacheTargets(cacheDir string) ([]Target, error) {
	entries, err := os.ReadDir(cacheDir)
	if err != nil {
		return nil, fmt.Errorf("read cache %s: %w", cacheDir, err)
	}
	var out []Target
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, _, ok := scan.ParseFolderName(e.Name()); !ok {
			continue
		}
		repoPath := filepath.Join(cacheDir, e.Name())
		snaps, err := os.ReadDir(filepath.Join(repoPath, "snapshots"))
		if err != nil {
			continue
		}
		for _, s := range snaps {
			if s.IsDir() {
				out = append(out, Target{RepoPath: repoPath, Revision: s.Name()})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].RepoPath != out[j].RepoPath {
			return out[i].RepoPath < out[j].RepoPath
		}
		return out[i].Revision < out[j].Revision
	})
	return out, nil
}
