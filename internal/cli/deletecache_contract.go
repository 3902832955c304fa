package cli

import (
	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/scan"
)

// TUISelection is what the interactive selection returns.
type TUISelection struct {
	// Picks are the selected revisions, each with the repo it was selected
	// under; the deletion plans exactly these (see delete.PlanSelected), so
	// a commit two repos hold goes only where it was ticked. Empty when
	// nothing was selected ("None of the following" included).
	Picks []scan.Selection
	// Files are single files selected in the file view (revisions not
	// selected themselves); deleted after the revisions.
	Files []delete.FileSelection
	// Confirmed is true when the user validated and confirmed the deletion.
	Confirmed bool
}

// tuiSelector runs the full-screen checklist over the scanned cache in the
// given sort order and returns the user's choice. The command uses runTUI,
// the bubbletea checklist of deletecache_tui.go; tests inject a fixed
// choice through DeleteCacheOptions.selectTUI.
type tuiSelector func(ios *iostreams.IOStreams, cache *scan.Cache, sortKey string) (TUISelection, error)
