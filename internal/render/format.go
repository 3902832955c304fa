// Package render formats the cache model exactly as huggingface_hub prints
// it: the 1000-based size, the "time ago" strings, the scan-cache tables and
// the hf 1.x listings. It writes to an io.Writer and takes the clock as an
// argument; it never reads the environment or the filesystem.
package render

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Size formats a byte count like upstream's _format_size: 1000-based units,
// one decimal ("0.0", "999.0", "1.0K", "3.4G").
func Size(n int64) string { return SizeFloat(float64(n)) }

// SizeFloat is Size for any number (upstream accepts Python ints of any
// size, converted to float).
func SizeFloat(f float64) string {
	for _, unit := range []string{"", "K", "M", "G", "T", "P", "E", "Z"} {
		if math.Abs(f) < 1000.0 {
			return strconv.FormatFloat(f, 'f', 1, 64) + unit
		}
		f /= 1000.0
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + "Y"
}

var timeSinceChunks = []struct {
	label   string
	divider float64
	max     float64 // 0: no maximum
}{
	{"second", 1, 60},
	{"minute", 60, 60},
	{"hour", 3600, 24},
	{"day", 86400, 6},
	{"week", 604800, 6},
	{"month", 2592000, 11},
	{"year", 31536000, 0},
}

// TimeSince formats how long ago t was, as upstream's _format_timesince
// ("a few seconds ago", "2 minutes ago", "1 year ago"); Python's round()
// rounds half to even, and so does this.
func TimeSince(t, now time.Time) string {
	return TimeSinceSeconds(now.Sub(t).Seconds())
}

// TimeSinceSeconds is TimeSince for a delta in seconds.
func TimeSinceSeconds(delta float64) string {
	if delta < 20 {
		return "a few seconds ago"
	}
	var value float64
	var label string
	for _, c := range timeSinceChunks {
		value = math.RoundToEven(delta / c.divider)
		label = c.label
		if c.max != 0 && value <= c.max {
			break
		}
	}
	s := strconv.FormatFloat(value, 'f', -1, 64) + " " + label
	if value > 1 {
		s += "s"
	}
	return s + " ago"
}

// padRight pads s with spaces to w characters (Python "{:w}" for str).
func padRight(s string, w int) string {
	n := utf8.RuneCountInString(s)
	if n >= w {
		return s
	}
	return s + spaces(w-n)
}

// padLeft right-aligns s in w characters (Python "{:>w}", or "{:w}" for int).
func padLeft(s string, w int) string {
	n := utf8.RuneCountInString(s)
	if n >= w {
		return s
	}
	return spaces(w-n) + s
}

func spaces(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}
