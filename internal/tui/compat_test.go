package tui

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// capture is one screen of upstream's checklist (testdata/compat/tui).
type capture struct {
	name     string // e.g. small-120x40-3-space1
	preset   string
	w, h     int
	scenario string   // "" for the main run, "cancel", "ctrlc", ...
	keys     []string // every key since the start of the run
}

// loadCaptures reads runs.txt and accumulates the keys of each run.
func loadCaptures(t *testing.T) []capture {
	t.Helper()
	f, err := os.Open(filepath.Join(cachetest.CompatDir(t), "tui", "runs.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := map[string]string{
		"Down": "down", "Up": "up", "Space": "space", "Enter": "enter", "Tab": "tab",
		"C-c": "ctrl+c", "C-a": "ctrl+a", "C-r": "ctrl+r", "C-z": "ctrl+z", "C-n": "ctrl+n", "C-p": "ctrl+p", "n": "n",
	}
	runs := map[string][]string{}
	var caps []capture
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) < 2 {
			continue
		}
		c := capture{name: fields[0]}
		parts := strings.SplitN(c.name, "-", 3)
		c.preset = parts[0]
		ws, hs, _ := strings.Cut(parts[1], "x")
		c.w, _ = strconv.Atoi(ws)
		c.h, _ = strconv.Atoi(hs)
		if rest := parts[2]; rest[0] < '0' || rest[0] > '9' {
			c.scenario, _, _ = strings.Cut(rest, "-")
		}
		run := parts[0] + parts[1] + c.scenario
		words := strings.Fields(strings.TrimPrefix(fields[1], "keys:"))
		for i := 0; i < len(words); i++ {
			if words[i] == "(none)" {
				continue
			}
			k, ok := names[words[i]]
			if !ok {
				t.Fatalf("%s: unknown key %q", c.name, words[i])
			}
			n := 1
			if i+1 < len(words) && strings.HasPrefix(words[i+1], "x") {
				n, _ = strconv.Atoi(words[i+1][1:])
				i++
			}
			runs[run] = append(runs[run], repeat(k, n)...)
		}
		c.keys = append([]string(nil), runs[run]...)
		caps = append(caps, c)
	}
	return caps
}

// sameRow reports whether our row shows upstream's: ours may add the size
// column on the right, or be cut with an ellipsis to make room for it.
func sameRow(ours, theirs string) bool {
	if strings.HasPrefix(ours, theirs) {
		return true
	}
	if cut := strings.Index(ours, "…"); cut >= 0 {
		return strings.HasPrefix(theirs, ours[:cut])
	}
	return false
}

// TestUpstreamScreens replays the keys of every captured run of upstream's
// checklist and compares the screens: the question line with its live
// "{n} revisions selected counting for {size}." text, every list row
// (pointer, checkbox, header and revision texts, order), and once the
// checklist is left, the answer and confirmation lines.
//
// Not compared, on purpose: the scroll-* runs (our list window is shorter,
// it keeps repo headers in view when scrolling up), the keys-* runs
// (tab/ctrl+a/ctrl+r update the live line here; upstream's do not), and what
// follows the confirmation (printed by the delete-cache command).
func TestUpstreamScreens(t *testing.T) {
	caches := map[string]*cacheAt{}
	for _, c := range loadCaptures(t) {
		if c.scenario == "scroll" || c.scenario == "keys" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			ca := caches[c.preset]
			if ca == nil {
				cache, now := presetCache(t, c.preset)
				ca = &cacheAt{cache, now}
				caches[c.preset] = ca
			}
			raw, err := os.ReadFile(filepath.Join(cachetest.CompatDir(t), "tui", c.name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Split(string(raw), "\n")
			m := New(ca.cache, Options{Now: ca.now, Width: c.w, Height: c.h})
			press(m, c.keys...)
			got := strings.Split(screenText(m), "\n")
			if tied := tiedSelection(m); tied != "" {
				// Three revisions of acme/ok-model (corrupt preset) have
				// the same time: upstream shows them in an arbitrary
				// order, different from one capture to the next, so
				// which of them the keys tick is arbitrary too.
				t.Skipf("the keys ticked %s, one of revisions upstream orders arbitrarily", tied)
			}
			if m.phase != phaseList {
				if !strings.HasPrefix(want[0], "?") {
					// ctrl+c at the confirmation at 80x24: upstream's
					// traceback scrolled its lines off (120x40 has them).
					t.Skip("upstream's lines scrolled off by its traceback")
				}
				for i, g := range got {
					if g == "" && i == len(got)-1 {
						continue
					}
					w := strings.TrimRight(want[i], " ")
					if m.big {
						// hfcache asks for an explicit y when the
						// selection frees more than half of the cache
						// (upstream defaults to Yes).
						w = strings.Replace(w, "(Y/n)", "(y/N)", 1)
					}
					if g != w {
						t.Errorf("line %d = %q, upstream %q", i+1, g, w)
					}
				}
				return
			}
			if got[0] != want[0] {
				t.Errorf("question line = %q, upstream %q", got[0], want[0])
			}
			_, list := m.Window()
			n := min(list+1, len(want))
			if c.preset == "corrupt" {
				if g, w := sortedRows(got[1:n]), sortedRows(want[1:n]); g != w {
					t.Errorf("rows differ (order-insensitive)\n--- got\n%s\n--- upstream\n%s", g, w)
				}
				return
			}
			for i := 1; i < n; i++ {
				if !sameRow(got[i], want[i]) {
					t.Errorf("row %d = %q, upstream %q", i+1, got[i], want[i])
				}
			}
		})
	}
}

var sizeColumn = regexp.MustCompile(` +[0-9.]+[KMGTPEZY]?( +(frees +)?[0-9.]+[KMGTPEZY]?)?( \[[^]]*\])?$`)

// sortedRows strips our size and freed columns and sorts the rows.
func sortedRows(rows []string) string {
	out := make([]string, len(rows))
	for i, r := range rows {
		r = sizeColumn.ReplaceAllString(r, "")
		if j := strings.Index(r, "…"); j > 0 {
			r = r[:j]
		}
		out[i] = r
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// revisionByHash finds a revision of any repo of c by its hash.
func revisionByHash(c *scan.Cache, hash string) (*scan.Repo, *scan.Revision) {
	for _, repo := range c.Repos {
		for _, rev := range repo.Revisions {
			if rev.Hash == hash {
				return repo, rev
			}
		}
	}
	return nil, nil
}

// tiedSelection returns a ticked revision (or the one under the pointer)
// whose repo has another revision with the same modification time, or "".
func tiedSelection(m *Model) string {
	hashes := m.Selected()
	if h := m.Cursor(); h != "" {
		hashes = append(hashes, h)
	}
	for _, h := range hashes {
		repo, rev := revisionByHash(m.cache, h)
		if repo == nil {
			continue
		}
		for _, other := range repo.Revisions {
			if other != rev && other.LastModified.Equal(rev.LastModified) {
				return h[:8]
			}
		}
	}
	return ""
}

type cacheAt struct {
	cache *scan.Cache
	now   time.Time
}
