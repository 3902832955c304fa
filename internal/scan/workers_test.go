package scan

import (
	"runtime"
	"testing"
)

// TestDefaultWorkers: the pool is sized for I/O (minIOWorkers folders in
// flight) on small machines, and from the CPUs on large ones.
func TestDefaultWorkers(t *testing.T) {
	tests := []struct {
		procs, want int
	}{
		{1, minIOWorkers},
		{2, minIOWorkers},
		{8, minIOWorkers},
		{16, 64},
	}
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	for _, tt := range tests {
		runtime.GOMAXPROCS(tt.procs)
		if got := defaultWorkers(); got != tt.want {
			t.Errorf("GOMAXPROCS=%d: defaultWorkers() = %d, want %d", tt.procs, got, tt.want)
		}
	}
}
