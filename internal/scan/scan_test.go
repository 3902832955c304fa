package scan_test

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

var (
	revA = strings.Repeat("a", 40)
	revB = strings.Repeat("b", 40)
	revC = strings.Repeat("c", 40)
)

const repoM = "models--org--m"

type wantRev struct {
	hash    string
	size    int64
	nbFiles int
	refs    []string
	modAgo  float64  // seconds before now of LastModified
	files   []string // sorted names (checked with Options.Files)
	blobs   []string // blob paths relative to the root (checked when set)
}

type wantRepo struct {
	folder          string
	size            int64
	nbFiles         int
	accAgo, modAgo  float64
	revs            []wantRev
	incomplete      int
	blobPathsPrefix string // every blob path starts with <root>/<prefix> when set
}

type scanCase struct {
	name   string
	build  func(t *testing.T, tree *cachetest.Tree)
	post   func(t *testing.T, root string, now time.Time) // raw filesystem changes after the build
	modern bool
	repos  []wantRepo
	warns  []string // with {root} for the cache folder
}

// basicRepo: two revisions sharing a blob, a nested file, a nested ref and
// the same blob twice in one revision.
func basicRepo(tree *cachetest.Tree) {
	tree.AddRepo(repoM)
	tree.AddBlob(repoM, "e1", 100, nil, 10, 20)
	tree.AddBlob(repoM, "e2", 200, nil, 5, 30)
	tree.AddBlob(repoM, "e3", 300, []byte(strings.Repeat("x", 300)), 1, 40)
	tree.AddSnapshotFile(repoM, revA, "config.json", "e1")
	tree.AddSnapshotFile(repoM, revA, "sub/dir/w.bin", "e2")
	tree.AddSnapshotFile(repoM, revB, "config.json", "e1")
	tree.AddSnapshotFile(repoM, revB, "sub/dir/w.bin", "e3")
	tree.AddSnapshotFile(repoM, revB, "dup.json", "e1")
	tree.AddRef(repoM, "main", revA)
	tree.AddRef(repoM, "refs/pr/1", revB)
}

func file(path string, size int64, atimeAgo, mtimeAgo float64) cachetest.Entry {
	return cachetest.Entry{Kind: cachetest.File, Path: path, Size: size, ATimeAgo: atimeAgo, MTimeAgo: mtimeAgo}
}

func link(path, target string) cachetest.Entry {
	return cachetest.Entry{Kind: cachetest.Symlink, Path: path, Target: target}
}

func dirWithTimes(path string, ago float64) cachetest.Entry {
	return cachetest.Entry{Kind: cachetest.Dir, Path: path, ATimeAgo: ago, MTimeAgo: ago}
}

