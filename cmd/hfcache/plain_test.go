package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDeleteCachePlainPipes drives delete-cache --plain through pipes (the
// answers on stdin, stdout and stderr captured) on a real cache and checks
// the disk afterwards. multiRevCache lists its revisions oldest first:
// 1=d (4 days), 2=a (main, 3 days), 3=c (2 days), 4=b (1 day).
func TestDeleteCachePlainPipes(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   []string
		stdin string
		code  int
		gone  []string // revisions removed
		out   []string // lines expected in stdout
	}{
		{
			"numbers",
			[]string{"--plain"},
			nil, "1 3\ny\n", 0,
			[]string{"d", "c"},
			[]string{"Selected 2 revision(s): 1 (model acme/multi dddddddd), 3 (model acme/multi cccccccc).", "This will free 2.0K.", "Done. Deleted 0 repo(s) and 2 revision(s) for a total of 2.0K."},
		},
		{
			"range",
			[]string{"--plain"},
			nil, "2-4\ny\n", 0,
			[]string{"a", "b", "c"},
			[]string{"This will free 3.0K."},
		},
		{
			"all",
			[]string{"--plain"},
			nil, "all\ny\n", 0,
			[]string{"a", "b", "c", "d"},
			[]string{"1 repo(s) lose every revision and are removed entirely.", "This will free 4.5K.", "Done. Deleted 1 repo(s) and 0 revision(s) for a total of 4.5K."},
		},
		{
			"none",
			[]string{"--plain"},
			nil, "none\n", 0, nil,
			[]string{"Deletion is cancelled. Do nothing."},
		},
		{
			"empty answer is none",
			[]string{"--plain"},
			nil, "\n", 0, nil,
			[]string{"Deletion is cancelled. Do nothing."},
		},
		{
			"declined",
			[]string{"--plain"},
			nil, "1\nn\n", 0, nil,
			[]string{"Deletion is cancelled. Do nothing."},
		},
		{
			"invalid then valid",
			[]string{"--plain"},
			nil, "9\n0\n2-1\nx\n4\ny\n", 0,
			[]string{"b"},
			[]string{"Invalid selection: 9 is not in the list (1 to 4).", `Invalid selection: "0" is not a number, a range like 5-8, "all" or "none".`, `Invalid selection: "2-1" is not a range like 5-8.`},
		},
		{"end of input", []string{"--plain"}, nil, "1 2", 1, nil, nil},
		{"end of input at confirmation", []string{"--plain"}, nil, "1 2\n", 1, nil, nil},
		{
			"TERM=dumb chooses it", nil,
			[]string{"TERM=dumb"},
			"4\ny\n", 0,
			[]string{"b"},
			[]string{"Selected 1 revision(s): 4 (model acme/multi bbbbbbbb)."},
		},
		{"sort size", []string{"--plain", "--sort", "size"}, nil, "1\ny\n", 0, []string{"d"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := multiRevCache(t)
			env := append([]string{"TERM=xterm"}, tt.env...)
			res := runBinary(t, env, tt.stdin, append([]string{"delete-cache", "--dir", root}, tt.args...)...)
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, tt.code, res.stdout, res.stderr)
			}
			// Read-aloud friendly: no escape sequence, no carriage return,
			// every revision on its own numbered line.
			if strings.ContainsAny(res.stdout+res.stderr, "\x1b\r") {
				t.Errorf("output has escape sequences or carriage returns: %q", res.stdout)
			}
			for i, r := range []string{"d", "a", "c", "b"} {
				prefix := string(rune('1'+i)) + ". model acme/multi, revision " + rev(r)[:8] + ", refs "
				if !strings.Contains(res.stdout, "\n"+prefix) {
					t.Errorf("no line starting %q in\n%s", prefix, res.stdout)
				}
			}
			for _, want := range tt.out {
				if !strings.Contains(res.stdout, want+"\n") {
					t.Errorf("stdout lacks %q:\n%s", want, res.stdout)
				}
			}
			gone := map[string]bool{}
			for _, r := range tt.gone {
				gone[r] = true
			}
			repo := filepath.Join(root, repoFolder)
			for _, r := range []string{"a", "b", "c", "d"} {
				snap := filepath.Join(repo, "snapshots", rev(r))
				blob := filepath.Join(repo, "blobs", blobName(r))
				if exists(snap) == gone[r] || exists(blob) == gone[r] {
					t.Errorf("revision %s: snapshot exists=%v blob exists=%v, want removed=%v", r, exists(snap), exists(blob), gone[r])
				}
			}
			if len(tt.gone) < 4 && !exists(filepath.Join(repo, "blobs", blobName("0"))) {
				t.Error("the blob shared with kept revisions was removed")
			}
			if len(tt.gone) == 4 && exists(repo) {
				t.Error("every revision went but the repo folder stayed")
			}
		})
	}
}

func TestDeleteCachePlainUsage(t *testing.T) {
	root := multiRevCache(t)
	res := runBinary(t, nil, "", "delete-cache", "--plain", "--disable-tui", "--dir", root)
	if res.code != 2 || !strings.Contains(res.stderr, "--plain and --disable-tui cannot be used together") {
		t.Fatalf("exit %d, stderr %q", res.code, res.stderr)
	}
}
