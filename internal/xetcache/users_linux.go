package xetcache

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const procRoot = "/proc"

// xetLibrary is the part of the native library's file name that marks the
// Xet client in a process's memory map (hf_xet.abi3.so, libhf_xet*.so).
const xetLibrary = "hf_xet"

func users0(proc, root string) ([]Process, int, error) {
	entries, err := os.ReadDir(proc)
	if err != nil {
		return nil, 0, fmt.Errorf("list processes: %w", err)
	}
	self := os.Getpid()
	var users []Process
	hidden := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		dir := filepath.Join(proc, e.Name())
		reason, ok := inspect(dir, root)
		if !ok {
			if _, err := os.Stat(dir); err == nil { // still alive: not inspectable
				hidden++
			}
			continue
		}
		if reason == "" {
			continue
		}
		name, _ := os.ReadFile(filepath.Join(dir, "comm"))
		users = append(users, Process{PID: pid, Name: strings.TrimSpace(string(name)), Reason: reason})
	}
	return users, hidden, nil
}

// inspect returns how the process at dir (/proc/<pid>) uses root ("" if it
// does not); ok is false when the process could not be inspected.
func inspect(dir, root string) (reason string, ok bool) {
	if cwd, err := os.Readlink(filepath.Join(dir, "cwd")); err == nil && within(cwd, root) {
		return "its working folder is " + cwd, true
	}
	fds, err := os.ReadDir(filepath.Join(dir, "fd"))
	if err != nil {
		return "", errors.Is(err, fs.ErrNotExist) // gone: nothing to report
	}
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join(dir, "fd", fd.Name()))
		if err == nil && within(target, root) {
			return "it has " + target + " open", true
		}
	}
	maps, err := os.Open(filepath.Join(dir, "maps"))
	if err != nil {
		return "", errors.Is(err, fs.ErrNotExist)
	}
	defer func() { _ = maps.Close() }()
	sc := bufio.NewScanner(maps)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		i := bytes.IndexByte(line, '/')
		if i < 0 {
			continue
		}
		if within(string(line[i:]), root) {
			return "it has " + string(line[i:]) + " mapped", true
		}
		if bytes.Contains(line[i:], []byte(xetLibrary)) {
			return "it loaded the Xet client " + string(line[i:]), true
		}
	}
	return "", true
}

// within reports whether p is root or below it.
func within(p, root string) bool {
	p = strings.TrimSuffix(p, " (deleted)")
	return p == root || strings.HasPrefix(p, root+string(filepath.Separator))
}
