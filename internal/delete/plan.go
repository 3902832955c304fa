// Package delete turns a selection of revisions into a deletion plan
// (pure: no filesystem access) and executes plans safely: only paths inside
// the cache and inside the repo being changed are removed, links are never
// followed, and the order of removals keeps the cache valid at every
// instant. It also renders and parses the --disable-tui review file.
package delete

import (
	"path/filepath"
	"sort"

	"github.com/hfcache/hfcache/internal/scan"
)

// Plan is what deleting a set of revisions means on disk (upstream
// DeleteCacheStrategy), computed as huggingface_hub's
// HFCacheInfo.delete_revisions does.
type Plan struct {
	// CacheDir is the cache the plan applies to.
	CacheDir string
	// Repos are repo folders removed whole (every revision was selected).
	Repos []string
	// Snapshots are snapshot folders removed.
	Snapshots []string
	// Refs are ref files removed (refs pointing to removed revisions).
	Refs []string
	// Blobs are blob files that no remaining revision uses.
	Blobs []string
	// BlobSizes gives the size of each blob of Blobs.
	BlobSizes map[string]int64
	// SnapshotFileSizes gives the size of each file stored directly in a
	// removed snapshot folder (Windows-style caches); they go with it.
	SnapshotFileSizes map[string]int64
	// ExpectedFreedSize is the number of bytes the plan frees.
	ExpectedFreedSize int64
	// NotFound lists selected hashes that match no revision, in the order
	// they were given, without duplicates.
	NotFound []string
	// Protected lists files inside the cache that revisions of other repos
	// use (links across repos); they are never removed, and a repo
	// holding one is never removed whole. Sorted.
	Protected []string
	// Outside lists the files that revisions being deleted link to outside
	// the cache (a hand-made or hostile cache; the downloader links only
	// inside a repo). Upstream would delete them; hfcache removes the
	// links, never these files, and does not count them as freed. Sorted.
	Outside []string
	// Targets says, per affected repo, which revisions are deleted; the
	// executor uses it to re-validate the plan against the disk.
	Targets []Target
	// SharedPayloads are the payloads of the cache's shared blob store
	// (<cache>/blobs/<xx>/<hash>) that the deleted revisions use, with
	// their sizes. The repo-level links to them (<repo>/blobs/<etag>) go
	// with the revisions; a payload itself goes only once nothing
	// references it any more (see shared.go).
	SharedPayloads map[string]int64
	// SharedInUse lists, sorted, the payloads of SharedPayloads that a
	// kept revision of the scanned cache still uses: never removed.
	SharedInUse []string
	// SharedFreedSize is the part of ExpectedFreedSize that shared
	// payloads make up (each counted once).
	SharedFreedSize int64
	// Modern is copied from the scanned cache (scan.Cache.Modern): the
	// executor re-scans each repo with the rules the plan was made with,
	// so a repo the hf 1.x verbs list (a snapshots/.DS_Store, say) is not
	// refused as corrupted by the 0.21 rules.
	Modern bool
}

// ScanOptions are the scanner rules of the plan's re-scans.
func (p *Plan) ScanOptions() scan.Options { return scan.Options{Modern: p.Modern} }

// Target is one affected repo of a plan.
type Target struct {
	RepoPath string
	// Hashes are the revisions of the repo that are deleted, sorted.
	Hashes []string
	// Whole is set when every revision is deleted (the folder goes).
	Whole bool
}

