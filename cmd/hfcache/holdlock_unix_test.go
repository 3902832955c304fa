//go:build unix

package main

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// holdLock is the "holdlock FILE" helper command: it takes an exclusive
// flock on FILE the way huggingface_hub's filelock does (creating it),
// prints "locked", and keeps the lock until its stdin is closed.
func holdLock() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: holdlock FILE")
		os.Exit(2)
	}
	f, err := os.OpenFile(os.Args[1], os.O_RDWR|os.O_CREATE, 0o664)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		fmt.Fprintln(os.Stderr, "flock:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}
