//go:build unix

package scan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIndexFolderSwapped: another user who can write the folder that holds
// the index folder (a shared HFCACHE_SCAN_INDEX) swaps it for a link to a
// folder of ours after the scan checked it: the scan neither removes nor
// writes files there, nor reads index files from it.
func TestIndexFolderSwapped(t *testing.T) {
	if !indexSupported {
		t.Skip("no scan index here")
	}
	base := t.TempDir()
	victim := filepath.Join(base, "victim")
	if err := os.Mkdir(victim, 0o700); err != nil {
		t.Fatal(err)
	}
	precious := filepath.Join(victim, "precious.txt")
	if err := os.WriteFile(precious, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := newIndexRun(&Index{Dir: filepath.Join(base, "index")}, "/some/cache")
	if ok, _ := r.folder(true); !ok {
		t.Fatal("index folder refused")
	}
	if err := os.Rename(r.dir, r.dir+".old"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, r.dir); err != nil {
		t.Fatal(err)
	}
	m := &revMemo{run: r, file: shortKey("/snap", 16), path: "/snap", changed: true}
	m.out = [][]byte{appendNodeHeader(nil, "", dirID{dev: 1, ino: 2}, 0)}
	m.outLen = len(m.out[0])
	r.used[m.file] = true
	m.save()
	r.clean()
	r.close()
	if _, err := os.Stat(precious); err != nil {
		t.Errorf("a file of the folder swapped in was removed: %v", err)
	}
	if entries, _ := os.ReadDir(victim); len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the folder swapped in holds %s; want only precious.txt", strings.Join(names, ", "))
	}
}
