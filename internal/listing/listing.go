// Package listing computes what `hfcache ls` (hf cache ls of
// huggingface_hub 1.28) shows for a scanned cache: the rows selected by the
// filters, sort and limit, the summary under them, and what the hints
// after it count (incomplete downloads, unused shared blobs). It decides;
// internal/cli prints.
package listing

import (
	"sort"
	"time"

	"github.com/hfcache/hfcache/internal/cachefilter"
	"github.com/hfcache/hfcache/internal/prune"
	"github.com/hfcache/hfcache/internal/scan"
)

// Row is one row of the listing: a repo, or (Rev set) one of its revisions.
type Row struct {
	Repo *scan.Repo
	Rev  *scan.Revision
}

// Listing is what ls shows for one cache.
type Listing struct {
	// Revisions is true when the rows are revisions, false for repos.
	Revisions bool
	// Rows are the selected rows, in output order.
	Rows []Row
	// Repos and RevisionCount count the repos and revisions in Rows (every
	// revision of a repo row); Size is their size on disk, each payload of
	// the shared blob store counted once however many repos link to it.
	Repos, RevisionCount int
	Size                 int64
	// Incomplete counts the partial downloads of the whole cache.
	Incomplete     int
	IncompleteSize int64
	// UnusedShared counts the shared blobs no repo uses.
	UnusedShared     int
	UnusedSharedSize int64
}

// List selects the rows of c (repos, or revisions when revisions is set)
// that q keeps, in q's order, and computes the summary and the counts of
// the hints. Rows start ordered by cache id ("model/org/name"), then
// revision hash, as upstream's are before filtering and sorting.
func List(c *scan.Cache, revisions bool, q cachefilter.Query, now time.Time) Listing {
	all := rows(c, revisions)
	entries := make([]cachefilter.Entry, len(all))
	for i, r := range all {
		entries[i] = r.entry()
	}
	l := Listing{Revisions: revisions}
	for _, i := range q.Apply(entries, now) {
		l.Rows = append(l.Rows, all[i])
	}
	l.summarise(c.Path)
	for _, r := range c.Repos {
		for _, b := range r.Incomplete {
			l.Incomplete++
			l.IncompleteSize += b.Size
		}
	}
	for _, b := range prune.SharedOrphans(c) {
		l.UnusedShared++
		l.UnusedSharedSize += b.Size
	}
	return l
}

// RepoList is the repo of each row, in order.
func (l Listing) RepoList() []*scan.Repo {
	repos := make([]*scan.Repo, len(l.Rows))
	for i, r := range l.Rows {
		repos[i] = r.Repo
	}
	return repos
}

// RevisionList is the revision of each row, in order; nil for repo rows.
func (l Listing) RevisionList() []*scan.Revision {
	if !l.Revisions {
		return nil
	}
	revs := make([]*scan.Revision, len(l.Rows))
	for i, r := range l.Rows {
		revs[i] = r.Rev
	}
	return revs
}

func (l *Listing) summarise(cacheDir string) {
	if len(l.Rows) == 0 {
		return
	}
	seen := map[*scan.Repo]bool{}
	for _, r := range l.Rows {
		if r.Rev != nil {
			l.RevisionCount++
		} else {
			l.RevisionCount += len(r.Repo.Revisions)
		}
		seen[r.Repo] = true
	}
	l.Repos = len(seen)
	l.Size = scan.SharedSize(cacheDir, l.RepoList(), l.RevisionList())
}

// cacheID is a repo's id in the hf 1.x verbs: "model/org/name".
func cacheID(r *scan.Repo) string { return r.Type + "/" + r.ID }

// rows lists every repo (or revision) of c by cache id, then hash.
func rows(c *scan.Cache, revisions bool) []Row {
	var out []Row
	for _, r := range c.Repos {
		if !revisions {
			out = append(out, Row{Repo: r})
			continue
		}
		for _, rev := range r.Revisions {
			out = append(out, Row{Repo: r, Rev: rev})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := cacheID(out[i].Repo), cacheID(out[j].Repo)
		if a != b {
			return a < b
		}
		if out[i].Rev == nil || out[j].Rev == nil {
			return false
		}
		return out[i].Rev.Hash < out[j].Rev.Hash
	})
	return out
}

// entry is what the filters and sort keys see of a row.
func (r Row) entry() cachefilter.Entry {
	e := cachefilter.Entry{
		ID:       cacheID(r.Repo),
		Type:     r.Repo.Type,
		Size:     r.Repo.Size,
		Accessed: r.Repo.LastAccessed,
		Modified: r.Repo.LastModified,
		Refs:     r.Repo.Refs(),
	}
	if r.Rev != nil {
		e.Size = r.Rev.Size
		e.Modified = r.Rev.LastModified
		e.Refs = r.Rev.Refs
	}
	return e
}