func scanCases() []scanCase {
	basic := wantRepo{folder: repoM, size: 600, nbFiles: 3, accAgo: 1, modAgo: 20, revs: []wantRev{
		{
			hash: revA, size: 300, nbFiles: 2, refs: []string{"main"}, modAgo: 20, files: []string{"config.json", "sub/dir/w.bin"},
			blobs: []string{repoM + "/blobs/e1", repoM + "/blobs/e2"},
		},
		{
			hash: revB, size: 400, nbFiles: 3, refs: []string{"refs/pr/1"}, modAgo: 20, files: []string{"config.json", "dup.json", "sub/dir/w.bin"},
			blobs: []string{repoM + "/blobs/e1", repoM + "/blobs/e3"},
		},
	}}
	return []scanCase{
		{
			name:  "links, shared blobs, nested files and refs",
			build: func(t *testing.T, tree *cachetest.Tree) { basicRepo(tree) },
			repos: []wantRepo{basic},
		},
		{
			name: "windows regular files",
			build: func(t *testing.T, tree *cachetest.Tree) {
				tree.AddRepo(repoM)
				*tree = append(*tree,
					file(repoM+"/snapshots/"+revA+"/config.json", 600, 2, 10),
					file(repoM+"/snapshots/"+revA+"/sub/tok.json", 2100, 3, 11),
					file(repoM+"/snapshots/"+revB+"/config.json", 600, 50, 55))
				tree.AddRef(repoM, "main", revA)
				tree.AddRef(repoM, "refs/pr/1", revB)
			},
			repos: []wantRepo{{folder: repoM, size: 3300, nbFiles: 3, accAgo: 2, modAgo: 10, revs: []wantRev{
				{
					hash: revA, size: 2700, nbFiles: 2, refs: []string{"main"}, modAgo: 10, files: []string{"config.json", "sub/tok.json"},
					blobs: []string{repoM + "/snapshots/" + revA + "/config.json", repoM + "/snapshots/" + revA + "/sub/tok.json"},
				},
				{hash: revB, size: 600, nbFiles: 1, refs: []string{"refs/pr/1"}, modAgo: 55, files: []string{"config.json"}},
			}}},
		},
		{
			name: "mixed link and copy",
			build: func(t *testing.T, tree *cachetest.Tree) {
				tree.AddRepo(repoM)
				tree.AddBlob(repoM, "e1", 3000, nil, 4, 20)
				tree.AddSnapshotFile(repoM, revA, "README.md", "e1")
				*tree = append(*tree, file(repoM+"/snapshots/"+revA+"/data.parquet", 7000, 4.4, 21))
			},
			repos: []wantRepo{{folder: repoM, size: 10000, nbFiles: 2, accAgo: 4, modAgo: 20, revs: []wantRev{
				{hash: revA, size: 10000, nbFiles: 2, modAgo: 20, files: []string{"README.md", "data.parquet"}},
			}}},
		},
		{
			name: "links to folders are skipped",
			build: func(t *testing.T, tree *cachetest.Tree) {
				basicRepo(tree)
				*tree = append(*tree,
					link(repoM+"/snapshots/"+revA+"/all-blobs", "../../blobs"),
					link(repoM+"/snapshots/"+revA+"/sub2", "sub"),
					link(repoM+"/snapshots/"+revA+"/blobdir", "../../blobs/"))
			},
			repos: []wantRepo{basic},
		},
		{
			name: "links outside the repo",
			build: func(t *testing.T, tree *cachetest.Tree) {
				tree.AddRepo(repoM)
				*tree = append(*tree,
					file("../outside/weights.bin", 5000, 3, 7),
					link(repoM+"/snapshots/"+revA+"/weights.bin", "../../../../outside/weights.bin"))
			},
			repos: []wantRepo{{folder: repoM, size: 5000, nbFiles: 1, accAgo: 3, modAgo: 7, revs: []wantRev{
				{hash: revA, size: 5000, nbFiles: 1, modAgo: 7, files: []string{"weights.bin"}, blobs: []string{"../outside/weights.bin"}},
			}}},
		},
		{
			name:  "absolute link into blobs is the same blob",
			build: func(t *testing.T, tree *cachetest.Tree) { basicRepo(tree) },
			post: func(t *testing.T, root string, now time.Time) {
				abs := filepath.Join(root, repoM, "blobs", "e2")
				if err := os.Symlink(abs, filepath.Join(root, repoM, "snapshots", revA, "abs.bin")); err != nil {
					t.Fatal(err)
				}
			},
			repos: []wantRepo{{folder: repoM, size: 600, nbFiles: 3, accAgo: 1, modAgo: 20, revs: []wantRev{
				{hash: revA, size: 300, nbFiles: 3, refs: []string{"main"}, modAgo: 20, files: []string{"abs.bin", "config.json", "sub/dir/w.bin"}},
				basic.revs[1],
			}}},
		},
		{
			name: "link to a link to a blob",
			build: func(t *testing.T, tree *cachetest.Tree) {
				basicRepo(tree)
				*tree = append(*tree,
					link(repoM+"/blobs/alias", "e3"),
					link(repoM+"/snapshots/"+revA+"/alias.bin", "../../blobs/alias"))
			},
			repos: []wantRepo{{folder: repoM, size: 600, nbFiles: 3, accAgo: 1, modAgo: 20, revs: []wantRev{
				{
					hash: revA, size: 600, nbFiles: 3, refs: []string{"main"}, modAgo: 20, files: []string{"alias.bin", "config.json", "sub/dir/w.bin"},
					blobs: []string{repoM + "/blobs/e1", repoM + "/blobs/e2", repoM + "/blobs/e3"},
				},
				basic.revs[1],
			}}},
		},
		{
			name:  "symlinked repo folder",
			build: func(t *testing.T, tree *cachetest.Tree) {},
			post: func(t *testing.T, root string, now time.Time) {
				cachetest.RequireSymlinks(t)
				var real cachetest.Tree
				basicRepo(&real)
				elsewhere := filepath.Join(filepath.Dir(root), "elsewhere")
				real.MustBuild(t, elsewhere, now) // the times the case expects
				if err := os.Symlink(filepath.Join(elsewhere, repoM), filepath.Join(root, repoM)); err != nil {
					t.Fatal(err)
				}
			},
			repos: []wantRepo{{
				folder: repoM, size: 600, nbFiles: 3, accAgo: 1, modAgo: 20, blobPathsPrefix: "../elsewhere/" + repoM + "/blobs/",
				revs: basicRevsNoBlobs(basic),
			}},
		},
		{
			name: "symlinked revision folder",
			build: func(t *testing.T, tree *cachetest.Tree) {
				basicRepo(tree)
				*tree = append(*tree, link(repoM+"/snapshots/"+revC, revA))
			},
			repos: []wantRepo{{folder: repoM, size: 600, nbFiles: 3, accAgo: 1, modAgo: 20, revs: []wantRev{
				basic.revs[0], basic.revs[1],
				{
					hash: revC, size: 300, nbFiles: 2, modAgo: 20, files: []string{"config.json", "sub/dir/w.bin"},
					blobs: []string{repoM + "/blobs/e1", repoM + "/blobs/e2"},
				},
			}}},
		},
		{
			name: "symlinked snapshots and blobs folders",
			build: func(t *testing.T, tree *cachetest.Tree) {
				var real cachetest.Tree
				basicRepo(&real)
				for _, e := range real {
					switch {
					case e.Path == repoM || e.Path == repoM+"/refs" || strings.HasPrefix(e.Path, repoM+"/refs/"):
						*tree = append(*tree, e)
					default:
						e.Path = "../store/" + e.Path
						*tree = append(*tree, e)
					}
				}
				*tree = append(*tree,
					link(repoM+"/snapshots", "../../store/"+repoM+"/snapshots"),
					link(repoM+"/blobs", "../../store/"+repoM+"/blobs"))
			},
			repos: []wantRepo{{
				folder: repoM, size: 600, nbFiles: 3, accAgo: 1, modAgo: 20, blobPathsPrefix: "../store/" + repoM + "/blobs/",
				revs: basicRevsNoBlobs(basic),
			}},
		},
		{
			name: "empty repo and empty revision take folder times",
			build: func(t *testing.T, tree *cachetest.Tree) {
				*tree = append(*tree,
					dirWithTimes("models--org--empty", 400),
					cachetest.Entry{Kind: cachetest.Dir, Path: "models--org--empty/snapshots", NoTimes: true},
					cachetest.Entry{Kind: cachetest.Dir, Path: repoM + "/snapshots", NoTimes: true},
					dirWithTimes(repoM+"/snapshots/"+revA, 100),
					// Set, not left to the clock of the build: a loaded
					// machine made that "now" drift past the tolerance.
					dirWithTimes(repoM, 200))
			},
			repos: []wantRepo{
				{folder: "models--org--empty", accAgo: 400, modAgo: 400},
				{folder: repoM, accAgo: 200, modAgo: 200, revs: []wantRev{{hash: revA, modAgo: 100}}},
			},
		},
		{
			name: "hf 1.x skips junk files and collects incomplete blobs",
			build: func(t *testing.T, tree *cachetest.Tree) {
				basicRepo(tree)
				*tree = append(*tree,
					file(".DS_Store", 10, 1, 1),
					file("CACHEDIR.TAG", 10, 1, 1),
					file(repoM+"/snapshots/Thumbs.db", 10, 1, 1),
					file(repoM+"/refs/.DS_Store", 10, 1, 1),
					file(repoM+"/refs/desktop.ini", 10, 1, 1),
					file(repoM+"/refs/refs/pr/Thumbs.db", 10, 1, 1),
					file(repoM+"/blobs/x.incomplete", 1234, 1, 1))
			},
			modern: true,
			repos: []wantRepo{{
				folder: repoM, size: 600, nbFiles: 3, accAgo: 1, modAgo: 20, incomplete: 1,
				revs: basic.revs,
			}},
		},
		{
			// hf 1.28 skips OS junk only in the cache root, snapshots/ and
			// refs/: inside a revision folder it is a file of the revision.
			name: "hf 1.x counts junk files inside a revision",
			build: func(t *testing.T, tree *cachetest.Tree) {
				basicRepo(tree)
				*tree = append(*tree, file(repoM+"/snapshots/"+revA+"/.DS_Store", 10, 0.5, 15))
			},
			modern: true,
			repos: []wantRepo{{folder: repoM, size: 610, nbFiles: 4, accAgo: 0.5, modAgo: 15, revs: []wantRev{
				{hash: revA, size: 310, nbFiles: 3, refs: []string{"main"}, modAgo: 15, files: []string{".DS_Store", "config.json", "sub/dir/w.bin"}},
				basic.revs[1],
			}}},
		},
		{
			name: "hf 0.21 counts junk files",
			build: func(t *testing.T, tree *cachetest.Tree) {
				basicRepo(tree)
				*tree = append(*tree,
					file(".DS_Store", 10, 1, 1),
					file(repoM+"/snapshots/"+revA+"/.DS_Store", 10, 0.5, 15),
					file(repoM+"/blobs/x.incomplete", 1234, 1, 1))
			},
			repos: []wantRepo{{folder: repoM, size: 610, nbFiles: 4, accAgo: 0.5, modAgo: 15, revs: []wantRev{
				{hash: revA, size: 310, nbFiles: 3, refs: []string{"main"}, modAgo: 15, files: []string{".DS_Store", "config.json", "sub/dir/w.bin"}},
				basic.revs[1],
			}}},
			warns: []string{"Repo path is not a directory: {root}/.DS_Store"},
		},
		{
			name: "etag shapes: sha1, sha256, upper case, not hex",
			build: func(t *testing.T, tree *cachetest.Tree) {
				tree.AddRepo(repoM)
				etags := []string{strings.Repeat("0a", 20), strings.Repeat("f9", 32), strings.Repeat("AB", 20), strings.Repeat("0", 63) + "g", "x"}
				for i, e := range etags {
					tree.AddBlob(repoM, e, int64(10*(i+1)), nil, 2, 3)
					tree.AddSnapshotFile(repoM, revA, fmt.Sprintf("d/f%d", i), e)
				}
				tree.AddSnapshotFile(repoM, revB, "sha1", etags[0])
				tree.AddSnapshotFile(repoM, revB, "upper", etags[2])
			},
			repos: []wantRepo{{folder: repoM, size: 150, nbFiles: 5, accAgo: 2, modAgo: 3, revs: []wantRev{
				{
					hash: revA, size: 150, nbFiles: 5, modAgo: 3, files: []string{"d/f0", "d/f1", "d/f2", "d/f3", "d/f4"},
					blobs: []string{
						repoM + "/blobs/" + strings.Repeat("0", 63) + "g",
						repoM + "/blobs/" + strings.Repeat("0a", 20),
						repoM + "/blobs/" + strings.Repeat("AB", 20),
						repoM + "/blobs/" + strings.Repeat("f9", 32),
						repoM + "/blobs/x",
					},
				},
				{hash: revB, size: 40, nbFiles: 2, modAgo: 3, files: []string{"sha1", "upper"}},
			}}},
		},
		{
			name: "many files in one folder",
			build: func(t *testing.T, tree *cachetest.Tree) {
				tree.AddRepo(repoM)
				for i := 0; i < 1500; i++ {
					etag := fmt.Sprintf("%064d", i%1000)
					if i < 1000 {
						tree.AddBlob(repoM, etag, int64(i+1), nil, 5, 6)
					}
					tree.AddSnapshotFile(repoM, revA, fmt.Sprintf("f%04d", i), etag)
				}
			},
			repos: []wantRepo{{folder: repoM, size: 1000 * 1001 / 2, nbFiles: 1000, accAgo: 5, modAgo: 6, revs: []wantRev{
				{hash: revA, size: 1000 * 1001 / 2, nbFiles: 1500, modAgo: 6},
			}}},
		},
		{
			name: "corruptions, each in its own repo",
			build: func(t *testing.T, tree *cachetest.Tree) {
				basicRepo(tree)
				*tree = append(*tree,
					file("version.txt", 1, 1, 1),
					file("not-a-repo/README.md", 5, 1, 1),
					file("foos--bar/snapshots/.keep", 0, 1, 1),
					cachetest.Entry{Kind: cachetest.Dir, Path: "models--acme--no-snapshots/blobs", NoTimes: true},
					file("models--acme--snapshots-file/snapshots", 3, 1, 1),
				)
				tree.AddRepo("models--acme--refs-file")
				tree.AddSnapshotDir("models--acme--refs-file", revA)
				tree.AddRepo("models--acme--dangling-ref")
				tree.AddSnapshotDir("models--acme--dangling-ref", revA)
				tree.AddRef("models--acme--dangling-ref", "main", revA)
				tree.AddRef("models--acme--dangling-ref", "refs/pr/7", revC)
				tree.AddRepo("datasets--acme--ref-newline")
				tree.AddSnapshotDir("datasets--acme--ref-newline", revA)
				tree.AddRef("datasets--acme--ref-newline", "main", revA+"\r\n")
				tree.AddRepo("models--acme--broken")
				tree.AddBlob("models--acme--broken", "e1", 14, nil, 3, 3)
				tree.AddSnapshotFile("models--acme--broken", revA, "config.json", "e1")
				tree.AddSnapshotFile("models--acme--broken", revA, "model.safetensors", "gone")
				tree.AddRepo("models--acme--file-in-snapshots")
				*tree = append(*tree, file("models--acme--file-in-snapshots/snapshots/README.md", 4, 1, 1))
				tree.AddRepo("models--acme--dangling-revision")
				*tree = append(*tree, link("models--acme--dangling-revision/snapshots/"+revA, "nowhere"))
				tree.AddRepo("models--acme--wrong-depth")
				*tree = append(*tree, link("models--acme--wrong-depth/snapshots/"+revA+"/config.json", "../blobs/e1"))
				tree.AddBlob("models--acme--wrong-depth", "e1", 14, nil, 3, 3)
				tree.AddRepo("models--acme--dangling-nested")
				tree.AddSnapshotFile("models--acme--dangling-nested", revA, "a/b/c.json", "gone")
			},
			post: func(t *testing.T, root string, now time.Time) {
				p := filepath.Join(root, "models--acme--refs-file", "refs")
				if err := os.RemoveAll(p); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("main"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			repos: []wantRepo{basic},
			warns: []string{
				"Blob missing (broken symlink): {root}/models--acme--broken/blobs/gone",
				"Blob missing (broken symlink): {root}/models--acme--dangling-nested/blobs/gone",
				"Blob missing (broken symlink): {root}/models--acme--wrong-depth/snapshots/blobs/e1",
				"Reference(s) refer to missing commit hashes: {'" + revA + "\\n': {'main'}} ({root}/datasets--acme--ref-newline).",
				"Reference(s) refer to missing commit hashes: {'" + revC + "': {'refs/pr/7'}} ({root}/models--acme--dangling-ref).",
				"Refs directory cannot be a file: {root}/models--acme--refs-file/refs",
				"Repo path is not a directory: {root}/version.txt",
				"Repo path is not a valid HuggingFace cache directory: {root}/not-a-repo",
				"Repo type must be `dataset`, `model` or `space`, found `foo` ({root}/foos--bar).",
				"Snapshots dir doesn't exist in cached repo: {root}/models--acme--no-snapshots/snapshots",
				"Snapshots dir doesn't exist in cached repo: {root}/models--acme--snapshots-file/snapshots",
				"Snapshots folder corrupted. Found a file: {root}/models--acme--dangling-revision/snapshots/" + revA,
				"Snapshots folder corrupted. Found a file: {root}/models--acme--file-in-snapshots/snapshots/README.md",
			},
		},
	}
}

func basicRevsNoBlobs(r wantRepo) []wantRev {
	revs := append([]wantRev(nil), r.revs...)
	for i := range revs {
		revs[i].blobs = nil
	}
	return revs
}

// scanModes are the ways commands scan; every case must give the same
// aggregates in each.
var scanModes = []struct {
	name string
	opts scan.Options
}{
	{"files one worker", scan.Options{Files: true, Workers: 1}},
	{"blobs many workers", scan.Options{Workers: 16}},
	{"summary", scan.Options{Summary: true, Workers: 3}},
}

func TestDir(t *testing.T) {
	for _, c := range scanCases() {
		t.Run(c.name, func(t *testing.T) {
			var tree cachetest.Tree
			c.build(t, &tree)
			if tree.HasSymlinks() {
				cachetest.RequireSymlinks(t)
			}
			for _, m := range scanModes {
				t.Run(m.name, func(t *testing.T) {
					// A fresh tree for each scan: reading a folder may
					// update its access time (wine does, and so may a
					// Windows volume with last-access updates on).
					root := filepath.Join(t.TempDir(), "hub")
					now := time.Now()
					tree.MustBuild(t, root, now)
					if c.post != nil {
						c.post(t, root, now)
					}
					opts := m.opts
					opts.Modern = c.modern
					opts.Progress = &scan.Progress{}
					cache, err := scan.Dir(root, opts)
					if err != nil {
						t.Fatal(err)
					}
					checkCache(t, cache, root, now, opts, c)
					if opts.Summary {
						full, err := scan.Dir(root, scan.Options{Modern: c.modern})
						if err != nil {
							t.Fatal(err)
						}
						checkSummaryBlobs(t, cache, full)
					}
				})
			}
		})
	}
}

func near(got time.Time, now time.Time, ago float64) bool {
	want := now.Add(-time.Duration(ago * float64(time.Second)))
	return math.Abs(float64(got.Sub(want))) < float64(10*time.Millisecond)
}

func checkCache(t *testing.T, cache *scan.Cache, root string, now time.Time, opts scan.Options, c scanCase) {
	t.Helper()
	var warns []string
	for _, w := range cache.Warnings {
		warns = append(warns, filepath.ToSlash(strings.ReplaceAll(w.Error(), root, "{root}")))
		if !strings.HasPrefix(w.Path, root) {
			t.Errorf("warning path %s not in the cache", w.Path)
		}
	}
	if strings.Join(warns, "\n") != strings.Join(c.warns, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warns, "\n"), strings.Join(c.warns, "\n"))
	}
	if len(cache.Repos) != len(c.repos) {
		t.Fatalf("%d repos, want %d", len(cache.Repos), len(c.repos))
	}
	var total int64
	files := 0
	for i, want := range c.repos {
		repo := cache.Repos[i]
		total += want.size
		if repo.FolderName() != want.folder || repo.Path != filepath.Join(root, want.folder) {
			t.Fatalf("repo %d = %s at %s, want %s", i, repo.FolderName(), repo.Path, want.folder)
		}
		if repo.Size != want.size || repo.NbFiles() != want.nbFiles {
			t.Errorf("%s: size %d nb %d, want %d %d", want.folder, repo.Size, repo.NbFiles(), want.size, want.nbFiles)
		}
		if !near(repo.LastAccessed, now, want.accAgo) || !near(repo.LastModified, now, want.modAgo) {
			t.Errorf("%s: accessed %s modified %s ago, want %gs %gs", want.folder,
				now.Sub(repo.LastAccessed), now.Sub(repo.LastModified), want.accAgo, want.modAgo)
		}
		if len(repo.Incomplete) != want.incomplete {
			t.Errorf("%s: %d incomplete, want %d", want.folder, len(repo.Incomplete), want.incomplete)
		}
		summary := opts.Summary && !opts.Files
		if !summary && len(repo.Blobs) == 0 && want.nbFiles > 0 {
			t.Errorf("%s: no blobs kept", want.folder)
		}
		if !summary {
			checkBlobs(t, repo, root, want)
		}
		if len(repo.Revisions) != len(want.revs) {
			t.Fatalf("%s: %d revisions, want %d", want.folder, len(repo.Revisions), len(want.revs))
		}
		for j, wr := range want.revs {
			rev := repo.Revisions[j]
			files += rev.NbFiles
			if rev.Hash != wr.hash || rev.SnapshotPath != filepath.Join(repo.Path, "snapshots", wr.hash) {
				t.Errorf("revision %s at %s, want %s", rev.Hash, rev.SnapshotPath, wr.hash)
			}
			if rev.Size != wr.size || rev.NbFiles != wr.nbFiles || !near(rev.LastModified, now, wr.modAgo) {
				t.Errorf("%s@%.4s: size %d nb %d modified %s ago, want %d %d %gs", want.folder, rev.Hash,
					rev.Size, rev.NbFiles, now.Sub(rev.LastModified), wr.size, wr.nbFiles, wr.modAgo)
			}
			if strings.Join(rev.Refs, ",") != strings.Join(wr.refs, ",") || rev.Detached() != (len(wr.refs) == 0) {
				t.Errorf("%s@%.4s: refs %v, want %v", want.folder, rev.Hash, rev.Refs, wr.refs)
			}
			if summary {
				continue // checkSummaryBlobs
			}
			var sum int64
			var paths []string
			for _, id := range rev.BlobIDs {
				sum += repo.Blobs[id].Size
				paths = append(paths, strings.TrimPrefix(repo.Blobs[id].Path, root+"/"))
			}
			if sum != rev.Size || !sort.SliceIsSorted(rev.BlobIDs, func(a, b int) bool { return rev.BlobIDs[a] < rev.BlobIDs[b] }) {
				t.Errorf("%s@%.4s: BlobIDs %v sum %d, want sorted and %d", want.folder, rev.Hash, rev.BlobIDs, sum, rev.Size)
			}
			if wr.blobs != nil {
				for k, p := range paths {
					paths[k] = relTo(root, p)
				}
				if strings.Join(paths, ",") != strings.Join(wr.blobs, ",") {
					t.Errorf("%s@%.4s: blobs %v, want %v", want.folder, rev.Hash, paths, wr.blobs)
				}
			}
			if opts.Files {
				var names []string
				for _, f := range rev.Files {
					names = append(names, f.Name)
					if f.Blob < 0 || int(f.Blob) >= len(repo.Blobs) {
						t.Fatalf("file %s: blob %d out of range", f.Name, f.Blob)
					}
				}
				if wr.files != nil && strings.Join(names, ",") != strings.Join(wr.files, ",") {
					t.Errorf("%s@%.4s: files %v, want %v", want.folder, rev.Hash, names, wr.files)
				}
				if len(rev.Files) != rev.NbFiles {
					t.Errorf("%d files listed, NbFiles %d", len(rev.Files), rev.NbFiles)
				}
			} else if rev.Files != nil {
				t.Errorf("files kept without Options.Files")
			}
		}
	}
	if cache.Size != total {
		t.Errorf("cache size %d, want %d", cache.Size, total)
	}
	if p := opts.Progress; p != nil {
		if p.Files.Load() < int64(files) || p.Bytes.Load() < total || p.Repos.Load() < int64(len(c.repos)) {
			t.Errorf("progress files %d bytes %d repos %d, want at least %d %d %d",
				p.Files.Load(), p.Bytes.Load(), p.Repos.Load(), files, total, len(c.repos))
		}
	}
}

