package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
)

func TestKeyNames(t *testing.T) {
	for name := range keyNames {
		if got := keyMsg(name).String(); got != name {
			t.Errorf("key %q reads as %q", name, got)
		}
	}
}

// expectLine is the live line the planner gives for hashes.
func expectLine(c *scan.Cache, hashes []string) string {
	p := delete.PlanRevisions(c, hashes)
	return fmt.Sprintf("%d revisions selected counting for %s.", len(hashes), render.Size(p.ExpectedFreedSize))
}

// review returns the revisions in display order for a sort key.
func review(c *scan.Cache, sortKey string) []*scan.Revision {
	var revs []*scan.Revision
	for _, rr := range delete.ReviewOrder(c, sortKey) {
		revs = append(revs, rr.Revisions...)
	}
	return revs
}

func TestSelection(t *testing.T) {
	c, now := presetCache(t, "small")
	revs := review(c, "")
	firstRepo := delete.ReviewOrder(c, "")[0]
	var repoHashes []string
	for _, r := range firstRepo.Revisions {
		repoHashes = append(repoHashes, r.Hash)
	}
	cases := []struct {
		name     string
		keys     []string
		selected []string
		none     bool
	}{
		{"nothing preselected", nil, nil, false},
		{"space ticks the row under the pointer", []string{"down", "space"}, []string{revs[0].Hash}, false},
		{"space again unticks", []string{"down", "space", "space"}, nil, false},
		{"x ticks too", []string{"down", "x"}, []string{revs[0].Hash}, false},
		{"tab ticks then moves down", []string{"down", "tab", "tab"}, []string{revs[0].Hash, revs[1].Hash}, false},
		{"shift+tab ticks then moves up", []string{"end", "shift+tab", "shift+tab"}, []string{revs[len(revs)-2].Hash, revs[len(revs)-1].Hash}, false},
		{"headers are skipped", []string{"down", "down", "down", "space"}, []string{revs[2].Hash}, false},
		{"ctrl+n/ctrl+p move too", []string{"ctrl+n", "ctrl+n", "ctrl+p", "space"}, []string{revs[0].Hash}, false},
		{"no wrap at the top", []string{"up", "up", "down", "space"}, []string{revs[0].Hash}, false},
		{"no wrap at the bottom", append(repeat("down", 40), "space"), []string{revs[len(revs)-1].Hash}, false},
		{"a ticks the whole repo", []string{"down", "a"}, repoHashes, false},
		{"a again unticks it", []string{"down", "a", "a"}, nil, false},
		{"a completes a partly ticked repo", []string{"down", "space", "a"}, repoHashes, false},
		{"ctrl+a ticks every revision shown", []string{"ctrl+a"}, hashesOf(revs), false},
		{"ctrl+a twice unticks them", []string{"ctrl+a", "ctrl+a"}, nil, false},
		{"i inverts", []string{"down", "space", "i"}, hashesOf(revs[1:]), false},
		{"space on None of the following", []string{"space"}, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := New(c, Options{Now: now, Width: 120, Height: 40})
			press(m, tc.keys...)
			got := m.Selected()
			slices.Sort(got)
			want := slices.Clone(tc.selected)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("selected %v, want %v", got, want)
			}
			if m.NoneTicked() != tc.none {
				t.Errorf("none ticked = %v", m.NoneTicked())
			}
			wantLine := expectLine(c, tc.selected)
			if tc.none {
				wantLine = NothingDeleted
			}
			if m.LiveLine() != wantLine {
				t.Errorf("live line %q, want %q", m.LiveLine(), wantLine)
			}
			if q := strings.SplitN(screenText(m), "\n", 2)[0]; q != "? "+Question+" "+wantLine {
				t.Errorf("question line %q", q)
			}
		})
	}
}

func hashesOf(revs []*scan.Revision) []string {
	var h []string
	for _, r := range revs {
		h = append(h, r.Hash)
	}
	return h
}

// TestWholeRepoFreesRepoSize: ticking every revision of a repo counts the
// whole repo, as the planner does.
func TestWholeRepoFreesRepoSize(t *testing.T) {
	c, now := presetCache(t, "small")
	m := New(c, Options{Now: now})
	press(m, "down", "a")
	repo := delete.ReviewOrder(c, "")[0].Repo
	want := fmt.Sprintf("%d revisions selected counting for %s.", len(repo.Revisions), render.Size(repo.Size))
	if m.LiveLine() != want {
		t.Errorf("live line %q, want %q", m.LiveLine(), want)
	}
}

