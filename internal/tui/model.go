// Package tui is the interactive checklist of `hfcache delete-cache`: a
// bubbletea model that shows the scanned cache as upstream's InquirerPy
// checklist did (one row per revision under a header per repo, a live
// "{n} revisions selected counting for {size}." line), followed by the
// "Confirm deletion ?" step.
//
// The model is pure: it receives a scanned *scan.Cache, the clock reading
// and its options, and hands back the selection (Result). It never touches
// the filesystem, the environment or the process; running it on a terminal
// and acting on the result is internal/cli's job.
package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
)

// Texts shared with upstream's checklist (huggingface_hub 0.21.4).
const (
	Question        = "Select revisions to delete:"
	NoneChoice      = "None of the following (if selected, nothing will be deleted)."
	LongInstruction = "Press <space> to select, <enter> to validate and <ctrl+c> to quit without modification."
	NothingDeleted  = "Nothing will be deleted."
	ConfirmQuestion = "Confirm deletion ?"
)

// SortCycle is the order the sort key cycles through (the --sort keys,
// the default order first).
var SortCycle = []string{delete.SortDefault, delete.SortAlphabetical, delete.SortLastUpdated, delete.SortLastUsed, delete.SortSize}

// SortName is how a sort key is shown in the status line.
func SortName(key string) string {
	if key == delete.SortDefault {
		return "default"
	}
	return key
}

// Outcome is how the user left the TUI.
type Outcome int

// Outcomes.
const (
	// Quit: ctrl+c, esc or q in the checklist. Nothing is deleted.
	Quit Outcome = iota
	// Nothing: validated with no revision ticked, or with "None of the
	// following" ticked. Nothing is deleted, no confirmation was asked.
	Nothing
	// Confirmed: revisions validated and the deletion confirmed.
	Confirmed
	// Declined: revisions validated, then "No" at the confirmation.
	Declined
	// Interrupted: ctrl+c at the confirmation (upstream exits 130 there).
	Interrupted
)

func (o Outcome) String() string {
	return [...]string{"quit", "nothing", "confirmed", "declined", "interrupted"}[o]
}

// Result is what the user chose.
type Result struct {
	Outcome Outcome
	// Hashes are the ticked revisions in display order (empty for Quit and
	// Nothing).
	Hashes []string
	// Picks are the ticked revisions with the repo each was ticked under, in
	// display order: a hash that two repos share is deleted only from the
	// repo whose row was ticked.
	Picks []scan.Selection
	// Ticked counts the ticked rows, "None of the following" included (the
	// n of upstream's "{n} revision(s) selected.").
	Ticked int
	// Files are the ticked files of revisions that are not ticked
	// themselves, in display order (see the file view, files.go).
	Files []delete.FileSelection
}

// Options configure a Model.
type Options struct {
	// SortKey is the initial order (a delete.Sort* key).
	SortKey string
	// Now is the time "used 3 days ago" is relative to.
	Now time.Time
	// NoColor disables every colour (NO_COLOR, --no-color).
	NoColor bool
	// Light says the terminal has a light background (default: dark).
	Light bool
	// DetectBackground makes Init ask the terminal for its background
	// colour; the answer switches the styles between light and dark.
	DetectBackground bool
	// AltScreen draws the checklist on the alternate screen.
	AltScreen bool
	// Width and Height are the initial terminal size (80x24 when zero); a
	// tea.WindowSizeMsg replaces them.
	Width, Height int
	// Keys replaces DefaultKeyMap.
	Keys *KeyMap
}

type phase int

const (
	phaseList phase = iota
	phaseConfirm
	phaseDone
	phaseFiles
)

type rowKind uint8

const (
	rowNone   rowKind = iota // "None of the following"
	rowBlank                 // empty line before a header
	rowHeader                // repo header
	rowRev                   // one revision
)

type row struct {
	kind rowKind
	repo int32 // index in Model.repos (header, rev)
	rev  int32 // index in Model.revs (rev)
}

func (r row) selectable() bool { return r.kind == rowNone || r.kind == rowRev }

type repoInfo struct {
	repo    *scan.Repo
	header  string
	size    string
	freed   string  // what deleting the repo whole frees
	frac    float64 // size relative to the largest repo
	lowerID string
	revs    []int32 // in review order (oldest modification first)
}

