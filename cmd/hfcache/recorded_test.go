package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// recordUpstream, when set, is the command that runs upstream's CLI
// (huggingface-cli 0.21.4); the test then regenerates the odd caches,
// records upstream's outputs into testdata/recorded and compares nothing.
//
//	go test ./cmd/hfcache -run TestRecordedUpstream \
//	  -record-upstream='env PYTHONPATH=/tmp/upstream021/src /usr/bin/python3 -m huggingface_hub.commands.huggingface_cli'
var recordUpstream = flag.String("record-upstream", "", "command running huggingface-cli 0.21.4, to record testdata/recorded")

const recordedDir = "../../testdata/recorded"

// recordedArgs are the scan-cache invocations recorded for every odd cache.
var recordedArgs = []struct {
	name string
	args []string
	env  []string
}{
	{"scan-cache", nil, nil},
	{"scan-cache.nocolor", nil, []string{"NO_COLOR=1"}},
	{"scan-cache-v.nocolor", []string{"-v"}, []string{"NO_COLOR=1"}},
	{"scan-cache-vvv.nocolor", []string{"-vvv"}, []string{"NO_COLOR=1"}},
}

// TestRecordedUpstream replays scan-cache outputs that upstream 0.21.4
// printed on caches of shapes the shared presets do not cover (odd names,
// many revisions, shared blobs, zero-byte to petabyte sizes, ages from
// seconds to years, links of every kind). Each cache is rebuilt from its
// tree.tsv; outputs must match byte for byte (but the "Done in" figure and
// the -vvv warning order).
func TestRecordedUpstream(t *testing.T) {
	if *recordUpstream != "" {
		recordOddCaches(t)
		return
	}
	t.Parallel()
	entries, err := os.ReadDir(recordedDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("no recorded cases")
	}
	for _, e := range entries {
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tree, err := cachetest.Load(filepath.Join(recordedDir, name, "tree.tsv"))
			if err != nil {
				t.Fatal(err)
			}
			run := cachetest.NewGoldenRun(t)
			dir := filepath.Join(run.Root, name)
			tree.MustBuild(t, dir, time.Now())
			for _, c := range recordedArgs {
				want, err := os.ReadFile(filepath.Join(recordedDir, name, c.name+".txt"))
				if err != nil {
					t.Fatal(err)
				}
				res := runBinary(t, c.env, "", append([]string{"scan-cache", "--dir", dir}, c.args...)...)
				got := sortWarnings(doneIn.ReplaceAllString(run.Normalize(res.stdout), "Done in X."))
				w := sortWarnings(doneIn.ReplaceAllString(string(want), "Done in X."))
				if got != w {
					t.Errorf("%s: stdout differs from upstream\n--- got\n%s\n--- want\n%s", c.name, got, w)
				}
			}
		})
	}
}

// recordOddCaches builds each odd cache at /tmp/hf-golden/<name>, runs
// upstream on it and writes tree.tsv and the outputs.
func recordOddCaches(t *testing.T) {
	for name, tree := range oddCaches() {
		dir := filepath.Join(cachetest.GoldenRoot, name)
		_ = os.RemoveAll(dir)
		_ = os.RemoveAll(filepath.Join(cachetest.GoldenRoot, "outside-"+name))
		out := filepath.Join(recordedDir, name)
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := tree.WriteTSV(&buf); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, "tree.tsv"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		tree.MustBuild(t, dir, time.Now())
		for _, c := range recordedArgs {
			argv := append(strings.Fields(*recordUpstream), append([]string{"scan-cache", "--dir", dir}, c.args...)...)
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Env = append(append(cleanEnv(), "PYTHONHASHSEED=0", "LC_ALL=C.UTF-8"), c.env...)
			stdout, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s %s: %v", name, c.name, err)
			}
			if err := os.WriteFile(filepath.Join(out, c.name+".txt"), stdout, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("recorded %s", name)
	}
}

// Ages in seconds, chosen away from rounding edges so that a test taking a
// few seconds still prints the same words.
var ages = []float64{
	-3600,           // in the future
	5,               // a few seconds
	7 * 60,          // minutes
	2.2 * 3600,      // hours
	3.2 * 86400,     // days
	2.2 * 604800,    // weeks
	4.2 * 2592000,   // months
	1.2 * 31536000,  // a year
	10.3 * 31536000, // years
	60.3 * 31536000, // before 1970
}

// oddCaches returns the generated caches by name.
func oddCaches() map[string]cachetest.Tree {
	return map[string]cachetest.Tree{
		"odd-names":      oddNames(),
		"many-revisions": manyRevisions(rand.New(rand.NewPCG(1, 2))),
		"sizes-ages":     sizesAndAges(),
		"links":          links(),
	}
}

func hexHash(r *rand.Rand, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(16)]
	}
	return string(b)
}

