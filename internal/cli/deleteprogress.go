package cli

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/scan"
)

// deleteProgress is the progress line of a long deletion on stderr: items
// and bytes done out of the total, and the rate. Like the scan's, it shows
// only on a terminal, only after progressDelay, and is erased at the end;
// stdout is never touched.
type deleteProgress struct {
	ios          *iostreams.IOStreams
	totalItems   int
	totalBytes   int64
	items, bytes atomic.Int64
	start        time.Time
	delay        time.Duration
	stop         chan struct{}
	wg           sync.WaitGroup
	mu           sync.Mutex
	drawn        bool
}

// newDeleteProgress starts the line for a deletion of items things
// freeing bytes; nothing is drawn when stderr is not a terminal.
func newDeleteProgress(ios *iostreams.IOStreams, items int, bytes int64) *deleteProgress {
	p := &deleteProgress{ios: ios, totalItems: items, totalBytes: bytes, start: time.Now(), stop: make(chan struct{})}
	p.delay = ios.ProgressAfter
	if p.delay <= 0 {
		p.delay = defaultProgressDelay
	}
	if !ios.ErrTTY {
		return p
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTimer(p.delay)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.draw()
				t.Reset(progressInterval)
			}
		}
	}()
	return p
}

// add records items removed and bytes freed; safe from any goroutine.
func (p *deleteProgress) add(items int, bytes int64) {
	p.items.Add(int64(items))
	p.bytes.Add(bytes)
}

// line is the text of the progress line.
func (p *deleteProgress) line(elapsed time.Duration) string {
	done := p.bytes.Load()
	s := fmt.Sprintf("Deleting: %s/%s items, %s of %s",
		humanize.Comma(p.items.Load()), humanize.Comma(int64(p.totalItems)),
		humanize.Bytes(uint64(max(done, 0))), humanize.Bytes(uint64(max(p.totalBytes, 0))))
	if secs := elapsed.Seconds(); secs >= 1 {
		s += fmt.Sprintf(" (%s/s)", humanize.Bytes(uint64(float64(max(done, 0))/secs)))
	}
	return s
}

func (p *deleteProgress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.ios.ErrOut, "\r\x1b[K"+p.line(time.Since(p.start)))
	p.drawn = true
}

// done stops the line and erases it when it was drawn.
func (p *deleteProgress) done() {
	if !p.ios.ErrTTY {
		return
	}
	close(p.stop)
	p.wg.Wait()
	if !p.drawn && time.Since(p.start) >= p.delay {
		p.draw() // a long deletion shows its count at least once
	}
	if p.drawn {
		fmt.Fprint(p.ios.ErrOut, "\r\x1b[K")
	}
}

// executeWithProgress runs delete.Execute with a progress line: items are
// the repos and revisions of the plan, bytes its blobs and the repos
// removed whole (their sizes in sizes, by repo folder). onRemove, when
// set, is called for each removed path too.
func executeWithProgress(ios *iostreams.IOStreams, plan *delete.Plan, sizes map[string]int64, onRemove func(delete.Kind, string)) *delete.Result {
	opts, done := progressOptions(ios, plan, sizes, onRemove)
	defer done()
	return delete.Execute(plan, opts)
}

// progressOptions starts the progress line of executeWithProgress and
// returns the options that feed it and the function that ends it.
func progressOptions(ios *iostreams.IOStreams, plan *delete.Plan, sizes map[string]int64, onRemove func(delete.Kind, string)) (delete.ExecOptions, func()) {
	prog := newDeleteProgress(ios, len(plan.Repos)+len(plan.Snapshots), plan.ExpectedFreedSize)
	return delete.ExecOptions{OnRemove: func(kind delete.Kind, path string) {
		switch kind {
		case delete.KindRepo:
			prog.add(1, sizes[path])
		case delete.KindSnapshot:
			prog.add(1, plan.SnapshotFileSizes[path])
		case delete.KindBlob:
			prog.add(0, plan.BlobSizes[path])
		}
		if onRemove != nil {
			onRemove(kind, path)
		}
	}}, prog.done
}

// selectedRepoSizes maps the repo folders of sel to what removing them
// whole frees.
func selectedRepoSizes(plan *delete.Plan, sel []scan.Selection) map[string]int64 {
	sizes := make(map[string]int64, len(sel))
	for _, s := range sel {
		sizes[s.Repo.Path] = delete.SizeInCache(s.Repo, plan.CacheDir)
	}
	return sizes
}

// repoSizes maps the repo folders of c to what removing them whole frees.
func repoSizes(c *scan.Cache) map[string]int64 {
	m := make(map[string]int64, len(c.Repos))
	for _, r := range c.Repos {
		m[r.Path] = delete.SizeInCache(r, c.Path)
	}
	return m
}
