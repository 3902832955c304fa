package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/scan"
)

// TestRunTUINeedsTerminal: without a terminal on both stdin and stdout the
// checklist is not started (upstream crashes there), nothing is printed on
// stdout, and the error (exit 1) points to --disable-tui and --plain.
func TestRunTUINeedsTerminal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, out bool }{{false, false}, {true, false}, {false, true}} {
		ios, _, out, _ := iostreams.Test()
		ios.InTTY, ios.OutTTY = tc.in, tc.out
		started := false
		stub := func(*iostreams.IOStreams, *scan.Cache, string) (TUISelection, error) {
			started = true
			return TUISelection{}, nil
		}
		d := &deleteSession{ios: ios, cache: &scan.Cache{Repos: []*scan.Repo{{Revisions: []*scan.Revision{{}}}}}, selectTUI: stub}
		err := d.runTUI("")
		var exit *ExitCodeError
		if !errors.As(err, &exit) || exit.Code != ExitError || !strings.Contains(exit.Msg, "--disable-tui") || !strings.Contains(exit.Msg, "--plain") {
			t.Errorf("in=%v out=%v: %v", tc.in, tc.out, err)
		}
		if started {
			t.Errorf("in=%v out=%v: the checklist was started", tc.in, tc.out)
		}
		if out.Len() != 0 {
			t.Errorf("in=%v out=%v: printed %q", tc.in, tc.out, out.String())
		}
	}
}

// TestDeleteCacheEmptyCache: on a cache without revisions the checklist
// does not open (upstream showed an empty full-screen list); hfcache says
// there is nothing to delete and exits 0, terminal or not.
func TestDeleteCacheEmptyCache(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tty := range []bool{true, false} {
		ios, _, out, _ := iostreams.Test()
		ios.InTTY, ios.OutTTY = tty, tty
		started := false
		stub := func(*iostreams.IOStreams, *scan.Cache, string) (TUISelection, error) {
			started = true
			return TUISelection{}, nil
		}
		err := runDeleteCache(&DeleteCacheOptions{IO: ios, Dir: dir, selectTUI: stub})
		if err != nil || started {
			t.Errorf("tty=%v: err %v, checklist started %v", tty, err, started)
		}
		if want := "No revisions in the cache " + dir + ". Nothing to delete.\n"; out.String() != want {
			t.Errorf("tty=%v: stdout %q, want %q", tty, out.String(), want)
		}
	}
}
