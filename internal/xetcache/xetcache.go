// Package xetcache reads and clears the Xet cache that huggingface_hub's
// hf_xet client keeps next to the hub cache ($HF_XET_CACHE, else
// $HF_HOME/xet): one folder per CAS endpoint ("environment") holding a
// chunk cache, a shard cache and the staging area of resumable uploads.
//
// The Xet client takes no cross-process file lock on any of it, so the
// only safe time to clear a part is when no process uses the tree; Users
// finds the processes that do (on Linux). The package uses the standard
// library only and never prints.
package xetcache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Kind classifies a folder of an environment.
type Kind string

// Kinds of environment folders. Chunk and shard caches are pure
// optimisations (the client downloads again what is missing); staging holds
// the state of uploads that can be resumed.
const (
	KindChunkCache Kind = "chunk cache"
	KindShardCache Kind = "shard cache"
	KindStaging    Kind = "staging"
	KindOther      Kind = "other"
	// KindTrash is a folder an interrupted Clear left behind.
	KindTrash Kind = "leftover of an interrupted clear"
)

// trashPrefix starts the name of a folder being removed by Clear.
const trashPrefix = ".hfcache-trash-"

// kindOf maps folder names to kinds: the names xet-core uses
// ("chunk-cache" until its V2 reconstruction dropped the disk chunk cache,
// "shard-cache", "staging") and the spellings of huggingface_hub's docs.
var kindOf = map[string]Kind{
	"chunk-cache": KindChunkCache,
	"chunk_cache": KindChunkCache,
	"shard-cache": KindShardCache,
	"shard_cache": KindShardCache,
	"staging":     KindStaging,
}

// Part is one folder of an environment (or a loose entry of the Xet root).
type Part struct {
	// Env is the environment folder name ("" for entries of the root such
	// as logs/).
	Env  string
	Name string
	Kind Kind
	// Path is the absolute path of the folder.
	Path  string
	Size  int64
	Files int
}

// Clearable reports whether the part is a pure cache that may be cleared
// when no process uses the Xet tree.
func (p Part) Clearable() bool {
	return p.Kind == KindChunkCache || p.Kind == KindShardCache || p.Kind == KindTrash
}

// Rel is the part's path relative to the Xet root, with '/'.
func (p Part) Rel() string {
	if p.Env == "" {
		return p.Name
	}
	return p.Env + "/" + p.Name
}

// Cache is the scanned Xet cache.
type Cache struct {
	// Path is the resolved Xet root.
	Path  string
	Parts []Part
	// Size adds up every regular file below Path.
	Size int64
}

// SizeOf adds up the parts of a kind.
func (c *Cache) SizeOf(k Kind) int64 {
	var n int64
	for _, p := range c.Parts {
		if p.Kind == k {
			n += p.Size
		}
	}
	return n
}

// ErrNotFound says the Xet root does not exist.
var ErrNotFound = errors.New("xet cache not found")

// Scan reads the Xet root dir (links resolved first). Folders below it are
// walked without following links; sizes are those of regular files.
func Scan(dir string) (*Cache, error) {
	real, err := filepath.EvalSymlinks(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("scan %s: %w", dir, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	real, err = filepath.Abs(real)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	st, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("scan %s: not a directory", dir)
	}
	c := &Cache{Path: real}
	entries, err := os.ReadDir(real)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	for _, e := range entries {
		p := filepath.Join(real, e.Name())
		if !e.IsDir() { // a loose file or link of the root
			size, files := treeSize(p)
			c.Parts = append(c.Parts, Part{Name: e.Name(), Kind: KindOther, Path: p, Size: size, Files: files})
			continue
		}
		if !isEnvironment(p) {
			size, files := treeSize(p)
			c.Parts = append(c.Parts, Part{Name: e.Name(), Kind: KindOther, Path: p, Size: size, Files: files})
			continue
		}
		sub, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", p, err)
		}
		for _, s := range sub {
			sp := filepath.Join(p, s.Name())
			kind, ok := kindOf[s.Name()]
			if strings.HasPrefix(s.Name(), trashPrefix) {
				kind, ok = KindTrash, true
			}
			if !ok || !s.IsDir() {
				kind = KindOther
			}
			size, files := treeSize(sp)
			c.Parts = append(c.Parts, Part{Env: e.Name(), Name: s.Name(), Kind: kind, Path: sp, Size: size, Files: files})
		}
	}
	for _, p := range c.Parts {
		c.Size += p.Size
	}
	sort.Slice(c.Parts, func(i, j int) bool { return c.Parts[i].Rel() < c.Parts[j].Rel() })
	return c, nil
}

