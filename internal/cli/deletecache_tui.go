package cli

import (
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/scan"
	"github.com/hfcache/hfcache/internal/tui"
)

// runTUI runs the checklist of internal/tui on the terminal, then the
// "Confirm deletion ?" step. What stays on the terminal afterwards is what
// upstream prints before "Start deletion.":
//
//	? Select revisions to delete: 2 revision(s) selected.
//	? 2 revisions selected counting for 116.3K. Confirm deletion ? Yes
//
// (the checklist itself is drawn on the alternate screen and vanishes). It
// never prints "Deletion is cancelled. Do nothing.": the caller does, for
// every result that is not Confirmed, as upstream's run() does after both
// its TUI and its --disable-tui review. ctrl+c at the confirmation returns
// ErrInterrupted (upstream exits 130 there); ctrl+c or esc in the checklist
// returns an empty, unconfirmed selection (upstream exits 0). The caller
// (deleteSession.runTUI) has checked that stdin and stdout are terminals.
func runTUI(ios *iostreams.IOStreams, cache *scan.Cache, sortKey string) (TUISelection, error) {
	w, h := ios.TermSize()
	model := tui.New(cache, tui.Options{
		SortKey:          sortKey,
		Now:              ios.Now(),
		NoColor:          ios.ColorDisabled(),
		DetectBackground: true,
		AltScreen:        true,
		Width:            w,
		Height:           h,
	})
	opts := []tea.ProgramOption{
		tea.WithInput(ios.In),
		tea.WithOutput(ios.Out),
		tea.WithEnvironment(teaEnv(ios)),
	}
	if ios.ColorDisabled() {
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	}
	prog := tea.NewProgram(model, opts...)
	// An external SIGINT/SIGTERM ends the process from Main: give the
	// terminal back (main screen, cooked mode) before that happens.
	unregister := onInterrupt(func() { _ = prog.ReleaseTerminal() })
	_, err := prog.Run()
	unregister()
	if err != nil {
		if errors.Is(err, tea.ErrInterrupted) || errors.Is(err, tea.ErrProgramKilled) {
			return TUISelection{}, ErrInterrupted
		}
		return TUISelection{}, fmt.Errorf("interactive selection: %w", err)
	}
	res := model.Result()
	switch res.Outcome {
	case tui.Confirmed:
		return TUISelection{Picks: res.Picks, Files: res.Files, Confirmed: true}, nil
	case tui.Declined:
		return TUISelection{Picks: res.Picks}, nil
	case tui.Interrupted:
		return TUISelection{Picks: res.Picks}, ErrInterrupted
	}
	return TUISelection{}, nil
}

// teaEnv is the part of the environment bubbletea looks at (terminal type
// and colour support), read through the streams.
func teaEnv(ios *iostreams.IOStreams) []string {
	var env []string
	for _, k := range []string{
		"TERM", "COLORTERM", "TERM_PROGRAM", "TERMINFO", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE",
		"COLUMNS", "LINES", "TMUX", "SSH_TTY", "WT_SESSION", "LANG", "LC_ALL", "LC_CTYPE",
	} {
		if v, ok := ios.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}
