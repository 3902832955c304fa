package cachetest

import "strings"

// The cross-repo shared blob store (huggingface_hub after 1.28, see
// internal/scan/shared.go): <cache>/blobs/.huggingface-shared-blobs,
// payloads at blobs/<xx>/<hash> with a <hash>.refs manifest and a
// <hash>.lock, and each repo's blobs/<etag> a relative link to its payload.

// AddSharedStore adds the store folder with its version marker.
func (t *Tree) AddSharedStore() {
	*t = append(*t,
		Entry{Kind: Dir, Path: "blobs", NoTimes: true},
		Entry{Kind: File, Path: "blobs/.huggingface-shared-blobs", Content: []byte("1\n"), NoTimes: true},
	)
}

// SharedPayloadPath is the path of a payload relative to the cache root.
func SharedPayloadPath(hash string) string { return "blobs/" + hash[:2] + "/" + hash }

// AddSharedPayload adds a payload (content, or a sparse file of size
// bytes), its empty lock file and its manifest listing refs (repo blob
// entries relative to the cache, "models--org--name/blobs/<etag>"); with
// no refs no manifest is written.
func (t *Tree) AddSharedPayload(hash string, size int64, content []byte, atimeAgo, mtimeAgo float64, refs ...string) {
	p := SharedPayloadPath(hash)
	if content != nil {
		size = int64(len(content))
	}
	*t = append(*t,
		Entry{Kind: File, Path: p, Size: size, Content: content, ATimeAgo: atimeAgo, MTimeAgo: mtimeAgo},
		Entry{Kind: File, Path: p + ".lock", Content: []byte{}, NoTimes: true},
	)
	if len(refs) > 0 {
		*t = append(*t, Entry{Kind: File, Path: p + ".refs", Content: []byte(strings.Join(refs, "\n") + "\n"), NoTimes: true})
	}
}

// AddSharedLink makes <folder>/blobs/<etag> a relative link to the
// payload, as the downloader does.
func (t *Tree) AddSharedLink(folder, etag, hash string) {
	*t = append(*t, Entry{Kind: Symlink, Path: folder + "/blobs/" + etag, Target: "../../" + SharedPayloadPath(hash)})
}
