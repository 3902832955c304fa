package cli

import "sync"

// interruptCleanups are run by Main before it exits on an interrupt
// (Ctrl-C, SIGTERM), e.g. to remove a temporary file.
var interruptCleanups struct {
	sync.Mutex
	next int
	fns  map[int]func()
}

// onInterrupt registers fn to run if the process is interrupted; the
// returned function unregisters it.
func onInterrupt(fn func()) (unregister func()) {
	c := &interruptCleanups
	c.Lock()
	defer c.Unlock()
	if c.fns == nil {
		c.fns = map[int]func(){}
	}
	id := c.next
	c.next++
	c.fns[id] = fn
	return func() {
		c.Lock()
		defer c.Unlock()
		delete(c.fns, id)
	}
}

// runInterruptCleanups runs the registered cleanups once.
func runInterruptCleanups() {
	c := &interruptCleanups
	c.Lock()
	fns := c.fns
	c.fns = nil
	c.Unlock()
	for _, fn := range fns {
		fn()
	}
}
