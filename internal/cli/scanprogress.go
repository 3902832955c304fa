package cli

import (
	"fmt"
	"sync"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
)

// Progress line timing: nothing is shown for scans shorter than
// defaultProgressDelay, then the line is refreshed every progressInterval.
const (
	defaultProgressDelay = 500 * time.Millisecond
	progressInterval     = 100 * time.Millisecond
)

// scanDir runs scan.Dir and, when stderr is a terminal and the scan lasts
// longer than delay (0: defaultProgressDelay), keeps a progress line on
// stderr (files seen, bytes), erased before returning. Stdout is never
// touched and nothing is shown when stderr is a pipe or a file.
func scanDir(ios *iostreams.IOStreams, dir string, opts scan.Options, delay time.Duration) (*scan.Cache, error) {
	if !ios.ErrTTY {
		return scan.Dir(dir, opts)
	}
	if delay <= 0 {
		delay = defaultProgressDelay
	}
	p := &scan.Progress{}
	opts.Progress = p
	stop := showProgress(ios, p, delay)
	defer stop()
	return scan.Dir(dir, opts)
}

// progressLine is the text of the progress line: hfcache's own words, so
// counts and rates are go-humanize's ("12,345 files", "8,210 files/s");
// the size is written as the tables write sizes.
func progressLine(files, bytes int64, elapsed time.Duration) string {
	line := fmt.Sprintf("Scanning cache: %s files, %s", humanize.Comma(files), render.Size(bytes))
	if secs := elapsed.Seconds(); secs >= 0.1 {
		line += fmt.Sprintf(" (%s files/s)", humanize.Comma(int64(float64(files)/secs)))
	}
	return line
}

// showProgress starts the progress line after progressDelay; the returned
// func stops it and erases the line if one was drawn.
func showProgress(ios *iostreams.IOStreams, p *scan.Progress, progressDelay time.Duration) func() {
	start := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	drawn := false
	draw := func() {
		fmt.Fprint(ios.ErrOut, "\r\x1b[K"+progressLine(p.Files.Load(), p.Bytes.Load(), time.Since(start)))
		drawn = true
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTimer(progressDelay)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				draw()
				t.Reset(progressInterval)
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		if !drawn && time.Since(start) >= progressDelay {
			draw() // a long scan shows its count at least once
		}
		if drawn {
			fmt.Fprint(ios.ErrOut, "\r\x1b[K")
		}
	}
}
