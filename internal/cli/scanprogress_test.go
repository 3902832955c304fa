package cli

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/iostreams"
)

var progressLines = regexp.MustCompile(`^(?:\r\x1b\[KScanning cache: ([0-9,]+) files, [0-9]+\.[0-9][KMGTPEZ]?(?: \([0-9,]+ files/s\))?)+\r\x1b\[K$`)

// TestScanCacheProgress runs scan-cache with stderr faked as a terminal or
// not: the progress line appears only on a terminal once the delay has
// passed, is erased at the end, and stdout is the same in every case.
func TestScanCacheProgress(t *testing.T) {
	t.Parallel()
	cachetest.RequireSymlinks(t) // a generated cache has snapshot links
	root := filepath.Join(t.TempDir(), "hub")
	g, err := cachetest.Generate(root, cachetest.Spec{Repos: 2, Revisions: 2, Files: 30}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		errTTY bool
		delay  time.Duration
		shown  bool
	}{
		{"pipe", false, 0, false},
		{"terminal, quick scan", true, time.Hour, false},
		{"terminal, slow scan", true, time.Nanosecond, true},
	}
	doneIn := regexp.MustCompile(`Done in [0-9.]+s`)
	var stdouts []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			ios.ErrTTY = c.errTTY
			if err := runScanCache(&ScanCacheOptions{IO: ios, Dir: root, progressDelay: c.delay}); err != nil {
				t.Fatal(err)
			}
			stdouts = append(stdouts, doneIn.ReplaceAllString(out.String(), "Done"))
			if !strings.Contains(out.String(), "Scanned 2 repo(s)") {
				t.Errorf("stdout: %s", out)
			}
			if !c.shown {
				if errOut.Len() != 0 {
					t.Errorf("stderr = %q, want nothing", errOut)
				}
				return
			}
			m := progressLines.FindStringSubmatch(errOut.String())
			if m == nil {
				t.Fatalf("stderr = %q, want progress lines then an erase", errOut)
			}
			if n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", "")); n > g.Files {
				t.Errorf("progress shows %d files of %d", n, g.Files)
			}
		})
	}
	for i := 1; i < len(stdouts); i++ {
		if stdouts[i] != stdouts[0] {
			t.Errorf("stdout of %q differs from %q", cases[i].name, cases[0].name)
		}
	}
}

// TestProgressLine: counts and rates are written by go-humanize (thousands
// separated), the size as the tables write it; no rate in the first 100 ms.
func TestProgressLine(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		files, bytes int64
		elapsed      time.Duration
		want         string
	}{
		{0, 0, 0, "Scanning cache: 0 files, 0.0"},
		{12345, 1_234_567_890, 50 * time.Millisecond, "Scanning cache: 12,345 files, 1.2G"},
		{1_234_567, 5_000_000_000_000, 2 * time.Second, "Scanning cache: 1,234,567 files, 5.0T (617,283 files/s)"},
	} {
		if got := progressLine(c.files, c.bytes, c.elapsed); got != c.want {
			t.Errorf("progressLine(%d, %d, %v) = %q, want %q", c.files, c.bytes, c.elapsed, got, c.want)
		}
	}
}
