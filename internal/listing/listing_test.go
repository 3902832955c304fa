package listing

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachefilter"
	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

const (
	revMain = "1111111111111111111111111111111111111111"
	revOld  = "2222222222222222222222222222222222222222"
	revD    = "3333333333333333333333333333333333333333"
	revA    = "4444444444444444444444444444444444444444"
	shared  = "5555555555555555555555555555555555555555555555555555555555555555"
	unused  = "6666666666666666666666666666666666666666666666666666666666666666"
)

// buildCache builds, in a temporary folder, a cache of three repos listed
// out of id order on disk: model/acme/b (main 100 bytes, a detached
// revision of 50 bytes), dataset/acme/d (main 30 bytes, an incomplete
// download of 7 bytes) and model/acme/a (main using a shared payload of 40
// bytes that b's main also uses), plus an unused shared payload of 9
// bytes. Days since last modification: b 1 (old revision 20), d 5, a 10.
// Sizes on disk count the shared payload once: 180 bytes in all.
func buildCache(t *testing.T) *scan.Cache {
	t.Helper()
	const day = 86400
	var tr cachetest.Tree
	tr.AddSharedStore()
	tr.AddSharedPayload(shared, 40, nil, day, 10*day, "models--acme--a/blobs/sa", "models--acme--b/blobs/sb")
	tr.AddSharedPayload(unused, 9, nil, day, day)

	tr.AddRepo("models--acme--b")
	tr.AddBlob("models--acme--b", "b1", 60, nil, day, day)
	tr.AddBlob("models--acme--b", "b2", 50, nil, 20*day, 20*day)
	tr.AddSharedLink("models--acme--b", "sb", shared)
	tr.AddSnapshotFile("models--acme--b", revMain, "w.bin", "b1")
	tr.AddSnapshotFile("models--acme--b", revMain, "s.bin", "sb")
	tr.AddSnapshotFile("models--acme--b", revOld, "w.bin", "b2")
	tr.AddRef("models--acme--b", "main", revMain)

	tr.AddRepo("datasets--acme--d")
	tr.AddBlob("datasets--acme--d", "d1", 30, nil, 5*day, 5*day)
	tr.AddBlob("datasets--acme--d", "d2.incomplete", 7, nil, day, day)
	tr.AddSnapshotFile("datasets--acme--d", revD, "data.csv", "d1")
	tr.AddRef("datasets--acme--d", "main", revD)

	tr.AddRepo("models--acme--a")
	tr.AddSharedLink("models--acme--a", "sa", shared)
	tr.AddSnapshotFile("models--acme--a", revA, "s.bin", "sa")
	tr.AddRef("models--acme--a", "main", revA)

	dir := t.TempDir()
	tr.MustBuild(t, dir, time.Now())
	c, err := scan.Dir(dir, scan.Options{Modern: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) > 0 {
		t.Fatalf("scan warnings: %v", c.Warnings)
	}
	return c
}

func rowNames(l Listing) string {
	var names []string
	for _, r := range l.Rows {
		name := cacheID(r.Repo)
		if r.Rev != nil {
			name += "@" + r.Rev.Hash[:1]
		}
		names = append(names, name)
	}
	return strings.Join(names, " ")
}

func TestList(t *testing.T) {
	c := buildCache(t)
	query := func(t *testing.T, filters []string, sortKey string, limit int) cachefilter.Query {
		q := cachefilter.Query{Limit: limit}
		for _, expr := range filters {
			f, err := cachefilter.ParseFilter(expr)
			if err != nil {
				t.Fatal(err)
			}
			q.Filters = append(q.Filters, f)
		}
		if sortKey != "" {
			s, err := cachefilter.ParseSort(sortKey)
			if err != nil {
				t.Fatal(err)
			}
			q.Sort = &s
		}
		return q
	}
	tests := []struct {
		name      string
		revisions bool
		filters   []string
		sort      string
		limit     int
		rows      string
		// summary: repos, revisions, size
		summary string
	}{
		{"repos by id", false, nil, "", -1, "dataset/acme/d model/acme/a model/acme/b", "3 4 180"},
		{"revisions by id then hash", true, nil, "", -1, "dataset/acme/d@3 model/acme/a@4 model/acme/b@1 model/acme/b@2", "3 4 180"},
		{"filter on type", false, []string{"type=model"}, "", -1, "model/acme/a model/acme/b", "2 3 150"},
		{"filter on refs", true, []string{"refs=main"}, "", -1, "dataset/acme/d@3 model/acme/a@4 model/acme/b@1", "3 3 130"},
		{"revision size", true, []string{"size>55"}, "", -1, "model/acme/b@1", "1 1 100"},
		{"sort by size", false, nil, "size", -1, "model/acme/b model/acme/a dataset/acme/d", "3 4 180"},
		{"sort and limit", true, nil, "modified:asc", 2, "model/acme/b@2 model/acme/a@4", "2 2 90"},
		{"nothing matches", false, []string{"size>1GB"}, "", -1, "", "0 0 0"},
		{"limit 0", false, nil, "", 0, "", "0 0 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := List(c, tt.revisions, query(t, tt.filters, tt.sort, tt.limit), time.Now())
			if got := rowNames(l); got != tt.rows {
				t.Errorf("rows %q, want %q", got, tt.rows)
			}
			if got := fmt.Sprintf("%d %d %d", l.Repos, l.RevisionCount, l.Size); got != tt.summary {
				t.Errorf("summary (repos revisions size) %s, want %s", got, tt.summary)
			}
			if got := len(l.RevisionList()); tt.revisions && got != len(l.Rows) || !tt.revisions && l.RevisionList() != nil {
				t.Errorf("RevisionList has %d entries for %d rows (revisions %v)", got, len(l.Rows), tt.revisions)
			}
			// The hints count the whole cache, whatever the rows.
			if l.Incomplete != 1 || l.IncompleteSize != 7 || l.UnusedShared != 1 || l.UnusedSharedSize != 9 {
				t.Errorf("hints: %d incomplete (%d bytes), %d unused shared (%d bytes); want 1 (7), 1 (9)",
					l.Incomplete, l.IncompleteSize, l.UnusedShared, l.UnusedSharedSize)
			}
		})
	}
}
