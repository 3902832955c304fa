// Package cachefilter parses and applies the filter and sort expressions of
// `hf cache ls` (huggingface_hub 1.28): filters such as "size>1GB",
// "type=model", "accessed<7d" or "refs=main", and sort keys such as
// "modified:asc". It is pure: entries are plain values built by the caller
// and the clock is an argument.
package cachefilter

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hfcache/hfcache/internal/pycompat"
)

// Entry is one row of a listing: a repo, or one revision of a repo.
type Entry struct {
	// ID is the repo's cache id, "model/org/name".
	ID string
	// Type is the repo type ("model", "dataset", "space").
	Type string
	// Size is the repo's (or the revision's) size on disk in bytes.
	Size int64
	// Accessed is the repo's last access time (revisions have none of their own).
	Accessed time.Time
	// Modified is the repo's (or the revision's) last modification time.
	Modified time.Time
	// Refs are the refs of the revision, or of every revision of the repo.
	Refs []string
}

// Keys of filters, in the order upstream lists them in its error message
// (a Python set printed with PYTHONHASHSEED=0).
var filterKeysMsg = "['modified', 'type', 'accessed', 'size', 'refs']"

var filterPattern = regexp.MustCompile(`^([a-zA-Z_]+)\s*(==|!=|>=|<=|>|<|=)\s*(.+)$`)

// Filter is a parsed filter expression.
type Filter struct {
	Key string // size, type, accessed, modified or refs
	Op  string // =, !=, >, <, >=, <= ("==" is read as "=")
	// Num is the size in bytes or the duration in seconds.
	Num int64
	// Str is the lower-cased value of a type or refs filter.
	Str string
}

// ParseFilter parses one filter expression. Errors carry upstream's exact
// messages (the CLI shows them as "Invalid value: <msg>").
func ParseFilter(expr string) (Filter, error) {
	m := filterPattern.FindStringSubmatch(pycompat.Strip(expr))
	if m == nil {
		return Filter{}, parseErrorf("Invalid filter expression: '%s'.", expr)
	}
	key, op, raw := strings.ToLower(m[1]), m[2], pycompat.Strip(m[3])
	if op == "==" {
		op = "=" // upstream's pattern reads "==" but then rejects it; we accept it
	}
	f := Filter{Key: key, Op: op}
	switch key {
	case "size":
		n, err := parseWithUnit(raw, byteUnits)
		if err != nil {
			return Filter{}, err
		}
		f.Num = n
	case "accessed", "modified":
		n, err := parseWithUnit(raw, timeUnits)
		if err != nil {
			return Filter{}, err
		}
		f.Num = n
	case "type":
		if op != "=" {
			return Filter{}, parseErrorf("Only '=' is supported for 'type' filters. Got '%s'.", op)
		}
		f.Str = strings.ToLower(raw)
	case "refs":
		if op != "=" {
			return Filter{}, parseErrorf("Only '=' is supported for 'refs' filters. Got %s.", op)
		}
		f.Str = strings.ToLower(raw)
	default:
		return Filter{}, parseErrorf("Unsupported filter key '%s' in '%s'. Must be one of %s.", key, expr, filterKeysMsg)
	}
	return f, nil
}

// Match reports whether e passes the filter at time now.
func (f Filter) Match(e Entry, now time.Time) bool {
	switch f.Key {
	case "size":
		return compare(float64(e.Size), f.Op, float64(f.Num))
	case "accessed":
		return compare(now.Sub(e.Accessed).Seconds(), f.Op, float64(f.Num))
	case "modified":
		return compare(now.Sub(e.Modified).Seconds(), f.Op, float64(f.Num))
	case "type":
		return strings.ToLower(e.Type) == f.Str
	case "refs":
		for _, r := range e.Refs {
			if strings.ToLower(r) == f.Str {
				return true
			}
		}
	}
	return false
}

func compare(left float64, op string, right float64) bool {
	switch op {
	case "=":
		return left == right
	case "!=":
		return left != right
	case ">":
		return left > right
	case "<":
		return left < right
	case ">=":
		return left >= right
	case "<=":
		return left <= right
	}
	return false
}

type unit struct {
	name string
	mult int64
}

var byteUnits = []unit{
	{"k", 1_000},
	{"kb", 1_000},
	{"m", 1_000_000},
	{"mb", 1_000_000},
	{"g", 1_000_000_000},
	{"gb", 1_000_000_000},
	{"t", 1_000_000_000_000},
	{"tb", 1_000_000_000_000},
	{"p", 1_000_000_000_000_000},
	{"pb", 1_000_000_000_000_000},
}