type revInfo struct {
	rev   *scan.Revision
	hash  string
	text  string
	size  string
	freed string  // what deleting the revision alone frees
	frac  float64 // size relative to its repo
	repo  int32
}

// Model is the bubbletea model of the checklist and the confirmation.
type Model struct {
	cache  *scan.Cache
	opts   Options
	keys   KeyMap
	styles Styles
	paints paints
	help   help.Model
	dark   bool

	repos   []repoInfo
	revs    []revInfo
	repoIdx map[*scan.Repo]int32
	order   []int32 // repo indexes in the current sort order
	sortKey string

	rows           []row
	cursor, offset int
	width, height  int

	sel        []bool // per revision
	nSel       int
	none       bool // "None of the following" ticked
	hiddenSel  int  // ticked revisions hidden by the filter
	shownRepos int
	textW      int // widest header or revision row, for the size column
	shownRevs  int
	live       string

	filter    string
	filtering bool

	phase  phase
	result Result

	helpCache struct {
		key   helpKey
		lines []string
	}

	// The file view (files.go).
	uses             map[string]int // delete.BlobUses, on first use
	fileRev          int32
	files            []fileInfo
	fcursor, foffset int
	fileSel          map[fileKey]bool
	nFiles           int
	filesOf          map[int32]int // ticked files per revision
	// big is set when the selection would empty the cache or free more
	// than half of it: the confirmation then defaults to No.
	big bool
}

