package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// hashedAlgos lists what v hashed, "<blob name> <algorithm>" sorted: one
// entry per hasher hashFile ran over a blob's content.
func hashedAlgos(v *Verifier) []string {
	var out []string
	for k := range v.hashes {
		out = append(out, filepath.Base(k.path)+" "+k.algo)
	}
	sort.Strings(out)
	return out
}

// TestVerifyHashesWithTheEtagsAlgorithm: a corrupt LFS blob and a corrupt
// git blob are both found, each reported with the hash of the algorithm its
// etag names, and each blob is hashed with that algorithm only (an LFS
// blob is never fed to a sha1, a git blob never to a sha256).
func TestVerifyHashesWithTheEtagsAlgorithm(t *testing.T) {
	for _, withTree := range []bool{false, true} {
		t.Run(fmt.Sprintf("listing=%v", withTree), func(t *testing.T) {
			f := newFixture(t, withTree)
			lfs := append([]byte(nil), f.lfs...)
			lfs[1000] ^= 0x01
			writeKeepTimes(t, f.blob(f.lfsBlob), lfs)
			cfg := append([]byte(nil), f.cfg...)
			cfg[2] ^= 0x20
			writeKeepTimes(t, f.blob(f.cfgBlob), cfg)

			v := New()
			rep, err := v.Revision(filepath.Join(f.root, folder), commit)
			if err != nil {
				t.Fatal(err)
			}
			want := []Problem{
				{File: "config.json", Kind: Corrupt, Algorithm: GitSHA1, Expected: f.cfgBlob, Actual: gitSHA1(cfg)},
				{File: "model.safetensors", Kind: Corrupt, Algorithm: SHA256, Expected: f.lfsBlob, Actual: sha256Hex(lfs)},
			}
			var got []Problem
			for _, p := range rep.Problems {
				got = append(got, Problem{File: p.File, Kind: p.Kind, Algorithm: p.Algorithm, Expected: p.Expected, Actual: p.Actual})
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("problems\n got %+v\nwant %+v", got, want)
			}
			if rep.Checked != 3 {
				t.Errorf("checked %d, want 3", rep.Checked)
			}
			wantHashed := []string{f.cfgBlob + " " + GitSHA1, f.lfsBlob + " " + SHA256, f.readmeBlob + " " + GitSHA1}
			sort.Strings(wantHashed)
			if got := hashedAlgos(v); fmt.Sprint(got) != fmt.Sprint(wantHashed) {
				t.Errorf("hashed\n got %v\nwant %v", got, wantHashed)
			}
		})
	}
}

// TestVerifyBlobNamedBothWays: one payload that files name both by its
// sha256 and by its git sha1 (blobs/<sha1> a link to blobs/<sha256>) is
// hashed with each algorithm, not checked against the other's hash.
func TestVerifyBlobNamedBothWays(t *testing.T) {
	f := newFixture(t, false)
	both := gitSHA1(f.lfs)
	if err := os.Symlink(f.lfsBlob, f.blob(both)); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "..", "blobs", both), filepath.Join(f.root, folder, "snapshots", commit, "copy.safetensors")); err != nil {
		t.Fatal(err)
	}
	v := New()
	rep, err := v.Revision(filepath.Join(f.root, folder), commit)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Checked != 4 {
		t.Fatalf("checked %d, problems %+v; want 4 and none", rep.Checked, rep.Problems)
	}
	wantHashed := []string{f.cfgBlob + " " + GitSHA1, f.lfsBlob + " " + GitSHA1, f.lfsBlob + " " + SHA256, f.readmeBlob + " " + GitSHA1}
	sort.Strings(wantHashed)
	if got := hashedAlgos(v); fmt.Sprint(got) != fmt.Sprint(wantHashed) {
		t.Errorf("hashed\n got %v\nwant %v", got, wantHashed)
	}

	// Damaged, it fails under both names.
	b := append([]byte(nil), f.lfs...)
	b[0] ^= 0x01
	writeKeepTimes(t, f.blob(f.lfsBlob), b)
	rep, err = New().Revision(filepath.Join(f.root, folder), commit)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range rep.Problems {
		got = append(got, p.File+" "+p.Algorithm+" "+p.Actual)
	}
	want := []string{"copy.safetensors " + GitSHA1 + " " + gitSHA1(b), "model.safetensors " + SHA256 + " " + sha256Hex(b)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("problems\n got %v\nwant %v", got, want)
	}
}
