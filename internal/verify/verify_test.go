package verify

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
)

const (
	commit = "0123456789abcdef0123456789abcdef01234567"
	folder = "models--acme--tiny"
)

func sha256Hex(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func gitSHA1(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// fixture is a real cache with one LFS blob (named by sha256) and two git
// blobs (named by git sha1), linked from snapshots/<commit>.
type fixture struct {
	root                         string
	lfs, cfg, readme             []byte
	lfsBlob, cfgBlob, readmeBlob string
}

func newFixture(t *testing.T, withTree bool) *fixture {
	t.Helper()
	cachetest.RequireSymlinks(t) // snapshot files link to blobs/
	f := &fixture{root: t.TempDir()}
	f.lfs = []byte(strings.Repeat("weights!", 4096))
	f.cfg = []byte(`{"hidden_size": 8}` + "\n")
	f.readme = []byte("# tiny\n")
	f.lfsBlob, f.cfgBlob, f.readmeBlob = sha256Hex(f.lfs), gitSHA1(f.cfg), gitSHA1(f.readme)
	var tree cachetest.Tree
	tree.AddRepo(folder)
	tree.AddBlob(folder, f.lfsBlob, 0, f.lfs, 10, 10)
	tree.AddBlob(folder, f.cfgBlob, 0, f.cfg, 10, 10)
	tree.AddBlob(folder, f.readmeBlob, 0, f.readme, 10, 10)
	tree.AddSnapshotFile(folder, commit, "model.safetensors", f.lfsBlob)
	tree.AddSnapshotFile(folder, commit, "config.json", f.cfgBlob)
	tree.AddSnapshotFile(folder, commit, "docs/README.md", f.readmeBlob)
	tree.AddRef(folder, "main", commit)
	tree.MustBuild(t, f.root, time.Now())
	if withTree {
		doc := fmt.Sprintf(`{"format_version": 1, "files": {
 "config.json": {"size": %d, "blob_id": %q},
 "docs/README.md": {"size": %d, "blob_id": %q},
 "model.safetensors": {"size": 134, "blob_id": "ffffffffffffffffffffffffffffffffffffffff", "lfs_sha256": %q, "lfs_size": %d}}}`,
			len(f.cfg), f.cfgBlob, len(f.readme), f.readmeBlob, f.lfsBlob, len(f.lfs))
		if err := os.MkdirAll(filepath.Join(f.root, folder, "trees"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(f.root, folder, "trees", commit+".json"), []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) blob(name string) string { return filepath.Join(f.root, folder, "blobs", name) }

func verifyMain(t *testing.T, f *fixture) *Report {
	t.Helper()
	rev, err := ResolveRevision(filepath.Join(f.root, folder), "")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := New().Revision(filepath.Join(f.root, folder), rev)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name     string
		withTree bool
		damage   func(t *testing.T, f *fixture)
		want     []Problem // File, Kind, Algorithm only
	}{
		{name: "intact", damage: func(*testing.T, *fixture) {}},
		{name: "intact with tree listing", withTree: true, damage: func(*testing.T, *fixture) {}},
		{
			name: "flipped byte in LFS blob",
			damage: func(t *testing.T, f *fixture) {
				b := append([]byte(nil), f.lfs...)
				b[1000] ^= 0x01
				writeKeepTimes(t, f.blob(f.lfsBlob), b)
			},
			want: []Problem{{File: "model.safetensors", Kind: Corrupt, Algorithm: SHA256}},
		},
		{
			name: "flipped byte in git blob",
			damage: func(t *testing.T, f *fixture) {
				b := append([]byte(nil), f.cfg...)
				b[2] ^= 0x20
				writeKeepTimes(t, f.blob(f.cfgBlob), b)
			},
			want: []Problem{{File: "config.json", Kind: Corrupt, Algorithm: GitSHA1}},
		},
		{
			name: "truncated blob without listing",
			damage: func(t *testing.T, f *fixture) {
				if err := os.Truncate(f.blob(f.lfsBlob), 100); err != nil {
					t.Fatal(err)
				}
			},
			want: []Problem{{File: "model.safetensors", Kind: Corrupt, Algorithm: SHA256}},
		},
		{
			name:     "truncated blob with listing",
			withTree: true,
			damage: func(t *testing.T, f *fixture) {
				if err := os.Truncate(f.blob(f.lfsBlob), 100); err != nil {
					t.Fatal(err)
				}
			},
			want: []Problem{{File: "model.safetensors", Kind: Truncated, Algorithm: SHA256}},
		},
		{
			name: "missing blob",
			damage: func(t *testing.T, f *fixture) {
				if err := os.Remove(f.blob(f.readmeBlob)); err != nil {
					t.Fatal(err)
				}
			},
			want: []Problem{{File: "docs/README.md", Kind: Missing}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.withTree)
			tt.damage(t, f)
			rep := verifyMain(t, f)
			if rep.Revision != commit {
				t.Errorf("revision %s, want %s", rep.Revision, commit)
			}
			var got []Problem
			for _, p := range rep.Problems {
				got = append(got, Problem{File: p.File, Kind: p.Kind, Algorithm: p.Algorithm})
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("problems = %+v, want %+v", rep.Problems, tt.want)
			}
			if rep.OK() != (len(tt.want) == 0) {
				t.Errorf("OK() = %v", rep.OK())
			}
			wantChecked := 3
			if len(tt.want) == 1 && tt.want[0].Kind == Missing {
				wantChecked = 2
			}
			if rep.Checked != wantChecked || rep.Unverifiable != 0 {
				t.Errorf("checked %d unverifiable %d, want %d and 0", rep.Checked, rep.Unverifiable, wantChecked)
			}
		})
	}
}

// TestVerifyCopiedFile: a regular file copied into the snapshot (Windows
// style) is verified through the tree listing, and is unverifiable without.
func TestVerifyCopiedFile(t *testing.T) {
	for _, withTree := range []bool{false, true} {
		f := newFixture(t, withTree)
		link := filepath.Join(f.root, folder, "snapshots", commit, "config.json")
		if err := os.Remove(link); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(link, []byte(`{"hidden_size": 9}`+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		rep := verifyMain(t, f)
		if withTree {
			if len(rep.Problems) != 1 || rep.Problems[0].File != "config.json" || rep.Problems[0].Kind != Corrupt {
				t.Errorf("with listing: problems %+v", rep.Problems)
			}
		} else if rep.Unverifiable != 1 || !rep.OK() {
			t.Errorf("without listing: unverifiable %d problems %+v", rep.Unverifiable, rep.Problems)
		}
	}
}

func TestResolveRevision(t *testing.T) {
	f := newFixture(t, false)
	repo := filepath.Join(f.root, folder)
	for _, rev := range []string{"", "main", commit, commit[:7], strings.ToUpper(commit[:10])} {
		got, err := ResolveRevision(repo, rev)
		if err != nil || got != commit {
			t.Errorf("ResolveRevision(%q) = %q, %v", rev, got, err)
		}
	}
	for _, rev := range []string{"v2", "012345", "ffffffff"} {
		if _, err := ResolveRevision(repo, rev); err == nil {
			t.Errorf("ResolveRevision(%q) succeeded", rev)
		}
	}
	// Hostile refs: their content is never used as a path, and a ref name
	// from the command line never leaves refs/.
	if err := os.MkdirAll(filepath.Join(repo, "snapshots", "..", "..", "elsewhere"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"up": "../../elsewhere", "abs": f.root, "dot": "..", "empty": ""} {
		if err := os.WriteFile(filepath.Join(repo, "refs", name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := ResolveRevision(repo, name); err == nil {
			t.Errorf("ResolveRevision(ref %s holding %q) = %q", name, content, got)
		}
	}
	if got, err := ResolveRevision(repo, "../refs/main"); err == nil {
		t.Errorf("ResolveRevision(../refs/main) = %q", got)
	}
	targets, err := CacheTargets(f.root)
	if err != nil || len(targets) != 1 || targets[0].Revision != commit {
		t.Errorf("CacheTargets = %+v, %v", targets, err)
	}
}

func writeKeepTimes(t *testing.T, p string, b []byte) {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
}
