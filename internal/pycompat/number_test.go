package pycompat

import (
	"math"
	"testing"
)

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"42", 42, true},
		{"+7", 7, true},
		{"-7", -7, true},
		{"1_000", 1000, true},
		{"007", 7, true},
		{"99999999999999999999999", math.MaxInt64, true}, // Python's ints are unbounded: saturated
		{"", 0, false},
		{"-", 0, false},
		{"_1", 0, false},
		{"1_", 0, false},
		{"1__0", 0, false},
		{"1.5", 0, false},
		{"1k", 0, false},
		{" 1", 0, false}, // int() strips; callers strip first
	}
	for _, tt := range tests {
		got, ok := ParseInt(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
