package cli

import (
	"errors"
	"testing"

	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/scan"
)

// TestRunTUINeedsTerminal: without a terminal on both stdin and stdout the
// checklist is not started (upstream crashes there) and the error points to
// --disable-tui.
func TestRunTUINeedsTerminal(t *testing.T) {
	for _, tc := range []struct{ in, out bool }{{false, false}, {true, false}, {false, true}} {
		ios, _, out, _ := iostreams.Test()
		ios.InTTY, ios.OutTTY = tc.in, tc.out
		sel, err := runTUISelection(ios, &scan.Cache{}, "")
		if !errors.Is(err, errNoTerminal) || sel.Confirmed || len(sel.Hashes) != 0 {
			t.Errorf("in=%v out=%v: %+v, %v", tc.in, tc.out, sel, err)
		}
		if out.Len() != 0 {
			t.Errorf("in=%v out=%v: printed %q", tc.in, tc.out, out.String())
		}
	}
}
