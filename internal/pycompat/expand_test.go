package pycompat

import (
	"runtime"
	"testing"
)

func TestExpandVars(t *testing.T) {
	env := map[string]string{"HOME": "/home/u", "EMPTY": "", "A_1": "x"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	tests := map[string]string{
		"":                  "",
		"/no/vars":          "/no/vars",
		"$HOME/hub":         "/home/u/hub",
		"${HOME}/hub":       "/home/u/hub",
		"$UNSET/hub":        "$UNSET/hub", // unset: left as written
		"${UNSET}":          "${UNSET}",
		"a$EMPTY/b":         "a/b", // set but empty: replaced
		"$A_1$A_1":          "xx",
		"$-x and $ alone":   "$-x and $ alone",
		"${HOME":            "${HOME",
		"price: $$A_1 $A_1": "price: $x x",
	}
	for in, want := range tests {
		if got := ExpandVars(in, lookup); got != want {
			t.Errorf("ExpandVars(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExpandUser(t *testing.T) {
	home := func(h string, ok bool) func() (string, bool) { return func() (string, bool) { return h, ok } }
	tests := []struct {
		in, home string
		ok       bool
		want     string
	}{
		{"~", "/home/u", true, "/home/u"},
		{"~/hub", "/home/u/", true, "/home/u/hub"},
		{"~user/hub", "/home/u", true, "~user/hub"},
		{"x/~", "/home/u", true, "x/~"},
		{"~/hub", "", false, "~/hub"},
		{"~", "/", true, "/"},
		{"~/hub", "", true, "/hub"}, // HOME set but empty
	}
	for _, tt := range tests {
		if runtime.GOOS == "windows" {
			break // ntpath's rules: covered by the cli's Windows tests
		}
		if got := ExpandUser(tt.in, home(tt.home, tt.ok)); got != tt.want {
			t.Errorf("ExpandUser(%q) with home %q = %q, want %q", tt.in, tt.home, got, tt.want)
		}
	}
}
