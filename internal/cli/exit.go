// Package cli is hfcache's command layer: the cobra command tree, one file
// per command (an Options struct and a runX(opts) function), and the only
// place that prints to the terminal, reads the environment or decides exit
// codes. Lower packages (scan, delete, render, tui) return data and errors.
package cli

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/hfcache/hfcache/internal/iostreams"
)

// Exit codes shared by every command (docs/exit-codes.md). The drop-in
// commands keep upstream's codes where upstream defines them: scan-cache
// exits 0 for a missing cache directory, delete-cache exits 0 when the user
// cancels.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
	// ExitUnverified: verify found no problem but could check no file
	// (a cache of plain copies without trees/<commit>.json listings).
	ExitUnverified  = 3
	ExitInterrupted = 130 // Ctrl-C / SIGINT (128+2)
	ExitTerminated  = 143 // SIGTERM (128+15)
)

// ExitCodeError ends a command with a given code after its message (if any)
// was printed; Msg, when set, is printed to stderr by Main.
type ExitCodeError struct {
	Code int
	Msg  string
}

func (e *ExitCodeError) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	return fmt.Sprintf("exit status %d", e.Code)
}

// UsageError is a mistake in the command line; it exits with ExitUsage.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func isUsageError(err error) bool {
	var ue *UsageError
	return errors.As(err, &ue)
}

// ErrInterrupted ends a command that the user interrupted.
var ErrInterrupted = errors.New("interrupted")

// Main runs hfcache with the process's arguments and streams and returns
// the exit code.
func Main() int {
	ios := iostreams.System()
	// Ctrl-C (SIGINT) ends the process with 130, SIGTERM with 143. The TUI
	// reads Ctrl-C as a key in raw mode, so it sees it before any signal
	// does. While an editor has the terminal, Ctrl-C belongs to it (as git
	// does): the editor decides, and hfcache goes on when it returns.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		var sig os.Signal
		for sig = range sigs {
			if sig == os.Interrupt && foregroundChildren.Load() > 0 {
				continue
			}
			break
		}
		signal.Stop(sigs)
		runInterruptCleanups()
		if sig == syscall.SIGTERM {
			os.Exit(ExitTerminated)
		}
		os.Exit(ExitInterrupted)
	}()
	return Run(os.Args, ios)
}

// Run executes the command line args (args[0] is the program name) and maps
// the result to an exit code. All error printing happens here.
func Run(args []string, ios *iostreams.IOStreams) int {
	root := NewRootCmd(ios, programName(args[0]))
	root.SetArgs(verboseBeforeCommand(root, rootArgs(args)))
	cmd, err := root.ExecuteC()
	path := root.Name()
	if cmd != nil {
		path = cmd.CommandPath()
	}
	return exitCodeFor(err, ios, path)
}

// exitCodeFor prints err (if any) and returns the exit code it maps to. A
// usage error is followed by a pointer to the --help of cmdPath, the
// command that failed.
func exitCodeFor(err error, ios *iostreams.IOStreams, cmdPath string) int {
	if err == nil {
		return ExitOK
	}
	var ec *ExitCodeError
	if errors.As(err, &ec) {
		if ec.Msg != "" {
			fmt.Fprintln(ios.ErrOut, ec.Msg)
		}
		return ec.Code
	}
	if errors.Is(err, ErrInterrupted) {
		return ExitInterrupted
	}
	var ue *UsageError
	if errors.As(err, &ue) {
		fmt.Fprintf(ios.ErrOut, "Error: %s\nRun '%s --help' for usage.\n", ue.Err, cmdPath)
		return ExitUsage
	}
	fmt.Fprintf(ios.ErrOut, "Error: %s\n", err)
	return ExitError
}

// foregroundChildren counts the programs (the editor) that hfcache has
// handed the terminal to; while it is not zero, Ctrl-C is theirs.
var foregroundChildren atomic.Int32

// handTerminalOver marks a foreground child as running until the returned
// function is called.
func handTerminalOver() (done func()) {
	foregroundChildren.Add(1)
	return func() { foregroundChildren.Add(-1) }
}
