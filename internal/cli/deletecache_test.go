package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/scan"
)

func smallPreset(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	tree, err := cachetest.Load(filepath.Join(cachetest.CompatDir(t), "trees", "small.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	tree.MustBuild(t, dir, time.Now())
	return dir
}

func TestDeleteCacheTUINeedsTerminal(t *testing.T) {
	t.Parallel()
	dir := smallPreset(t)
	called := false
	stub := func(*iostreams.IOStreams, *scan.Cache, string) (TUISelection, error) {
		called = true
		return TUISelection{}, nil
	}
	for _, tty := range [][2]bool{{false, false}, {true, false}, {false, true}} {
		ios, _, out, _ := iostreams.Test()
		ios.InTTY, ios.OutTTY = tty[0], tty[1]
		err := runDeleteCache(&DeleteCacheOptions{IO: ios, Dir: dir, selectTUI: stub})
		var ec *ExitCodeError
		if !errors.As(err, &ec) || ec.Code != ExitError || !strings.Contains(ec.Msg, "--disable-tui") {
			t.Errorf("tty %v: err = %v, want exit 1 pointing to --disable-tui", tty, err)
		}
		if out.Len() != 0 {
			t.Errorf("stdout %q", out.String())
		}
	}
	if called {
		t.Error("TUI started without a terminal")
	}
}

func TestDeleteCacheTUISeam(t *testing.T) {
	t.Parallel()
	const glue1 = "f021ae41c879fcabcf823648ec685e3fead91fe7"
	const t5base = "23aa4f41cb7c08d4b05c8f327b22bfa0eb8c7ad9"
	cases := []struct {
		name      string
		hashes    []string // picked, each under the repo that holds it
		confirmed bool
		err       error
		wantOut   string
		wantErr   error
		gone      string
	}{
		{
			"confirmed",
			[]string{glue1, t5base},
			true, nil,
			"Start deletion.\nDone. Deleted 1 repo(s) and 1 revision(s) for a total of 28.7K.\n", nil, "models--t5-base",
		},
		{"declined", []string{glue1}, false, nil, "Deletion is cancelled. Do nothing.\n", nil, ""},
		{"nothing (or None of the following)", nil, true, nil, "Deletion is cancelled. Do nothing.\n", nil, ""},
		{"ctrl+c at confirm", nil, false, ErrInterrupted, "", ErrInterrupted, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := smallPreset(t)
			var gotSort string
			stub := func(_ *iostreams.IOStreams, cache *scan.Cache, sortKey string) (TUISelection, error) {
				gotSort = sortKey
				if len(cache.Repos) != 6 {
					t.Errorf("TUI got %d repos", len(cache.Repos))
				}
				return TUISelection{Picks: picksOf(cache, c.hashes...), Confirmed: c.confirmed}, c.err
			}
			ios, _, out, _ := iostreams.Test()
			ios.InTTY, ios.OutTTY = true, true
			before := cachetest.Listing(t, dir)
			err := runDeleteCache(&DeleteCacheOptions{IO: ios, Dir: dir, Sort: "size", selectTUI: stub})
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("err = %v, want %v", err, c.wantErr)
			}
			if out.String() != c.wantOut {
				t.Errorf("stdout %q, want %q", out.String(), c.wantOut)
			}
			if gotSort != "size" {
				t.Errorf("sort key %q", gotSort)
			}
			_, err = os.Stat(filepath.Join(dir, c.gone))
			if c.gone != "" && err == nil {
				t.Errorf("%s not deleted", c.gone)
			}
			if c.gone == "" && cachetest.Listing(t, dir) != before {
				t.Error("cache changed")
			}
		})
	}
}

// scriptedInput answers prompts one Read at a time; before the first
// answer it runs edit (the user editing the review file).
type scriptedInput struct {
	answers []string
	edit    func()
}

func (s *scriptedInput) Read(p []byte) (int, error) {
	if s.edit != nil {
		s.edit()
		s.edit = nil
	}
	if len(s.answers) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.answers[0]+"\n")
	s.answers = s.answers[1:]
	return n, nil
}

var filePathRe = regexp.MustCompile(`File to edit: (?:\x1b\[1m)?(\S+?\.txt)`)

