package scan

// Upstream's validation of a cached repo, in its order and with its exact
// messages (huggingface_hub's _scan_cached_repo: "Repo path is not a
// directory", "Snapshots dir doesn't exist in cached repo", "Reference(s)
// refer to missing commit hashes", ...), plus hfcache's own messages for
// what upstream meets with a traceback (unreadable folders, refs that are
// not regular files). The fast walk of the snapshots is in walk.go; this
// file is where the next upstream diff of these rules lands.

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/hfcache/hfcache/internal/pycompat"
)

// prepare runs upstream's checks in their order up to the files and lists
// the snapshot folders.
func prepare(repoPath, name string, opts Options) *repoScan {
	rs := &repoScan{opts: opts}
	st, err := os.Stat(repoPath)
	if err != nil || !st.IsDir() {
		rs.err = corrupted(repoPath, "Repo path is not a directory: %s", repoPath)
		return rs
	}
	if !strings.Contains(name, "--") {
		rs.err = corrupted(repoPath, "Repo path is not a valid HuggingFace cache directory: %s", repoPath)
		return rs
	}
	repoType, repoID, ok := ParseFolderName(name)
	if !ok {
		rs.err = corrupted(repoPath, "Repo type must be `dataset`, `model` or `space`, found `%s` (%s).", repoType, repoPath)
		return rs
	}
	snapshotsPath := filepath.Join(repoPath, "snapshots")
	refsPath := filepath.Join(repoPath, "refs")
	if st, err := os.Stat(snapshotsPath); err != nil || !st.IsDir() {
		if cannotRead(err) {
			rs.err = unreadable(repoPath, "Snapshots dir", snapshotsPath, err)
			return rs
		}
		rs.err = corrupted(repoPath, "Snapshots dir doesn't exist in cached repo: %s", snapshotsPath)
		return rs
	}
	rs.refsByHash = map[string][]string{}
	rst, err := os.Stat(refsPath)
	if cannotRead(err) {
		rs.err = unreadable(repoPath, "Refs directory", refsPath, err)
		return rs
	}
	if err == nil {
		if rst.Mode().IsRegular() {
			rs.err = corrupted(repoPath, "Refs directory cannot be a file: %s", refsPath)
			return rs
		}
		if cerr := readRefs(repoPath, refsPath, "", rs.refsByHash, opts.Modern); cerr != nil {
			rs.err = cerr
			return rs
		}
	}
	rs.repo = &Repo{ID: repoID, Type: repoType, Path: repoPath}
	rs.dirATime, rs.dirMTime = atime(st), st.ModTime()

	real := false
	if p, err := filepath.EvalSymlinks(repoPath); err == nil && p == repoPath {
		if sst, err := os.Lstat(snapshotsPath); err == nil && sst.IsDir() {
			real = true
		}
		if bst, err := os.Lstat(filepath.Join(repoPath, "blobs")); err == nil && bst.IsDir() {
			rs.blobsDir = filepath.Join(repoPath, "blobs")
		}
	}
	revEntries, err := os.ReadDir(snapshotsPath)
	if err != nil {
		rs.err = unreadable(repoPath, "Snapshots dir", snapshotsPath, err)
		return rs
	}
	for _, e := range revEntries {
		if opts.Modern && junkNames[e.Name()] {
			continue
		}
		revPath := filepath.Join(snapshotsPath, e.Name())
		rst, err := os.Stat(revPath)
		if cannotRead(err) && !errors.Is(err, syscall.ELOOP) {
			rs.err = unreadable(repoPath, "Snapshot folder", revPath, err)
			return rs
		}
		if err != nil || !rst.IsDir() {
			// A file, a broken link or a special file in snapshots/.
			rs.err = corrupted(repoPath, "Snapshots folder corrupted. Found a file: %s", revPath)
			return rs
		}
		rev := &Revision{Hash: e.Name(), SnapshotPath: revPath, LastModified: rst.ModTime()}
		rs.revs = append(rs.revs, &revScan{rs: rs, rev: rev, real: real && e.IsDir(), mtime: math.MinInt64})
	}
	return rs
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
