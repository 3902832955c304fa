// Package review is delete-cache's review file (--disable-tui): the text
// file hfcache writes to the temporary folder, the user edits, and hfcache
// reads back and removes. The command layer asks and prints; creating,
// reading and removing the file happens here.
package review

import (
	"fmt"
	"os"

	"github.com/hfcache/hfcache/internal/pycompat"
)

// File is a review file on disk.
type File struct {
	// Path is where the file is, as upstream shows it: the temporary
	// folder, then tmp + 8 random characters + .txt.
	Path string
}

// Create writes content to a new file of dir named like Python's
// tempfile.mkstemp(suffix=".txt") (upstream prints the path, so its shape
// is part of the output), mode 0600, never overwriting a file.
func Create(dir, content string) (*File, error) {
	f, err := pycompat.Mkstemp(dir, "tmp", ".txt")
	if err != nil {
		return nil, fmt.Errorf("create the review file: %w", err)
	}
	path := f.Name()
	_, err = f.WriteString(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("write the review file: %w", err)
	}
	return &File{Path: path}, nil
}

// Read returns the file's current content.
func (f *File) Read() (string, error) {
	data, err := os.ReadFile(f.Path)
	if err != nil {
		return "", fmt.Errorf("read the review file: %w", err)
	}
	return string(data), nil
}

// Remove deletes the file; a file already gone is not an error, and
// neither is a failure (the file is in a temporary folder), as upstream.
func (f *File) Remove() { _ = os.Remove(f.Path) }