// PlanRevisions computes the plan for deleting the revisions with the given
// hashes. Like upstream, a hash matches the first repo (in path order) that
// has it; unknown hashes are listed in NotFound and otherwise ignored.
// Unlike upstream, files stored directly in a removed snapshot folder
// (Windows-style caches) are not listed again as blobs: they go with it.
func PlanRevisions(c *scan.Cache, hashes []string) *Plan {
	p := &Plan{CacheDir: c.Path, Modern: c.Modern}
	wanted := map[string]bool{}
	for _, h := range hashes {
		wanted[h] = true
	}
	selected := map[*scan.Repo]map[*scan.Revision]bool{}
	var order []*scan.Repo
	for _, repo := range c.Repos {
		for _, rev := range repo.Revisions {
			if !wanted[rev.Hash] {
				continue
			}
			delete(wanted, rev.Hash)
			if selected[repo] == nil {
				selected[repo] = map[*scan.Revision]bool{}
				order = append(order, repo)
			}
			selected[repo][rev] = true
		}
	}
	seen := map[string]bool{}
	for _, h := range hashes {
		if wanted[h] && !seen[h] {
			seen[h] = true
			p.NotFound = append(p.NotFound, h)
		}
	}
	p.plan(c, selected, order)
	return p
}

// PlanSelected plans the deletion of exactly the given revisions of the
// given repos of c: there is no lookup by hash, so a hash that several
// repos share reaches only the repo it was selected in. Files that
// revisions of other repos use (links across repos, shared payloads) are
// accounted for against the whole of c, as PlanRevisions does.
func PlanSelected(c *scan.Cache, sel []scan.Selection) *Plan {
	p := &Plan{CacheDir: c.Path, Modern: c.Modern}
	selected := map[*scan.Repo]map[*scan.Revision]bool{}
	var order []*scan.Repo
	for _, s := range sel {
		for _, rev := range s.Revisions {
			if selected[s.Repo] == nil {
				selected[s.Repo] = map[*scan.Revision]bool{}
				order = append(order, s.Repo)
			}
			selected[s.Repo][rev] = true
		}
	}
	p.plan(c, selected, order)
	return p
}

// plan fills p with the deletion of the selected revisions of each repo
// of order.
func (p *Plan) plan(c *scan.Cache, selected map[*scan.Repo]map[*scan.Revision]bool, order []*scan.Repo) {
	p.Protected = crossRepoUse(c)
	for _, repo := range order {
		sel := selected[repo]
		t := Target{RepoPath: repo.Path}
		for rev := range sel {
			t.Hashes = append(t.Hashes, rev.Hash)
		}
		sort.Strings(t.Hashes)
		if len(sel) == len(repo.Revisions) && !p.protects(repo.Path) {
			t.Whole = true
			p.Targets = append(p.Targets, t)
			p.Repos = append(p.Repos, repo.Path)
			p.ExpectedFreedSize += SizeInCache(repo, c.Path) - p.addSharedOf(repo)
			for _, b := range repo.Blobs {
				if !Inside(b.Path, c.Path) {
					p.Outside = append(p.Outside, b.Path)
				}
			}
			continue
		}
		p.Targets = append(p.Targets, t)
		p.addPartial(repo, sel)
	}
	sort.Strings(p.Repos)
	sort.Strings(p.Snapshots)
	sort.Strings(p.Refs)
	sort.Strings(p.Blobs)
	sort.Strings(p.Outside)
	p.Outside = compactStrings(p.Outside)
	p.SettleShared(c)
}

// SizeInCache is what removing a repo whole can free: the sizes of its
// blobs that lie inside its own folder (blobs/, and files stored directly
// in snapshot folders), plus the payloads of the cache's shared blob
// store it uses (freed only when nothing else references them; see
// Plan.SettleShared). Repo.Size is returned when the scan kept no blob
// list. Files out of the cache, and files of another repo's folder that
// a hand-made link reaches, are never removed with the repo, so they are
// never counted.
func SizeInCache(repo *scan.Repo, cacheDir string) int64 {
	if repo.Blobs == nil {
		return repo.Size
	}
	var n int64
	for _, b := range repo.Blobs {
		if freedWithRepo(repo, cacheDir, b.Path) {
			n += b.Size
		}
	}
	return n
}

