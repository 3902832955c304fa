package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
)

// TUIDriverMain is a minimal stand-in for `hfcache delete-cache` (TUI mode)
// used by the tui branch's end-to-end tests and manual tries before the
// real command is merged: scan --dir, run the checklist, then print
// upstream's closing lines and execute the plan. It is not wired into the
// command tree; delete it once delete-cache calls runTUISelection.
func TUIDriverMain() int {
	ios := iostreams.System()
	fs := flag.NewFlagSet("hfcache-tui-driver", flag.ContinueOnError)
	dir := fs.String("dir", "", "cache directory")
	sortKey := fs.String("sort", "", "sort key")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return ExitUsage
	}
	cache, err := scan.Dir(*dir, scan.Options{})
	if err != nil {
		fmt.Fprintln(ios.ErrOut, err)
		return ExitError
	}
	sel, err := runTUISelection(ios, cache, *sortKey)
	if err != nil {
		return exitCode(err, ios)
	}
	if !sel.Confirmed || len(sel.Hashes) == 0 {
		fmt.Fprintln(ios.Out, "Deletion is cancelled. Do nothing.")
		return ExitOK
	}
	plan := delete.PlanRevisions(cache, sel.Hashes)
	fmt.Fprintln(ios.Out, "Start deletion.")
	res := delete.Execute(plan, delete.ExecOptions{})
	fmt.Fprintf(ios.Out, "Done. Deleted %d repo(s) and %d revision(s) for a total of %s.\n",
		len(plan.Repos), len(plan.Snapshots), render.Size(plan.ExpectedFreedSize))
	if !res.OK() {
		return exitCode(errors.New("some paths could not be removed"), ios)
	}
	return ExitOK
}