// New builds the checklist over cache.
func New(cache *scan.Cache, opts Options) *Model {
	if opts.Width <= 0 {
		opts.Width = 80
	}
	if opts.Height <= 0 {
		opts.Height = 24
	}
	m := &Model{
		cache:   cache,
		opts:    opts,
		keys:    DefaultKeyMap(),
		help:    help.New(),
		dark:    !opts.Light,
		width:   opts.Width,
		height:  opts.Height,
		sortKey: opts.SortKey,
		repoIdx: make(map[*scan.Repo]int32, len(cache.Repos)),
	}
	if opts.Keys != nil {
		m.keys = *opts.Keys
	}
	m.setStyles()
	freed := delete.FreedIfDeleted(cache)
	var maxSize int64
	for _, r := range cache.Repos {
		maxSize = max(maxSize, r.Size)
	}
	for _, rr := range delete.ReviewOrder(cache, m.sortKey) {
		r := rr.Repo
		ri := int32(len(m.repos))
		m.repoIdx[r] = ri
		info := repoInfo{
			repo:    r,
			header:  fmt.Sprintf("%s %s (%s, used %s)", capitalize(r.Type), r.ID, render.Size(r.Size), render.TimeSince(r.LastAccessed, opts.Now)),
			size:    render.Size(r.Size),
			freed:   render.Size(freed.Repos[r]),
			frac:    fraction(r.Size, maxSize),
			lowerID: strings.ToLower(r.ID),
		}
		for _, rev := range rr.Revisions {
			refs := "(detached)"
			if len(rev.Refs) > 0 {
				refs = strings.Join(rev.Refs, ", ")
			}
			info.revs = append(info.revs, int32(len(m.revs)))
			m.revs = append(m.revs, revInfo{
				rev:   rev,
				hash:  rev.Hash,
				text:  fmt.Sprintf("%s: %s # modified %s", short(rev.Hash), refs, render.TimeSince(rev.LastModified, opts.Now)),
				size:  render.Size(rev.Size),
				freed: render.Size(freed.Revisions[rev]),
				frac:  fraction(rev.Size, r.Size),
				repo:  ri,
			})
		}
		m.textW = max(m.textW, ansi.StringWidth(info.header))
		for _, vi := range info.revs {
			m.textW = max(m.textW, 4+ansi.StringWidth(m.revs[vi].text))
		}
		m.repos = append(m.repos, info)
		m.order = append(m.order, ri)
	}
	m.sel = make([]bool, len(m.revs))
	m.rebuild()
	m.recompute()
	return m
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

func short(hash string) string {
	if len(hash) > 8 {
		return hash[:8]
	}
	return hash
}

func fraction(n, total int64) float64 {
	if total <= 0 || n <= 0 {
		return 0
	}
	return min(1, float64(n)/float64(total))
}

// Init asks for the background colour when DetectBackground is set.
func (m *Model) Init() tea.Cmd {
	if m.opts.DetectBackground && !m.opts.NoColor {
		return tea.RequestBackgroundColor
	}
	return nil
}

// Result is the user's choice; meaningful once the program has quit.
func (m *Model) Result() Result { return m.result }

// Done reports whether the user has finished (the program should quit).
func (m *Model) Done() bool { return m.phase == phaseDone }

// Picks returns the ticked revisions grouped by the repo they were ticked
// under, in display order.
func (m *Model) Picks() []scan.Selection {
	var picks []scan.Selection
	for _, ri := range m.order {
		var revs []*scan.Revision
		for _, vi := range m.repos[ri].revs {
			if m.sel[vi] {
				revs = append(revs, m.revs[vi].rev)
			}
		}
		if len(revs) > 0 {
			picks = append(picks, scan.Selection{Repo: m.repos[ri].repo, Revisions: revs})
		}
	}
	return picks
}

// Selected returns the ticked revisions' hashes in display order.
func (m *Model) Selected() []string {
	var hashes []string
	for _, ri := range m.order {
		for _, vi := range m.repos[ri].revs {
			if m.sel[vi] {
				hashes = append(hashes, m.revs[vi].hash)
			}
		}
	}
	return hashes
}

// NoneTicked reports whether "None of the following" is ticked.
func (m *Model) NoneTicked() bool { return m.none }

// LiveLine is the expectation line shown after the question.
func (m *Model) LiveLine() string { return m.live }

// SortKey is the current sort key.
func (m *Model) SortKey() string { return m.sortKey }

// Filter is the current repo filter.
func (m *Model) Filter() string { return m.filter }

// Cursor describes the row under the pointer: the hash of its revision, or
// "" on "None of the following".
func (m *Model) Cursor() string {
	if r := m.rows[m.cursor]; r.kind == rowRev {
		return m.revs[r.rev].hash
	}
	return ""
}

// Window returns the first row shown and the number of list rows that fit.
func (m *Model) Window() (offset, height int) { return m.offset, m.layout().list }

// rebuild recomputes the rows from the sort order and the filter, keeping
// the pointer on the same choice when it is still shown.
func (m *Model) rebuild() {
	var keep row
	hadCursor := len(m.rows) > 0
	if hadCursor {
		keep = m.rows[m.cursor]
	}
	f := strings.ToLower(m.filter)
	m.rows = m.rows[:0]
	m.rows = append(m.rows, row{kind: rowNone})
	m.shownRepos, m.shownRevs, m.hiddenSel = 0, 0, m.nSel
	for _, ri := range m.order {
		info := &m.repos[ri]
		if f != "" && !strings.Contains(info.lowerID, f) {
			continue
		}
		m.shownRepos++
		m.rows = append(m.rows, row{kind: rowBlank, repo: ri}, row{kind: rowHeader, repo: ri})
		for _, vi := range info.revs {
			m.rows = append(m.rows, row{kind: rowRev, repo: ri, rev: vi})
			m.shownRevs++
			if m.sel[vi] {
				m.hiddenSel--
			}
		}
	}
	m.cursor = 0
	found := false
	if hadCursor {
		for i, r := range m.rows {
			if r.kind == keep.kind && (r.kind == rowNone || r.rev == keep.rev) {
				m.cursor, found = i, true
				break
			}
		}
	}
	if !found && f != "" {
		for i, r := range m.rows {
			if r.kind == rowRev {
				m.cursor = i
				break
			}
		}
	}
	if !found {
		m.offset = 0
	}
	m.scrollToCursor(false)
}

// recompute refreshes the live line with the real planner; it runs only
// when the selection changes.
func (m *Model) recompute() {
	m.big = false
	if m.none {
		m.live = NothingDeleted
		return
	}
	freed := m.selectionFreed()
	m.big = m.nSel > 0 && m.nSel == len(m.revs) || m.cache.Size > 0 && freed*2 > m.cache.Size
	if n := countFiles(m.FileSelections()); n > 0 {
		m.live = fmt.Sprintf("%d revisions and %d files selected counting for %s.", m.nSel, n, render.Size(freed))
		return
	}
	m.live = fmt.Sprintf("%d revisions selected counting for %s.", m.nSel, render.Size(freed))
}

func (m *Model) setStyles() {
	m.styles = NewStyles(m.dark, m.opts.NoColor)
	m.paints = newPaints(m.styles)
	m.help.Styles = m.styles.Help
}

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 1), max(msg.Height, 1)
		m.scrollToCursor(false)
	case tea.BackgroundColorMsg:
		if m.opts.DetectBackground && msg.IsDark() != m.dark {
			m.dark = msg.IsDark()
			m.setStyles()
		}
	case tea.PasteMsg:
		if m.phase == phaseList && m.filtering {
			text, _, _ := strings.Cut(msg.Content, "\n")
			m.setFilter(m.filter + text)
		}
	case tea.KeyPressMsg:
		switch m.phase {
		case phaseList:
			if m.filtering {
				return m, m.updateFilter(msg)
			}
			return m, m.updateList(msg)
		case phaseConfirm:
			return m, m.updateConfirm(msg)
		case phaseFiles:
			quit, validate := m.filesKey(msg.String(), func(b key.Binding) bool { return key.Matches(msg, b) })
			switch {
			case quit:
				return m, m.finish(Quit)
			case validate:
				return m, m.validate()
			case key.Matches(msg, m.keys.Suspend):
				return m, tea.Suspend
			}
		}
	}
	return m, nil
}

