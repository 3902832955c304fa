package scan_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

// Benchmarks scan generated caches (see cachetest.Generate) kept under
// $HFCACHE_BENCH_DIR (default $TMPDIR/hfcache-bench) so that they are built
// once and reused by later runs. Run them with `make bench`.

var benchMu sync.Mutex

// benchCache returns a generated cache of the given spec, building it on
// first use.
func benchCache(b *testing.B, s cachetest.Spec) (string, *cachetest.Generated) {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	base := os.Getenv("HFCACHE_BENCH_DIR")
	if base == "" {
		base = filepath.Join(os.TempDir(), "hfcache-bench")
	}
	name := fmt.Sprintf("r%d-v%d-f%d-s%d", s.Repos, s.Revisions, s.Files, s.Seed)
	dir := filepath.Join(base, name)
	marker := dir + ".json" // outside the cache: it would be a cache entry
	var g cachetest.Generated
	if data, err := os.ReadFile(marker); err == nil && json.Unmarshal(data, &g) == nil {
		return dir, &g
	}
	_ = os.RemoveAll(dir)
	start := time.Now()
	gen, err := cachetest.Generate(dir, s, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	data, _ := json.Marshal(gen)
	if err := os.WriteFile(marker, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %s (%d entries) in %s", dir, gen.Entries, time.Since(start).Round(time.Millisecond))
	return dir, gen
}

// benchModes are the ways commands scan: "summary" is scan-cache
// (aggregates only), "blobs" keeps the blob list (delete-cache), "files"
// keeps every file name too.
var benchModes = []struct {
	name string
	opts scan.Options
}{
	{"summary", scan.Options{Summary: true}},
	{"blobs", scan.Options{}},
	{"files", scan.Options{Files: true}},
}

func benchSizes() []int {
	sizes := []int{10_000, 100_000, 400_000}
	if os.Getenv("HFCACHE_BENCH_1M") != "" {
		sizes = append(sizes, 1_000_000)
	}
	return sizes
}

// scanBench runs scan.Dir b.N times and reports per-entry figures.
func scanBench(b *testing.B, dir string, g *cachetest.Generated, opts scan.Options) {
	b.Helper()
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := scan.Dir(dir, opts)
		if err != nil {
			b.Fatal(err)
		}
		if c.Size != g.TotalSize {
			b.Fatalf("size %d, want %d", c.Size, g.TotalSize)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(g.Entries), "ns/entry")
	b.ReportMetric(float64(g.Entries), "entries")
	b.ReportMetric(float64(liveBytes(b, dir, opts)), "live-B")
}

// liveBytes is the heap a scan result keeps alive: what the command holds
// while it renders.
func liveBytes(b *testing.B, dir string, opts scan.Options) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c, err := scan.Dir(dir, opts)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(c)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

// BenchmarkDir scans caches of 10k, 100k and 400k entries (1M with
// HFCACHE_BENCH_1M=1) in each mode.
func BenchmarkDir(b *testing.B) {
	for _, n := range benchSizes() {
		dir, g := benchCache(b, cachetest.SpecForEntries(n))
		for _, m := range benchModes {
			b.Run(fmt.Sprintf("entries=%dk/%s", n/1000, m.name), func(b *testing.B) {
				scanBench(b, dir, g, m.opts)
			})
		}
	}
}

// BenchmarkRevisions keeps the number of files per revision and grows the
// number of revisions: B/op of the summary scan must stay flat.
func BenchmarkRevisions(b *testing.B) {
	for _, revs := range []int{2, 8, 32} {
		dir, g := benchCache(b, cachetest.Spec{Repos: 8, Revisions: revs, Files: 250})
		for _, m := range benchModes {
			b.Run(fmt.Sprintf("revisions=%d/%s", revs, m.name), func(b *testing.B) {
				scanBench(b, dir, g, m.opts)
			})
		}
	}
}

// BenchmarkHugeRepo is one repo of 16 revisions: the work is split across
// revisions, so more workers help.
func BenchmarkHugeRepo(b *testing.B) {
	dir, g := benchCache(b, cachetest.Spec{Repos: 1, Revisions: 16, Files: 5000})
	for _, w := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			scanBench(b, dir, g, scan.Options{Workers: w, Summary: true})
		})
	}
}
