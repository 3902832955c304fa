// Package pytext reproduces the Python string behaviours that upstream's
// parsing depends on, so that hfcache reads user input exactly as
// huggingface_hub does. Standard library only.
package pytext

import (
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
