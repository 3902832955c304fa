package pycompat

import "testing"

func TestFnmatchRegexp(t *testing.T) {
	tests := []struct {
		pat, name string
		want      bool
	}{
		{"*.gguf", "model.Q4.gguf", true},
		{"*.gguf", "sub/dir/model.gguf", true}, // '*' matches '/' too
		{"*.gguf", "model.gguf.part", false},
		{"config.json", "config.json", true},
		{"config.json", "configXjson", false}, // '.' is literal
		{"model-?.bin", "model-1.bin", true},
		{"model-?.bin", "model-12.bin", false},
		{"[abc].txt", "b.txt", true},
		{"[!abc].txt", "b.txt", false},
		{"[!abc].txt", "d.txt", true},
		{"[].txt", "[].txt", true},  // no closing ']' after the first: literal '['
		{"[]a].txt", "].txt", true}, // ']' first in a class is literal
		{"a[", "a[", true},
		{"line\nbreak", "line\nbreak", true},
	}
	for _, tt := range tests {
		re, err := FnmatchRegexp(tt.pat)
		if err != nil {
			t.Errorf("FnmatchRegexp(%q): %v", tt.pat, err)
			continue
		}
		if got := re.MatchString(tt.name); got != tt.want {
			t.Errorf("%q matches %q = %v, want %v", tt.pat, tt.name, got, tt.want)
		}
	}
	if _, err := FnmatchRegexp(""); err == nil {
		t.Error("empty pattern: no error")
	}
}
