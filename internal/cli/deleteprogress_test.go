package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/iostreams"
)

func TestDeleteProgressLine(t *testing.T) {
	tests := []struct {
		items, total int
		bytes, all   int64
		elapsed      time.Duration
		want         string
	}{
		{0, 70, 0, 5_000_000_000, 0, "Deleting: 0/70 items, 0 B of 5.0 GB"},
		{1234, 5000, 1_500_000, 3_000_000, 2 * time.Second, "Deleting: 1,234/5,000 items, 1.5 MB of 3.0 MB (750 kB/s)"},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		p := newDeleteProgress(ios, tt.total, tt.all)
		p.add(tt.items, tt.bytes)
		if got := p.line(tt.elapsed); got != tt.want {
			t.Errorf("line = %q, want %q", got, tt.want)
		}
		p.done()
	}
}

var deleteProgressLines = regexp.MustCompile(`^(?:\r\x1b\[KDeleting: [0-9,]+/2 items, [^\r]*)+\r\x1b\[K`)

// rm, prune and delete-cache show the line on a terminal's stderr only,
// and erase it; stdout is the same either way.
func TestDeleteProgressShown(t *testing.T) {
	cachetest.RequireSymlinks(t) // a generated cache has snapshot links
	for _, tty := range []bool{false, true} {
		root := filepath.Join(t.TempDir(), "hub")
		if _, err := cachetest.Generate(root, cachetest.Spec{Repos: 2, Revisions: 1, Files: 3}, time.Now()); err != nil {
			t.Fatal(err)
		}
		ios, _, out, errOut := iostreams.Test()
		ios.ProgressAfter = time.Nanosecond
		ios.ErrTTY = tty
		cmd := newRmCmd(ios)
		ids := []string{}
		for _, e := range mustGlob(t, filepath.Join(root, "*--*")) {
			typ, id, _ := strings.Cut(filepath.Base(e), "s--")
			ids = append(ids, typ+"/"+strings.ReplaceAll(id, "--", "/"))
		}
		cmd.SetArgs(append(ids, "--cache-dir", root, "-y"))
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %s", err, errOut)
		}
		if !strings.Contains(out.String(), "Deleted 2 repo(s)") {
			t.Fatalf("stdout %q", out)
		}
		shown := deleteProgressLines.MatchString(errOut.String())
		if shown != tty {
			t.Errorf("tty=%v: stderr %q", tty, errOut)
		}
	}
}

func mustGlob(t *testing.T, pat string) []string {
	t.Helper()
	m, err := filepath.Glob(pat)
	if err != nil || len(m) == 0 {
		t.Fatalf("glob %s: %v %v", pat, m, err)
	}
	return m
}
