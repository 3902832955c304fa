package render

import (
	"iter"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hfcache/hfcache/internal/pycompat"
)

// This file renders the hf 1.x verbs (hf cache ls/rm/prune/verify of
// huggingface_hub 1.28): the padded and truncated human table, the agent
// TSV with Python reprs, compact JSON as Python's json.dumps writes it, the
// result blocks and hf 1.0's CSV.

// Format is an output format of the hf 1.x verbs.
type Format string

// Output formats. FormatAuto is resolved by the caller before rendering.
const (
	FormatAuto  Format = "auto"
	FormatHuman Format = "human"
	FormatAgent Format = "agent"
	FormatJSON  Format = "json"
	FormatQuiet Format = "quiet"
	FormatCSV   Format = "csv"
)

// Green is upstream's ANSI.green.
func (a ANSI) Green(s string) string { return a.wrap("\x1b[32m", s) }

// Yellow is upstream's ANSI.yellow (warnings).
func (a ANSI) Yellow(s string) string { return a.wrap("\x1b[33m", s) }

var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

// StripANSI removes ANSI colour codes (agent mode prints text without them).
func StripANSI(s string) string { return ansiRE.ReplaceAllString(s, "") }

// KV is one key of an ordered object.
type KV struct {
	Key   string
	Value any
}

// Object is an ordered set of keys (a Python dict keeps insertion order).
// Values may be string, int, int64, float64, bool, []string, nil, Object or
// []Object. pycompat.JSON and pycompat.Str write it as Python would.
type Object []KV

// Get returns the value of key (nil when absent).
func (o Object) Get(key string) any {
	for _, kv := range o {
		if kv.Key == key {
			return kv.Value
		}
	}
	return nil
}

// Items yields the keys and values in order (o is a pycompat.Dict).
func (o Object) Items() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, kv := range o {
			if !yield(kv.Key, kv.Value) {
				return
			}
		}
	}
}

// humanCell is upstream's _format_table_value_human for our value types.
func humanCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "✔"
		}
		return ""
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = pycompat.SingleLine(s)
		}
		return strings.Join(parts, ", ")
	}
	return pycompat.SingleLine(pycompat.Str(v))
}

// ToHeader turns a key into a SCREAMING_SNAKE header ("last_modified" ->
// "LAST_MODIFIED", "camelCase" -> "CAMEL_CASE").
func ToHeader(name string) string {
	var b strings.Builder
	var prev rune
	for i, r := range name {
		if i > 0 && prev >= 'a' && prev <= 'z' && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
		prev = r
	}
	return strings.ToUpper(b.String())
}

// Column is one column of a modern table: the key in the items and whether
// it is right-aligned.
type Column struct {
	Key   string
	Right bool
}

// HumanTable renders items as hf 1.28's human table: SCREAMING_SNAKE
// headers, a dashed line, columns joined by one space (the last one padded
// too), cells truncated with "..." so that the table fits in width columns
// unless noTruncate. It returns the table (no final newline) and whether a
// cell was truncated.
func HumanTable(items []Object, cols []Column, width int, noTruncate bool) (string, bool) {
	headers := make([]string, len(cols))
	for i, c := range cols {
		headers[i] = ToHeader(c.Key)
	}
	rows := make([][]string, len(items))
	for r, it := range items {
		rows[r] = make([]string, len(cols))
		for c, col := range cols {
			rows[r][c] = humanCell(it.Get(col.Key))
		}
	}
	truncated := false
	if !noTruncate {
		truncated = truncateColumns(headers, rows, width)
	}
	widths := make([]int, len(cols))
	for c, h := range headers {
		widths[c] = utf8.RuneCountInString(h)
		for _, row := range rows {
			widths[c] = max(widths[c], utf8.RuneCountInString(row[c]))
		}
	}
	line := func(cells []string) string {
		parts := make([]string, len(cells))
		for c, s := range cells {
			if cols[c].Right {
				parts[c] = padLeft(s, widths[c])
			} else {
				parts[c] = padRight(s, widths[c])
			}
		}
		return strings.Join(parts, " ")
	}
	lines := []string{line(headers)}
	dashes := make([]string, len(cols))
	for c, w := range widths {
		dashes[c] = strings.Repeat("-", w)
	}
	lines = append(lines, line(dashes))
	for _, row := range rows {
		lines = append(lines, line(row))
	}
	return strings.Join(lines, "\n"), truncated
}

