package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/iostreams"
)

func TestRunScanCache(t *testing.T) {
	dir := t.TempDir()
	var tree cachetest.Tree
	tree.AddRepo("models--org--m")
	tree.AddBlob("models--org--m", "b1", 1500, nil, 3*86400, 4*86400)
	tree.AddSnapshotFile("models--org--m", "rev1", "f.bin", "b1")
	tree.AddRef("models--org--m", "main", "rev1")
	tree.Add(cachetest.Entry{Kind: cachetest.File, Path: "version.txt", Size: 1, NoTimes: true})
	tree.MustBuild(t, dir, time.Now())

	tests := []struct {
		name      string
		verbosity int
		env       map[string]string
		noColor   bool
		want      []string
		notWant   []string
	}{
		{
			"repo table", 0, nil, false,
			[]string{"org/m   model             1.5K        1 3 days ago    4 days ago    main ", "\x1b[1m\x1b[31m1.5K\x1b[0m", "\x1b[90mGot 1 warning(s) while scanning. Use -vvv to print details.\x1b[0m"},
			[]string{"REVISION"},
		},
		{
			"revisions", 1,
			map[string]string{"NO_COLOR": "1"},
			false,
			[]string{"REVISION", "rev1", "Scanned 1 repo(s) for a total of 1.5K.\n"},
			[]string{"\x1b["},
		},
		{
			"warnings detailed, --no-color", 3, nil, true,
			[]string{"Got 1 warning(s) while scanning.\nRepo path is not a directory: " + filepath.Join(dir, "version.txt") + "\n"},
			[]string{"\x1b[", "Use -vvv"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			ios.SetEnv(tt.env)
			ios.NoColor = tt.noColor
			err := runScanCache(&ScanCacheOptions{IO: ios, Dir: dir, Verbosity: tt.verbosity})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("stdout has %q:\n%s", w, out.String())
				}
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr = %q", errOut.String())
			}
		})
	}
}

func TestRunScanCacheErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ios, _, out, _ := iostreams.Test()
	if err := runScanCache(&ScanCacheOptions{IO: ios, Dir: filepath.Join(dir, "missing")}); err != nil {
		t.Fatalf("missing dir: %v", err)
	}
	if want := "Cache directory not found: " + filepath.Join(dir, "missing") + "\n"; out.String() != want {
		t.Errorf("stdout = %q, want %q", out.String(), want)
	}

	ios, _, out, errOut := iostreams.Test()
	code := exitCodeFor(runScanCache(&ScanCacheOptions{IO: ios, Dir: file}), ios, "hfcache")
	if code != ExitError || out.Len() != 0 {
		t.Errorf("file as dir: exit %d, stdout %q", code, out.String())
	}
	if !strings.Contains(errOut.String(), "Scan cache expects a directory but found a file: "+file) {
		t.Errorf("stderr = %q", errOut.String())
	}
}

func TestRunUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"hfcache", "scan-cache", "--bogus"},
		{"hfcache", "scan-cache", "extra-arg"},
	} {
		ios, _, _, errOut := iostreams.Test()
		if code := Run(args, ios); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, ExitUsage, errOut.String())
		}
	}
}
