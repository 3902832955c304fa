//go:build linux && (amd64 || arm64) && !hfcache_portable

package scan

import (
	"bytes"
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

// list calls fn for every entry but "." and "..", in directory order, with
// its NUL-terminated name and its kind (kindUnknown when the filesystem
// does not tell); fn returns false to stop.
func (d dirHandle) list(buf []byte, fn func(cname []byte, kind byte) bool) error {
	for {
		n, err := syscall.Getdents(d.fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n <= 0 {
			return nil
		}
		for off := 0; off < n; {
			// struct linux_dirent64: ino u64, off i64, reclen u16, type u8, name.
			reclen := int(*(*uint16)(unsafe.Pointer(&buf[off+16])))
			typ := buf[off+18]
			rec := buf[off+19 : off+reclen]
			off += reclen
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
			if !fn(cname, kind) {
				return nil
			}
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
