package scan

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// sampleMemo records two folders of /snap: the root (a blob link, a file,
// a sub-folder, a link read again) and dir/ (a blob link with a sha1 etag).
func sampleMemo() *revMemo {
	m := &revMemo{run: &indexRun{ix: &Index{}, now: 1 << 62}, path: "/snap"}
	k64, _ := parseHexKey([]byte(strings.Repeat("ab", 32)))
	k40, _ := parseHexKey([]byte(strings.Repeat("cd", 20)))
	m.begin(0, "", dirID{dev: 1, ino: 2, size: 4096, ctime: 1e18, mtime: -5})
	m.record(0, kindBlob, []byte("model.safetensors\x00"), k64)
	m.record(0, kindReg, []byte("README.md\x00"), hexKey{})
	m.record(0, kindDir, []byte("dir\x00"), hexKey{})
	m.begin(1, "dir/", dirID{dev: 1, ino: 3})
	m.record(1, kindBlob, []byte("config.json\x00"), k40)
	m.end(1)
	m.recordLink(0, kindLink, []byte("odd\x00"), hexKey{})
	m.end(0)
	return m
}

// TestMemoRoundTrip: what is recorded decodes to the same folders, and a
// folder changed too recently is left out.
func TestMemoRoundTrip(t *testing.T) {
	m := sampleMemo()
	nodes := decodeMemo(m.encode(), "/snap")
	if len(nodes) != 2 {
		t.Fatalf("decoded %d folders; want 2", len(nodes))
	}
	root, sub := nodes[""], nodes["dir/"]
	if root.id != (dirID{dev: 1, ino: 2, size: 4096, ctime: 1e18, mtime: -5}) || sub.id != (dirID{dev: 1, ino: 3}) {
		t.Errorf("identities: %+v %+v", root.id, sub.id)
	}
	var got []string
	for _, n := range []*memoNode{&root, &sub} {
		for i := range n.entries {
			e := &n.entries[i]
			k := ""
			if e.kind == kindBlob {
				key := n.key(e)
				k = hex.EncodeToString(key.b[:key.n])
			}
			got = append(got, fmt.Sprintf("%d:%s:%s", e.kind, strings.TrimSuffix(string(n.cname(e)), "\x00"), k))
		}
	}
	want := []string{"128:model.safetensors:" + strings.Repeat("ab", 32), "1:README.md:", "2:dir:", "3:odd:", "128:config.json:" + strings.Repeat("cd", 20)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries %q; want %q", got, want)
	}
	if decodeMemo(m.encode(), "/other") != nil {
		t.Error("another folder's index was decoded")
	}

	racy := &revMemo{run: &indexRun{ix: &Index{}, now: 1e18}, path: "/snap"}
	racy.begin(0, "", dirID{ctime: 1e18 - int64(racyWindow) + 1})
	racy.record(0, kindReg, []byte("a\x00"), hexKey{})
	racy.end(0)
	if n := decodeMemo(racy.encode(), "/snap"); len(n) != 0 {
		t.Errorf("a folder changed %v before the scan was recorded", racyWindow-1)
	}
}

// FuzzDecodeMemo: any index file body with a valid CRC decodes without
// panicking, to folders whose names can be used as they are (NUL-ended,
// no "/", known kinds, etags of 20 or 32 bytes).
func FuzzDecodeMemo(f *testing.F) {
	f.Add(sampleMemo().encode()[len(indexMagic) : len(sampleMemo().encode())-4])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		data := append([]byte(indexMagic), body...)
		data = binary.LittleEndian.AppendUint32(data, crc32.ChecksumIEEE(data))
		for prefix, n := range decodeMemo(data, "/snap") {
			if prefix != "" && !strings.HasSuffix(prefix, "/") {
				t.Fatalf("prefix %q", prefix)
			}
			for i := range n.entries {
				e := &n.entries[i]
				c := n.cname(e)
				if len(c) < 2 || c[len(c)-1] != 0 || strings.ContainsAny(string(c[:len(c)-1]), "\x00/") ||
					string(c) == ".\x00" || string(c) == "..\x00" {
					t.Fatalf("name %q", c)
				}
				if e.kind == kindBlob && e.keyN != 20 && e.keyN != 32 {
					t.Fatalf("etag of %d bytes", e.keyN)
				}
			}
		}
	})
}

// TestKeepsChangeTimes: the index is used on the filesystems that set a
// folder's ctime on every change (this test's temporary folder: ext4,
// tmpfs...), not on the others (/proc here).
func TestKeepsChangeTimes(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the filesystems named here are Linux's")
	}
	for path, want := range map[string]bool{t.TempDir(): true, "/proc": false} {
		d, err := openDir(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.keepsChangeTimes(); got != want {
			t.Errorf("%s: keepsChangeTimes() = %v; want %v", path, got, want)
		}
		d.close()
	}
}
