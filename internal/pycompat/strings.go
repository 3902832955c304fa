package pycompat

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// Strip is Python's str.strip() without arguments: it removes Unicode white
// space and the ASCII separators \x1c-\x1f (which Python also counts as
// white space) from both ends.
func Strip(s string) string {
	return strings.TrimFunc(s, IsSpace)
}

// IsSpace is Python's str.isspace() for one character.
func IsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// SingleLine is Python's " ".join(s.split()): runs of white space become
// one space, and none is left at either end.
func SingleLine(s string) string { return strings.Join(strings.FieldsFunc(s, IsSpace), " ") }

// UniversalNewlines is what Python's text-mode read() returns for s:
// "\r\n" and a lone "\r" both become "\n".
func UniversalNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// Repr renders a string as Python's repr() does.
func Repr(s string) string {
	quote := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, "\"") {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == 0xFFFD:
			b.WriteString(`\ufffd`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// ReprList is Python's repr() of a list of strings: ['a', 'b'].
func ReprList(xs []string) string {
	parts := make([]string, len(xs))
	for i, s := range xs {
		parts[i] = Repr(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// ReprDictOfSets is Python's repr() of a dict[str, set[str]], with the
// keys and the members of each set sorted (the order PYTHONHASHSEED=0 and
// upstream's insertion order give for the values hfcache prints).
func ReprDictOfSets(m map[string][]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Repr(k))
		b.WriteString(": {")
		members := append([]string(nil), m[k]...)
		sort.Strings(members)
		for j, v := range members {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(Repr(v))
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.String()
}
