//go:build !(linux && (amd64 || arm64)) || hfcache_portable

package scan

import (
	"io/fs"
	"os"
	"path/filepath"
)

// dirHandle is a folder path on platforms without the Linux fast path; it
// offers the same methods with the os package. Build with
// -tags hfcache_portable to use (and test) it on Linux too.
type dirHandle struct{ path string }

func openDir(path string) (dirHandle, error) {
	st, err := os.Stat(path)
	if err == nil && !st.IsDir() {
		err = &fs.PathError{Op: "open", Path: path, Err: fs.ErrInvalid}
	}
	return dirHandle{path}, err
}

func (d dirHandle) child(cname []byte) string {
	return filepath.Join(d.path, filepath.FromSlash(string(cname[:len(cname)-1])))
}

func (d dirHandle) openChild(cname []byte) (dirHandle, error) {
	return dirHandle{d.child(cname)}, nil
}

func (d dirHandle) close() {}

// keepsChangeTimes says whether the folder's filesystem sets a folder's
// ctime on every change of its entries (for the scan index).
func (d dirHandle) keepsChangeTimes() bool { return pathKeepsChangeTimes(d.path) }

// identity is the folder's dirID (for the scan index), when the platform
// has one.
func (d dirHandle) identity() (dirID, bool) {
	st, err := os.Lstat(d.path)
	if err != nil || !st.IsDir() {
		return dirID{}, false
	}
	return statID(st)
}

// dirBuf is unused here: os.ReadDir has its own buffers.
type dirBuf struct{}

func (d dirHandle) list(_ *dirBuf, batch func(cnames [][]byte, kinds []byte), fn func(i int, cname []byte, kind byte) bool) error {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return err
	}
	cnames := make([][]byte, len(entries))
	kinds := make([]byte, len(entries))
	for i, e := range entries {
		cnames[i] = append([]byte(e.Name()), 0)
		kinds[i] = kindOther
		switch t := e.Type(); {
		case t.IsRegular():
			kinds[i] = kindReg
		case t.IsDir():
			kinds[i] = kindDir
		case t&fs.ModeSymlink != 0:
			kinds[i] = kindLink
		}
	}
	if batch != nil && len(entries) > 0 {
		batch(cnames, kinds)
	}
	for i, cname := range cnames {
		if !fn(i, cname, kinds[i]) {
			return nil
		}
	}
	return nil
}

func (d dirHandle) readlink(cname, out []byte) (int, error) {
	target, err := os.Readlink(d.child(cname))
	if err != nil {
		return 0, err
	}
	if len(target) >= len(out) {
		return 0, &fs.PathError{Op: "readlink", Path: d.child(cname), Err: fs.ErrInvalid}
	}
	return copy(out, target), nil
}

func (d dirHandle) lstat(cname []byte, st *fileStat) error {
	info, err := os.Lstat(d.child(cname))
	if err != nil {
		return err
	}
	*st = statOf(info)
	return nil
}