func oddNames() cachetest.Tree {
	r := rand.New(rand.NewPCG(7, 7))
	var t cachetest.Tree
	repos := []string{
		"models--ünïcode-org--módel-名前",
		"datasets--with space--data set v2",
		"models--a.b_c-d--x.y_z",
		"spaces--ORG--UPPER",
		"models--single",
		"models--deep--name--with--dashes",
		"datasets--emoji--🤗-hub",
	}
	for i, repo := range repos {
		t.AddRepo(repo)
		rev := hexHash(r, 40)
		files := []string{"config.json", "file with spaces.txt", "ñandú/データ.bin", "a/b/c/d/e/deep.json", ".hidden"}
		for j, f := range files {
			etag := hexHash(r, 40)
			t.AddBlob(repo, etag, int64(100*(i+1)+j), nil, ages[(i+j)%len(ages)], ages[(i+j+1)%len(ages)])
			t.AddSnapshotFile(repo, rev, f, etag)
		}
		t.AddRef(repo, "main", rev)
		switch i {
		case 0:
			t.AddRef(repo, "versión 1.0", rev)
		case 1:
			t.AddRef(repo, "refs/pr/12", rev)
			t.AddRef(repo, "Release Candidate", rev)
		case 2:
			t.AddRef(repo, "refs/convert/parquet", rev)
		}
	}
	return t
}

func manyRevisions(r *rand.Rand) cachetest.Tree {
	var t cachetest.Tree
	for repoIdx, nrev := range []int{40, 12, 3} {
		repo := fmt.Sprintf("models--many--revs-%d", repoIdx)
		t.AddRepo(repo)
		// A pool of blobs shared between revisions.
		pool := make([]string, 30)
		for i := range pool {
			pool[i] = hexHash(r, 64)
			t.AddBlob(repo, pool[i], int64(r.IntN(5_000_000)), nil, ages[1+r.IntN(len(ages)-1)], ages[1+r.IntN(len(ages)-1)])
		}
		for v := 0; v < nrev; v++ {
			rev := hexHash(r, 40)
			for f := 0; f < 6; f++ {
				t.AddSnapshotFile(repo, rev, fmt.Sprintf("shard-%02d.safetensors", f), pool[r.IntN(len(pool))])
			}
			if v%5 == 0 {
				t.AddRef(repo, fmt.Sprintf("v%d.%d", v/10, v%10), rev)
			}
			if v == nrev-1 {
				t.AddRef(repo, "main", rev)
			}
		}
	}
	return t
}

