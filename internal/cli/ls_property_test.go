package cli

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/iostreams"
)

// genRepo is a generated repo, kept as plain numbers for the model.
type genRepo struct {
	typ, id string
	revs    []genRev
	blobs   map[string]genBlob
}

type genRev struct {
	hash  string
	refs  []string
	blobs []string
}

type genBlob struct {
	size               int64
	atimeAgo, mtimeAgo int64 // seconds
}

// modelRow is one listing row computed from the generated data only.
type modelRow struct {
	cacheID, key string // key: cache id, or revision hash
	size         int64
	accessedAgo  int64
	modifiedAgo  int64
	refs         []string
	typ          string
	orderRev     string
}

func genCache(r *rand.Rand) []genRepo {
	types := []string{"model", "dataset", "space"}
	sizes := []int64{0, 999, 1000, 1500, 1_000_000, 2_500_000_000}
	ages := []int64{30, 3600, 86400, 3 * 86400, 10 * 86400, 40 * 86400, 400 * 86400}
	n := 1 + r.Intn(6)
	used := map[string]bool{}
	var repos []genRepo
	for i := 0; i < n; i++ {
		g := genRepo{typ: types[r.Intn(3)], blobs: map[string]genBlob{}}
		for {
			g.id = fmt.Sprintf("Org%d/name-%d", r.Intn(3), r.Intn(4))
			if !used[g.typ+g.id] {
				used[g.typ+g.id] = true
				break
			}
		}
		shared := fmt.Sprintf("%064x", r.Int63())
		g.blobs[shared] = genBlob{sizes[r.Intn(len(sizes))], ages[r.Intn(len(ages))], ages[r.Intn(len(ages))]}
		refNames := []string{"main", "v1", "refs/pr/1"}
		for k := 0; k < 1+r.Intn(3); k++ {
			rv := genRev{hash: fmt.Sprintf("%040x", r.Int63())}
			own := fmt.Sprintf("%040x", r.Int63())
			g.blobs[own] = genBlob{sizes[r.Intn(len(sizes))], ages[r.Intn(len(ages))], ages[r.Intn(len(ages))]}
			rv.blobs = []string{own}
			if r.Intn(2) == 0 {
				rv.blobs = append(rv.blobs, shared)
			}
			if k < len(refNames) && r.Intn(3) != 0 {
				rv.refs = []string{refNames[k]}
			}
			g.revs = append(g.revs, rv)
		}
		repos = append(repos, g)
	}
	return repos
}

func buildGen(t *testing.T, repos []genRepo, now time.Time) string {
	root := t.TempDir()
	var tree cachetest.Tree
	for _, g := range repos {
		folder := g.typ + "s--" + strings.ReplaceAll(g.id, "/", "--")
		tree.AddRepo(folder)
		for name, b := range g.blobs {
			tree.AddBlob(folder, name, b.size, nil, float64(b.atimeAgo), float64(b.mtimeAgo))
		}
		for _, rv := range g.revs {
			for i, b := range rv.blobs {
				tree.AddSnapshotFile(folder, rv.hash, fmt.Sprintf("f%d.bin", i), b)
			}
			for _, ref := range rv.refs {
				tree.AddRef(folder, ref, rv.hash)
			}
		}
	}
	tree.MustBuild(t, root, now)
	return root
}

func modelRows(repos []genRepo, revisions bool) []modelRow {
	var rows []modelRow
	for _, g := range repos {
		agg := func(names map[string]bool) (size, acc, mod int64) {
			acc, mod = 1<<62, 1<<62
			for n := range names {
				b := g.blobs[n]
				size += b.size
				acc = min(acc, b.atimeAgo)
				mod = min(mod, b.mtimeAgo)
			}
			return
		}
		all := map[string]bool{}
		var refs []string
		for _, rv := range g.revs {
			for _, b := range rv.blobs {
				all[b] = true
			}
			refs = append(refs, rv.refs...)
		}
		size, acc, mod := agg(all)
		id := g.typ + "/" + g.id
		if !revisions {
			rows = append(rows, modelRow{cacheID: id, key: id, size: size, accessedAgo: acc, modifiedAgo: mod, refs: refs, typ: g.typ})
			continue
		}
		for _, rv := range g.revs {
			own := map[string]bool{}
			for _, b := range rv.blobs {
				own[b] = true
			}
			s, _, m := agg(own)
			rows = append(rows, modelRow{cacheID: id, key: rv.hash, size: s, accessedAgo: acc, modifiedAgo: m, refs: rv.refs, typ: g.typ, orderRev: rv.hash})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].cacheID != rows[j].cacheID {
			return rows[i].cacheID < rows[j].cacheID
		}
		return rows[i].orderRev < rows[j].orderRev
	})
	return rows
}

type genFilter struct {
	key, op string
	num     int64 // bytes or seconds
	text    string
	str     string
}