func TestOutcomes(t *testing.T) {
	c, now := presetCache(t, "small")
	revs := review(c, "")
	cases := []struct {
		name   string
		keys   []string
		want   Outcome
		hashes []string
		ticked int
		screen string // what stays on the terminal
	}{
		{
			"ctrl+c in the list",
			[]string{"down", "space", "ctrl+c"},
			Quit, nil, 0,
			"? Select revisions to delete:\n",
		},
		{"esc in the list", []string{"down", "space", "esc"}, Quit, nil, 0, "? Select revisions to delete:\n"},
		{"q in the list", []string{"q"}, Quit, nil, 0, "? Select revisions to delete:\n"},
		{
			"enter with nothing ticked",
			[]string{"enter"},
			Nothing, nil, 0,
			"? Select revisions to delete: 0 revision(s) selected.\n",
		},
		{
			"enter with None ticked",
			[]string{"space", "down", "space", "enter"},
			Nothing, nil, 2,
			"? Select revisions to delete: 2 revision(s) selected.\n",
		},
		{
			"yes",
			[]string{"down", "space", "enter", "y"},
			Confirmed,
			[]string{revs[0].Hash},
			1,
			"? Select revisions to delete: 1 revision(s) selected.\n? " + expectLine(c, []string{revs[0].Hash}) + " Confirm deletion ? Yes\n",
		},
		{
			"enter is yes",
			[]string{"down", "space", "enter", "enter"},
			Confirmed,
			[]string{revs[0].Hash},
			1,
			"? Select revisions to delete: 1 revision(s) selected.\n? " + expectLine(c, []string{revs[0].Hash}) + " Confirm deletion ? Yes\n",
		},
		{
			"no",
			[]string{"down", "space", "enter", "n"},
			Declined,
			[]string{revs[0].Hash},
			1,
			"? Select revisions to delete: 1 revision(s) selected.\n? " + expectLine(c, []string{revs[0].Hash}) + " Confirm deletion ? No\n",
		},
		{
			"esc at the confirmation is no",
			[]string{"down", "space", "enter", "esc"},
			Declined,
			[]string{revs[0].Hash},
			1,
			"? Select revisions to delete: 1 revision(s) selected.\n? " + expectLine(c, []string{revs[0].Hash}) + " Confirm deletion ? No\n",
		},
		{
			"ctrl+c at the confirmation",
			[]string{"down", "space", "enter", "ctrl+c"},
			Interrupted,
			[]string{revs[0].Hash},
			1,
			"? Select revisions to delete: 1 revision(s) selected.\n? " + expectLine(c, []string{revs[0].Hash}) + " Confirm deletion ?\n",
		},
		{
			"two revisions",
			[]string{"down", "space", "down", "space", "enter", "y"},
			Confirmed,
			[]string{revs[0].Hash, revs[1].Hash},
			2,
			"? Select revisions to delete: 2 revision(s) selected.\n? " + expectLine(c, []string{revs[0].Hash, revs[1].Hash}) + " Confirm deletion ? Yes\n",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := New(c, Options{Now: now})
			if !press(m, tc.keys...) {
				t.Fatal("the program did not quit")
			}
			r := m.Result()
			if r.Outcome != tc.want || !slices.Equal(r.Hashes, tc.hashes) || r.Ticked != tc.ticked {
				t.Errorf("result %v %v ticked %d, want %v %v %d", r.Outcome, r.Hashes, r.Ticked, tc.want, tc.hashes, tc.ticked)
			}
			if got := screenText(m); got != tc.screen {
				t.Errorf("screen %q, want %q", got, tc.screen)
			}
			if v := m.View(); v.AltScreen {
				t.Error("the answer must stay on the main screen")
			}
		})
	}
}

func TestConfirmPrompt(t *testing.T) {
	c, now := presetCache(t, "small")
	m := New(c, Options{Now: now})
	if press(m, "down", "space", "enter", "k", "space") {
		t.Fatal("other keys must not answer the confirmation")
	}
	want := "? Select revisions to delete: 1 revision(s) selected.\n? " + m.LiveLine() + " Confirm deletion ? (Y/n)\n"
	if got := screenText(m); got != want {
		t.Errorf("screen %q, want %q", got, want)
	}
	v := m.View()
	if v.Cursor == nil || v.Cursor.Y != 1 || v.Cursor.X != ansi.StringWidth("? "+m.LiveLine()+" Confirm deletion ? (Y/n) ") {
		t.Errorf("cursor %+v, want after the prompt", v.Cursor)
	}
}

