package pycompat

import (
	"fmt"
	"regexp"
	"strings"
)

// FnmatchRegexp compiles an fnmatch pattern as Python's
// fnmatch.translate does ('*' also matches '/').
func FnmatchRegexp(pat string) (*regexp.Regexp, error) {
	if pat == "" {
		return nil, fmt.Errorf("empty pattern")
	}
	var b strings.Builder
	b.WriteString("^(?s:")
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		switch c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			j := strings.IndexByte(pat[i+1:], ']')
			if j < 0 || (j == 0 && !strings.Contains(pat[i+2:], "]")) {
				b.WriteString(`\[`)
				continue
			}
			if j == 0 { // "[]...]": ']' first is literal
				j = 1 + strings.IndexByte(pat[i+2:], ']')
			}
			class := pat[i+1 : i+1+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j + 1
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(")$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("bad pattern %q: %w", pat, err)
	}
	return re, nil
}
