package tui

// The file view: → (or l) on a revision shows its files, ncdu-style, with
// their sizes, size bars, what deleting each alone frees and a mark on
// files whose blob something else uses; files are ticked like revisions
// and ← (h, Backspace, Esc) goes back. Ticked files of a revision that is
// itself ticked go with the revision.

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/render"
)

// boxSome is the checkbox of a revision that is not ticked but has
// ticked files.
const boxSome = "◐"

// SharedMark follows the name of a file whose blob another file (of
// another revision, or another repo) uses: deleting it frees nothing.
const SharedMark = "⇄"

// fileInfo is one file of the revision whose files are shown.
type fileInfo struct {
	name         string
	size, freed  string
	sizeN, freeN int64
	shared       bool
	frac         float64 // size relative to the revision's
}

type fileKey struct {
	rev  int32
	name string
}

// openFiles shows the files of the revision under the pointer.
func (m *Model) openFiles() {
	r := m.rows[m.cursor]
	if r.kind != rowRev {
		return
	}
	rv := &m.revs[r.rev]
	repo := m.repos[rv.repo].repo
	if rv.rev.Files == nil && rv.rev.NbFiles > 0 {
		return // scanned without file lists
	}
	if m.uses == nil {
		m.uses = delete.BlobUses(m.cache)
	}
	m.fileRev = r.rev
	m.files = m.files[:0]
	for _, f := range rv.rev.Files {
		b := repo.Blobs[f.Blob]
		freed := delete.FileFreed(m.cache, repo, rv.rev, f, m.uses)
		m.files = append(m.files, fileInfo{
			name: f.Name, size: render.Size(b.Size), freed: render.Size(freed),
			sizeN: b.Size, freeN: freed, shared: m.uses[b.Path] > 1,
			frac: fraction(b.Size, rv.rev.Size),
		})
	}
	m.fcursor, m.foffset = 0, 0
	m.phase = phaseFiles
}

// FilesShown reports whether the file view is open.
func (m *Model) FilesShown() bool { return m.phase == phaseFiles }

// filesKey handles a key of the file view; it reports whether the user
// quits or validates.
func (m *Model) filesKey(s string, matches func(key.Binding) bool) (quit, validate bool) {
	k := m.keys
	n := len(m.files)
	switch {
	case matches(k.Back) || s == "esc":
		m.phase = phaseList
	case matches(k.Quit):
		return true, false
	case matches(k.Validate):
		return false, true
	case matches(k.Up):
		m.fmove(-1)
	case matches(k.Down):
		m.fmove(1)
	case matches(k.PageUp):
		m.fmove(-max(1, m.filesList()-1))
	case matches(k.PageDown):
		m.fmove(max(1, m.filesList()-1))
	case matches(k.Top):
		m.fmove(-n)
	case matches(k.Bottom):
		m.fmove(n)
	case matches(k.Toggle):
		m.toggleFile(m.fcursor)
		m.recompute()
	case matches(k.ToggleDown):
		m.toggleFile(m.fcursor)
		m.recompute()
		m.fmove(1)
	case matches(k.ToggleUp):
		m.toggleFile(m.fcursor)
		m.recompute()
		m.fmove(-1)
	case matches(k.ToggleAll), matches(k.ToggleRepo):
		all := true
		for i := range m.files {
			all = all && m.fileSel[fileKey{m.fileRev, m.files[i].name}]
		}
		for i := range m.files {
			m.setFile(i, !all)
		}
		m.recompute()
	case matches(k.Help):
		m.help.ShowAll = !m.help.ShowAll
	}
	return false, false
}

func (m *Model) toggleFile(i int) {
	if i < 0 || i >= len(m.files) {
		return
	}
	m.setFile(i, !m.fileSel[fileKey{m.fileRev, m.files[i].name}])
}

