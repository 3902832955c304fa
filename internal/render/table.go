package render

import (
	"strings"
	"unicode/utf8"
)

// Cell is one table cell; Right aligns it right (Python formats ints so).
type Cell struct {
	Text  string
	Right bool
}

// LegacyTable renders rows like huggingface_hub 0.21's tabulate helper:
// every column is as wide as its widest cell or header, cells are followed
// by one space (so every line ends with a space), a dashed line follows the
// headers, and lines are joined by "\n" with no final newline.
func LegacyTable(headers []string, rows [][]Cell) string {
	widths := make([]int, len(headers))
	for i, h := range headers {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c.Text))
		}
	}
	var b strings.Builder
	for i, h := range headers {
		b.WriteString(padRight(h, widths[i]))
		b.WriteByte(' ')
	}
	b.WriteByte('\n')
	for _, w := range widths {
		b.WriteString(strings.Repeat("-", w))
		b.WriteByte(' ')
	}
	for _, row := range rows {
		b.WriteByte('\n')
		for i, c := range row {
			if c.Right {
				b.WriteString(padLeft(c.Text, widths[i]))
			} else {
				b.WriteString(padRight(c.Text, widths[i]))
			}
			b.WriteByte(' ')
		}
	}
	return b.String()
}