func (m *Model) finish(o Outcome) tea.Cmd {
	m.phase = phaseDone
	m.result.Outcome = o
	if o == Quit || o == Nothing {
		m.result.Hashes = nil
		m.result.Files = nil
	}
	return tea.Quit
}

func (m *Model) updateList(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		if msg.String() == "esc" && m.filter != "" {
			m.setFilter("")
			return nil
		}
		return m.finish(Quit)
	case key.Matches(msg, k.Validate):
		return m.validate()
	case key.Matches(msg, k.Open):
		m.openFiles()
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-max(1, m.layout().list-1))
	case key.Matches(msg, k.PageDown):
		m.move(max(1, m.layout().list-1))
	case key.Matches(msg, k.Top):
		m.cursor = 0
		m.scrollToCursor(true)
	case key.Matches(msg, k.Bottom):
		m.cursor = m.lastSelectable()
		m.scrollToCursor(true)
	case key.Matches(msg, k.Toggle):
		m.toggle()
	case key.Matches(msg, k.ToggleDown):
		m.toggle()
		m.move(1)
	case key.Matches(msg, k.ToggleUp):
		m.toggle()
		m.move(-1)
	case key.Matches(msg, k.ToggleRepo):
		m.toggleRepo()
	case key.Matches(msg, k.ToggleAll):
		m.toggleShown(false)
	case key.Matches(msg, k.Invert):
		m.toggleShown(true)
	case key.Matches(msg, k.Sort):
		m.cycleSort()
	case key.Matches(msg, k.Filter):
		m.filtering = true
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.scrollToCursor(false)
	case key.Matches(msg, k.Suspend):
		return tea.Suspend
	}
	return nil
}

// validate ends the selection: the confirmation step, or Nothing when
// nothing is ticked.
func (m *Model) validate() tea.Cmd {
	m.result.Ticked = m.nSel
	if m.none {
		m.result.Ticked++
	}
	files := m.FileSelections()
	if m.none || m.nSel == 0 && len(files) == 0 {
		return m.finish(Nothing)
	}
	m.result.Hashes = m.Selected()
	m.result.Picks = m.Picks()
	m.result.Files = files
	m.phase = phaseConfirm
	return nil
}

func (m *Model) updateFilter(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Interrupt):
		return m.finish(Quit)
	case key.Matches(msg, k.FilterClear):
		m.filtering = false
		m.setFilter("")
	case key.Matches(msg, k.FilterAccept):
		m.filtering = false
		m.scrollToCursor(false)
	case key.Matches(msg, k.FilterDelete):
		if r := []rune(m.filter); len(r) > 0 {
			m.setFilter(string(r[:len(r)-1]))
		} else {
			m.filtering = false
		}
	case key.Matches(msg, k.FilterErase):
		m.setFilter("")
	default:
		if msg.Text != "" && msg.Mod&^tea.ModShift == 0 {
			m.setFilter(m.filter + msg.Text)
		}
	}
	return nil
}

