package cachefilter

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"
)

func TestParseFilterErrors(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"foo=bar", "Unsupported filter key 'foo' in 'foo=bar'. Must be one of ['modified', 'type', 'accessed', 'size', 'refs']."},
		{"size", "Invalid filter expression: 'size'."},
		{"size> ", "Invalid filter expression: 'size> '."},
		{"1size>3", "Invalid filter expression: '1size>3'."},
		{"size>1XB", "Unknown unit 'xb'. Must be one of ['k', 'kb', 'm', 'mb', 'g', 'gb', 't', 'tb', 'p', 'pb']."},
		{"accessed<5q", "Unknown unit 'q'. Must be one of ['s', 'm', 'h', 'd', 'w', 'mo', 'y']."},
		{"size>1.5G", `Invalid value '1.5G'. Must match pattern '\d+[a-z]+' or be a plain number.`},
		{"modified>-5d", `Invalid value '-5d'. Must match pattern '\d+[a-z]+' or be a plain number.`},
		{"type!=model", "Only '=' is supported for 'type' filters. Got '!='."},
		{"refs>main", "Only '=' is supported for 'refs' filters. Got >."},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := ParseFilter(tt.expr)
			if err == nil || err.Error() != tt.want {
				t.Errorf("ParseFilter(%q) error = %v, want %q", tt.expr, err, tt.want)
			}
		})
	}
}

func TestParseFilterValues(t *testing.T) {
	tests := []struct {
		expr string
		want Filter
	}{
		{"size>1GB", Filter{Key: "size", Op: ">", Num: 1_000_000_000}},
		{" SIZE >= 10kb ", Filter{Key: "size", Op: ">=", Num: 10_000}},
		{"size==5", Filter{Key: "size", Op: "=", Num: 5}},
		{"size<=1_000", Filter{Key: "size", Op: "<=", Num: 1000}},
		{"size!=2pb", Filter{Key: "size", Op: "!=", Num: 2_000_000_000_000_000}},
		{"accessed<5d", Filter{Key: "accessed", Op: "<", Num: 5 * 86400}},
		{"modified>2mo", Filter{Key: "modified", Op: ">", Num: 60 * 86400}},
		{"modified>3M", Filter{Key: "modified", Op: ">", Num: 180}},
		{"accessed>=-30", Filter{Key: "accessed", Op: ">=", Num: -30}},
		{"type=Model", Filter{Key: "type", Op: "=", Str: "model"}},
		{"refs=Refs/PR/1", Filter{Key: "refs", Op: "=", Str: "refs/pr/1"}},
		{"size>99999999999999999999", Filter{Key: "size", Op: ">", Num: 1<<63 - 1}},
	}
	for _, tt := range tests {
		got, err := ParseFilter(tt.expr)
		if err != nil || got != tt.want {
			t.Errorf("ParseFilter(%q) = %+v, %v; want %+v", tt.expr, got, err, tt.want)
		}
	}
}

func TestParseSort(t *testing.T) {
	tests := []struct {
		in   string
		want Sort
		ok   bool
	}{
		{"name", Sort{"name", false}, true},
		{"size", Sort{"size", true}, true},
		{"accessed", Sort{"accessed", true}, true},
		{"modified:asc", Sort{"modified", false}, true},
		{"NAME:DESC", Sort{"name", true}, true},
		{"bogus", Sort{}, false},
		{"size:up", Sort{}, false},
	}
	for _, tt := range tests {
		got, err := ParseSort(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseSort(%q) = %+v, %v", tt.in, got, err)
		}
	}
	if len(SortKeys) != 12 {
		t.Errorf("SortKeys has %d values", len(SortKeys))
	}
	for _, k := range SortKeys {
		if _, err := ParseSort(k); err != nil {
			t.Errorf("SortKeys value %q does not parse", k)
		}
	}
}

// ---- property tests against a straightforward model ----

