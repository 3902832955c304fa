package cachetest

import (
	"path"
	"strings"
)

// AddRepo adds the folders of a repo ("models--org--name") with its blobs/,
// refs/ and snapshots/ folders.
func (t *Tree) AddRepo(folder string) {
	*t = append(*t,
		Entry{Kind: Dir, Path: folder, NoTimes: true},
		Entry{Kind: Dir, Path: folder + "/blobs", NoTimes: true},
		Entry{Kind: Dir, Path: folder + "/refs", NoTimes: true},
		Entry{Kind: Dir, Path: folder + "/snapshots", NoTimes: true},
	)
}

// AddBlob adds blobs/<etag> with the given content (or a sparse file of size
// bytes when content is nil) and times in seconds before now.
func (t *Tree) AddBlob(folder, etag string, size int64, content []byte, atimeAgo, mtimeAgo float64) {
	if content != nil {
		size = int64(len(content))
	}
	*t = append(*t, Entry{Kind: File, Path: folder + "/blobs/" + etag, Size: size, Content: content, ATimeAgo: atimeAgo, MTimeAgo: mtimeAgo})
}

// AddSnapshotFile links snapshots/<rev>/<name> to ../../blobs/<etag> (with
// one more "../" per folder level of name), as the real downloader does.
func (t *Tree) AddSnapshotFile(folder, rev, name, etag string) {
	up := strings.Repeat("../", 2+strings.Count(name, "/"))
	t.addDirs(folder + "/snapshots/" + rev + "/" + path.Dir(name))
	*t = append(*t, Entry{Kind: Symlink, Path: folder + "/snapshots/" + rev + "/" + name, Target: up + "blobs/" + etag})
}

// AddSnapshotCopy writes snapshots/<rev>/<name> as a regular file holding
// content, as huggingface_hub does where it cannot make symlinks (Windows
// without developer mode): the blob is moved or copied into the snapshot.
func (t *Tree) AddSnapshotCopy(folder, rev, name string, content []byte) {
	t.addDirs(folder + "/snapshots/" + rev + "/" + path.Dir(name))
	*t = append(*t, Entry{Kind: File, Path: folder + "/snapshots/" + rev + "/" + name, Content: content, ATimeAgo: 60, MTimeAgo: 60})
}

// AddSnapshotDir adds an empty snapshots/<rev> folder.
func (t *Tree) AddSnapshotDir(folder, rev string) {
	t.addDirs(folder + "/snapshots/" + rev)
}

// AddRef writes refs/<name> containing hash (no newline, as the downloader).
func (t *Tree) AddRef(folder, name, hash string) {
	*t = append(*t, Entry{Kind: File, Path: folder + "/refs/" + name, Content: []byte(hash), NoTimes: true})
}

func (t *Tree) addDirs(p string) {
	p = path.Clean(p)
	*t = append(*t, Entry{Kind: Dir, Path: p, NoTimes: true})
}

// Add appends entries as they are.
func (t *Tree) Add(e ...Entry) { *t = append(*t, e...) }
