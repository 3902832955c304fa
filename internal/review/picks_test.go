package review

import (
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/scan"
)

// TestReviewPicksFork (attack 4): two repos hold the same commit (a fork
// copied with cp -a). Un-commenting the hash in the fork's section of the
// review file picks the fork's revision, never the original's; a line
// outside any section falls back to the one repo holding the hash.
func TestReviewPicksFork(t *testing.T) {
	t.Parallel()
	cachetest.RequireSymlinks(t)
	dir := t.TempDir()
	var tr cachetest.Tree
	for _, f := range []string{"models--acme--m", "models--fork--m"} {
		tr.AddRepo(f)
		tr.AddBlob(f, "aaaa", 0, []byte("a"), 10, 10)
		tr.AddSnapshotFile(f, r1, "a.txt", "aaaa")
		tr.AddRef(f, "main", r1)
	}
	tr.AddBlob("models--acme--m", "bbbb", 0, []byte("b"), 10, 10)
	tr.AddSnapshotFile("models--acme--m", r2, "b.txt", "bbbb")
	if err := tr.Build(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	c := mustScan(t, dir)
	repos := delete.ReviewOrder(c, "")
	content := Render(repos, time.Now(), nil)
	for _, tc := range []struct {
		name, section, hash string
		wantRepo            string
		wantNotFound        int
	}{
		{"fork section", "fork/m", r1, "models--fork--m", 0},
		{"original section", "acme/m", r1, "models--acme--m", 0},
		{"hash of one repo in the other's section", "fork/m", r2, "models--acme--m", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edited := selectInSection(t, content, tc.section, tc.hash)
			picks, notFound := Picks(edited, repos)
			if len(notFound) != tc.wantNotFound || len(picks) != 1 || len(picks[0].Revisions) != 1 {
				t.Fatalf("picks %+v, not found %v\n%s", picks, notFound, edited)
			}
			if got := picks[0].Repo.Path; !strings.HasSuffix(got, tc.wantRepo) || picks[0].Revisions[0].Hash != tc.hash {
				t.Errorf("picked %s@%s, want %s@%s", got, picks[0].Revisions[0].Hash, tc.wantRepo, tc.hash)
			}
			// The plan of the picks leaves the other repo alone.
			plan := delete.PlanSelected(c, picks)
			for _, tg := range plan.Targets {
				if !strings.HasSuffix(tg.RepoPath, tc.wantRepo) {
					t.Errorf("plan touches %s", tg.RepoPath)
				}
			}
		})
	}
	if _, nf := Picks("    "+r3+"\n", repos); len(nf) != 1 || nf[0] != r3 {
		t.Errorf("unknown hash: not found %v", nf)
	}
}

// selectInSection appends an uncommented line selecting hash at the end of
// the section of the repo whose header names id.
func selectInSection(t *testing.T, content, id, hash string) string {
	t.Helper()
	lines := strings.Split(content, "\n")
	at := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "# Model "+id+" (") {
			at = i
		}
	}
	if at < 0 {
		t.Fatalf("no section for %s in\n%s", id, content)
	}
	out := append([]string{}, lines[:at+1]...)
	out = append(out, "    "+hash)
	out = append(out, lines[at+1:]...)
	return strings.Join(out, "\n")
}

const (
	r1 = "1111111111111111111111111111111111111111"
	r2 = "2222222222222222222222222222222222222222"
	r3 = "3333333333333333333333333333333333333333"
)

func mustScan(t *testing.T, dir string) *scan.Cache {
	t.Helper()
	c, err := scan.Dir(dir, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func warningMsgs(c *scan.Cache) []string {
	var w []string
	for _, e := range c.Warnings {
		w = append(w, e.Msg)
	}
	return w
}
