package scan

import (
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
