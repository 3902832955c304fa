//go:build unix

package verify

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestVerifySpecialFiles: a blob that is a link to a device or a FIFO
// (a hostile cache) is reported, not read forever or waited on.
func TestVerifySpecialFiles(t *testing.T) {
	// A FIFO named like the blob, and (hashes known from trees/) a link
	// to /dev/zero.
	f := newFixture(t, true)
	if err := os.Remove(f.blob(f.cfgBlob)); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(f.blob(f.cfgBlob), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(f.blob(f.readmeBlob)); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", f.blob(f.readmeBlob)); err != nil {
		t.Fatal(err)
	}
	done := make(chan *Report, 1)
	go func() { done <- verifyMain(t, f) }()
	select {
	case rep := <-done:
		if len(rep.Problems) != 2 {
			t.Fatalf("problems %+v", rep.Problems)
		}
		for _, p := range rep.Problems {
			if p.Kind != Corrupt || !strings.Contains(p.Actual, "not a regular file") {
				t.Errorf("problem %+v", p)
			}
		}
	case <-time.After(20 * time.Second):
		t.Fatal("verify hangs on a device or FIFO blob")
	}
}