// isEnvironment reports whether a root folder looks like an endpoint's
// folder: it holds one of the known subfolders.
func isEnvironment(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if _, ok := kindOf[e.Name()]; ok && e.IsDir() {
			return true
		}
	}
	return false
}

// treeSize adds up the regular files below p (p itself when it is one),
// never following links. Folders are read in parallel: a chunk cache holds
// tens of thousands of small folders.
func treeSize(p string) (size int64, files int) {
	st, err := os.Lstat(p)
	if err != nil {
		return 0, 0
	}
	if st.Mode().IsRegular() {
		return st.Size(), 1
	}
	if !st.IsDir() {
		return 0, 0
	}
	var (
		total, count atomic.Int64
		wg           sync.WaitGroup
		sem          = make(chan struct{}, 16)
	)
	var walk func(dir string)
	walk = func(dir string) {
		defer wg.Done()
		entries, err := os.ReadDir(dir)
		if err != nil {
			return // unreadable: not counted
		}
		for _, e := range entries {
			switch {
			case e.IsDir():
				wg.Add(1)
				select {
				case sem <- struct{}{}:
					go func(d string) {
						walk(d)
						<-sem
					}(filepath.Join(dir, e.Name()))
				default:
					walk(filepath.Join(dir, e.Name()))
				}
			case e.Type().IsRegular():
				if info, err := e.Info(); err == nil {
					total.Add(info.Size())
					count.Add(1)
				}
			}
		}
	}
	wg.Add(1)
	walk(p)
	wg.Wait()
	return total.Load(), int(count.Load())
}

// Clear removes a clearable part: the folder is first moved, in one
// rename, to a hidden name next to it (so a client starting meanwhile sees
// either the whole cache or none), then removed there. The part must be a
// real folder directly inside an environment of the Xet root, with no link
// on the way. It returns the bytes freed.
func Clear(c *Cache, p Part) (int64, error) {
	if !p.Clearable() || p.Env == "" {
		return 0, fmt.Errorf("clear %s: not a cache folder", p.Path)
	}
	want := filepath.Join(c.Path, p.Env, p.Name)
	if filepath.Clean(p.Path) != want {
		return 0, fmt.Errorf("clear %s: outside the xet cache %s", p.Path, c.Path)
	}
	if real, err := filepath.EvalSymlinks(filepath.Dir(want)); err != nil || real != filepath.Dir(want) {
		return 0, fmt.Errorf("clear %s: its environment folder is a link or unreadable", p.Path)
	}
	st, err := os.Lstat(want)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil // gone already
	}
	if err != nil {
		return 0, fmt.Errorf("clear %s: %w", p.Path, err)
	}
	if !st.IsDir() {
		return 0, fmt.Errorf("clear %s: not a folder (a link?)", p.Path)
	}
	size, _ := treeSize(want)
	trash := filepath.Join(filepath.Dir(want), trashPrefix+strconv.Itoa(os.Getpid())+"-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	if err := os.Rename(want, trash); err != nil {
		return 0, fmt.Errorf("clear %s: %w", p.Path, err)
	}
	if err := os.RemoveAll(trash); err != nil {
		left, _ := treeSize(trash)
		return size - left, fmt.Errorf("clear %s (moved to %s): %w", p.Path, trash, err)
	}
	return size, nil
}
