package render

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hfcache/hfcache/internal/pycompat"
	"github.com/hfcache/hfcache/internal/scan"
)

// CacheID is a repo's id in the hf 1.x verbs: "model/org/name".
func CacheID(r *scan.Repo) string { return r.Type + "/" + r.ID }

// Epoch is a time as Python's os.stat float (seconds since the epoch).
func Epoch(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())*1e-9
}

// LsRepoColumns and LsRevisionColumns are the columns hf cache ls shows.
var (
	LsRepoColumns     = []Column{{Key: "id"}, {Key: "size", Right: true}, {Key: "last_accessed"}, {Key: "last_modified"}, {Key: "refs"}}
	LsRevisionColumns = []Column{{Key: "id"}, {Key: "revision"}, {Key: "size", Right: true}, {Key: "last_modified"}, {Key: "refs"}}
)

// LsRepoItem is one repo of hf cache ls: hf 1.28's keys and values, then
// numeric fields for scripts (bytes, epoch seconds).
func LsRepoItem(r *scan.Repo, now time.Time) Object {
	refs := r.Refs()
	if refs == nil {
		refs = []string{}
	}
	return Object{
		{"id", CacheID(r)},
		{"repo_id", r.ID},
		{"repo_type", r.Type},
		{"size", Size(r.Size)},
		{"last_accessed", TimeSince(r.LastAccessed, now)},
		{"last_modified", TimeSince(r.LastModified, now)},
		{"refs", refs},
		{"size_bytes", r.Size},
		{"nb_files", r.NbFiles()},
		{"nb_revisions", len(r.Revisions)},
		{"last_accessed_epoch", Epoch(r.LastAccessed)},
		{"last_modified_epoch", Epoch(r.LastModified)},
		{"path", r.Path},
	}
}

// LsRevisionItem is one revision of hf cache ls --revisions.
func LsRevisionItem(r *scan.Repo, rev *scan.Revision, now time.Time) Object {
	refs := append([]string{}, rev.Refs...)
	sort.Strings(refs)
	return Object{
		{"id", CacheID(r)},
		{"repo_id", r.ID},
		{"repo_type", r.Type},
		{"revision", rev.Hash},
		{"snapshot_path", rev.SnapshotPath},
		{"size", Size(rev.Size)},
		{"last_modified", TimeSince(rev.LastModified, now)},
		{"refs", refs},
		{"size_bytes", rev.Size},
		{"nb_files", rev.NbFiles},
		{"last_modified_epoch", Epoch(rev.LastModified)},
	}
}

// LsCSV renders entries as hf 1.0's `hf cache ls --format csv`: sizes in
// bytes, times as epoch floats, refs joined by spaces. rev may hold nil
// (repo rows) or one revision per repo entry.
func LsCSV(repos []*scan.Repo, revs []*scan.Revision) string {
	if revs == nil {
		header := []string{"repo_id", "repo_type", "size_on_disk", "last_accessed", "last_modified", "refs"}
		rows := make([][]string, len(repos))
		for i, r := range repos {
			rows[i] = []string{r.ID, r.Type, fmt.Sprint(r.Size), pycompat.Float(Epoch(r.LastAccessed)), pycompat.Float(Epoch(r.LastModified)), strings.Join(r.Refs(), " ")}
		}
		return pycompat.CSV(header, rows)
	}
	header := []string{"repo_id", "repo_type", "revision", "snapshot_path", "size_on_disk", "last_accessed", "last_modified", "refs"}
	rows := make([][]string, len(repos))
	for i, r := range repos {
		rev := revs[i]
		refs := append([]string{}, rev.Refs...)
		sort.Strings(refs)
		rows[i] = []string{r.ID, r.Type, rev.Hash, rev.SnapshotPath, fmt.Sprint(rev.Size), pycompat.Float(Epoch(r.LastAccessed)), pycompat.Float(Epoch(rev.LastModified)), strings.Join(refs, " ")}
	}
	return pycompat.CSV(header, rows)
}

// LsSummary is the line after the table (before ANSI bold), with its
// leading empty line.
func LsSummary(repos, revisions int, size int64) string {
	return fmt.Sprintf("\nFound %d repo(s) for a total of %d revision(s) and %s on disk.", repos, revisions, Size(size))
}

// SelectedRevisions lists a deletion selection as hf 1.28's rm and prune
// print it before confirming: repos by (type, lower-cased id), whole repos
// as "(entire repo)", else one line per revision by hash. No final newline.
func SelectedRevisions(sel []scan.Selection) string {
	sel = append([]scan.Selection(nil), sel...)
	sort.SliceStable(sel, func(i, j int) bool {
		a, b := sel[i].Repo, sel[j].Repo
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return strings.ToLower(a.ID) < strings.ToLower(b.ID)
	})
	var lines []string
	for _, s := range sel {
		key := CacheID(s.Repo)
		if s.Whole() {
			lines = append(lines, "  - "+key+" (entire repo)")
			continue
		}
		lines = append(lines, "  - "+key+":")
		revs := append([]*scan.Revision(nil), s.Revisions...)
		sort.Slice(revs, func(i, j int) bool { return revs[i].Hash < revs[j].Hash })
		for _, rev := range revs {
			refs := append([]string{}, rev.Refs...)
			sort.Strings(refs)
			r := strings.Join(refs, " ")
			if r == "" {
				r = "(detached)"
			}
			lines = append(lines, fmt.Sprintf("      %s [%s] %s", rev.Hash, r, Size(rev.Size)))
		}
	}
	return strings.Join(lines, "\n")
}
