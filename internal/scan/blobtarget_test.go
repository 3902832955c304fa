package scan

import "testing"

// TestBlobTarget: the link targets the scanner takes as <repo>/blobs/<etag>
// without resolving them. On Windows huggingface_hub writes them with `\`
// (os.path.relpath), so there `\` separates too; on Unix `\` is an ordinary
// file name character and such a target names something else.
func TestBlobTarget(t *testing.T) {
	tests := []struct {
		target    string
		depth     int
		backslash bool
		etag      string // "" when not a blob target
	}{
		{"../../blobs/abc", 0, false, "abc"},
		{"../../../blobs/abc", 1, false, "abc"},
		{"../../blobs/abc", 1, false, ""},
		{"../../../blobs/abc", 0, false, ""},
		{`..\..\blobs\abc`, 0, true, "abc"},
		{`..\..\..\blobs\abc`, 1, true, "abc"},
		{`..\../blobs\abc`, 0, true, "abc"}, // mixed, as Windows accepts
		{"../../blobs/abc", 0, true, "abc"},
		{`..\..\blobs\abc`, 0, false, ""},
		{`../../blobs\abc`, 0, false, ""},
		{`..\..\blobs\a\b`, 0, true, ""},
		{`..\..\blobs\..`, 0, true, ""},
		{`..\..\blobs\`, 0, true, ""},
		{"../../blobs/a/b", 0, false, ""},
		{"../../blobs/", 0, false, ""},
		{"../../blobs", 0, false, ""},
		{"../../blobsx/abc", 0, false, ""},
		{`..\..\blobsx\abc`, 0, true, ""},
		{"./../blobs/abc", 0, false, ""},
		{"/abs/blobs/abc", 0, false, ""},
		{`C:\cache\blobs\abc`, 0, true, ""},
		{"", 0, true, ""},
	}
	for _, tt := range tests {
		etag, ok := blobTarget([]byte(tt.target), tt.depth, tt.backslash)
		if ok != (tt.etag != "") || string(etag) != tt.etag {
			t.Errorf("blobTarget(%q, %d, backslash=%v) = %q %v, want %q", tt.target, tt.depth, tt.backslash, etag, ok, tt.etag)
		}
	}
}