// shownRepos lists the repo headers on the screen, in order.
func shownRepos(m *Model) []string {
	var ids []string
	for _, r := range m.rows {
		if r.kind == rowHeader {
			ids = append(ids, m.repos[r.repo].repo.ID)
		}
	}
	return ids
}

func TestFilter(t *testing.T) {
	c, now := presetCache(t, "small")
	m := New(c, Options{Now: now, Width: 120, Height: 40})
	press(m, "/")
	typeText(m, "T5")
	if got := shownRepos(m); !slices.Equal(got, []string{"t5-base", "t5-small"}) {
		t.Fatalf("filter T5 shows %v", got)
	}
	if m.Cursor() == "" {
		t.Error("the pointer should move to the first match")
	}
	screen := screenText(m)
	if !strings.Contains(screen, "/T5▏") || strings.Contains(screen, "google/fleurs") {
		t.Errorf("screen while typing:\n%s", screen)
	}
	// Keys are text while typing: "q", "s" and "a" do not act.
	typeText(m, "-sq")
	if m.Done() || m.SortKey() != "" || len(m.Selected()) != 0 {
		t.Fatal("keys acted while typing the filter")
	}
	if got := shownRepos(m); len(got) != 0 {
		t.Fatalf("filter t5-sq shows %v", got)
	}
	press(m, "backspace", "enter") // filter "T5-s", then back to the list
	if got := shownRepos(m); !slices.Equal(got, []string{"t5-small"}) {
		t.Fatalf("filter T5-s shows %v", got)
	}
	press(m, "a") // tick the whole t5-small repo
	small := c.Repos[slices.IndexFunc(c.Repos, func(r *scan.Repo) bool { return r.ID == "t5-small" })]
	if len(m.Selected()) != len(small.Revisions) {
		t.Fatalf("selected %v", m.Selected())
	}
	press(m, "/", "ctrl+u") // erase: everything is shown again, the selection stays
	if len(shownRepos(m)) != len(c.Repos) || len(m.Selected()) != len(small.Revisions) {
		t.Fatalf("after erasing: %v, selected %v", shownRepos(m), m.Selected())
	}
	typeText(m, "bert")
	press(m, "enter")
	if !strings.Contains(screenText(m), fmt.Sprintf("%d selected not shown", len(small.Revisions))) {
		t.Errorf("hidden selection not reported:\n%s", screenText(m))
	}
	press(m, "esc") // esc in the list clears the filter first
	if m.Filter() != "" || m.Done() {
		t.Fatalf("esc: filter %q, done %v", m.Filter(), m.Done())
	}
	press(m, "esc")
	if !m.Done() || m.Result().Outcome != Quit {
		t.Fatal("second esc should quit")
	}
}

func TestSortCycle(t *testing.T) {
	c := syntheticCache(40, 3, time.Now())
	m := New(c, Options{Now: time.Now()})
	press(m, "down", "down", "down", "down")
	under := m.Cursor()
	for i := 1; i <= len(SortCycle); i++ {
		press(m, "s")
		key := SortCycle[i%len(SortCycle)]
		if m.SortKey() != key {
			t.Fatalf("after %d presses sort is %q, want %q", i, m.SortKey(), key)
		}
		var want []string
		for _, rr := range delete.ReviewOrder(c, key) {
			want = append(want, rr.Repo.ID)
		}
		if got := shownRepos(m); !slices.Equal(got, want) {
			t.Errorf("sort %q: repos %v, want %v", key, got[:5], want[:5])
		}
		if m.Cursor() != under {
			t.Errorf("sort %q: pointer moved from %s to %s", key, under, m.Cursor())
		}
		if !strings.Contains(screenText(m), "sort: "+SortName(key)) {
			t.Errorf("sort %q not shown in the status line", key)
		}
		if off, h := m.Window(); m.cursor < off || m.cursor >= off+h {
			t.Errorf("sort %q: pointer row %d outside the window %d+%d", key, m.cursor, off, h)
		}
	}
	m = New(c, Options{Now: time.Now(), SortKey: delete.SortSize})
	if m.SortKey() != delete.SortSize || shownRepos(m)[0] != delete.ReviewOrder(c, delete.SortSize)[0].Repo.ID {
		t.Error("initial sort key ignored")
	}
}

