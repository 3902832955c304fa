package scan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Commands that name one repo (hf cache rm model/x, hf cache verify x) or
// one revision do not need to scan the whole cache: FindRepo scans only
// that repo's folder and FindRevision stats snapshots/<hash> in each repo
// folder (one stat per repo) before scanning the repos that have it.

// ErrRepoNotFound is matched (errors.Is) by a *RepoNotFoundError.
var ErrRepoNotFound = errors.New("repo not found in cache")

// RepoNotFoundError says the cache has no folder for a repo.
type RepoNotFoundError struct {
	Type, ID string
	Path     string // the folder that does not exist
}

func (e *RepoNotFoundError) Error() string {
	return fmt.Sprintf("%s %s not found in cache: %s", e.Type, e.ID, e.Path)
}

// Unwrap lets errors.Is(err, ErrRepoNotFound) match.
func (e *RepoNotFoundError) Unwrap() error { return ErrRepoNotFound }

// ErrRevisionNotFound is returned (wrapped) by FindRevision when no repo
// has the revision.
var ErrRevisionNotFound = errors.New("revision not found in cache")

// FindRepo scans the repo repoType/repoID of the cache directory cacheDir
// (absolute and resolved, see ResolvePath) and nothing else. It returns a
// *RepoNotFoundError when the repo has no folder, a *CorruptedError (with
// upstream's message) when its folder is not a valid cached repo.
func FindRepo(cacheDir, repoType, repoID string, opts Options) (*Repo, error) {
	p := filepath.Join(cacheDir, FolderName(repoType, repoID))
	if _, err := os.Lstat(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &RepoNotFoundError{Type: repoType, ID: repoID, Path: p}
		}
		return nil, fmt.Errorf("find repo %s: %w", p, err)
	}
	return ScanRepo(p, opts)
}

// ReposWithRevision returns the folders of the repos of cacheDir that have
// a snapshot folder named hash (or hash in lower case), sorted, without
// scanning any of them.
func ReposWithRevision(cacheDir, hash string) ([]string, error) {
	entries, err := os.ReadDir(cacheDir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &NotFoundError{Path: cacheDir}
		}
		return nil, fmt.Errorf("find revision %s: %w", hash, err)
	}
	if hash == "" || strings.ContainsAny(hash, `/\`) || hash == "." || hash == ".." {
		return nil, nil
	}
	names := []string{hash}
	if lower := strings.ToLower(hash); lower != hash {
		names = append(names, lower)
	}
	var repos []string
	for _, e := range entries {
		if _, _, ok := ParseFolderName(e.Name()); !ok {
			continue
		}
		repo := filepath.Join(cacheDir, e.Name())
		for _, h := range names {
			if st, err := os.Stat(filepath.Join(repo, "snapshots", h)); err == nil && st.IsDir() {
				repos = append(repos, repo)
				break
			}
		}
	}
	sort.Strings(repos)
	return repos, nil
}

// FindRevision finds the revision hash (case-insensitive) by scanning only
// the repos that have it; when several do, the first by path wins. It
// returns an error wrapping ErrRevisionNotFound when none does, and the
// repo's *CorruptedError when the repo that has it is broken.
func FindRevision(cacheDir, hash string, opts Options) (*Repo, *Revision, error) {
	repos, err := ReposWithRevision(cacheDir, hash)
	if err != nil {
		return nil, nil, err
	}
	var firstErr error
	for _, p := range repos {
		repo, err := ScanRepo(p, opts)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		for _, rev := range repo.Revisions {
			if strings.EqualFold(rev.Hash, hash) {
				return repo, rev, nil
			}
		}
	}
	if firstErr != nil {
		return nil, nil, firstErr
	}
	return nil, nil, fmt.Errorf("%w: %s", ErrRevisionNotFound, hash)
}
