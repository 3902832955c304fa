package cachetest

import "testing"

// TestNormalize: the run folder goes back to /tmp/hf-golden, and on Windows
// the '\' of the paths below it (escaped in JSON) go back to '/'.
func TestNormalize(t *testing.T) {
	tests := []struct {
		root, in, want string
	}{
		{"/tmp/hf-g01234", "at /tmp/hf-g01234/small/models--a--b end", "at /tmp/hf-golden/small/models--a--b end"},
		{`C:\hf-g0123456`, `at C:\hf-g0123456\small\models--a--b end`, "at /tmp/hf-golden/small/models--a--b end"},
		{`C:\hf-g0123456`, `{"path": "C:\\hf-g0123456\\small\\x y"}`, `{"path": "/tmp/hf-golden/small/x y"}`},
		{`C:\hf-g0123456`, "C:\\hf-g0123456\\empty\\missing\x1b[0m\n", "/tmp/hf-golden/empty/missing\x1b[0m\n"},
		{`C:\hf-g0123456`, `'C:\hf-g0123456\a' and D:\elsewhere\b`, `'/tmp/hf-golden/a' and D:\elsewhere\b`},
	}
	for _, tt := range tests {
		g := &GoldenRun{Root: tt.root}
		if got := g.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) with root %s = %q, want %q", tt.in, tt.root, got, tt.want)
		}
	}
}
