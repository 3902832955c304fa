package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Glyphs of upstream's checklist.
const (
	pointerGlyph = "❯"
	boxOff       = "○"
	boxOn        = "◉"
)

// paint is a style reduced to the escape codes around a text, so that
// drawing a row costs string concatenations only.
type paint struct{ pre, post string }

func newPaint(s lipgloss.Style) paint {
	r := s.Render("X")
	pre, post, ok := strings.Cut(r, "X")
	if !ok {
		return paint{}
	}
	return paint{pre, post}
}

type paints struct {
	question, pointer, checkbox, instruction, answer, skipped paint
	header, selected, size, barRepo, barRev, barEmpty         paint
	status, filter                                            paint
}

func newPaints(s Styles) paints {
	return paints{
		question: newPaint(s.Question), pointer: newPaint(s.Pointer), checkbox: newPaint(s.Checkbox),
		instruction: newPaint(s.Instruction), answer: newPaint(s.Answer), skipped: newPaint(s.Skipped),
		header: newPaint(s.Header), selected: newPaint(s.Selected), size: newPaint(s.Size),
		barRepo: newPaint(s.BarRepo), barRev: newPaint(s.BarRev), barEmpty: newPaint(s.BarEmpty),
		status: newPaint(s.Status), filter: newPaint(s.FilterInput),
	}
}

// seg is a piece of text and its paint.
type seg struct {
	text string
	p    paint
}

// fit writes segs into b, cut to w cells (an ellipsis marks the cut), and
// returns the number of cells written.
func fit(b *strings.Builder, w int, segs ...seg) int {
	used := 0
	for _, s := range segs {
		if s.text == "" {
			continue
		}
		sw := ansi.StringWidth(s.text)
		if used+sw > w {
			t := ansi.Truncate(s.text, w-used, "…")
			if t != "" {
				b.WriteString(s.p.pre + t + s.p.post)
			}
			return used + ansi.StringWidth(t)
		}
		b.WriteString(s.p.pre + s.text + s.p.post)
		used += sw
	}
	return used
}

// screen is how the terminal's rows are shared out.
type screen struct {
	list   int      // rows of the list window
	status bool     // status line shown
	instr  []string // the long instruction, wrapped
	help   []string // the help lines
}

// layout shares the terminal height: the question on the first row, the
// list, then the status line, upstream's long instruction and the key help
// at the bottom. On short terminals the instruction goes first, then the
// help, then the status line, so that the list keeps at least half of
// the screen (or five rows).
func (m *Model) layout() screen {
	var s screen
	s.status = true
	s.help = m.helpLines()
	if !m.help.ShowAll || m.filtering {
		s.instr = wrap(LongInstruction, m.width)
	}
	avail := m.height - 1
	want := min(max(5, avail/2), len(m.rows)) // the list keeps half the screen
	bottom := func() int {
		n := len(s.instr) + len(s.help)
		if s.status {
			n++
		}
		return n
	}
	if avail-bottom() < want {
		s.instr = nil
	}
	if avail-bottom() < want {
		s.help = nil
	}
	if avail-bottom() < want && !m.filtering || avail-bottom() < 0 {
		s.status = false
	}
	s.list = max(0, avail-bottom())
	return s
}

// helpLines renders the key help, once per width and mode.
func (m *Model) helpLines() []string {
	k := helpKey{m.width, m.help.ShowAll, m.filtering, m.dark}
	if m.helpCache.lines != nil && m.helpCache.key == k {
		return m.helpCache.lines
	}
	var v string
	m.help.SetWidth(m.width)
	if m.filtering {
		v = m.help.ShortHelpView(m.keys.filterHelp())
	} else {
		v = m.help.View(m.keys)
	}
	m.helpCache.key, m.helpCache.lines = k, strings.Split(v, "\n")
	return m.helpCache.lines
}

type helpKey struct {
	width                  int
	all, filtering, isDark bool
}

// wrap hard-wraps s every w cells, as upstream's terminal did.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var lines []string
	r := []rune(s)
	for len(r) > w {
		lines = append(lines, string(r[:w]))
		r = r[w:]
	}
	return append(lines, string(r))
}