// checkScreen verifies the invariants of every frame: exactly the terminal's
// height, no line wider than the terminal, the pointer in the window.
func checkScreen(t *testing.T, m *Model, w, h int, what string) {
	t.Helper()
	lines := strings.Split(m.View().Content, "\n")
	if len(lines) != h {
		t.Fatalf("%s: %d lines for a height of %d", what, len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Fatalf("%s: line %d is %d wide (> %d): %q", what, i+1, lw, w, ansi.Strip(l))
		}
	}
	if off, lh := m.Window(); lh > 0 && (m.cursor < off || m.cursor >= off+lh) {
		t.Fatalf("%s: pointer row %d outside the window %d+%d", what, m.cursor, off, lh)
	}
	if _, lh := m.Window(); lh > 0 && !strings.Contains(ansi.Strip(m.View().Content), pointerGlyph) {
		t.Fatalf("%s: pointer not drawn", what)
	}
}

func TestScrolling(t *testing.T) {
	now := time.Now()
	c := syntheticCache(1000, 5, now)
	m := New(c, Options{Now: now, Width: 80, Height: 24})
	_, h := m.Window()
	steps := []struct {
		keys []string
		// hashIndex is the revision (in display order) under the pointer
		// afterwards; -1 for "None of the following".
		hashIndex int
	}{
		{repeat("down", 10), 9},
		{repeat("down", 100), 109},
		{repeat("up", 50), 59},
		{[]string{"pgdown"}, -2},
		{[]string{"end"}, 4999},
		{[]string{"down"}, 4999},
		{[]string{"pgup", "pgup"}, -2},
		{[]string{"home"}, -1},
		{[]string{"up"}, -1},
	}
	revs := review(c, "")
	for _, st := range steps {
		press(m, st.keys...)
		what := strings.Join(st.keys[:1], ",") + fmt.Sprintf(" x%d", len(st.keys))
		checkScreen(t, m, 80, 24, what)
		switch {
		case st.hashIndex == -1 && m.Cursor() != "":
			t.Errorf("%s: pointer on %s, want None of the following", what, m.Cursor())
		case st.hashIndex >= 0 && m.Cursor() != revs[st.hashIndex].Hash:
			t.Errorf("%s: pointer on %s, want revision #%d", what, m.Cursor(), st.hashIndex)
		}
	}
	// Moving down one row at a time scrolls by at most the rows passed
	// (a blank and a header), never jumps.
	m = New(c, Options{Now: now, Width: 80, Height: 24})
	prev := 0
	for i := 0; i < 300; i++ {
		press(m, "down")
		off, _ := m.Window()
		if off < prev || off > prev+3 {
			t.Fatalf("step %d: window jumped from %d to %d", i, prev, off)
		}
		prev = off
	}
	// Scrolling up onto a repo's first revision brings its header into view.
	for i := 0; i < 40; i++ {
		press(m, "up")
		off, _ := m.Window()
		if m.cursor == off && m.cursor > 0 && m.rows[m.cursor-1].kind == rowHeader && h >= 3 {
			t.Fatalf("header of the first revision %s hidden", m.Cursor())
		}
	}
}

