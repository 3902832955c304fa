package delete

import (
	"sync"
	"testing"
)

// TestConcurrentExecutors (attack 7): two runs deleting the same
// revisions of one cache at once both succeed: a path the other run
// already removed is not a failure, and the end state is the one either
// run alone leaves.
func TestConcurrentExecutors(t *testing.T) {
	t.Parallel()
	for round := 0; round < 5; round++ {
		dir := buildPreset(t, "small")
		c := mustScan(t, dir)
		var hashes []string
		for _, repo := range c.Repos {
			for i, rev := range repo.Revisions {
				if i%2 == 0 {
					hashes = append(hashes, rev.Hash)
				}
			}
		}
		var wg sync.WaitGroup
		results := make([]*Result, 2)
		for i := range results {
			plan := PlanRevisions(c, hashes)
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = Execute(plan, ExecOptions{})
			}()
		}
		wg.Wait()
		for i, res := range results {
			if !res.OK() {
				t.Fatalf("round %d, run %d failed: %v, locked %v", round, i, res.Failures, res.Locked)
			}
		}
		after := mustScan(t, dir)
		for _, repo := range after.Repos {
			for _, rev := range repo.Revisions {
				for _, h := range hashes {
					if rev.Hash == h {
						t.Fatalf("round %d: revision %s of %s left", round, h, repo.Path)
					}
				}
			}
		}
		if got, want := warningMsgs(after), warningMsgs(c); len(got) != len(want) {
			t.Fatalf("round %d: cache not valid after: %v", round, got)
		}
	}
}