// relTo shows an absolute path relative to root's parent as "../x".
func relTo(root, p string) string {
	if filepath.IsAbs(p) {
		if r, err := filepath.Rel(root, p); err == nil {
			return filepath.ToSlash(r)
		}
	}
	return p
}

// checkSummaryBlobs: a summary scan keeps, of the full scan's blob lists,
// exactly the files outside each repo's folder, and each revision refers
// to the same ones.
func checkSummaryBlobs(t *testing.T, summary, full *scan.Cache) {
	t.Helper()
	if len(summary.Repos) != len(full.Repos) {
		t.Fatalf("summary: %d repos, full scan %d", len(summary.Repos), len(full.Repos))
	}
	foreign := func(r *scan.Repo, ids []int32) []string {
		var out []string
		for _, id := range ids {
			p := r.Blobs[id].Path
			if rel, err := filepath.Rel(r.Path, p); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				out = append(out, p)
			}
		}
		return out
	}
	all := func(r *scan.Repo) []int32 {
		ids := make([]int32, len(r.Blobs))
		for i := range ids {
			ids[i] = int32(i)
		}
		return ids
	}
	for i, s := range summary.Repos {
		f := full.Repos[i]
		if got, want := foreign(s, all(s)), foreign(f, all(f)); strings.Join(got, "\n") != strings.Join(want, "\n") || len(got) != len(s.Blobs) {
			t.Errorf("%s: summary blobs %v, want the full scan's outside the repo folder %v", s.Path, s.Blobs, want)
		}
		for j, rev := range s.Revisions {
			got, want := foreign(s, rev.BlobIDs), foreign(f, f.Revisions[j].BlobIDs)
			if strings.Join(got, "\n") != strings.Join(want, "\n") || len(got) != len(rev.BlobIDs) {
				t.Errorf("%s@%.4s: summary BlobIDs name %v, want %v", s.Path, rev.Hash, got, want)
			}
		}
	}
}

