package verify

import (
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// BenchmarkVerify verifies a revision of one 32 MiB file, named by its
// sha256 (an LFS blob) or by its git blob sha1, warm (the file is in the
// page cache after the first iteration). MB/s is the hashing throughput.
func BenchmarkVerify(b *testing.B) {
	const size = 32 << 20
	content := make([]byte, size)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(content)
	for _, bc := range []struct {
		name string
		etag string
	}{
		{"lfs-sha256", sha256Hex(content)},
		{"git-sha1", gitSHA1(content)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cachetest.RequireSymlinks(b)
			root := b.TempDir()
			var tree cachetest.Tree
			tree.AddRepo(folder)
			tree.AddBlob(folder, bc.etag, 0, content, 10, 10)
			tree.AddSnapshotFile(folder, commit, "model.bin", bc.etag)
			tree.AddRef(folder, "main", commit)
			tree.MustBuild(b, root, time.Now())
			repo := filepath.Join(root, folder)
			b.SetBytes(size)
			for b.Loop() {
				rep, err := New().Revision(repo, commit)
				if err != nil {
					b.Fatal(err)
				}
				if !rep.OK() || rep.Checked != 1 {
					b.Fatalf("report %+v", rep)
				}
			}
		})
	}
}