// freedWithRepo reports whether removing repo (whole, or the revisions
// using it) may free the resolved content path: a file of the repo's own
// folder, or a payload of the cache's shared blob store.
func freedWithRepo(repo *scan.Repo, cacheDir, path string) bool {
	return Inside(path, repo.Path) || scan.IsSharedPayload(cacheDir, path)
}

// compactStrings removes the repeats of a sorted list.
func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// crossRepoUse returns the resolved files that revisions use in another
// repo's folder (a hostile or hand-made cache: the downloader links only
// inside a repo), sorted. Upstream ignores them and would break those
// revisions. Revisions being deleted count too: until they are gone, the
// repo holding them must stay readable.
func crossRepoUse(c *scan.Cache) []string {
	var out []string
	seen := map[string]bool{}
	for _, repo := range c.Repos {
		for _, rev := range repo.Revisions {
			for _, id := range rev.BlobIDs {
				b := repo.Blobs[id].Path
				if !seen[b] && Inside(b, c.Path) && !Inside(b, repo.Path) && !scan.IsSharedPayload(c.Path, b) {
					seen[b] = true
					out = append(out, b)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// isProtected reports whether path is used by a kept revision of another
// repo.
func (p *Plan) isProtected(path string) bool {
	i := sort.SearchStrings(p.Protected, path)
	return i < len(p.Protected) && p.Protected[i] == path
}

// protects reports whether a protected file lies in dir.
func (p *Plan) protects(dir string) bool {
	for _, path := range p.Protected {
		if Inside(path, dir) {
			return true
		}
	}
	return false
}

// addPartial adds to the plan the removal of the selected revisions of
// repo, keeping the repo folder: their snapshot folders, the refs pointing
// to them and the blobs no other revision uses.
func (p *Plan) addPartial(repo *scan.Repo, sel map[*scan.Revision]bool) {
	kept := map[int32]bool{}
	for _, rev := range repo.Revisions {
		if !sel[rev] {
			for _, id := range rev.BlobIDs {
				kept[id] = true
			}
		}
	}
	gone := map[int32]bool{}
	var snapshots []string
	for _, rev := range repo.Revisions {
		if sel[rev] {
			snapshots = append(snapshots, rev.SnapshotPath)
		}
	}
	p.Snapshots = append(p.Snapshots, snapshots...)
	for _, rev := range repo.Revisions {
		if !sel[rev] {
			continue
		}
		for _, ref := range rev.Refs {
			p.Refs = append(p.Refs, filepath.Join(repo.Path, "refs", filepath.FromSlash(ref)))
		}
		for _, id := range rev.BlobIDs {
			if kept[id] || gone[id] || p.isProtected(repo.Blobs[id].Path) {
				continue
			}
			gone[id] = true
			b := repo.Blobs[id]
			if scan.IsSharedPayload(p.CacheDir, b.Path) {
				p.addShared(b)
				continue
			}
			if !Inside(b.Path, p.CacheDir) {
				// A link out of the cache: the link goes with its
				// snapshot, never the file. (Files of the cache outside
				// the repo are Protected.)
				p.Outside = append(p.Outside, b.Path)
				continue
			}
			p.ExpectedFreedSize += b.Size
			if InsideAny(b.Path, snapshots) {
				if p.SnapshotFileSizes == nil {
					p.SnapshotFileSizes = map[string]int64{}
				}
				p.SnapshotFileSizes[b.Path] = b.Size
			} else {
				p.Blobs = append(p.Blobs, b.Path)
				if p.BlobSizes == nil {
					p.BlobSizes = map[string]int64{}
				}
				p.BlobSizes[b.Path] = b.Size
			}
		}
	}
}

// InsideAny reports whether path lies inside one of dirs (see Inside).
func InsideAny(path string, dirs []string) bool {
	for _, d := range dirs {
		if Inside(path, d) {
			return true
		}
	}
	return false
}

// Inside reports whether path is dir or lies below it (lexically).
func Inside(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !filepath.IsAbs(rel) && !startsWithDotDot(rel))
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator)
}