func checkBlobs(t *testing.T, repo *scan.Repo, root string, want wantRepo) {
	t.Helper()
	if len(repo.Blobs) != want.nbFiles {
		t.Errorf("%s: %d blobs, want %d", want.folder, len(repo.Blobs), want.nbFiles)
	}
	for i, b := range repo.Blobs {
		if i > 0 && repo.Blobs[i-1].Path >= b.Path {
			t.Errorf("blobs not sorted by path: %s then %s", repo.Blobs[i-1].Path, b.Path)
		}
		real, err := filepath.EvalSymlinks(b.Path)
		if err != nil || real != b.Path {
			t.Errorf("blob path %s is not a real path (%s, %v)", b.Path, real, err)
		}
		st, err := os.Stat(b.Path)
		if err != nil || st.Size() != b.Size || !st.ModTime().Equal(b.MTime) {
			t.Errorf("blob %s: size %d mtime %s, stat says %v", b.Path, b.Size, b.MTime, st)
		}
		if want.blobPathsPrefix != "" && !strings.HasPrefix(relTo(root, b.Path), want.blobPathsPrefix) {
			t.Errorf("blob %s not under %s", relTo(root, b.Path), want.blobPathsPrefix)
		}
	}
}

// TestScanRepo scans single folders: valid ones give the same repo as Dir,
// broken ones upstream's message.
func TestScanRepo(t *testing.T) {
	root := filepath.Join(t.TempDir(), "hub")
	var tree cachetest.Tree
	basicRepo(&tree)
	tree.AddRepo("models--acme--broken")
	tree.AddSnapshotFile("models--acme--broken", revA, "x.json", "gone")
	tree.MustBuild(t, root, time.Now())
	cases := []struct {
		folder  string
		wantErr string
		size    int64
	}{
		{repoM, "", 600},
		{"models--acme--broken", "Blob missing (broken symlink): " + root + "/models--acme--broken/blobs/gone", 0},
		{"models--acme--missing", "Repo path is not a directory: " + root + "/models--acme--missing", 0},
	}
	for _, c := range cases {
		t.Run(c.folder, func(t *testing.T) {
			repo, err := scan.ScanRepo(filepath.Join(root, c.folder), scan.Options{})
			if c.wantErr != "" {
				var ce *scan.CorruptedError
				if !errors.As(err, &ce) || ce.Error() != c.wantErr {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || repo.Size != c.size {
				t.Fatalf("repo %+v err %v, want size %d", repo, err, c.size)
			}
		})
	}
}

func TestDirErrors(t *testing.T) {
	base := t.TempDir()
	f := filepath.Join(base, "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		dir  string
		is   func(error) bool
	}{
		{"missing", filepath.Join(base, "nope"), func(err error) bool {
			var nf *scan.NotFoundError
			return errors.Is(err, scan.ErrNotFound) && errors.As(err, &nf) && strings.Contains(err.Error(), "not found")
		}},
		{"a file", f, func(err error) bool {
			var nd *scan.NotDirError
			return errors.As(err, &nd) && nd.Path == f && strings.Contains(err.Error(), "not a directory")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := scan.Dir(c.dir, scan.Options{})
			if err == nil || !c.is(err) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

// TestWorkersAgree scans a generated cache with 1 and many workers: the
// results, blob ids included, must be identical.
func TestWorkersAgree(t *testing.T) {
	cachetest.RequireSymlinks(t) // a generated cache has snapshot links
	root := filepath.Join(t.TempDir(), "hub")
	if _, err := cachetest.Generate(root, cachetest.Spec{Repos: 3, Revisions: 4, Files: 60, Seed: 3}, time.Now()); err != nil {
		t.Fatal(err)
	}
	dump := func(opts scan.Options) string { return dumpScan(t, root, opts) }
	one := dump(scan.Options{Files: true, Workers: 1})
	for _, w := range []int{2, 7, 0} {
		if got := dump(scan.Options{Files: true, Workers: w}); got != one {
			t.Errorf("workers=%d differs from workers=1", w)
		}
	}
}

// TestPrefetchAgrees: a cache of one revision leaves the pool's other
// places idle, so its large folders are read by several goroutines
// (prefetch); the result must be the one of a single worker, with the odd
// entries (a regular file, an absolute link, a link to a folder, links
// to one blob, a link out of blobs/) still taking their own path, and a
// broken link still making the repo a warning.
func TestPrefetchAgrees(t *testing.T) {
	cachetest.RequireSymlinks(t) // a generated cache has snapshot links
	tests := []struct {
		name   string
		broken bool
	}{
		{name: "valid"},
		{name: "broken link", broken: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "hub")
			if _, err := cachetest.Generate(root, cachetest.Spec{Repos: 1, Revisions: 1, Files: 600, Seed: 5}, time.Now()); err != nil {
				t.Fatal(err)
			}
			repos, _ := filepath.Glob(filepath.Join(root, "*--*"))
			snaps, _ := filepath.Glob(filepath.Join(repos[0], "snapshots", "*"))
			if len(repos) != 1 || len(snaps) != 1 {
				t.Fatalf("generated %d repos, %d snapshots; want 1 and 1", len(repos), len(snaps))
			}
			snap := snaps[0]
			blobs, _ := filepath.Glob(filepath.Join(repos[0], "blobs", "*"))
			etag := filepath.Base(blobs[0])
			odd := map[string]func(p string) error{
				"plain.txt":    func(p string) error { return os.WriteFile(p, []byte("hello"), 0o644) },
				"absolute.bin": func(p string) error { return os.Symlink(blobs[1], p) },
				"folder-link":  func(p string) error { return os.Symlink("../../blobs", p) },
				"same-1.bin":   func(p string) error { return os.Symlink("../../blobs/"+etag, p) },
				"same-2.bin":   func(p string) error { return os.Symlink("../../blobs/"+etag, p) },
				"outside.bin":  func(p string) error { return os.Symlink("../../refs/main", p) },
			}
			if tt.broken {
				odd["broken.bin"] = func(p string) error { return os.Symlink("../../blobs/"+strings.Repeat("0", 64), p) }
			}
			for name, mk := range odd {
				if err := mk(filepath.Join(snap, name)); err != nil {
					t.Fatal(err)
				}
			}
			dump := func(opts scan.Options) string { return dumpScan(t, root, opts) }
			for _, mode := range []scan.Options{{Files: true}, {Summary: true}, {Modern: true}} {
				one := mode
				one.Workers = 1 // no idle place: no prefetch
				want := dump(one)
				if tt.broken != strings.Contains(want, "warning Blob missing (broken symlink)") {
					t.Fatalf("unexpected reference result:\n%s", want)
				}
				if !tt.broken && !strings.Contains(want, "plain.txt") && mode.Files {
					t.Fatalf("reference result lacks the odd entries:\n%s", want)
				}
				for _, workers := range []int{2, 16, 0} {
					many := mode
					many.Workers = workers
					if got := dump(many); got != want {
						t.Errorf("%+v: workers=%d differs from workers=1:\n--- got\n%s\n--- want\n%s", mode, workers, got, want)
					}
				}
			}
		})
	}
}
