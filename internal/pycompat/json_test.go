package pycompat

import (
	"iter"
	"testing"
)

// dict is a Dict for the tests, as render.Object is one for hfcache.
type dict []struct {
	k string
	v any
}

func (d dict) Items() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, kv := range d {
			if !yield(kv.k, kv.v) {
				return
			}
		}
	}
}

func TestFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0.0"},
		{1, "1.0"},
		{1.5, "1.5"},
		{1732700000, "1732700000.0"},
		{1732700000.123456, "1732700000.123456"},
		{0.1, "0.1"},
		{1e16, "1e+16"},
		{0.0001, "0.0001"},
		{0.00001, "1e-05"},
		{-2.5, "-2.5"},
		{123456789012345.6, "123456789012345.6"},
	}
	for _, tt := range tests {
		if got := Float(tt.in); got != tt.want {
			t.Errorf("Float(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestJSON(t *testing.T) {
	obj := dict{
		{"id", "model/x"},
		{"ok", true},
		{"n", 3},
		{"big", int64(1) << 40},
		{"f", 2.5},
		{"refs", []string{"main", "v1"}},
		{"empty", []string{}},
		{"none", nil},
		{"text", "é \"q\" \\ \n\t\x01 😀"},
		{"sub", []dict{{{"a", false}}}},
	}
	want := `{"id": "model/x", "ok": true, "n": 3, "big": 1099511627776, "f": 2.5, "refs": ["main", "v1"], "empty": [], "none": null, ` +
		`"text": "\u00e9 \"q\" \\ \n\t\u0001 \ud83d\ude00", "sub": [{"a": false}]}`
	if got := JSON(obj); got != want {
		t.Errorf("JSON =\n%s\nwant\n%s", got, want)
	}
}

func TestStr(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{true, "True"},
		{false, "False"},
		{nil, "None"},
		{7, "7"},
		{[]string{"main", "v1.0"}, "['main', 'v1.0']"},
		{[]string{}, "[]"},
		{[]string{"it's"}, `["it's"]`},
	}
	for _, tt := range tests {
		if got := Str(tt.in); got != tt.want {
			t.Errorf("Str(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestStrOfDicts: str() of a dict, or of a list of dicts, is their JSON (as
// upstream prints nested values in its tables); of other lists, nothing.
func TestStrOfDicts(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{dict{{"a", 1}}, `{"a": 1}`},
		{[]dict{{{"a", "x"}}, {}}, `[{"a": "x"}, {}]`},
		{[]dict{}, `[]`},
		{[]int{1}, ``},
	}
	for _, tt := range tests {
		if got := Str(tt.in); got != tt.want {
			t.Errorf("Str(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
