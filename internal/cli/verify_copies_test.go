package cli

import (
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

// TestVerifyCacheOfCopies: a cache whose snapshot files are plain copies
// (huggingface_hub on Windows without developer mode) has no hash to check
// them against. verify must say so and exit 3, not "All checksums match";
// a trees/<commit>.json listing makes them checkable again (exit 0), and a
// cache mixing both checks what it can (exit 0, the rest counted).
func TestVerifyCacheOfCopies(t *testing.T) {
	rev := strings.Repeat("1", 40)
	weights, config := []byte("weights\n"), []byte(`{"a": 1}`+"\n")
	build := func(t *testing.T, listing, linked bool) string {
		t.Helper()
		root := t.TempDir()
		var tree cachetest.Tree
		for _, folder := range []string{"models--a--one", "models--a--two"} {
			tree.AddRepo(folder)
			tree.AddSnapshotCopy(folder, rev, "model.bin", weights)
			tree.AddSnapshotCopy(folder, rev, "sub/config.json", config)
			tree.AddRef(folder, "main", rev)
		}
		if linked {
			sum := sha256.Sum256(weights)
			blob := hex.EncodeToString(sum[:])
			tree.AddRepo("models--a--linked")
			tree.AddBlob("models--a--linked", blob, 0, weights, 10, 10)
			tree.AddSnapshotFile("models--a--linked", rev, "model.bin", blob)
			tree.AddRef("models--a--linked", "main", rev)
		}
		tree.MustBuild(t, root, time.Now())
		if listing {
			sum := sha256.Sum256(weights)
			doc := fmt.Sprintf(`{"format_version": 1, "files": {"model.bin": {"size": %d, "blob_id": "x", "lfs_sha256": %q, "lfs_size": %d}}}`,
				len(weights), hex.EncodeToString(sum[:]), len(weights))
			dir := filepath.Join(root, "models--a--one", "trees")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, rev+".json"), []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return root
	}
	const why = "none of the 2 file(s) has a known hash. They are plain copies"
	tests := []struct {
		name            string
		listing, linked bool
		args            []string
		code            int
		stdout, stderr  string // substrings; "" checks nothing
	}{
		{
			"one repo of copies", false, false,
			[]string{"verify", "a/one"},
			ExitUnverified, "",
			"Error: Nothing could be verified for model 'a/one' (revision " + rev + "): " + why,
		},
		{
			"json still prints the report", false, false,
			[]string{"verify", "a/two", "--format", "json"},
			ExitUnverified,
			`"checked": 0, "unverifiable": 2`, "Nothing could be verified",
		},
		{
			"whole cache of copies", false, false,
			[]string{"verify", "--all"},
			ExitUnverified, "",
			"Error: Nothing could be verified in 2 revision(s) of 2 repo(s): none of the 4 file(s) has a known hash.",
		},
		{
			"a listing makes copies checkable", true, false,
			[]string{"verify", "a/one"},
			ExitOK,
			"Verified 1 file(s) for model 'a/one'. All checksums match.", "",
		},
		{
			"some files checked", false, true,
			[]string{"verify", "--all"},
			ExitOK,
			"Verified 1 file(s) in 3 revision(s) of 3 repo(s).", "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := build(t, tt.listing, tt.linked)
			out, errOut, code := run(t, nil, false, append(tt.args, "--cache-dir", root)...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, want %d\nstdout %q, want it to contain %q\nstderr %q, want it to contain %q",
					code, tt.code, out, tt.stdout, errOut, tt.stderr)
			}
			if tt.code == ExitOK && strings.Contains(errOut, "Nothing could be verified") {
				t.Errorf("stderr %q", errOut)
			}
		})
	}
}