func randFilter(r *rand.Rand, rows []modelRow) genFilter {
	ops := []string{"=", "==", "!=", ">", "<", ">=", "<="}
	f := genFilter{key: []string{"size", "accessed", "modified", "type", "refs"}[r.Intn(5)], op: ops[r.Intn(len(ops))]}
	row := rows[r.Intn(len(rows))]
	switch f.key {
	case "size":
		switch r.Intn(3) {
		case 0:
			f.num, f.text = row.size, fmt.Sprint(row.size) // an exact value: ties and "="
		case 1:
			f.num, f.text = 1000, "1kb"
		default:
			f.num, f.text = 2_000_000_000, "2G"
		}
	case "accessed", "modified":
		switch r.Intn(3) {
		case 0:
			f.num, f.text = 2*86400, "2d"
		case 1:
			f.num, f.text = 2*604800, "2w"
		default:
			f.num, f.text = 3*2592000, "3mo"
		}
	case "type":
		f.op, f.str = "=", []string{"model", "dataset", "space"}[r.Intn(3)]
		f.text = strings.ToUpper(f.str[:1]) + f.str[1:]
	case "refs":
		f.op, f.str = "=", []string{"main", "v1", "refs/pr/1", "nope"}[r.Intn(4)]
		f.text = f.str
	}
	return f
}

func (f genFilter) match(row modelRow) bool {
	cmp := func(a, b int64) bool {
		switch f.op {
		case "=", "==":
			return a == b
		case "!=":
			return a != b
		case ">":
			return a > b
		case "<":
			return a < b
		case ">=":
			return a >= b
		}
		return a <= b
	}
	switch f.key {
	case "size":
		return cmp(row.size, f.num)
	case "accessed":
		return cmp(row.accessedAgo, f.num)
	case "modified":
		return cmp(row.modifiedAgo, f.num)
	case "type":
		return row.typ == f.str
	}
	for _, ref := range row.refs {
		if ref == f.str {
			return true
		}
	}
	return false
}

// TestLsPropertyOnRealCaches builds random caches on disk, runs `ls` with
// random filters (every key and operator), sorts and limits, and compares
// the ids it prints with a model computed from the generated numbers only.
func TestLsPropertyOnRealCaches(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	now := time.Unix(1_900_000_000, 0)
	sortKeys := []string{"", "name", "name:desc", "size", "size:asc", "accessed", "accessed:asc", "modified", "modified:asc"}
	for c := 0; c < 25; c++ {
		repos := genCache(r)
		root := buildGen(t, repos, now)
		for q := 0; q < 16; q++ {
			revisions := r.Intn(2) == 0
			rows := modelRows(repos, revisions)
			args := []string{"hfcache", "ls", "--cache-dir", root, "--json"}
			if revisions {
				args = append(args, "--revisions")
			}
			var filters []genFilter
			for n := r.Intn(3); n > 0; n-- {
				f := randFilter(r, rows)
				filters = append(filters, f)
				args = append(args, "-f", f.key+f.op+f.text)
			}
			sortKey := sortKeys[r.Intn(len(sortKeys))]
			if sortKey != "" {
				args = append(args, "--sort", sortKey)
			}
			limit := -1
			if r.Intn(3) == 0 {
				limit = r.Intn(4)
				args = append(args, "--limit", fmt.Sprint(limit))
			}

			var want []string
			var kept []modelRow
			for _, row := range rows {
				ok := true
				for _, f := range filters {
					ok = ok && f.match(row)
				}
				if ok {
					kept = append(kept, row)
				}
			}
			if sortKey != "" {
				key, order, _ := strings.Cut(sortKey, ":")
				desc := key != "name"
				if order != "" {
					desc = order == "desc"
				}
				// value: bigger = "more"; ages are inverted (older = smaller time)
				val := func(m modelRow) (int64, string) {
					switch key {
					case "size":
						return m.size, ""
					case "accessed":
						return -m.accessedAgo, ""
					case "modified":
						return -m.modifiedAgo, ""
					}
					return 0, strings.ToLower(m.cacheID)
				}
				sort.SliceStable(kept, func(i, j int) bool {
					vi, si := val(kept[i])
					vj, sj := val(kept[j])
					if desc {
						return vi > vj || (vi == vj && si > sj)
					}
					return vi < vj || (vi == vj && si < sj)
				})
			}
			if limit >= 0 && len(kept) > limit {
				kept = kept[:limit]
			}
			for _, k := range kept {
				want = append(want, k.key)
			}

			ios, _, out, errOut := iostreams.Test()
			ios.Now = func() time.Time { return now }
			if code := Run(args, ios); code != 0 {
				t.Fatalf("%v: exit %d: %s", args[1:], code, errOut)
			}
			var items []map[string]any
			if err := json.Unmarshal(out.Bytes(), &items); err != nil {
				t.Fatalf("%v: %v: %q", args[1:], err, out)
			}
			var got []string
			idKey := "id"
			if revisions {
				idKey = "revision"
			}
			for _, it := range items {
				got = append(got, it[idKey].(string))
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("cache %d query %d %v:\n got  %v\n want %v", c, q, args[4:], got, want)
			}
		}
	}
}
