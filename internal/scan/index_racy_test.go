package scan

import (
	"encoding/binary"
	"hash/crc32"
	"runtime"
	"testing"
	"time"
)

// TestMemoRacyMtime: a folder is not recorded while its mtime is within
// the racy window either, whatever its ctime: where the ctime is not the
// change time (older Linux vfat reports the creation time, with mtimes of
// a 2 s tick) a change in the same tick as the reading would leave every
// field of the identity as it was.
func TestMemoRacyMtime(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	old, recent := timeNanos(now.Add(-time.Hour)), timeNanos(now.Add(-time.Second))
	for _, tt := range []struct {
		name         string
		ctime, mtime int64
		recorded     bool
	}{
		{"both old", old, old, true},
		{"ctime recent", recent, old, false},
		{"mtime recent", old, recent, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := &revMemo{run: &indexRun{ix: &Index{}, now: timeNanos(now)}, path: "/snap"}
			m.begin(0, "", dirID{dev: 1, ino: 2, ctime: tt.ctime, mtime: tt.mtime})
			m.record(0, kindReg, []byte("a\x00"), hexKey{})
			m.end(0)
			if got := len(m.out) > 0; got != tt.recorded {
				t.Errorf("recorded: %v; want %v", got, tt.recorded)
			}
		})
	}
}

// TestDecodeMemoAllocation: an index file that announces more entries
// than it can hold (each takes at least 4 bytes: kind, length, a name and
// its NUL) is refused before memory is set aside for them: decoding takes
// at most what the entries a file can hold take (18 times its size, 72
// bytes an entry), not 72 times its size.
func TestDecodeMemoAllocation(t *testing.T) {
	const size = 1 << 20
	b := appendNodeHeader(nil, "", dirID{dev: 1, ino: 2}, size-32)
	b = append(b, make([]byte, size-len(b))...) // kind 0, name length 0: malformed
	data := append([]byte(indexMagic), binary.AppendUvarint(nil, uint64(len("/snap")))...)
	data = append(append(data, "/snap"...), b...)
	data = binary.LittleEndian.AppendUint32(data, crc32.ChecksumIEEE(data))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if decodeMemo(data, "/snap") != nil {
		t.Fatal("a malformed index file decoded")
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 20*size {
		t.Errorf("decoding %d bytes allocated %d", len(data), got)
	}
}
