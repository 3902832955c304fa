package prune

import (
	"fmt"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/scan"
)

func TestDetached(t *testing.T) {
	base := time.Unix(1_800_000_000, 0)
	day := 24 * time.Hour
	mk := func(hash string, age time.Duration, refs ...string) *scan.Revision {
		return &scan.Revision{Hash: hash, LastModified: base.Add(-age), Refs: refs}
	}
	// r1: main is the newest. r2: main is the oldest. r3: equal times (ties
	// ranked by hash, highest first).
	c := &scan.Cache{Repos: []*scan.Repo{
		{ID: "r1", Revisions: []*scan.Revision{mk("a1", 1*day, "main"), mk("b1", 2*day), mk("c1", 3*day)}},
		{ID: "r2", Revisions: []*scan.Revision{mk("a2", 9*day, "main"), mk("b2", 2*day), mk("c2", 3*day), mk("d2", 1*day, "v1")}},
		{ID: "r3", Revisions: []*scan.Revision{mk("a3", day), mk("b3", day), mk("c3", day)}},
	}}
	tests := []struct {
		keep int
		want string
	}{
		{0, "r1:[b1 c1] r2:[b2 c2] r3:[a3 b3 c3]"},
		{1, "r1:[b1 c1] r2:[b2 c2] r3:[a3 b3]"},
		{2, "r1:[c1] r2:[c2] r3:[a3]"},
		{3, ""},
		{4, ""},
	}
	for _, tt := range tests {
		var got string
		for _, rr := range Detached(c, tt.keep) {
			var hs []string
			for _, r := range rr.Revs {
				hs = append(hs, r.Hash)
			}
			if got != "" {
				got += " "
			}
			got += fmt.Sprintf("%s:%v", rr.Repo.ID, hs)
		}
		if got != tt.want {
			t.Errorf("keep-last %d: %s, want %s", tt.keep, got, tt.want)
		}
	}
}
