package cachetest

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Spec sizes a generated cache with the shape of mkcache.py's "large"
// preset: Repos repos (models, datasets and spaces) of Revisions snapshots
// of Files files each. The first revision has every file, each later one
// changes about a quarter of them (new blobs) and shares the rest with the
// previous one. One file in three lives in a dir0..dir3 sub-folder. Blobs
// are sparse files with distinct times, snapshot files are relative links
// ../../blobs/<etag>, the last revision is refs/main and odd ones are
// refs/pr/<n>.
type Spec struct {
	Repos, Revisions, Files int
	Seed                    uint64
}

// SpecForEntries returns a Spec of 2 revisions x 1000 files per repo (the
// shape of the benchmark cache) with about n filesystem entries.
func SpecForEntries(n int) Spec {
	per := Spec{Repos: 1, Revisions: 2, Files: 1000}.EntriesPerRepo()
	repos := (n + per/2) / per
	if repos < 1 {
		repos = 1
	}
	return Spec{Repos: repos, Revisions: 2, Files: 1000}
}

// EntriesPerRepo estimates the filesystem entries of one repo: the repo,
// blobs/, refs/ and snapshots/ folders, the blobs (Files, plus a quarter of
// Files per later revision), the links, the sub-folders and the refs.
func (s Spec) EntriesPerRepo() int {
	blobs := s.Files + s.Files*(s.Revisions-1)/4
	return 4 + blobs + s.Revisions*(s.Files+1+4) + 1 + s.Revisions/2
}

// Generated describes a generated cache.
type Generated struct {
	Root      string
	Entries   int   // filesystem entries below Root
	Files     int   // snapshot files (links) over all revisions
	Blobs     int   // distinct blobs
	TotalSize int64 // sum of the blob sizes
}

// Generate builds the cache described by s at root (which must not exist
// or be empty), with times relative to now.
func Generate(root string, s Spec, now time.Time) (*Generated, error) {
	if !SymlinksWork() {
		return nil, fmt.Errorf("generate cache: %w", ErrNoSymlinks)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("generate cache: %w", err)
	}
	g := &Generated{Root: root}
	rng := rand.New(rand.NewPCG(s.Seed, 0x6866636163686531))
	types := []string{"model", "dataset", "space"}
	exts := []string{".safetensors", ".json", ".txt", ".bin", ".md"}
	for i := 0; i < s.Repos; i++ {
		typ := types[i%7%3]
		folder := fmt.Sprintf("%ss--org%02d--repo-%05d", typ, i%37, i)
		repo := filepath.Join(root, folder)
		for _, d := range []string{"blobs", "refs", "snapshots"} {
			if err := os.MkdirAll(filepath.Join(repo, d), 0o755); err != nil {
				return nil, fmt.Errorf("generate cache: %w", err)
			}
		}
		g.Entries += 4
		baseDays := 1.0 + float64(i)*0.731
		for baseDays >= 900 {
			baseDays -= 900
		}
		current := map[string]string{} // path -> etag
		order := []string{}
		for v := 0; v < s.Revisions; v++ {
			for f := 0; f < s.Files; f++ {
				if v > 0 && rng.Float64() >= 0.25 {
					continue
				}
				ext := exts[f%5]
				p := fmt.Sprintf("file%05d%s", f, ext)
				if f%3 == 0 {
					p = fmt.Sprintf("dir%d/file%05d%s", f%4, f, ext)
				}
				lfs := ext == ".safetensors" || ext == ".bin"
				size := int64(100 + rng.IntN(4901))
				etag := hexOf(false, s.Seed, folder, p, v)
				if lfs {
					size = int64(100_000 + rng.IntN(5*100_000_000-100_000+1))
					etag = hexOf(true, s.Seed, folder, p, v)
				}
				days := baseDays + float64(s.Revisions-v)*3 + rng.Float64()
				atimeDays := days - 1 - rng.Float64()*0.5
				bp := filepath.Join(repo, "blobs", etag)
				if err := writeFile(bp, Entry{Size: size}); err != nil {
					return nil, fmt.Errorf("generate cache: %w", err)
				}
				at := now.Add(-time.Duration(atimeDays * 86400 * float64(time.Second)))
				mt := now.Add(-time.Duration(days * 86400 * float64(time.Second)))
				if err := os.Chtimes(bp, at, mt); err != nil {
					return nil, fmt.Errorf("generate cache: %w", err)
				}
				if _, ok := current[p]; !ok {
					order = append(order, p)
				}
				current[p] = etag
				g.Entries++
				g.Blobs++
				g.TotalSize += size
			}
			commit := hexOf(false, s.Seed, "commit", "large", i, v)
			snap := filepath.Join(repo, "snapshots", commit)
			if err := os.MkdirAll(snap, 0o755); err != nil {
				return nil, fmt.Errorf("generate cache: %w", err)
			}
			g.Entries++
			made := map[string]bool{}
			for _, p := range order {
				lp := filepath.Join(snap, filepath.FromSlash(p))
				if d := filepath.Dir(p); d != "." && !made[d] {
					if err := os.MkdirAll(filepath.Dir(lp), 0o755); err != nil {
						return nil, fmt.Errorf("generate cache: %w", err)
					}
					made[d] = true
					g.Entries++
				}
				up := strings.Repeat("../", 2+strings.Count(p, "/"))
				if err := os.Symlink(up+"blobs/"+current[p], lp); err != nil {
					return nil, fmt.Errorf("generate cache: %w", err)
				}
				g.Entries++
				g.Files++
			}
			var ref string
			switch {
			case v == s.Revisions-1:
				ref = "main"
			case v%2 == 1:
				ref = fmt.Sprintf("refs/pr/%d", v)
			}
			if ref != "" {
				rp := filepath.Join(repo, "refs", filepath.FromSlash(ref))
				for d := filepath.Dir(rp); d != filepath.Join(repo, "refs"); d = filepath.Dir(d) {
					if _, err := os.Lstat(d); err != nil {
						g.Entries++
					}
				}
				if err := os.MkdirAll(filepath.Dir(rp), 0o755); err != nil {
					return nil, fmt.Errorf("generate cache: %w", err)
				}
				if err := os.WriteFile(rp, []byte(commit), 0o644); err != nil {
					return nil, fmt.Errorf("generate cache: %w", err)
				}
				g.Entries++
			}
		}
	}
	return g, nil
}

// hexOf returns a sha256 (LFS) or sha1 (git) hex digest of parts, like the
// etags and commit hashes of a real cache.
func hexOf(lfs bool, parts ...any) string {
	s := fmt.Sprint(parts...)
	if lfs {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
