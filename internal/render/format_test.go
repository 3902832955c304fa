package render

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readUnits reads a golden units/<name>.tsv file: input TAB expected.
func readUnits(t *testing.T, version, name string) [][2]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "compat", "golden", version, "units", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		in, want, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		rows = append(rows, [2]string{in, want})
	}
	if len(rows) == 0 {
		t.Fatalf("no rows in %s", name)
	}
	return rows
}

// TestSizeMatchesUpstream checks Size against upstream's _format_size
// outputs recorded in 0.21 and 1.28.
func TestSizeMatchesUpstream(t *testing.T) {
	for _, version := range []string{"0.21", "latest"} {
		for _, row := range readUnits(t, version, "format_size.tsv") {
			f, err := strconv.ParseFloat(row[0], 64)
			if err != nil {
				t.Fatalf("bad input %q", row[0])
			}
			got := SizeFloat(f)
			if n, err := strconv.ParseInt(row[0], 10, 64); err == nil {
				got = Size(n)
			}
			if got != row[1] {
				t.Errorf("%s: Size(%s) = %q, want %q", version, row[0], got, row[1])
			}
		}
	}
}

// TestTimeSinceMatchesUpstream checks TimeSinceSeconds against upstream's
// _format_timesince outputs (including Python's half-to-even rounding).
func TestTimeSinceMatchesUpstream(t *testing.T) {
	for _, version := range []string{"0.21", "latest"} {
		for _, row := range readUnits(t, version, "format_timesince.tsv") {
			d, err := strconv.ParseFloat(row[0], 64)
			if err != nil {
				t.Fatalf("bad input %q", row[0])
			}
			if got := TimeSinceSeconds(d); got != row[1] {
				t.Errorf("%s: TimeSinceSeconds(%v) = %q, want %q", version, d, got, row[1])
			}
		}
	}
}

func TestSizeTable(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0.0"},
		{999, "999.0"},
		{1000, "1.0K"},
		{1049, "1.0K"},
		{1050, "1.1K"}, // binary value of 1.05 is just above: rounds up
		{999_949, "999.9K"},
		{999_950, "1000.0K"}, // rounding happens after the < 1000 test
		{3_414_374_889, "3.4G"},
		{1_000_000_000_000, "1.0T"},
		{2_500_000_000_000_000, "2.5P"},
		{9_223_372_036_854_775_807, "9.2E"},
		{-1500, "-1.5K"},
	}
	for _, tt := range tests {
		if got := Size(tt.n); got != tt.want {
			t.Errorf("Size(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestTimeSinceTable(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		ago  time.Duration
		want string
	}{
		{-time.Hour, "a few seconds ago"},
		{19 * time.Second, "a few seconds ago"},
		{20 * time.Second, "20 seconds ago"},
		{150 * time.Second, "2 minutes ago"}, // 2.5 rounds to even
		{210 * time.Second, "4 minutes ago"}, // 3.5 rounds to even
		{36 * time.Hour, "2 days ago"},       // 1.5 rounds to even
		{156 * time.Hour, "6 days ago"},      // 6.5 -> 6
		{2 * 365 * 24 * time.Hour, "2 years ago"},
	}
	for _, tt := range tests {
		if got := TimeSince(now.Add(-tt.ago), now); got != tt.want {
			t.Errorf("TimeSince(-%v) = %q, want %q", tt.ago, got, tt.want)
		}
	}
}

func TestLegacyTable(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		rows    [][]Cell
		want    string
	}{
		{
			name:    "empty: header and dashes only",
			headers: []string{"A", "BB"},
			want:    "A BB \n- -- ",
		},
		{
			name:    "ints right-aligned, strings left, trailing space",
			headers: []string{"NAME", "N"},
			rows:    [][]Cell{{{Text: "x"}, {Text: "10", Right: true}}, {{Text: "longer"}, {Text: "7", Right: true}}},
			want:    "NAME   N  \n------ -- \nx      10 \nlonger  7 ",
		},
		{
			name:    "width counts characters, not bytes",
			headers: []string{"ID"},
			rows:    [][]Cell{{{Text: "héllo"}}},
			want:    "ID    \n----- \nhéllo ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LegacyTable(tt.headers, tt.rows); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestPyRound1(t *testing.T) {
	for in, want := range map[float64]string{0: "0.0s", 0.04: "0.0s", 0.06: "0.1s", 1.25: "1.2s", 1.35: "1.4s", 10: "10.0s"} {
		if got := PyRound1(in); got != want {
			t.Errorf("PyRound1(%v) = %q, want %q", in, got, want)
		}
	}
}
