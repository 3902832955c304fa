package cli

import (
	"reflect"
	"testing"
)

func TestParseSelection(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want []int
		err  bool
	}{
		{"1 3 5-8", 10, []int{1, 3, 5, 6, 7, 8}, false},
		{"  2,1  2 ", 3, []int{1, 2}, false},
		{"3-3", 3, []int{3}, false},
		{"ALL", 3, []int{1, 2, 3}, false},
		{"all", 0, []int{}, false},
		{"none", 3, nil, false},
		{"", 3, nil, false},
		{"\t", 3, nil, false},
		{"4", 3, nil, true},
		{"0", 3, nil, true},
		{"-1", 3, nil, true},
		{"2-1", 3, nil, true},
		{"1-", 3, nil, true},
		{"1-9", 3, nil, true},
		{"one", 3, nil, true},
		{"all 1", 3, nil, true},
		{"none 1", 3, nil, true},
		{"1.5", 3, nil, true},
	}
	for _, tt := range tests {
		got, err := parseSelection(tt.in, tt.n)
		if (err != nil) != tt.err {
			t.Errorf("parseSelection(%q, %d) error = %v, want error %v", tt.in, tt.n, err, tt.err)
			continue
		}
		if !tt.err && !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("parseSelection(%q, %d) = %v, want %v", tt.in, tt.n, got, tt.want)
		}
	}
}
