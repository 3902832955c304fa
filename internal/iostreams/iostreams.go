// Package iostreams carries the process's standard streams, whether each is
// a terminal, the environment and the clock, so that commands never reach
// for globals and tests can substitute buffers, variables and a fixed time.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"time"

	"golang.org/x/term"
)

// IOStreams is what a command may use to talk to the world.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	InTTY, OutTTY, ErrTTY bool

	// Getenv reads an environment variable ("" when unset).
	Getenv func(string) string
	// LookupEnv reads an environment variable and whether it is set.
	LookupEnv func(string) (string, bool)
	// Now is the clock.
	Now func() time.Time
	// TermSize returns the terminal's width and height (0, 0 when stdout is
	// not a terminal).
	TermSize func() (int, int)
	// NoColor is set by --no-color.
	NoColor bool
	// ProgressAfter is how long a deletion runs before its progress line
	// appears on a terminal's stderr (0: half a second); tests shorten it.
	ProgressAfter time.Duration
}

// System returns the process's real streams.
func System() *IOStreams {
	return &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		InTTY:     term.IsTerminal(int(os.Stdin.Fd())),
		OutTTY:    term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY:    term.IsTerminal(int(os.Stderr.Fd())),
		Getenv:    os.Getenv,
		LookupEnv: os.LookupEnv,
		Now:       time.Now,
		TermSize: func() (int, int) {
			w, h, err := term.GetSize(int(os.Stdout.Fd()))
			if err != nil {
				return 0, 0
			}
			return w, h
		},
	}
}

// Test returns streams backed by buffers, an empty environment (see Env)
// and the real clock.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	env := map[string]string{}
	ios = &IOStreams{
		In: in, Out: out, ErrOut: errOut,
		Now:      time.Now,
		TermSize: func() (int, int) { return 0, 0 },
	}
	ios.SetEnv(env)
	return ios, in, out, errOut
}

// SetEnv makes the streams read their environment from env.
func (s *IOStreams) SetEnv(env map[string]string) {
	s.Getenv = func(k string) string { return env[k] }
	s.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

// ColorDisabled reports whether colour and ANSI codes must be left out:
// NO_COLOR non-empty (as upstream checks it) or --no-color.
func (s *IOStreams) ColorDisabled() bool {
	return s.NoColor || s.Getenv("NO_COLOR") != ""
}

// Columns returns the width to lay tables out in: $COLUMNS when it is a
// positive number, else the terminal's width, else fallback.
func (s *IOStreams) Columns(fallback int) int {
	if c, err := strconv.Atoi(s.Getenv("COLUMNS")); err == nil && c > 0 {
		return c
	}
	if s.OutTTY {
		if w, _ := s.TermSize(); w > 0 {
			return w
		}
	}
	return fallback
}
