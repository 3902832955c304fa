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
