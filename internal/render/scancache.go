package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hfcache/hfcache/internal/scan"
)

// ANSI wraps text in huggingface_hub's ANSI codes unless disabled
// (upstream disables them when NO_COLOR is non-empty, and never checks for
// a terminal).
type ANSI struct{ Disabled bool }

func (a ANSI) wrap(code, s string) string {
	if a.Disabled {
		return s
	}
	return code + s + "\x1b[0m"
}

// Red is upstream's ANSI.red: bold red.
func (a ANSI) Red(s string) string { return a.wrap("\x1b[1m\x1b[31m", s) }

// Gray is upstream's ANSI.gray.
func (a ANSI) Gray(s string) string { return a.wrap("\x1b[90m", s) }

// Bold is upstream's ANSI.bold.
func (a ANSI) Bold(s string) string { return a.wrap("\x1b[1m", s) }

// ScanCacheTable renders the scan-cache table: one row per repo at
// verbosity 0, one row per revision above.
func ScanCacheTable(c *scan.Cache, verbosity int, now time.Time) string {
	if verbosity == 0 {
		headers := []string{"REPO ID", "REPO TYPE", "SIZE ON DISK", "NB FILES", "LAST_ACCESSED", "LAST_MODIFIED", "REFS", "LOCAL PATH"}
		rows := make([][]Cell, 0, len(c.Repos))
		for _, r := range c.Repos {
			rows = append(rows, []Cell{
				{Text: r.ID},
				{Text: r.Type},
				{Text: padLeft(Size(r.Size), 12)},
				{Text: strconv.Itoa(r.NbFiles()), Right: true},
				{Text: TimeSince(r.LastAccessed, now)},
				{Text: TimeSince(r.LastModified, now)},
				{Text: strings.Join(r.Refs(), ", ")},
				{Text: r.Path},
			})
		}
		return LegacyTable(headers, rows)
	}
	headers := []string{"REPO ID", "REPO TYPE", "REVISION", "SIZE ON DISK", "NB FILES", "LAST_MODIFIED", "REFS", "LOCAL PATH"}
	var rows [][]Cell
	for _, r := range c.Repos {
		for _, rev := range r.Revisions {
			rows = append(rows, []Cell{
				{Text: r.ID},
				{Text: r.Type},
				{Text: rev.Hash},
				{Text: padLeft(Size(rev.Size), 12)},
				{Text: strconv.Itoa(rev.NbFiles), Right: true},
				{Text: TimeSince(rev.LastModified, now)},
				{Text: strings.Join(rev.Refs, ", ")},
				{Text: rev.SnapshotPath},
			})
		}
	}
	return LegacyTable(headers, rows)
}

// ScanCacheReport writes the whole scan-cache output: the table, an empty
// line, the "Done in" line and the warning lines.
func ScanCacheReport(w io.Writer, c *scan.Cache, verbosity int, elapsed time.Duration, now time.Time, ansi ANSI) error {
	var b strings.Builder
	b.WriteString(ScanCacheTable(c, verbosity, now))
	b.WriteString("\n")
	fmt.Fprintf(&b, "\nDone in %s. Scanned %d repo(s) for a total of %s.\n",
		PyRound1(elapsed.Seconds()), len(c.Repos), ansi.Red(Size(c.Size)))
	if n := len(c.Warnings); n > 0 {
		if verbosity < 3 {
			b.WriteString(ansi.Gray(fmt.Sprintf("Got %d warning(s) while scanning. Use -vvv to print details.", n)))
			b.WriteString("\n")
		} else {
			b.WriteString(ansi.Gray(fmt.Sprintf("Got %d warning(s) while scanning.", n)))
			b.WriteString("\n")
			for _, w := range c.Warnings {
				b.WriteString(ansi.Gray(w.Msg))
				b.WriteString("\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// PyRound1 formats seconds as upstream's f"{round(x, 1)}s": "0.0s",
// "1.2s", "10.0s".
func PyRound1(x float64) string {
	// FormatFloat rounds the exact binary value half to even, as Python's
	// round(x, 1) does.
	return strconv.FormatFloat(x, 'f', 1, 64) + "s"
}
