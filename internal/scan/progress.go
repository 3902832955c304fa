package scan

import "sync/atomic"

// Progress counts what a running scan has seen so far. The scanner updates
// it (in batches, once per folder) and never prints; a caller may read it
// from another goroutine to show a progress line.
type Progress struct {
	// Files counts the snapshot files seen.
	Files atomic.Int64
	// Bytes sums the sizes of the distinct blobs seen.
	Bytes atomic.Int64
	// Repos counts the repos fully scanned.
	Repos atomic.Int64
}
