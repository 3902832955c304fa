//go:build linux && (amd64 || arm64) && !hfcache_portable

package scan

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestListInodeOrder: dirHandle.list visits every entry of a folder once,
// with its kind, in inode order (the whole folder when its records fit in
// dirBatchMax, batch by batch beyond), so that a cold scan reads the inode
// tables and link blocks forward instead of in hash order.
func TestListInodeOrder(t *testing.T) {
	tests := []struct {
		name    string
		entries int
		nameLen int // length of the generated names
		// maxDescents bounds how often the inode sequence goes down: 0
		// when one batch holds the folder, one per extra batch beyond.
		maxDescents int
	}{
		{name: "empty", entries: 0, nameLen: 20},
		{name: "one", entries: 1, nameLen: 20},
		{name: "snapshot-sized", entries: 1000, nameLen: 24},
		// About 7,000 records of 88 bytes: 600 KiB, three batches.
		{name: "larger than a batch", entries: 7000, nameLen: 64, maxDescents: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			want := map[string]byte{}
			// Created in random order so that neither name nor hash
			// order is inode order.
			for _, i := range rand.Perm(tt.entries) {
				name := fmt.Sprintf("%0*d", tt.nameLen, i)
				p := filepath.Join(dir, name)
				var err error
				switch i % 3 {
				case 0:
					err = os.WriteFile(p, nil, 0o644)
					want[name] = kindReg
				case 1:
					err = os.Symlink("../../blobs/"+strings.Repeat("a", 64), p)
					want[name] = kindLink
				case 2:
					err = os.Mkdir(p, 0o755)
					want[name] = kindDir
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			d, err := openDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer d.close()
			var db dirBuf
			seen := map[string]bool{}
			var prev uint64
			descents := 0
			err = d.list(&db, nil, func(_ int, cname []byte, kind byte) bool {
				if cname[len(cname)-1] != 0 {
					t.Fatalf("name %q is not NUL-terminated", cname)
				}
				name := string(cname[:len(cname)-1])
				if seen[name] {
					t.Errorf("%s visited twice", name)
				}
				seen[name] = true
				if k, ok := want[name]; !ok {
					t.Errorf("unexpected entry %q", name)
				} else if kind != k && kind != kindUnknown {
					t.Errorf("%s: kind %d, want %d", name, kind, k)
				}
				st, err := os.Lstat(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				ino := st.Sys().(*syscall.Stat_t).Ino
				if ino < prev {
					descents++
				}
				prev = ino
				return true
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != len(want) {
				t.Errorf("visited %d entries, want %d", len(seen), len(want))
			}
			if descents > tt.maxDescents {
				t.Errorf("inode order broken %d times, want at most %d", descents, tt.maxDescents)
			}
			if len(db.b) > dirBatchMax {
				t.Errorf("buffer grew to %d bytes, more than dirBatchMax (%d)", len(db.b), dirBatchMax)
			}
		})
	}
}

// TestListStops: list stops at the first entry fn refuses.
func TestListStops(t *testing.T) {
	dir := t.TempDir()
	for i := range 50 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprint(i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := openDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	calls := 0
	if err := d.list(&dirBuf{}, nil, func(int, []byte, byte) bool { calls++; return calls < 3 }); err != nil {
		t.Fatal(err)
	}
	if calls != 3 {
		t.Errorf("fn called %d times after refusing the third entry, want 3", calls)
	}
}