// View draws the current screen.
func (m *Model) View() tea.View {
	if m.phase == phaseFiles {
		v := tea.NewView(m.filesView())
		v.AltScreen = m.opts.AltScreen
		return v
	}
	if m.phase != phaseList {
		// The trailing newline leaves the cursor on a line of its own
		// when the program ends (bubbletea erases from the cursor down).
		v := tea.NewView(m.answerView() + "\n")
		if m.phase == phaseConfirm {
			line := m.confirmLine()
			v.Cursor = tea.NewCursor(ansi.StringWidth(line), 1+len(m.confirmFiles(m.confirmFileLines())))
		}
		return v
	}
	v := tea.NewView(m.listView())
	v.AltScreen = m.opts.AltScreen
	return v
}

func (m *Model) listView() string {
	p := &m.paints
	s := m.layout()
	var b strings.Builder
	b.Grow((m.height + 1) * (m.width + 32))
	fit(&b, m.width, seg{"?", p.question}, seg{" " + Question, paint{}}, seg{" " + m.live + " ", p.instruction})
	lines := 1
	sizeW, freedW, barW := m.gutter()
	for i := m.offset; i < m.offset+s.list; i++ {
		b.WriteByte('\n')
		lines++
		if i < len(m.rows) {
			m.drawRow(&b, i, sizeW, freedW, barW)
		}
	}
	if s.status {
		b.WriteByte('\n')
		lines++
		m.drawStatus(&b, s)
	}
	for _, l := range s.instr {
		b.WriteByte('\n')
		lines++
		fit(&b, m.width, seg{l, p.instruction})
	}
	for _, l := range s.help {
		b.WriteByte('\n')
		lines++
		b.WriteString(ansi.Truncate(l, m.width, ""))
	}
	for ; lines < m.height; lines++ {
		b.WriteByte('\n')
	}
	return b.String()
}

// gutter returns the widths of the size column, of the "frees" column
// (what deleting the row alone frees) and of the size bar, which shrink
// and disappear on narrow terminals.
func (m *Model) gutter() (sizeW, freedW, barW int) {
	switch {
	case m.width >= 120:
		return 7, 13, 16 // "frees 1.2K"
	case m.width >= 100:
		return 7, 13, 8
	case m.width >= 60:
		return 7, 7, 8 // the bare figure; the status line says what it is
	case m.width >= 40:
		return 7, 0, 0
	}
	return 0, 0, 0
}

func (m *Model) drawRow(b *strings.Builder, i, sizeW, freedW, barW int) {
	p := &m.paints
	r := m.rows[i]
	gw := gutterWidth(sizeW, freedW, barW)
	// The size column follows the widest text (not the right edge), so
	// that on a wide terminal sizes stay next to what they measure.
	left := min(m.width-gw, m.textW)
	if r.kind == rowNone {
		left = m.width // no size: the choice may use the whole width
	}
	var used int
	var size, freed string
	var frac float64
	var barPaint paint
	switch r.kind {
	case rowBlank:
		return
	case rowHeader:
		info := &m.repos[r.repo]
		used = fit(b, left, seg{info.header, p.header})
		size, freed, frac, barPaint = info.size, info.freed, info.frac, p.barRepo
	case rowNone, rowRev:
		ptr, textPaint := " ", paint{}
		if i == m.cursor {
			ptr, textPaint = pointerGlyph, p.pointer
		}
		ticked, text := m.none, NoneChoice
		if r.kind == rowRev {
			rv := &m.revs[r.rev]
			ticked, text = m.sel[r.rev], rv.text
			size, freed, frac, barPaint = rv.size, rv.freed, rv.frac, p.barRev
		}
		box := boxOff
		if ticked {
			box = boxOn
			if i != m.cursor {
				textPaint = p.selected
			}
		} else if r.kind == rowRev && m.filesOf[r.rev] > 0 {
			box = boxSome // some of its files are ticked
		}
		used = fit(b, left, seg{ptr, p.pointer}, seg{" ", paint{}}, seg{box, p.checkbox}, seg{" " + text, textPaint})
	}
	if size == "" || gw == 0 {
		return
	}
	m.drawGutter(b, left-used, size, freed, frac, barPaint, sizeW, freedW, barW)
}

