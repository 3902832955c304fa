package scan

import (
	"os"
	"path/filepath"
	"strings"
)

// The cross-repo shared blob store of huggingface_hub (branch
// "shared-blob-symlink-manifests", after 1.28): payloads deduplicated
// across repos live at <cache>/blobs/<2 hex>/<64 hex xet hash>; each repo
// keeps its blobs/<etag> entry as a relative link to the payload; a
// <hash>.refs manifest next to the payload lists those links (paths
// relative to the cache, one a line) and <hash>.lock serialises
// publication, new references and collection. The store folder holds a
// version marker.
const (
	// SharedStoreDir is the store's folder name at the cache root, where a
	// repo folder could never be called that (repo folders contain "--").
	SharedStoreDir = "blobs"
	// SharedStoreMarker is the marker file of a store; its content is
	// SharedStoreVersion.
	SharedStoreMarker  = ".huggingface-shared-blobs"
	SharedStoreVersion = "1\n"
)

// IsSharedStore reports whether <cacheDir>/blobs is a real folder holding
// the marker of a shared blob store of a known layout version.
func IsSharedStore(cacheDir string) bool {
	dir := filepath.Join(cacheDir, SharedStoreDir)
	if st, err := os.Lstat(dir); err != nil || !st.IsDir() {
		return false
	}
	marker := filepath.Join(dir, SharedStoreMarker)
	if st, err := os.Lstat(marker); err != nil || !st.Mode().IsRegular() {
		return false
	}
	data, err := os.ReadFile(marker)
	return err == nil && string(data) == SharedStoreVersion
}

// IsSharedPayload reports whether path is, lexically, a payload of the
// shared store of cacheDir: <cacheDir>/blobs/<xx>/<64 lowercase hex>
// starting with xx. Both paths must be clean; it allocates nothing (ls
// calls it for every blob).
func IsSharedPayload(cacheDir, path string) bool {
	const sep = string(filepath.Separator)
	cacheDir = strings.TrimSuffix(cacheDir, sep)
	if !strings.HasPrefix(path, cacheDir) {
		return false
	}
	rest, ok := strings.CutPrefix(path[len(cacheDir):], sep+SharedStoreDir+sep)
	if !ok || len(rest) != 2+1+64 || rest[2:3] != sep {
		return false
	}
	hash := rest[3:]
	return isLowerHex(hash) && rest[:2] == hash[:2]
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// SharedPayloads lists every payload file of the store of cacheDir (also
// those no repo uses any more); nil when there is no marked store.
func SharedPayloads(cacheDir string) []Blob {
	if !IsSharedStore(cacheDir) {
		return nil
	}
	dir := filepath.Join(cacheDir, SharedStoreDir)
	prefixes, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []Blob
	for _, pe := range prefixes {
		if !pe.IsDir() || len(pe.Name()) != 2 {
			continue
		}
		entries, err := os.ReadDir(filepath.Join(dir, pe.Name()))
		if err != nil {
			continue
		}
		for _, e := range entries {
			p := filepath.Join(dir, pe.Name(), e.Name())
			if !e.Type().IsRegular() || !IsSharedPayload(cacheDir, p) {
				continue
			}
			if st, err := e.Info(); err == nil {
				out = append(out, Blob{Path: p, Size: st.Size(), ATime: atime(st), MTime: st.ModTime()})
			}
		}
	}
	return out
}

// SharedSize is the size of what the given revisions of the given repos
// use, counting each payload of the shared store once: the sum of their
// sizes, less the repeated counts of shared payloads. A blob of a repo's
// own blobs/ folder is counted as the revision sizes count it. With revs
// nil, whole repos are counted (their Size).
func SharedSize(cacheDir string, repos []*Repo, revs []*Revision) int64 {
	var total int64
	seen := map[string]bool{}
	count := func(r *Repo, ids []int32) {
		for _, id := range ids {
			b := r.Blobs[id]
			if !IsSharedPayload(cacheDir, b.Path) {
				continue
			}
			if seen[b.Path] {
				total -= b.Size
			}
			seen[b.Path] = true
		}
	}
	for i, r := range repos {
		if revs == nil {
			total += r.Size
			ids := make([]int32, len(r.Blobs))
			for j := range ids {
				ids[j] = int32(j)
			}
			count(r, ids)
			continue
		}
		total += revs[i].Size
		count(r, revs[i].BlobIDs)
	}
	return total
}

// SharedLinkCensus counts, for each payload of the shared store of
// cacheDir, the links in every repo's blobs/ folder that point to it
// (relative or absolute links, resolved lexically).
func SharedLinkCensus(cacheDir string) map[string]int {
	count := map[string]int{}
	entries, err := os.ReadDir(cacheDir)
	if err != nil {
		return count
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.Contains(e.Name(), "--") {
			continue
		}
		for payload, links := range SharedLinks(cacheDir, filepath.Join(cacheDir, e.Name())) {
			count[payload] += len(links)
		}
	}
	return count
}

// SharedLinks lists the links in <repo>/blobs/ that point to a payload of
// the shared store of cacheDir, by payload.
func SharedLinks(cacheDir, repoPath string) map[string][]string {
	dir := filepath.Join(repoPath, "blobs")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	out := map[string][]string{}
	for _, e := range entries {
		if e.Type()&os.ModeSymlink == 0 {
			continue
		}
		link := filepath.Join(dir, e.Name())
		if t := LinkTarget(link); IsSharedPayload(cacheDir, t) {
			out[t] = append(out[t], link)
		}
	}
	return out
}

// LinkTarget returns where the link at path points, made absolute and
// clean ("" when it is not a link).
func LinkTarget(path string) string {
	target, err := os.Readlink(path)
	if err != nil {
		return ""
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(path), target)
	}
	return filepath.Clean(target)
}
