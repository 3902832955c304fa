package render

import (
	"strings"
	"testing"
)

func TestHumanTable(t *testing.T) {
	items := []Object{
		{{"id", "model/org/a-very-long-repository-name"}, {"size", "1.2G"}, {"refs", []string{"main", "refs/pr/1"}}},
		{{"id", "dataset/x"}, {"size", "10.0K"}, {"refs", []string{}}},
	}
	cols := []Column{{Key: "id"}, {Key: "size", Right: true}, {Key: "refs"}}
	// Expected tables computed with upstream's _truncate_columns + tabulate.
	full := "ID                                     SIZE REFS           \n" +
		"------------------------------------- ----- ---------------\n" +
		"model/org/a-very-long-repository-name  1.2G main, refs/pr/1\n" +
		"dataset/x                             10.0K                "
	tests := []struct {
		width      int
		noTruncate bool
		want       string
		truncated  bool
	}{
		{80, false, full, false},
		// budget 40-2 = 38: the widest column gives up one character at a time
		{40, false, "ID                  SIZE REFS           \n" +
			"------------------ ----- ---------------\n" +
			"model/org/a-ver...  1.2G main, refs/pr/1\n" +
			"dataset/x          10.0K                ", true},
		{40, true, full, false},
		// too narrow: every column stops at max(header, 4) and the table overflows
		{10, false, "ID   SIZE REFS\n" +
			"---- ---- ----\n" +
			"m... 1.2G m...\n" +
			"d... 1...     ", true},
	}
	for _, tt := range tests {
		got, truncated := HumanTable(items, cols, tt.width, tt.noTruncate)
		if got != tt.want || truncated != tt.truncated {
			t.Errorf("width %d: truncated %v\n%s\nwant %v\n%s", tt.width, truncated, got, tt.truncated, tt.want)
		}
		for i, line := range strings.Split(got, "\n") {
			if tt.width >= 40 && !tt.noTruncate && len([]rune(line)) > tt.width {
				t.Errorf("width %d: line %d is %d wide", tt.width, i, len([]rune(line)))
			}
		}
	}
}

func TestResult(t *testing.T) {
	data := Object{{"dry_run", true}, {"repos", 1}, {"skip", nil}, {"size", "29.9K"}}
	tests := []struct {
		mode Format
		want string
	}{
		{FormatHuman, "\x1b[32m✓ Done.\x1b[0m\n  dry_run: True\n  repos: 1\n  size: 29.9K\n"},
		{FormatAgent, "dry_run=True repos=1 size=29.9K\n"},
		{FormatJSON, `{"dry_run": true, "repos": 1, "skip": null, "size": "29.9K"}` + "\n"},
		{FormatQuiet, "True\n"},
	}
	for _, tt := range tests {
		if got := Result(tt.mode, "Done.", data, ANSI{}); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.mode, got, tt.want)
		}
	}
	if got := Result(FormatAgent, "Done.", nil, ANSI{}); got != "Done.\n" {
		t.Errorf("agent without data: %q", got)
	}
}

func TestToHeader(t *testing.T) {
	for in, want := range map[string]string{"last_modified": "LAST_MODIFIED", "id": "ID", "camelCase": "CAMEL_CASE"} {
		if got := ToHeader(in); got != want {
			t.Errorf("ToHeader(%q) = %q", in, got)
		}
	}
}
