package main

import (
	"errors"
	"testing"

	"github.com/creack/pty"
)

// skipIfNoPTY skips t when err says the platform has no Unix pseudo-terminal
// (Windows: creack/pty does not do ConPTY), so a test of terminal behaviour
// says why it did not run instead of failing with "unsupported".
func skipIfNoPTY(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, pty.ErrUnsupported) {
		t.Skipf("needs a pseudo-terminal: %v on this system", err)
	}
}