var timeUnits = []unit{
	{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"w", 7 * 86400}, {"mo", 30 * 86400}, {"y", 365 * 86400},
}

var numberWithUnit = regexp.MustCompile(`^([0-9]+)([a-zA-Z]+)$`)

// parseWithUnit mirrors upstream's _parse_with_unit: a plain (Python) int,
// or digits followed by a unit.
func parseWithUnit(value string, units []unit) (int64, error) {
	stripped := pycompat.Strip(value)
	if stripped == "" {
		return 0, parseErrorf("Value cannot be empty.")
	}
	if n, ok := pycompat.ParseInt(stripped); ok {
		return n, nil
	}
	m := numberWithUnit.FindStringSubmatch(stripped)
	if m == nil {
		return 0, parseErrorf(`Invalid value '%s'. Must match pattern '\d+[a-z]+' or be a plain number.`, value)
	}
	n, ok := pycompat.ParseInt(m[1])
	if !ok {
		return 0, parseErrorf(`Invalid value '%s'. Must match pattern '\d+[a-z]+' or be a plain number.`, value)
	}
	name := strings.ToLower(m[2])
	for _, u := range units {
		if u.name == name {
			if n > math.MaxInt64/u.mult {
				return math.MaxInt64, nil
			}
			return n * u.mult, nil
		}
	}
	names := make([]string, len(units))
	for i, u := range units {
		names[i] = "'" + u.name + "'"
	}
	return 0, parseErrorf("Unknown unit '%s'. Must be one of [%s].", name, strings.Join(names, ", "))
}

// SortKeys are the values --sort accepts, in upstream's order.
var SortKeys = []string{
	"accessed", "accessed:asc", "accessed:desc",
	"modified", "modified:asc", "modified:desc",
	"name", "name:asc", "name:desc",
	"size", "size:asc", "size:desc",
}

// Sort is a parsed sort expression.
type Sort struct {
	Key  string // accessed, modified, name or size
	Desc bool
}

var defaultDesc = map[string]bool{"accessed": true, "modified": true, "size": true, "name": false}

// ParseSort parses "key" or "key:asc|desc"; without an order, name sorts
// ascending and the other keys descending (newest or biggest first).
func ParseSort(s string) (Sort, error) {
	key, order, hasOrder := strings.Cut(strings.ToLower(strings.TrimSpace(s)), ":")
	desc, ok := defaultDesc[key]
	if !ok || (hasOrder && order != "asc" && order != "desc") {
		return Sort{}, fmt.Errorf("invalid sort key %q", s)
	}
	if hasOrder {
		desc = order == "desc"
	}
	return Sort{Key: key, Desc: desc}, nil
}

// less orders a before b on the sort key (ascending).
func (s Sort) less(a, b Entry) bool {
	switch s.Key {
	case "name":
		return strings.ToLower(a.ID) < strings.ToLower(b.ID)
	case "size":
		return a.Size < b.Size
	case "accessed":
		return epoch(a.Accessed) < epoch(b.Accessed)
	case "modified":
		return epoch(a.Modified) < epoch(b.Modified)
	}
	return false
}

func epoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// Query is a whole ls selection: filters (all must match), an optional sort
// and an optional limit (negative: none).
type Query struct {
	Filters []Filter
	Sort    *Sort
	Limit   int
}

// Apply returns the indexes of the entries selected by q, in output order.
// Sorting is stable: ties keep the input order, also when descending (as
// Python's sort(reverse=True) does).
func (q Query) Apply(entries []Entry, now time.Time) []int {
	var idx []int
	for i, e := range entries {
		ok := true
		for _, f := range q.Filters {
			if !f.Match(e, now) {
				ok = false
				break
			}
		}
		if ok {
			idx = append(idx, i)
		}
	}
	if q.Sort != nil {
		s := *q.Sort
		sort.SliceStable(idx, func(i, j int) bool {
			a, b := entries[idx[i]], entries[idx[j]]
			if s.Desc {
				return s.less(b, a)
			}
			return s.less(a, b)
		})
	}
	if q.Limit >= 0 && q.Limit < len(idx) {
		idx = idx[:q.Limit]
	}
	return idx
}

// ParseError is a filter the grammar rejects; its message is upstream's,
// word for word, as the CLI shows it to users.
type ParseError struct{ Msg string }

func (e *ParseError) Error() string { return e.Msg }

func parseErrorf(format string, args ...any) error {
	return &ParseError{Msg: fmt.Sprintf(format, args...)}
}