func TestResizeAndTinyTerminals(t *testing.T) {
	c, now := presetCache(t, "small")
	sizes := [][2]int{{1, 1}, {2, 2}, {10, 3}, {20, 5}, {30, 8}, {39, 12}, {59, 15}, {80, 24}, {200, 50}, {40, 4}}
	m := New(c, Options{Now: now})
	press(m, "down", "down", "down", "space", "end")
	for _, s := range sizes {
		m.Update(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
		checkScreen(t, m, s[0], s[1], fmt.Sprintf("%dx%d", s[0], s[1]))
		press(m, "up", "up", "down")
		checkScreen(t, m, s[0], s[1], fmt.Sprintf("%dx%d after moving", s[0], s[1]))
		press(m, "?")
		checkScreen(t, m, s[0], s[1], fmt.Sprintf("%dx%d with full help", s[0], s[1]))
		press(m, "?", "/", "t")
		checkScreen(t, m, s[0], s[1], fmt.Sprintf("%dx%d while filtering", s[0], s[1]))
		press(m, "esc")
	}
	if got := m.Selected(); len(got) != 1 {
		t.Errorf("resizes changed the selection: %v", got)
	}
}

func TestColours(t *testing.T) {
	c, now := presetCache(t, "small")
	plain := New(c, Options{Now: now, NoColor: true})
	press(plain, "down", "space")
	if s := plain.View().Content; strings.Contains(s, "\x1b[") {
		t.Errorf("NoColor view has escape codes: %q", s[:200])
	}
	press(plain, "enter")
	if s := plain.View().Content; strings.Contains(s, "\x1b[") {
		t.Errorf("NoColor confirmation has escape codes: %q", s)
	}
	dark := New(c, Options{Now: now})
	light := New(c, Options{Now: now, Light: true})
	if !strings.Contains(dark.View().Content, "\x1b[") {
		t.Error("no colour by default")
	}
	if dark.View().Content == light.View().Content {
		t.Error("light and dark backgrounds draw the same colours")
	}
	if ansi.Strip(dark.View().Content) != ansi.Strip(light.View().Content) {
		t.Error("light and dark backgrounds differ in text")
	}
	// The terminal's answer to the background query switches the styles.
	auto := New(c, Options{Now: now, DetectBackground: true})
	if auto.Init() == nil {
		t.Fatal("DetectBackground should query the background colour")
	}
	auto.Update(tea.BackgroundColorMsg{Color: lightColour{}})
	if auto.View().Content != light.View().Content {
		t.Error("a light background answer did not switch to light styles")
	}
	if New(c, Options{Now: now, NoColor: true, DetectBackground: true}).Init() != nil {
		t.Error("no background query is needed without colours")
	}
}

type lightColour struct{}

func (lightColour) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

func TestKeyMapHelp(t *testing.T) {
	k := DefaultKeyMap()
	m := New(syntheticCache(2, 2, time.Now()), Options{Now: time.Now(), Width: 200, Height: 50})
	screen := screenText(m)
	for _, b := range k.ShortHelp() {
		if !strings.Contains(screen, b.Help().Key+" "+b.Help().Desc) {
			t.Errorf("help line lacks %q", b.Help().Key)
		}
	}
	press(m, "?")
	screen = screenText(m)
	for _, col := range k.FullHelp() {
		for _, b := range col {
			if !strings.Contains(screen, b.Help().Key) || !strings.Contains(screen, b.Help().Desc) {
				t.Errorf("full help lacks %q", b.Help().Key)
			}
		}
	}
	// A remapped KeyMap is obeyed.
	custom := DefaultKeyMap()
	custom.Toggle = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "select"))
	m = New(syntheticCache(2, 2, time.Now()), Options{Now: time.Now(), Keys: &custom})
	press(m, "down", "space", "t")
	if len(m.Selected()) != 1 {
		t.Errorf("custom toggle key: selected %v", m.Selected())
	}
}

// TestGolden snapshots whole screens (escape codes stripped) at 80x24 and
// 120x40; refresh with `go test ./internal/tui -update`.
func TestGolden(t *testing.T) {
	c, now := presetCache(t, "small")
	big := syntheticCache(300, 4, now)
	cases := []struct {
		name  string
		cache *scan.Cache
		keys  []string
	}{
		{"start", c, nil},
		{"ticked", c, []string{"down", "down", "down", "space", "down", "space"}},
		{"repo", c, []string{"end", "a"}},
		{"filter", c, []string{"/", "t", "5"}},
		{"sorted-size", c, []string{"s", "s", "s", "s"}},
		{"help", c, []string{"?"}},
		{"confirm", c, []string{"down", "space", "enter"}},
		{"large-scrolled", big, append(repeat("down", 30), "space", "a")},
		{"large-end", big, []string{"end", "space"}},
		{"files", c, append(repeat("down", 7), "right")},
		{"files-ticked", c, append(repeat("down", 7), "right", "space", "down", "down", "space")},
		{"files-back", c, append(repeat("down", 7), "right", "space", "left")},
		{"files-confirm", c, append(repeat("down", 7), "right", "space", "down", "down", "space", "enter")},
		{"big-confirm", c, []string{"ctrl+a", "enter"}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, tc := range cases {
			name := fmt.Sprintf("%s-%dx%d", tc.name, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				m := New(tc.cache, Options{Now: now, Width: size[0], Height: size[1]})
				press(m, tc.keys...)
				checkGolden(t, name, screenText(m))
			})
		}
	}
}

