package pycompat

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

func TestRepr(t *testing.T) {
	cases := []struct{ in, want string }{
		{"main", "'main'"},
		{"it's", `"it's"`},
		{`it's "x"`, `'it\'s "x"'`},
		{"a\nb\r\tc\\", `'a\nb\r\tc\\'`},
		{"\x01\x7f", `'\x01\x7f'`},
		{"\u0085é", `'\x85é'`},
		{"\xff", `'\ufffd'`},
	}
	for _, c := range cases {
		if got := Repr(c.in); got != c.want {
			t.Errorf("Repr(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestSingleLine(t *testing.T) {
	tests := map[string]string{
		"":               "",
		"  a  b\n\tc ":   "a b c",
		"one":            "one",
		"x\x1cy":         "x y", // Python's split() also splits on \x1c-\x1f
		"a\u00a0b":       "a b",
		"\u3000lead\r\n": "lead",
	}
	for in, want := range tests {
		if got := SingleLine(in); got != want {
			t.Errorf("SingleLine(%q) = %q, want %q", in, got, want)
		}
	}
}
