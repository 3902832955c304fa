package tui

import (
	"bufio"
	"fmt"
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
	captures := loadCaptures(t)
	firstOfRun := map[string]string{} // run -> name of its first capture
	for _, c := range captures {
		if _, ok := firstOfRun[c.run()]; !ok {
			firstOfRun[c.run()] = c.name
		}
	}
	for _, c := range captures {
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
			want := readCapture(t, c.name)
			// Three revisions of acme/ok-model (corrupt preset) have the
			// same time: upstream lists them in an arbitrary order that
			// changes from one run to the next (but not within a run).
			// Order ours as the run's first screen shows them, so that the
			// keys tick the same revisions.
			cache := inScreenOrder(ca.cache, readCapture(t, firstOfRun[c.run()]))
			m := New(cache, Options{Now: ca.now, Width: c.w, Height: c.h})
			press(m, c.keys...)
			got := strings.Split(screenText(m), "\n")
			if m.phase != phaseList {
				if !strings.HasPrefix(want[0], "?") {
					// ctrl+c at the confirmation at 80x24: upstream's
					// traceback scrolled its lines off the screen. They
					// do not depend on the width: compare with the same
					// run at 120x40, which has them.
					wide := strings.Replace(c.name, "-80x24-", "-120x40-", 1)
					if wide == c.name {
						t.Fatalf("no upstream lines on the screen and no 120x40 run to compare with")
					}
					want = readCapture(t, wide)
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
			for i := 1; i < n; i++ {
				if !sameRow(got[i], want[i]) {
					t.Errorf("row %d = %q, upstream %q", i+1, got[i], want[i])
				}
			}
		})
	}
}

// readCapture reads one screen of upstream's checklist, as lines.
func readCapture(t *testing.T, name string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(cachetest.CompatDir(t), "tui", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(raw), "\n")
}

// run names the upstream process a capture belongs to.
func (c capture) run() string { return fmt.Sprintf("%s-%dx%d-%s", c.preset, c.w, c.h, c.scenario) }

var screenHash = regexp.MustCompile(`[○◉] ([0-9a-f]{8}): `)

// inScreenOrder is a copy of c whose repos list their revisions in the
// order the screen shows them (revisions not on it keep their order, after
// those that are). The review order sorts revisions by time with a stable
// sort, so revisions with the same time then come in the screen's order.
func inScreenOrder(c *scan.Cache, screen []string) *scan.Cache {
	pos := map[string]int{}
	for _, line := range screen {
		if m := screenHash.FindStringSubmatch(line); m != nil {
			if _, seen := pos[m[1]]; !seen {
				pos[m[1]] = len(pos)
			}
		}
	}
	at := func(r *scan.Revision) int {
		if p, ok := pos[r.Hash[:8]]; ok {
			return p
		}
		return len(pos)
	}
	out := *c
	out.Repos = make([]*scan.Repo, len(c.Repos))
	for i, repo := range c.Repos {
		cp := *repo
		cp.Revisions = append([]*scan.Revision(nil), repo.Revisions...)
		sort.SliceStable(cp.Revisions, func(i, j int) bool { return at(cp.Revisions[i]) < at(cp.Revisions[j]) })
		out.Repos[i] = &cp
	}
	return &out
}

type cacheAt struct {
	cache *scan.Cache
	now   time.Time
}