var eighths = [...]string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// bar draws frac of w cells with eighth blocks; it returns the drawn part
// and the number of empty cells after it.
func bar(frac float64, w int) (string, int) {
	n := int(frac*float64(w*8) + 0.5)
	if frac > 0 && n == 0 {
		n = 1 // something is never drawn as nothing
	}
	full, part := n/8, n%8
	s := strings.Repeat("█", full) + eighths[part]
	cells := full
	if part > 0 {
		cells++
	}
	return s, w - cells
}

func (m *Model) drawStatus(b *strings.Builder, s screen) {
	p := &m.paints
	var segs []seg
	switch {
	case m.filtering:
		segs = append(segs, seg{"/", p.filter}, seg{m.filter + "▏", p.filter}, seg{"  ", paint{}})
	case m.filter != "":
		segs = append(segs, seg{"filter: " + m.filter + "  ", p.status})
	}
	info := fmt.Sprintf("sort: %s · %d/%d repos · %d revisions shown", SortName(m.sortKey), m.shownRepos, len(m.repos), m.shownRevs)
	if m.hiddenSel > 0 {
		info += fmt.Sprintf(" · %d selected not shown", m.hiddenSel)
	}
	if _, freedW, _ := m.gutter(); freedW > 0 && freedW < 13 && ansi.StringWidth(info)+len(sizeLegend)+8 <= m.width {
		info += sizeLegend
	}
	segs = append(segs, seg{info, p.status})
	used := fit(b, m.width, segs...)
	pos := m.scrollPos(s.list)
	if used+2+len(pos) <= m.width {
		b.WriteString(strings.Repeat(" ", m.width-used-len(pos)))
		b.WriteString(p.status.pre + pos + p.status.post)
	}
}

// sizeLegend explains the two figures of a row on a terminal too narrow
// for the "frees" word.
const sizeLegend = " · size, freed"

// scrollPos tells where the window is, as less and vim do.
func (m *Model) scrollPos(list int) string {
	switch {
	case len(m.rows) <= list:
		return "All"
	case m.offset == 0:
		return "Top"
	case m.offset >= len(m.rows)-list:
		return "Bot"
	}
	return fmt.Sprintf("%d%%", m.offset*100/(len(m.rows)-list))
}

func (m *Model) questionAnswer() string {
	p := &m.paints
	return p.question.pre + "?" + p.question.post + " " + Question +
		p.answer.pre + fmt.Sprintf(" %d revision(s) selected.", m.result.Ticked) + p.answer.post
}

func (m *Model) confirmLine() string {
	return fmt.Sprintf("? %s %s %s ", m.live, ConfirmQuestion, m.confirmChoices())
}

// confirmChoices is "(Y/n)" as upstream, or "(y/N)" when the selection
// would empty the cache or free more than half of it: Enter then means No.
func (m *Model) confirmChoices() string {
	if m.big {
		return "(y/N)"
	}
	return "(Y/n)"
}

// confirmFileLines is how many lines the list of ticked files may take
// above the confirmation.
func (m *Model) confirmFileLines() int { return max(1, m.height-3) }

// filesBlock is the list of ticked files shown above the confirmation,
// with its line break, or "".
func (m *Model) filesBlock() string {
	lines := m.confirmFiles(m.confirmFileLines())
	if len(lines) == 0 {
		return ""
	}
	return "\n" + strings.Join(lines, "\n")
}

// answerView is what stays on the terminal once the checklist is left,
// line for line what upstream prints.
func (m *Model) answerView() string {
	p := &m.paints
	q := p.question.pre + "?" + p.question.post
	switch {
	case m.phase == phaseConfirm:
		return m.questionAnswer() + m.filesBlock() + "\n" + q + " " + m.live + " " + ConfirmQuestion + p.instruction.pre + " " + m.confirmChoices() + " " + p.instruction.post
	case m.result.Outcome == Quit:
		return p.skipped.pre + "? " + Question + " " + p.skipped.post
	case m.result.Outcome == Nothing:
		return m.questionAnswer()
	case m.result.Outcome == Interrupted:
		return m.questionAnswer() + m.filesBlock() + "\n" + p.skipped.pre + "? " + m.live + " " + ConfirmQuestion + " " + p.skipped.post
	}
	answer := " Yes"
	if m.result.Outcome == Declined {
		answer = " No"
	}
	return m.questionAnswer() + m.filesBlock() + "\n" + q + " " + m.live + " " + ConfirmQuestion + p.answer.pre + answer + p.answer.post
}
