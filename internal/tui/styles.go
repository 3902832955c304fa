package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Styles are the lipgloss styles of every part of the screen.
type Styles struct {
	Question    lipgloss.Style // the "?" of every question
	Pointer     lipgloss.Style // "❯" and the text of the current row
	Checkbox    lipgloss.Style // "○" / "◉"
	Instruction lipgloss.Style // live line, long instruction, " (Y/n) "
	Answer      lipgloss.Style // answers: " 2 revision(s) selected.", " Yes"
	Skipped     lipgloss.Style // a question left by ctrl+c
	Header      lipgloss.Style // repo headers
	Selected    lipgloss.Style // text of ticked rows
	Size        lipgloss.Style // size column
	BarRepo     lipgloss.Style // filled part of a repo's size bar
	BarRev      lipgloss.Style // filled part of a revision's size bar
	BarEmpty    lipgloss.Style // empty part and brackets of the bars
	Status      lipgloss.Style // status line (sort, filter, position)
	FilterInput lipgloss.Style // the filter being typed
	Help        help.Styles
}

// NewStyles returns the styles for a dark or light background. With
// noColor (NO_COLOR or --no-color) no colour is used at all: only the
// glyphs (pointer, checkboxes, bars) tell the state.
//
// On a dark background the colours are those upstream's InquirerPy
// checklist uses (One Dark palette); on a light one, darker shades of the
// same hues keep the contrast.
func NewStyles(dark, noColor bool) Styles {
	if noColor {
		plain := lipgloss.NewStyle()
		return Styles{
			Question: plain, Pointer: plain, Checkbox: plain, Instruction: plain,
			Answer: plain, Skipped: plain, Header: plain, Selected: plain, Size: plain,
			BarRepo: plain, BarRev: plain, BarEmpty: plain, Status: plain, FilterInput: plain,
			Help: help.Styles{},
		}
	}
	ld := lipgloss.LightDark(dark)
	fg := func(light, dark string) lipgloss.Style {
		return lipgloss.NewStyle().Foreground(ld(lipgloss.Color(light), lipgloss.Color(dark)))
	}
	return Styles{
		Question:    fg("#986801", "#e5c07b"),
		Pointer:     fg("#0b62c4", "#61afef"),
		Checkbox:    fg("#3b7d23", "#98c379"),
		Instruction: fg("#5c6370", "#abb2bf"),
		Answer:      fg("#0b62c4", "#61afef"),
		Skipped:     fg("#a0a1a7", "#5c6370"),
		Header:      lipgloss.NewStyle().Bold(true),
		Selected:    fg("#3b7d23", "#98c379"),
		Size:        fg("#5c6370", "#abb2bf"),
		BarRepo:     fg("#c18401", "#e5c07b"),
		BarRev:      fg("#a626a4", "#c678dd"),
		BarEmpty:    fg("#c8c8c8", "#3e4451"),
		Status:      fg("#696c77", "#7f848e"),
		FilterInput: fg("#0b62c4", "#61afef"),
		Help:        help.DefaultStyles(dark),
	}
}