var (
	modelSizeUnits = map[string]int64{"": 1, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12, "p": 1e15, "pb": 1e15}
	modelTimeUnits = map[string]int64{"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "mo": 2592000, "y": 31536000}
	ops            = []string{"=", "==", "!=", ">", "<", ">=", "<="}
	types          = []string{"model", "dataset", "space"}
	refNames       = []string{"main", "v1.0", "refs/pr/1", "dev"}
)

// spec is a generated filter in structured form, rendered to text for the
// parser and evaluated directly by the model.
type spec struct {
	key, op, unit, str string
	num                int64
}

func (s spec) String(r *rand.Rand) string {
	sp := func() string { return []string{"", " ", "  "}[r.Intn(3)] }
	key := s.key
	if r.Intn(3) == 0 {
		key = strings.ToUpper(key)
	}
	val := s.str
	if s.key != "type" && s.key != "refs" {
		unit := s.unit
		if r.Intn(2) == 0 {
			unit = strings.ToUpper(unit)
		}
		val = fmt.Sprint(s.num) + unit
	}
	return sp() + key + sp() + s.op + sp() + val + sp()
}

func (s spec) model(e Entry, now time.Time) bool {
	cmp := func(left, right float64) bool {
		switch s.op {
		case "=", "==":
			return left == right
		case "!=":
			return left != right
		case ">":
			return left > right
		case "<":
			return left < right
		case ">=":
			return left >= right
		default:
			return left <= right
		}
	}
	switch s.key {
	case "size":
		return cmp(float64(e.Size), float64(s.num*modelSizeUnits[s.unit]))
	case "accessed":
		return cmp(now.Sub(e.Accessed).Seconds(), float64(s.num*modelTimeUnits[s.unit]))
	case "modified":
		return cmp(now.Sub(e.Modified).Seconds(), float64(s.num*modelTimeUnits[s.unit]))
	case "type":
		return e.Type == strings.ToLower(s.str)
	default:
		for _, ref := range e.Refs {
			if strings.EqualFold(ref, s.str) {
				return true
			}
		}
		return false
	}
}

func genSpec(r *rand.Rand, entries []Entry, now time.Time) spec {
	keys := []string{"size", "accessed", "modified", "type", "refs"}
	s := spec{key: keys[r.Intn(len(keys))], op: ops[r.Intn(len(ops))]}
	pickUnit := func(m map[string]int64) string {
		var names []string
		for k := range m {
			names = append(names, k)
		}
		// map order is random but r decides which one we take: sort first.
		sortStrings(names)
		return names[r.Intn(len(names))]
	}
	switch s.key {
	case "size":
		if r.Intn(2) == 0 && len(entries) > 0 { // exact value of an entry: exercises = and ties
			s.num = entries[r.Intn(len(entries))].Size
		} else {
			s.unit = pickUnit(modelSizeUnits)
			s.num = r.Int63n(2000)
		}
	case "accessed", "modified":
		if r.Intn(3) == 0 && len(entries) > 0 {
			e := entries[r.Intn(len(entries))]
			t := e.Modified
			if s.key == "accessed" {
				t = e.Accessed
			}
			s.num = int64(now.Sub(t).Seconds())
		} else {
			s.unit = pickUnit(modelTimeUnits)
			s.num = r.Int63n(60)
		}
	case "type":
		s.op = "="
		s.str = types[r.Intn(len(types))]
		if r.Intn(2) == 0 {
			s.str = strings.ToUpper(s.str)
		}
	case "refs":
		s.op = []string{"=", "=="}[r.Intn(2)]
		s.str = refNames[r.Intn(len(refNames))]
	}
	return s
}

func genEntries(r *rand.Rand, now time.Time) []Entry {
	n := r.Intn(25)
	var es []Entry
	for i := 0; i < n; i++ {
		e := Entry{
			ID:   fmt.Sprintf("%s/org%d/Repo-%02d", types[r.Intn(3)], r.Intn(3), r.Intn(30)),
			Type: types[r.Intn(3)],
			// few distinct sizes and times so that ties are common
			Size:     int64(r.Intn(6)) * []int64{1, 1000, 1_000_000, 1_000_000_000}[r.Intn(4)],
			Accessed: now.Add(-time.Duration(r.Intn(5)) * 24 * time.Hour).Add(-time.Duration(r.Intn(3)) * time.Second),
			Modified: now.Add(-time.Duration(r.Intn(5)) * 7 * 24 * time.Hour),
		}
		e.Type = strings.SplitN(e.ID, "/", 2)[0]
		for _, ref := range refNames {
			if r.Intn(3) == 0 {
				e.Refs = append(e.Refs, ref)
			}
		}
		es = append(es, e)
	}
	return es
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// modelSortKey returns a comparable key for the model's insertion sort.
func modelSortKey(key string, e Entry) (float64, string) {
	switch key {
	case "name":
		return 0, strings.ToLower(e.ID)
	case "size":
		return float64(e.Size), ""
	case "accessed":
		return float64(e.Accessed.UnixNano()) / 1e9, ""
	default:
		return float64(e.Modified.UnixNano()) / 1e9, ""
	}
}

// modelQuery filters, then inserts each kept entry after every entry that
// is not "after" it (a stable insertion sort), then cuts at the limit.
func modelQuery(entries []Entry, specs []spec, sortKey string, desc bool, limit int, now time.Time) []int {
	var kept []int
	for i, e := range entries {
		ok := true
		for _, s := range specs {
			ok = ok && s.model(e, now)
		}
		if ok {
			kept = append(kept, i)
		}
	}
	if sortKey != "" {
		var out []int
		for _, i := range kept {
			ki, si := modelSortKey(sortKey, entries[i])
			pos := len(out)
			for pos > 0 {
				kp, sp := modelSortKey(sortKey, entries[out[pos-1]])
				var before bool // does entry i come strictly before out[pos-1]?
				if desc {
					before = ki > kp || (ki == kp && si > sp)
				} else {
					before = ki < kp || (ki == kp && si < sp)
				}
				if !before {
					break
				}
				pos--
			}
			out = append(out[:pos], append([]int{i}, out[pos:]...)...)
		}
		kept = out
	}
	if limit >= 0 && len(kept) > limit {
		kept = kept[:limit]
	}
	return kept
}

func TestQueryMatchesModel(t *testing.T) {
	r := rand.New(rand.NewSource(42))
	now := time.Unix(1_800_000_000, 500_000_000)
	seenKeyOp := map[string]bool{}
	for iter := 0; iter < 3000; iter++ {
		entries := genEntries(r, now)
		var specs []spec
		q := Query{Limit: -1}
		for n := r.Intn(3); n > 0; n-- {
			s := genSpec(r, entries, now)
			text := s.String(r)
			f, err := ParseFilter(text)
			if err != nil {
				t.Fatalf("ParseFilter(%q): %v", text, err)
			}
			seenKeyOp[s.key+s.op] = true
			specs = append(specs, s)
			q.Filters = append(q.Filters, f)
		}
		sortKey, desc := "", false
		if r.Intn(4) != 0 {
			expr := SortKeys[r.Intn(len(SortKeys))]
			s, err := ParseSort(expr)
			if err != nil {
				t.Fatal(err)
			}
			q.Sort = &s
			sortKey = strings.Split(expr, ":")[0]
			desc = sortKey != "name"
			if strings.HasSuffix(expr, ":asc") {
				desc = false
			} else if strings.HasSuffix(expr, ":desc") {
				desc = true
			}
		}
		if r.Intn(2) == 0 {
			q.Limit = r.Intn(8)
		}
		got := q.Apply(entries, now)
		want := modelQuery(entries, specs, sortKey, desc, q.Limit, now)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("iteration %d: Apply = %v, model = %v\nfilters %+v sort %q desc %v limit %d\nentries %+v",
				iter, got, want, specs, sortKey, desc, q.Limit, entries)
		}
	}
	for _, k := range []string{"size", "accessed", "modified"} {
		for _, op := range ops {
			if !seenKeyOp[k+op] {
				t.Errorf("generator never produced %s%s", k, op)
			}
		}
	}
	for _, k := range []string{"type=", "refs=", "refs=="} {
		if !seenKeyOp[k] {
			t.Errorf("generator never produced %s", k)
		}
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"size>1GB", "type=model", "accessed<5d", "refs=main", "foo=bar", "modified>=2mo", "size==1_0"} {
		f.Add(s)
	}
	now := time.Unix(1_800_000_000, 0)
	f.Fuzz(func(t *testing.T, expr string) {
		flt, err := ParseFilter(expr)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		switch flt.Key {
		case "size", "accessed", "modified", "type", "refs":
		default:
			t.Fatalf("ParseFilter(%q) accepted key %q", expr, flt.Key)
		}
		switch flt.Op {
		case "=", "!=", ">", "<", ">=", "<=":
		default:
			t.Fatalf("ParseFilter(%q) accepted op %q", expr, flt.Op)
		}
		if (flt.Key == "type" || flt.Key == "refs") && flt.Op != "=" {
			t.Fatalf("ParseFilter(%q): %s with op %q", expr, flt.Key, flt.Op)
		}
		// Matching never panics and a reparse of the same text is stable.
		flt.Match(Entry{ID: "model/x", Type: "model", Refs: []string{"main"}}, now)
		again, err := ParseFilter(expr)
		if err != nil || again != flt {
			t.Fatalf("ParseFilter(%q) not deterministic", expr)
		}
	})
}