// BenchmarkUpdateView measures one key press and the frame drawn after it
// on a cache of 5,000 revisions (1,000 repos): moving the pointer, and
// ticking a revision (which re-runs the planner for the live line).
func BenchmarkUpdateView(b *testing.B) {
	now := time.Now()
	c := syntheticCache(1000, 5, now)
	for _, bc := range []struct {
		name string
		keys []string
	}{
		{"move", []string{"down"}},
		{"page", []string{"pgdown"}},
		{"toggle", []string{"space"}},
		{"toggle-repo", []string{"a"}},
		{"filter-type", []string{"/", "1", "backspace", "esc"}},
		{"sort", []string{"s"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			m := New(c, Options{Now: now, Width: 120, Height: 40})
			press(m, repeat("down", 2500)...)
			msgs := make([]tea.KeyPressMsg, len(bc.keys))
			for i, k := range bc.keys {
				msgs[i] = keyMsg(k)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, msg := range msgs {
					m.Update(msg)
					_ = m.View()
				}
				if bc.name == "move" && m.Cursor() == revsLast(m) {
					press(m, "home")
				}
			}
		})
	}
}

func revsLast(m *Model) string { return m.revs[len(m.revs)-1].hash }

// BenchmarkNew is the cost of opening the checklist on 5,000 revisions.
func BenchmarkNew(b *testing.B) {
	now := time.Now()
	c := syntheticCache(1000, 5, now)
	for i := 0; i < b.N; i++ {
		_ = New(c, Options{Now: now, Width: 120, Height: 40})
	}
}

// The file view: → opens the files of the revision under the pointer, ←
// goes back, ticked files reach the result (except those of a ticked
// revision), and the live line counts them.
func TestFileView(t *testing.T) {
	c, now := presetCache(t, "small")
	m := New(c, Options{Now: now, Width: 120, Height: 40})
	press(m, repeat("down", 7)...) // t5-small d78aea13 (main)
	if m.Cursor()[:8] != "d78aea13" {
		t.Fatalf("cursor on %s", m.Cursor())
	}
	press(m, "right")
	if !m.FilesShown() {
		t.Fatal("→ did not open the files")
	}
	press(m, "space", "down", "space")
	if !strings.Contains(m.LiveLine(), "0 revisions and 2 files selected") {
		t.Fatalf("live line %q", m.LiveLine())
	}
	press(m, "backspace")
	if m.FilesShown() {
		t.Fatal("backspace did not go back")
	}
	press(m, "up", "right", "space", "left") // one file of d0a119ee too
	press(m, "enter")
	res := m.Result()
	if m.phase != phaseConfirm || len(res.Files) != 2 {
		t.Fatalf("phase %v, files %+v", m.phase, res.Files)
	}
	var names []string
	for _, f := range res.Files {
		names = append(names, f.Revision.Hash[:8]+":"+strings.Join(f.Names, ","))
	}
	if got := strings.Join(names, " "); !strings.Contains(got, "d78aea13:") || !strings.Contains(got, "d0a119ee:") {
		t.Fatalf("files %s", got)
	}
	if quit := press(m, "y"); !quit || m.Result().Outcome != Confirmed {
		t.Fatalf("y: quit %v outcome %v", quit, m.Result().Outcome)
	}

	// Files of a revision that is ticked go with the revision.
	m = New(c, Options{Now: now, Width: 120, Height: 40})
	press(m, repeat("down", 7)...)
	press(m, "right", "space", "left", "space")
	if got := m.FileSelections(); len(got) != 0 {
		t.Fatalf("files of a ticked revision selected: %+v", got)
	}
}

// A selection that would empty the cache or free more than half of it
// needs an explicit y: Enter then means No.
func TestBigSelectionNeedsY(t *testing.T) {
	c, now := presetCache(t, "small")
	for _, tc := range []struct {
		name    string
		keys    []string
		answer  string
		outcome Outcome
	}{
		{"small selection, enter", []string{"down", "space", "enter"}, "enter", Confirmed},
		{"everything, enter", []string{"ctrl+a", "enter"}, "enter", Declined},
		{"everything, y", []string{"ctrl+a", "enter"}, "y", Confirmed},
		// bert-base-cased is 1.9G of the cache's 3.4G.
		{"more than half, enter", []string{"/", "b", "e", "r", "t", "enter", "a", "enter"}, "enter", Declined},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(c, Options{Now: now, Width: 120, Height: 40})
			press(m, tc.keys...)
			if m.phase != phaseConfirm {
				t.Fatalf("not at the confirmation")
			}
			want := "(Y/n)"
			if tc.outcome == Declined || tc.answer == "y" {
				want = "(y/N)"
			}
			if !strings.Contains(screenText(m), want) {
				t.Errorf("prompt %q, want %s", screenText(m), want)
			}
			press(m, tc.answer)
			if got := m.Result().Outcome; got != tc.outcome {
				t.Errorf("outcome %v, want %v", got, tc.outcome)
			}
		})
	}
}
