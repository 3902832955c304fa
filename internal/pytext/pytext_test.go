package pytext

import "testing"

func TestStrip(t *testing.T) {
	tests := map[string]string{
		"":                       "",
		"  abc \t\n":             "abc",
		"\x1c\x1d x \x1e\x1f":    "x",
		"\u00a0\u2003nbsp\u3000": "nbsp",
		"a b":                    "a b",
		"\x00x\x00":              "\x00x\x00", // NUL is not white space
		"#  hash # c ":           "#  hash # c",
	}
	for in, want := range tests {
		if got := Strip(in); got != want {
			t.Errorf("Strip(%q) = %q, want %q", in, got, want)
		}
	}
}