func (m *Model) updateConfirm(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Interrupt):
		return m.finish(Interrupted)
	case m.big && msg.String() == "enter":
		return m.finish(Declined) // a big deletion needs an explicit y
	case key.Matches(msg, k.Yes):
		return m.finish(Confirmed)
	case key.Matches(msg, k.No):
		return m.finish(Declined)
	}
	return nil
}

func (m *Model) setFilter(f string) {
	if f == m.filter {
		return
	}
	m.filter = f
	m.rebuild()
	if f != "" && m.rows[m.cursor].kind == rowNone {
		for i, r := range m.rows {
			if r.kind == rowRev {
				m.cursor = i
				m.scrollToCursor(false)
				break
			}
		}
	}
}

func (m *Model) cycleSort() {
	next := SortCycle[0]
	for i, k := range SortCycle {
		if k == m.sortKey {
			next = SortCycle[(i+1)%len(SortCycle)]
		}
	}
	m.sortKey = next
	m.order = m.order[:0]
	for _, rr := range delete.ReviewOrder(m.cache, next) {
		m.order = append(m.order, m.repoIdx[rr.Repo])
	}
	m.rebuild()
	m.scrollToCursor(true) // the pointer's row moved: show it mid-screen
}

func (m *Model) setSel(vi int32, on bool) {
	if m.sel[vi] == on {
		return
	}
	m.sel[vi] = on
	if on {
		m.nSel++
	} else {
		m.nSel--
	}
}

func (m *Model) toggle() {
	switch r := m.rows[m.cursor]; r.kind {
	case rowNone:
		m.none = !m.none
	case rowRev:
		m.setSel(r.rev, !m.sel[r.rev])
	default:
		return
	}
	m.recompute()
}

// toggleRepo ticks every revision of the repo under the pointer, or unticks
// them all when they already are.
func (m *Model) toggleRepo() {
	r := m.rows[m.cursor]
	if r.kind != rowRev {
		return
	}
	revs := m.repos[r.repo].revs
	all := true
	for _, vi := range revs {
		all = all && m.sel[vi]
	}
	for _, vi := range revs {
		m.setSel(vi, !all)
	}
	m.recompute()
}

// toggleShown ticks every shown revision (or unticks them when all are
// ticked); with invert it inverts each one.
func (m *Model) toggleShown(invert bool) {
	all := true
	for _, r := range m.rows {
		if r.kind == rowRev && !m.sel[r.rev] {
			all = false
			break
		}
	}
	for _, r := range m.rows {
		if r.kind == rowRev {
			if invert {
				m.setSel(r.rev, !m.sel[r.rev])
			} else {
				m.setSel(r.rev, !all)
			}
		}
	}
	m.recompute()
}

// move moves the pointer by n choices (headers are skipped); it stops at
// the first and last choice (no wrap-around, as upstream).
func (m *Model) move(n int) {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for ; n > 0; n-- {
		i := m.cursor + step
		for i >= 0 && i < len(m.rows) && !m.rows[i].selectable() {
			i += step
		}
		if i < 0 || i >= len(m.rows) {
			break
		}
		m.cursor = i
	}
	m.scrollToCursor(false)
}

func (m *Model) lastSelectable() int {
	for i := len(m.rows) - 1; i >= 0; i-- {
		if m.rows[i].selectable() {
			return i
		}
	}
	return 0
}

// scrollToCursor scrolls just enough for the pointer row to be shown. When
// scrolling up onto the first revision of a repo, its header comes into
// view too (upstream leaves it hidden). center puts the pointer mid-window.
func (m *Model) scrollToCursor(center bool) {
	h := m.layout().list
	if h <= 0 {
		return
	}
	if center {
		m.offset = m.cursor - h/2
	}
	top := m.cursor
	if h >= 3 && m.cursor >= 1 && m.rows[m.cursor-1].kind == rowHeader {
		top = m.cursor - 1
	}
	if top < m.offset {
		m.offset = top
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	m.offset = min(m.offset, len(m.rows)-h)
	m.offset = max(m.offset, 0)
}