// reviewRun runs delete-cache --disable-tui with the given answers; edit
// receives the review file's content and returns the edited one.
func reviewRun(t *testing.T, dir, sortKey string, answers []string, edit func(string) string) (out, errOut string, err error) {
	t.Helper()
	ios, _, outBuf, errBuf := iostreams.Test()
	ios.SetEnv(map[string]string{"TMPDIR": t.TempDir(), "EDITOR": "false"})
	in := &scriptedInput{answers: answers}
	in.edit = func() {
		m := filePathRe.FindStringSubmatch(outBuf.String())
		if m == nil {
			t.Fatalf("no file path in %q", outBuf.String())
		}
		data, err := os.ReadFile(m[1])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(m[1], []byte(edit(string(data))), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ios.In = in
	err = runDeleteCache(&DeleteCacheOptions{IO: ios, Dir: dir, DisableTUI: true, Sort: sortKey})
	return outBuf.String(), errBuf.String(), err
}

// TestDeleteCacheUnknownAndDuplicateHashes: unknown and duplicated lines
// count in "N revisions selected" as upstream; each computation of the
// plan warns about the unknown ones on stderr; the rest is deleted.
func TestDeleteCacheUnknownAndDuplicateHashes(t *testing.T) {
	dir := smallPreset(t)
	const t5base = "23aa4f41cb7c08d4b05c8f327b22bfa0eb8c7ad9"
	const unknown = "0000000000000000000000000000000000000000"
	out, errOut, err := reviewRun(t, dir, "", []string{"n", "y", "y"}, func(s string) string {
		return "\ufeff" + strings.ReplaceAll(s, "\n", "\r\n") + "\r\n" + t5base + "\r\n" + t5base + " # again\r\n" + unknown
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"3 revisions selected counting for 10.1K. Continue ? (y/N) 3 revisions selected counting for 10.1K. Confirm deletion ? (Y/n) Start deletion.\n",
		"Done. Deleted 1 repo(s) and 0 revision(s) for a total of 10.1K.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	warn := "Revision(s) not found - cannot delete them: " + unknown + "\n"
	if errOut != strings.Repeat(warn, 3) {
		t.Errorf("stderr = %q, want the warning 3 times", errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "models--t5-base")); err == nil {
		t.Error("t5-base not deleted")
	}
}

// TestDeleteCacheSortedReviewFile: --sort size lists the largest repo
// first; an unknown sort key is a usage error.
func TestDeleteCacheSortedReviewFile(t *testing.T) {
	dir := smallPreset(t)
	var content string
	out, _, err := reviewRun(t, dir, "size", []string{"y"}, func(s string) string { content = s; return s })
	if err != nil {
		t.Fatal(err)
	}
	var headers []string
	for _, l := range strings.Split(content, "\n") {
		if strings.HasPrefix(l, "# Model ") || strings.HasPrefix(l, "# Dataset ") {
			headers = append(headers, strings.Fields(l)[2])
		}
	}
	want := "bert-base-cased t5-small Jean-Baptiste/camembert-ner google/fleurs glue t5-base"
	if strings.Join(headers, " ") != want {
		t.Errorf("order %v, want %s", headers, want)
	}
	if !strings.HasSuffix(out, "Deletion is cancelled. Do nothing.\n") {
		t.Errorf("stdout %q", out)
	}
	ios, _, _, _ := iostreams.Test()
	err = runDeleteCache(&DeleteCacheOptions{IO: ios, Dir: dir, DisableTUI: true, Sort: "biggest"})
	var ue *UsageError
	if !errors.As(err, &ue) {
		t.Errorf("bad sort key: err = %v, want a usage error", err)
	}
}

// TestDeleteCacheEndOfInput: EOF at a prompt cancels cleanly with exit 1
// and removes the review file.
func TestDeleteCacheEndOfInput(t *testing.T) {
	dir := smallPreset(t)
	before := cachetest.Listing(t, dir)
	var path string
	out, _, err := reviewRun(t, dir, "", []string{"n"}, func(s string) string {
		return s + "\n23aa4f41cb7c08d4b05c8f327b22bfa0eb8c7ad9"
	})
	var ec *ExitCodeError
	if !errors.As(err, &ec) || ec.Code != ExitError || !strings.Contains(ec.Msg, "End of input") {
		t.Fatalf("err = %v", err)
	}
	if m := filePathRe.FindStringSubmatch(out); m != nil {
		path = m[1]
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("review file left")
	}
	if !strings.HasSuffix(out, "1 revisions selected counting for 10.1K. Continue ? (y/N) ") {
		t.Errorf("stdout %q", out)
	}
	if cachetest.Listing(t, dir) != before {
		t.Error("cache changed")
	}
}

// TestReportDeletion: a complete run prints upstream's Done line; an
// incomplete one says so, lists every problem on stderr and exits 1.
func TestReportDeletion(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	if err := reportDeletion(ios, &delete.Result{ReposDeleted: 1, RevisionsDeleted: 3, FreedSize: 29900}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "Done. Deleted 1 repo(s) and 3 revision(s) for a total of 29.9K.\n" || errOut.Len() != 0 {
		t.Errorf("stdout %q stderr %q", out, errOut)
	}
	ios, _, out, errOut = iostreams.Test()
	err := reportDeletion(ios, &delete.Result{
		RevisionsDeleted: 1, FreedSize: 4,
		Failures: []delete.Failure{{Kind: delete.KindBlob, Path: "/c/b", Err: errors.New("remove /c/b: operation not permitted")}},
		Skipped:  []delete.Skip{{Kind: delete.KindBlob, Path: "/outside", Reason: delete.ErrOutsideRepo}},
		Locked:   []string{"/c/models--a--b"},
	})
	var ec *ExitCodeError
	if !errors.As(err, &ec) || ec.Code != ExitError || !strings.Contains(ec.Msg, "1 path(s) could not be deleted") || !strings.Contains(ec.Msg, "models--a--b") {
		t.Fatalf("err = %v", err)
	}
	if out.String() != "Done with errors. Deleted 0 repo(s) and 1 revision(s) for a total of 4.0.\n" {
		t.Errorf("stdout %q", out)
	}
	for _, want := range []string{"Kept blob /outside: path is outside the repo being changed\n", "Couldn't delete blob: remove /c/b: operation not permitted\n"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr %q lacks %q", errOut, want)
		}
	}
}

// TestReportDeletionUnreclaimed: the remains of an earlier run that the
// recovery could not remove are named on stderr, one line each, and the
// deletion asked for still succeeds (exit 0, upstream's Done line).
func TestReportDeletionUnreclaimed(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	err := reportDeletion(ios, &delete.Result{
		ReposDeleted: 1, RevisionsDeleted: 1, FreedSize: 4,
		Unreclaimed: []delete.Failure{
			{Kind: delete.KindTrash, Path: "/c/.locks/t/1-a", Err: errors.New("remove /c/.locks/t/1-a: permission denied")},
			{Kind: delete.KindTrash, Path: "/c/.locks/t/2-b", Err: errors.New("remove /c/.locks/t/2-b: permission denied")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "Done. Deleted 1 repo(s) and 1 revision(s) for a total of 4.0.\n" {
		t.Errorf("stdout %q", out)
	}
	want := "Couldn't delete interrupted deletion: remove /c/.locks/t/1-a: permission denied\n" +
		"Couldn't delete interrupted deletion: remove /c/.locks/t/2-b: permission denied\n"
	if errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
}

// TestDeleteCacheDirIsSymlink: --dir may be a link to the cache; the
// deletion happens in the real folder and the link stays.
func TestDeleteCacheDirIsSymlink(t *testing.T) {
	dir := smallPreset(t)
	link := filepath.Join(t.TempDir(), "hub-link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	out, _, err := reviewRun(t, link, "", []string{"n", "y", "y"}, func(s string) string {
		return s + "\n23aa4f41cb7c08d4b05c8f327b22bfa0eb8c7ad9\n"
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out, "Done. Deleted 1 repo(s) and 0 revision(s) for a total of 10.1K.\n") {
		t.Errorf("stdout %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "models--t5-base")); err == nil {
		t.Error("repo not deleted")
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Error("link to the cache changed")
	}
}

// picksOf picks the revisions of cache with the given hashes, each under
// the repo that holds it, as the checklist does.
func picksOf(cache *scan.Cache, hashes ...string) []scan.Selection {
	var picks []scan.Selection
	for _, r := range cache.Repos {
		s := scan.Selection{Repo: r}
		for _, rev := range r.Revisions {
			if slices.Contains(hashes, rev.Hash) {
				s.Revisions = append(s.Revisions, rev)
			}
		}
		if len(s.Revisions) > 0 {
			picks = append(picks, s)
		}
	}
	return picks
}
