package delete

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Kind names what a removed path is, as upstream's log lines do.
type Kind string

// Kinds of removed paths.
const (
	KindRepo     Kind = "repo"
	KindSnapshot Kind = "snapshot"
	KindRef      Kind = "ref"
	KindBlob     Kind = "blob"
)

// Failure is one path that could not be removed.
type Failure struct {
	Kind Kind
	Path string
	Err  error
}

// Result says what an execution did.
type Result struct {
	// Removed counts the paths removed (or already gone).
	Removed int
	// Failures lists what could not be removed; the rest went on.
	Failures []Failure
}

// OK reports whether everything in the plan was removed.
func (r *Result) OK() bool { return len(r.Failures) == 0 }

// ExecOptions tune Execute.
type ExecOptions struct {
	// OnRemove, when set, is called after each path is removed.
	OnRemove func(kind Kind, path string)
}

// Execute performs the plan. Removals happen refs first, then snapshot
// folders, then blobs no snapshot uses any more, then whole repos, so that a
// process killed midway leaves at worst unreferenced blobs. Each path must
// lie inside the cache directory; links are removed, never followed.
func Execute(p *Plan, opts ExecOptions) *Result {
	res := &Result{}
	steps := []struct {
		kind  Kind
		paths []string
	}{
		{KindRef, p.Refs},
		{KindSnapshot, p.Snapshots},
		{KindBlob, p.Blobs},
		{KindRepo, p.Repos},
	}
	for _, step := range steps {
		for _, path := range step.paths {
			if err := removeInside(p.CacheDir, path); err != nil {
				res.Failures = append(res.Failures, Failure{Kind: step.kind, Path: path, Err: err})
				continue
			}
			res.Removed++
			if opts.OnRemove != nil {
				opts.OnRemove(step.kind, path)
			}
		}
	}
	return res
}

// ErrOutsideCache is returned for a path that does not lie strictly inside
// the cache directory.
var ErrOutsideCache = errors.New("path is outside the cache directory")

func removeInside(cacheDir, path string) error {
	if cacheDir == "" || path == cacheDir || !Inside(path, cacheDir) {
		return fmt.Errorf("remove %s: %w", path, ErrOutsideCache)
	}
	err := os.RemoveAll(path) // removes links themselves, never their targets
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}
