//go:build !unix

package main

import (
	"fmt"
	"os"
)

func holdLock() {
	fmt.Fprintln(os.Stderr, "holdlock: flock is not available on this platform")
	os.Exit(1)
}
