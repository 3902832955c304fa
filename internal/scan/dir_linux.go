//go:build linux && (amd64 || arm64) && !hfcache_portable

package scan

import (
	"bytes"
	"cmp"
	"slices"
	"syscall"
	"unsafe"
)

// dirHandle is an open folder; names passed to its methods are relative to
// it and NUL-terminated (the kernel's directory records already are), so
// that no path is built nor copied per entry.
type dirHandle struct{ fd int }

const atSymlinkNoFollow = 0x100 // AT_SYMLINK_NOFOLLOW

func openDir(path string) (dirHandle, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		return dirHandle{fd}, err
	}
}

// openChild opens the sub-folder cname without following a link.
func (d dirHandle) openChild(cname []byte) (dirHandle, error) {
	for {
		fd, _, e := syscall.Syscall6(syscall.SYS_OPENAT, uintptr(d.fd), uintptr(unsafe.Pointer(&cname[0])),
			syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return dirHandle{-1}, e
		}
		return dirHandle{int(fd)}, nil
	}
}

func (d dirHandle) close() { _ = syscall.Close(d.fd) }

// keepsChangeTimes says whether the folder's filesystem sets a folder's
// ctime on every change of its entries (for the scan index).
func (d dirHandle) keepsChangeTimes() bool {
	var st syscall.Statfs_t
	return syscall.Fstatfs(d.fd, &st) == nil && statfsKeepsChangeTimes(&st)
}

// identity is the open folder's dirID (for the scan index).
func (d dirHandle) identity() (dirID, bool) {
	var s syscall.Stat_t
	if syscall.Fstat(d.fd, &s) != nil {
		return dirID{}, false
	}
	return sysStatID(&s), true
}

// dirBuf is a reusable buffer for reading a folder: the kernel's records
// and their index in inode order.
type dirBuf struct {
	b     []byte
	ents  []dirEnt
	names [][]byte // the batch's NUL-terminated names, in b
	kinds []byte
}

// dirEnt is one record of dirBuf.b: its inode number and offset.
type dirEnt struct {
	ino uint64
	off int32
}

// dirBatchMax bounds the records read before they are visited: a folder of
// up to about 6,000 entries is visited in one inode-ordered pass, a larger
// one in batches of that size (memory does not grow with a folder).
const dirBatchMax = 256 << 10

// list calls fn for every entry but "." and "..", in inode order (the
// order of the inode tables and, for links, mostly of their target
// blocks on disk, so that a cold read seeks forward), with its
// NUL-terminated name and its kind (kindUnknown when the filesystem does
// not tell); fn returns false to stop. Entries come in batches (the whole
// folder up to dirBatchMax): batch, when not nil, first sees the names
// and kinds of a batch, and fn gets the index of its entry in them.
func (d dirHandle) list(db *dirBuf, batch func(cnames [][]byte, kinds []byte), fn func(i int, cname []byte, kind byte) bool) error {
	if db.b == nil {
		db.b = make([]byte, 32<<10)
	}
	for {
		n, eof := 0, false
		for {
			if len(db.b)-n < 8<<10 {
				if len(db.b) >= dirBatchMax {
					break
				}
				b := make([]byte, 2*len(db.b))
				copy(b, db.b[:n])
				db.b = b
			}
			m, err := syscall.Getdents(d.fd, db.b[n:])
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				return err
			}
			if m <= 0 {
				eof = true
				break
			}
			n += m
		}
		// struct linux_dirent64: ino u64, off i64, reclen u16, type u8, name.
		db.ents = db.ents[:0]
		for off := 0; off < n; {
			db.ents = append(db.ents, dirEnt{ino: *(*uint64)(unsafe.Pointer(&db.b[off])), off: int32(off)})
			off += int(*(*uint16)(unsafe.Pointer(&db.b[off+16])))
		}
		if len(db.ents) > 1 {
			slices.SortFunc(db.ents, func(a, b dirEnt) int { return cmp.Compare(a.ino, b.ino) })
		}
		db.names, db.kinds = db.names[:0], db.kinds[:0]
		for _, e := range db.ents {
			off := int(e.off)
			reclen := int(*(*uint16)(unsafe.Pointer(&db.b[off+16])))
			typ := db.b[off+18]
			rec := db.b[off+19 : off+reclen]
			end := bytes.IndexByte(rec, 0)
			if end < 0 {
				continue
			}
			cname := rec[:end+1]
			if end == 1 && cname[0] == '.' || end == 2 && cname[0] == '.' && cname[1] == '.' {
				continue
			}
			kind := kindOther
			switch typ {
			case syscall.DT_UNKNOWN:
				kind = kindUnknown
			case syscall.DT_REG:
				kind = kindReg
			case syscall.DT_DIR:
				kind = kindDir
			case syscall.DT_LNK:
				kind = kindLink
			}
			db.names = append(db.names, cname)
			db.kinds = append(db.kinds, kind)
		}
		if batch != nil && len(db.names) > 0 {
			batch(db.names, db.kinds)
		}
		for i, cname := range db.names {
			if !fn(i, cname, db.kinds[i]) {
				return nil
			}
		}
		if eof {
			return nil
		}
	}
}

// readlink reads the target of the link cname into out; a target that
// fills out is reported as an error (it may be truncated).
func (d dirHandle) readlink(cname, out []byte) (int, error) {
	for {
		n, _, e := syscall.Syscall6(syscall.SYS_READLINKAT, uintptr(d.fd), uintptr(unsafe.Pointer(&cname[0])),
			uintptr(unsafe.Pointer(&out[0])), uintptr(len(out)), 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return 0, e
		}
		if int(n) >= len(out) {
			return 0, syscall.ENAMETOOLONG
		}
		return int(n), nil
	}
}

// lstat stats cname (a name or a relative path) without following a final
// link.
func (d dirHandle) lstat(cname []byte, st *fileStat) error {
	var s syscall.Stat_t
	for {
		_, _, e := syscall.Syscall6(sysFstatat, uintptr(d.fd), uintptr(unsafe.Pointer(&cname[0])),
			uintptr(unsafe.Pointer(&s)), atSymlinkNoFollow, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return e
		}
		break
	}
	st.kind = kindOther
	switch s.Mode & syscall.S_IFMT {
	case syscall.S_IFREG:
		st.kind = kindReg
	case syscall.S_IFDIR:
		st.kind = kindDir
	case syscall.S_IFLNK:
		st.kind = kindLink
	}
	st.size = s.Size
	st.atime = unixNanos(s.Atim.Sec, s.Atim.Nsec)
	st.mtime = unixNanos(s.Mtim.Sec, s.Mtim.Nsec)
	return nil
}
