package verify

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/hfcache/hfcache/internal/scan"
)

// Repo is the cached repo a verify command line names.
type Repo struct {
	Type, ID string
	// Path is its folder in the cache; empty when it is not cached.
	Path string
}

// FindRepo finds the repo of type repoType and id repoID in the cache
// cacheDir, like upstream. Beyond upstream, repoID may be an id as ls
// prints it and rm takes it ("model/gpt2", "dataset/org/name"): when no
// repo of repoType has that id, the type in the id is used, unless typeSet
// (--repo-type was given) and it is another type. The Repo returned has
// the type and id found, or those asked for and no Path.
func FindRepo(cacheDir, repoType, repoID string, typeSet bool) Repo {
	asked := Repo{Type: repoType, ID: repoID}
	if p := filepath.Join(cacheDir, scan.FolderName(repoType, repoID)); isDir(p) {
		asked.Path = p
		return asked
	}
	typ, id, ok := strings.Cut(repoID, "/")
	if !ok || id == "" || (typ != repoType && typeSet) {
		return asked
	}
	switch typ {
	case scan.TypeModel, scan.TypeDataset, scan.TypeSpace:
		if p := filepath.Join(cacheDir, scan.FolderName(typ, id)); isDir(p) {
			return Repo{Type: typ, ID: id, Path: p}
		}
	}
	return asked
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}