func sizesAndAges() cachetest.Tree {
	r := rand.New(rand.NewPCG(3, 4))
	var t cachetest.Tree
	sizes := []int64{0, 1, 999, 1000, 999_949, 999_950, 1_000_000, 123_456_789, 999_999_999_999, 15_000_000_000_000}
	for i, size := range sizes {
		repo := fmt.Sprintf("models--sizes--s%02d", i)
		t.AddRepo(repo)
		rev := hexHash(r, 40)
		etag := hexHash(r, 64)
		t.AddBlob(repo, etag, size, nil, ages[i%len(ages)], ages[(i+3)%len(ages)])
		t.AddSnapshotFile(repo, rev, "model.bin", etag)
		t.AddRef(repo, "main", rev)
	}
	// Enough 15 TB sparse blobs to pass a petabyte in total.
	repo := "models--huge--petabyte"
	t.AddRepo(repo)
	rev := hexHash(r, 40)
	for i := 0; i < 70; i++ {
		etag := hexHash(r, 64)
		t.AddBlob(repo, etag, 15_000_000_000_000, nil, ages[7], ages[8])
		t.AddSnapshotFile(repo, rev, fmt.Sprintf("part-%03d.bin", i), etag)
	}
	t.AddRef(repo, "main", rev)
	// Zero-byte files only, and an empty snapshot.
	repo = "datasets--zero--bytes"
	t.AddRepo(repo)
	rev = hexHash(r, 40)
	for i := 0; i < 3; i++ {
		etag := hexHash(r, 40)
		t.AddBlob(repo, etag, 0, []byte{}, ages[2], ages[3])
		t.AddSnapshotFile(repo, rev, fmt.Sprintf("empty-%d", i), etag)
	}
	t.AddRef(repo, "main", rev)
	t.AddSnapshotDir(repo, hexHash(r, 40))
	return t
}

func links() cachetest.Tree {
	r := rand.New(rand.NewPCG(5, 6))
	var t cachetest.Tree
	// Two repos; the second's snapshot links into the first's blobs.
	a, b := "models--links--a", "models--links--b"
	t.AddRepo(a)
	t.AddRepo(b)
	revA, revB := hexHash(r, 40), hexHash(r, 40)
	shared := hexHash(r, 64)
	t.AddBlob(a, shared, 4242, nil, ages[3], ages[4])
	t.AddSnapshotFile(a, revA, "weights.bin", shared)
	t.Add(cachetest.Entry{Kind: cachetest.Symlink, Path: b + "/snapshots/" + revB + "/borrowed.bin", Target: "../../../" + a + "/blobs/" + shared})
	own := hexHash(r, 40)
	t.AddBlob(b, own, 77, nil, ages[2], ages[2])
	t.AddSnapshotFile(b, revB, "own.txt", own)
	// A link to a folder inside the snapshot: skipped like a folder.
	t.Add(cachetest.Entry{Kind: cachetest.Symlink, Path: b + "/snapshots/" + revB + "/dirlink", Target: "../../blobs"})
	// A Windows-style regular file next to links.
	t.Add(cachetest.Entry{Kind: cachetest.File, Path: b + "/snapshots/" + revB + "/copied.json", Size: 512, ATimeAgo: ages[5], MTimeAgo: ages[5]})
	t.AddRef(a, "main", revA)
	t.AddRef(b, "main", revB)
	// A repo folder that is itself a link to a folder outside the cache.
	c := "datasets--links--linked-repo"
	out := "../outside-links/" + c
	t.Add(cachetest.Entry{Kind: cachetest.Dir, Path: out, NoTimes: true},
		cachetest.Entry{Kind: cachetest.Dir, Path: out + "/blobs", NoTimes: true},
		cachetest.Entry{Kind: cachetest.Dir, Path: out + "/refs", NoTimes: true},
		cachetest.Entry{Kind: cachetest.Dir, Path: out + "/snapshots", NoTimes: true})
	revC, etagC := hexHash(r, 40), hexHash(r, 40)
	t.AddBlob(out, etagC, 31337, nil, ages[4], ages[6])
	t.AddSnapshotFile(out, revC, "data.csv", etagC)
	t.AddRef(out, "main", revC)
	t.Add(cachetest.Entry{Kind: cachetest.Symlink, Path: c, Target: out})
	// A dangling link (broken blob) in its own repo: one warning.
	d := "models--links--dangling"
	t.AddRepo(d)
	revD := hexHash(r, 40)
	t.AddSnapshotFile(d, revD, "gone.bin", hexHash(r, 64))
	t.AddRef(d, "main", revD)
	// Nested refs only pointing to a snapshot with nested folders.
	e := "models--links--nested"
	t.AddRepo(e)
	revE, etagE := hexHash(r, 40), hexHash(r, 40)
	t.AddBlob(e, etagE, 9, nil, ages[1], ages[1])
	t.AddSnapshotFile(e, revE, "x/y/z.txt", etagE)
	t.AddRef(e, "refs/pr/1", revE)
	return t
}