func (m *Model) setFile(i int, on bool) {
	k := fileKey{m.fileRev, m.files[i].name}
	if m.fileSel[k] == on {
		return
	}
	if m.fileSel == nil {
		m.fileSel = map[fileKey]bool{}
	}
	if m.filesOf == nil {
		m.filesOf = map[int32]int{}
	}
	if on {
		m.fileSel[k] = true
		m.nFiles++
		m.filesOf[k.rev]++
	} else {
		m.fileSel[k] = false
		m.nFiles--
		m.filesOf[k.rev]--
	}
}

func (m *Model) fmove(n int) {
	m.fcursor = max(0, min(len(m.files)-1, m.fcursor+n))
	h := m.filesList()
	if m.fcursor < m.foffset {
		m.foffset = m.fcursor
	}
	if h > 0 && m.fcursor >= m.foffset+h {
		m.foffset = m.fcursor - h + 1
	}
}

// filesList is the number of file rows that fit: the screen minus the
// title, the status line and the help line.
func (m *Model) filesList() int { return max(1, m.height-3) }

// FileSelections returns the ticked files of revisions that are not
// ticked themselves, grouped by revision in display order.
func (m *Model) FileSelections() []delete.FileSelection {
	if m.nFiles == 0 {
		return nil
	}
	var out []delete.FileSelection
	for _, ri := range m.order {
		for _, vi := range m.repos[ri].revs {
			if m.sel[vi] {
				continue
			}
			var names []string
			for _, f := range m.revs[vi].rev.Files {
				if m.fileSel[fileKey{vi, f.Name}] {
					names = append(names, f.Name)
				}
			}
			if len(names) > 0 {
				sort.Strings(names)
				out = append(out, delete.FileSelection{Repo: m.repos[ri].repo, Revision: m.revs[vi].rev, Names: names})
			}
		}
	}
	return out
}

// countFiles counts the files of file selections.
func countFiles(sel []delete.FileSelection) int {
	n := 0
	for _, s := range sel {
		n += len(s.Names)
	}
	return n
}

// filesView draws the file view.
func (m *Model) filesView() string {
	p := &m.paints
	rv := &m.revs[m.fileRev]
	info := &m.repos[rv.repo]
	var b strings.Builder
	refs := "(detached)"
	if len(rv.rev.Refs) > 0 {
		refs = strings.Join(rv.rev.Refs, ", ")
	}
	title := fmt.Sprintf("%s %s › %s: %s", capitalize(info.repo.Type), info.repo.ID, short(rv.hash), refs)
	fit(&b, m.width, seg{"?", p.question}, seg{" " + title, p.header}, seg{" · " + m.live + " ", p.instruction})
	lines := 1
	h := m.filesList()
	sizeW, freedW, barW := m.gutter()
	textW := 0
	for _, f := range m.files {
		textW = max(textW, 4+ansi.StringWidth(f.name)+2)
	}
	for i := m.foffset; i < m.foffset+h; i++ {
		b.WriteByte('\n')
		lines++
		if i >= len(m.files) {
			continue
		}
		f := &m.files[i]
		ptr, textPaint := " ", paint{}
		if i == m.fcursor {
			ptr, textPaint = pointerGlyph, p.pointer
		}
		box := boxOff
		if m.fileSel[fileKey{m.fileRev, f.name}] {
			box = boxOn
			if i != m.fcursor {
				textPaint = p.selected
			}
		}
		mark := ""
		if f.shared {
			mark = " " + SharedMark
		}
		gw := gutterWidth(sizeW, freedW, barW)
		left := min(m.width-gw, textW)
		used := fit(&b, left, seg{ptr, p.pointer}, seg{" ", paint{}}, seg{box, p.checkbox}, seg{" " + f.name, textPaint}, seg{mark, p.status})
		m.drawGutter(&b, left-used, f.size, f.freed, f.frac, p.barRev, sizeW, freedW, barW)
	}
	b.WriteByte('\n')
	lines++
	status := fmt.Sprintf("%d files · %s · %s shared: frees nothing", len(m.files), render.Size(rv.rev.Size), SharedMark)
	if _, freedW, _ := m.gutter(); freedW > 0 && freedW < 13 {
		status += sizeLegend
	}
	fit(&b, m.width, seg{status, p.status})
	b.WriteByte('\n')
	lines++
	m.help.SetWidth(m.width)
	b.WriteString(ansi.Truncate(m.help.ShortHelpView(m.keys.filesHelp()), m.width, ""))
	for ; lines < m.height; lines++ {
		b.WriteByte('\n')
	}
	return b.String()
}