// truncateColumns shrinks the widest column one character at a time (never
// below its header or 4 characters) until the table fits, then cuts longer
// cells to "<prefix>...". It reports whether any cell was cut.
func truncateColumns(headers []string, rows [][]string, width int) bool {
	if len(rows) == 0 {
		return false
	}
	n := len(headers)
	natural := make([]int, n)
	for c := range headers {
		natural[c] = utf8.RuneCountInString(headers[c])
		for _, row := range rows {
			natural[c] = max(natural[c], utf8.RuneCountInString(row[c]))
		}
	}
	budget := width - max(0, n-1)
	sum := func(xs []int) int {
		t := 0
		for _, x := range xs {
			t += x
		}
		return t
	}
	if sum(natural) <= budget {
		return false
	}
	caps := append([]int(nil), natural...)
	floors := make([]int, n)
	for c, h := range headers {
		floors[c] = max(utf8.RuneCountInString(h), 4)
	}
	for sum(caps) > budget {
		widest := -1
		for c := range caps {
			if caps[c] > floors[c] && (widest < 0 || caps[c] > caps[widest]) {
				widest = c
			}
		}
		if widest < 0 {
			break
		}
		caps[widest]--
	}
	truncated := false
	for _, row := range rows {
		for c, cell := range row {
			if utf8.RuneCountInString(cell) > caps[c] {
				truncated = true
				row[c] = string([]rune(cell)[:max(0, caps[c]-3)]) + "..."
			}
		}
	}
	return truncated
}

// AgentTable renders items as hf 1.28's agent TSV: a header line of keys,
// then one line per item, lists as Python reprs, no truncation. No final
// newline.
func AgentTable(items []Object, keys []string) string {
	lines := []string{strings.Join(keys, "\t")}
	for _, it := range items {
		cells := make([]string, len(keys))
		for i, k := range keys {
			cells[i] = pycompat.SingleLine(pycompat.Str(it.Get(k)))
		}
		lines = append(lines, strings.Join(cells, "\t"))
	}
	return strings.Join(lines, "\n")
}

// QuietIDs renders the value of key for each item, one a line.
func QuietIDs(items []Object, key string) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(pycompat.Str(it.Get(key)))
		b.WriteByte('\n')
	}
	return b.String()
}

// Result renders a success summary as hf 1.28's out.result does in each
// format (with its final newline), or "" when nothing is printed.
func Result(mode Format, msg string, data Object, ansi ANSI) string {
	switch mode {
	case FormatHuman:
		parts := []string{ansi.Green("✓ " + msg)}
		for _, kv := range data {
			if kv.Value != nil {
				parts = append(parts, "  "+kv.Key+": "+pycompat.Str(kv.Value))
			}
		}
		return strings.Join(parts, "\n") + "\n"
	case FormatAgent:
		var parts []string
		for _, kv := range data {
			if kv.Value != nil {
				parts = append(parts, kv.Key+"="+pycompat.Str(kv.Value))
			}
		}
		if len(parts) == 0 {
			return msg + "\n"
		}
		return strings.Join(parts, " ") + "\n"
	case FormatJSON:
		if len(data) == 0 {
			return "\n"
		}
		return pycompat.JSON(data) + "\n"
	case FormatQuiet:
		if len(data) > 0 {
			return pycompat.Str(data[0].Value) + "\n"
		}
	}
	return ""
}
