// Package cachetest builds real hub cache trees on disk for tests: from the
// shared trees/*.tsv format (one entry a line, times relative to "now") or
// from entries made in code. Files are real (sparse when they have no
// content), links are real symlinks and times are set with os.Chtimes.
package cachetest

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Kinds of Entry.
const (
	Dir     = 'd'
	File    = 'f'
	Symlink = 'l'
)

// Entry is one path of a cache tree.
type Entry struct {
	Kind   byte   // Dir, File or Symlink
	Path   string // relative to the cache root, '/' separated
	Size   int64  // for a File without Content: a sparse file of Size bytes
	Target string // for a Symlink
	// ATimeAgo and MTimeAgo are seconds before "now" (negative: future).
	ATimeAgo, MTimeAgo float64
	// NoTimes leaves the entry's times as the filesystem sets them.
	NoTimes bool
	Content []byte
}

// Tree is a list of entries.
type Tree []Entry

// Load reads a trees/<preset>.tsv file.
func Load(path string) (Tree, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load tree: %w", err)
	}
	defer func() { _ = f.Close() }() // read only: a close error loses nothing
	var t Tree
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) != 7 || len(cols[0]) != 1 {
			return nil, fmt.Errorf("load tree %s:%d: want 7 columns, got %d", path, line, len(cols))
		}
		e := Entry{Kind: cols[0][0], Path: cols[1], Target: cols[3]}
		if e.Size, err = strconv.ParseInt(cols[2], 10, 64); err != nil {
			return nil, fmt.Errorf("load tree %s:%d: size: %w", path, line, err)
		}
		if cols[4] == "" && cols[5] == "" {
			e.NoTimes = true
		} else {
			if e.ATimeAgo, err = strconv.ParseFloat(cols[4], 64); err != nil {
				return nil, fmt.Errorf("load tree %s:%d: atime: %w", path, line, err)
			}
			if e.MTimeAgo, err = strconv.ParseFloat(cols[5], 64); err != nil {
				return nil, fmt.Errorf("load tree %s:%d: mtime: %w", path, line, err)
			}
		}
		if cols[6] != "" {
			if e.Content, err = base64.StdEncoding.DecodeString(cols[6]); err != nil {
				return nil, fmt.Errorf("load tree %s:%d: content: %w", path, line, err)
			}
		}
		t = append(t, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load tree %s: %w", path, err)
	}
	return t, nil
}

// Build creates the tree below root (which may exist) and sets times
// relative to now, deepest paths first so that a parent's times are not
// changed by creating its children.
func (t Tree) Build(root string, now time.Time) error {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return fmt.Errorf("build tree: %w", err)
	}
	for _, e := range t {
		p := filepath.Join(root, filepath.FromSlash(e.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("build tree: %w", err)
		}
		switch e.Kind {
		case Dir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return fmt.Errorf("build tree: %w", err)
			}
		case File:
			if err := writeFile(p, e); err != nil {
				return fmt.Errorf("build tree: %w", err)
			}
		case Symlink:
			if err := os.Symlink(e.Target, p); err != nil {
				return fmt.Errorf("build tree: %w", err)
			}
			if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				return fmt.Errorf("build tree: %s: %w", e.Path, ErrNoSymlinks)
			}
		default:
			return fmt.Errorf("build tree: %s: unknown kind %q", e.Path, e.Kind)
		}
	}
	order := make([]int, 0, len(t))
	for i, e := range t {
		if e.Kind != Symlink && !e.NoTimes {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool {
		return strings.Count(t[order[a]].Path, "/") > strings.Count(t[order[b]].Path, "/")
	})
	for _, i := range order {
		e := t[i]
		p := filepath.Join(root, filepath.FromSlash(e.Path))
		at := now.Add(-time.Duration(e.ATimeAgo * float64(time.Second)))
		mt := now.Add(-time.Duration(e.MTimeAgo * float64(time.Second)))
		if err := os.Chtimes(p, at, mt); err != nil {
			return fmt.Errorf("build tree: %w", err)
		}
	}
	return nil
}

func writeFile(p string, e Entry) error {
	f, err := os.OpenFile(p, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if e.Content != nil {
		_, err = f.Write(e.Content)
	} else if e.Size > 0 {
		err = f.Truncate(e.Size)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// WriteTSV writes the tree in the trees/*.tsv format that Load reads.
func (t Tree) WriteTSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# kind\tpath\tsize\tsymlink_target\tatime_seconds_ago\tmtime_seconds_ago\tcontent_base64")
	for _, e := range t {
		at, mt := "", ""
		if !e.NoTimes {
			at = strconv.FormatFloat(e.ATimeAgo, 'f', 3, 64)
			mt = strconv.FormatFloat(e.MTimeAgo, 'f', 3, 64)
		}
		content := ""
		if e.Content != nil {
			content = base64.StdEncoding.EncodeToString(e.Content)
		}
		fmt.Fprintf(bw, "%c\t%s\t%d\t%s\t%s\t%s\t%s\n", e.Kind, e.Path, e.Size, e.Target, at, mt, content)
	}
	return bw.Flush()
}

// DiskBytes adds up the sizes of the regular files under dir (what a
// deletion frees is the drop in this figure).
func DiskBytes(t testing.TB, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