// gutterWidth is the width of the columns right of a row's text.
func gutterWidth(sizeW, freedW, barW int) int {
	gw := 0
	if sizeW > 0 {
		gw += 2 + sizeW
	}
	if freedW > 0 {
		gw += 1 + freedW
	}
	if barW > 0 {
		gw += 3 + barW
	}
	return gw
}

// drawGutter writes pad spaces, then the size, what deleting the row
// frees and the size bar.
func (m *Model) drawGutter(b *strings.Builder, pad int, size, freed string, frac float64, barPaint paint, sizeW, freedW, barW int) {
	p := &m.paints
	if sizeW == 0 {
		return
	}
	b.WriteString(strings.Repeat(" ", max(0, pad)))
	b.WriteString("  ")
	b.WriteString(p.size.pre + fmt.Sprintf("%*s", sizeW, size) + p.size.post)
	if freedW >= 13 {
		b.WriteString(" " + p.status.pre + fmt.Sprintf("%*s", freedW, "frees "+freed) + p.status.post)
	} else if freedW > 0 {
		b.WriteString(" " + p.status.pre + fmt.Sprintf("%*s", freedW, freed) + p.status.post)
	}
	if barW > 0 {
		full, rest := bar(frac, barW)
		b.WriteString(" " + p.barEmpty.pre + "[" + p.barEmpty.post)
		b.WriteString(barPaint.pre + full + barPaint.post)
		b.WriteString(strings.Repeat(" ", rest))
		b.WriteString(p.barEmpty.pre + "]" + p.barEmpty.post)
	}
}

// confirmFiles lists the ticked files under the confirmation: at most
// max lines, the last one saying how many more there are.
func (m *Model) confirmFiles(limit int) []string {
	sel := m.FileSelections()
	if len(sel) == 0 {
		return nil
	}
	if m.uses == nil {
		m.uses = delete.BlobUses(m.cache)
	}
	var lines []string
	for _, s := range sel {
		names := map[string]bool{}
		for _, n := range s.Names {
			names[n] = true
		}
		for _, f := range s.Revision.Files {
			if !names[f.Name] {
				continue
			}
			b := s.Repo.Blobs[f.Blob]
			lines = append(lines, fmt.Sprintf("  - %s %s %s: %s %s (frees %s)", capitalize(s.Repo.Type), s.Repo.ID, short(s.Revision.Hash),
				f.Name, render.Size(b.Size), render.Size(delete.FileFreed(m.cache, s.Repo, s.Revision, f, m.uses))))
		}
	}
	if limit < 1 {
		limit = 1
	}
	if len(lines) > limit {
		more := len(lines) - (limit - 1)
		lines = append(lines[:limit-1], fmt.Sprintf("  … and %d more file(s)", more))
	}
	return lines
}

// selectionFreed is what the ticked revisions and files free together.
func (m *Model) selectionFreed() int64 {
	var freed int64
	if m.nSel > 0 {
		freed = delete.PlanSelected(m.cache, m.Picks()).ExpectedFreedSize
	}
	if sel := m.FileSelections(); len(sel) > 0 {
		if plan, err := delete.PlanFiles(m.cache, sel); err == nil {
			freed += plan.ExpectedFreedSize
		}
	}
	return freed
}
