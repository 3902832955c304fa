package delete

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hfcache/hfcache/internal/scan"
)

// Sort keys of delete-cache --sort (huggingface_hub 0.30's meanings).
const (
	SortDefault      = ""             // 0.21: by (type, last accessed), oldest first
	SortAlphabetical = "alphabetical" // by (type, lower-cased id)
	SortLastUpdated  = "lastUpdated"  // newest revision first
	SortLastUsed     = "lastUsed"     // most recently used first
	SortSize         = "size"         // largest first
)

// SortKeys lists the accepted --sort values.
var SortKeys = []string{SortAlphabetical, SortLastUpdated, SortLastUsed, SortSize}

// ValidSortKey returns an error naming the accepted values when key is not
// one of them ("" is accepted: the default order).
func ValidSortKey(key string) error {
	if key == SortDefault {
		return nil
	}
	for _, k := range SortKeys {
		if k == key {
			return nil
		}
	}
	return fmt.Errorf("invalid sort key %q (want one of %s)", key, strings.Join(SortKeys, ", "))
}

// ReviewOrder returns the repos in the order delete-cache presents them
// (the review file and the TUI), with each repo's revisions ordered by last
// modified, oldest first. Ties keep repo path / hash order so the output is
// deterministic. The cache is not modified.
func ReviewOrder(c *scan.Cache, sortKey string) []scan.Selection {
	repos := make([]scan.Selection, 0, len(c.Repos))
	for _, r := range c.Repos {
		revs := append([]*scan.Revision(nil), r.Revisions...)
		sort.SliceStable(revs, func(i, j int) bool { return revs[i].LastModified.Before(revs[j].LastModified) })
		repos = append(repos, scan.Selection{Repo: r, Revisions: revs})
	}
	less := func(a, b *scan.Repo) bool {
		switch sortKey {
		case SortAlphabetical:
			if a.Type != b.Type {
				return a.Type < b.Type
			}
			return strings.ToLower(a.ID) < strings.ToLower(b.ID)
		case SortLastUpdated:
			return newestRevision(a).After(newestRevision(b))
		case SortLastUsed:
			return a.LastAccessed.After(b.LastAccessed)
		case SortSize:
			return a.Size > b.Size
		default:
			if a.Type != b.Type {
				return a.Type < b.Type
			}
			return a.LastAccessed.Before(b.LastAccessed)
		}
	}
	sort.SliceStable(repos, func(i, j int) bool { return less(repos[i].Repo, repos[j].Repo) })
	return repos
}

func newestRevision(r *scan.Repo) time.Time {
	var t time.Time
	for _, rev := range r.Revisions {
		if rev.LastModified.After(t) {
			t = rev.LastModified
		}
	}
	if t.IsZero() {
		return r.LastModified
	}
	return t
}
