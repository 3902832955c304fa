//go:build unix

package delete

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
)

// TestSharedPayloadLockHeld: while another open file holds the payload's
// lock (huggingface_hub publishing or linking it), the payload is kept.
func TestSharedPayloadLockHeld(t *testing.T) {
	t.Parallel()
	dir := sharedCache(t, sharedOpts{})
	payload := filepath.Join(dir, filepath.FromSlash(cachetest.SharedPayloadPath(hashQ)))
	f, err := os.OpenFile(payload+".lock", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	res := Execute(PlanRevisions(mustScan(t, dir), []string{revA2}), ExecOptions{sharedLockWait: 200 * time.Millisecond})
	if !exists(payload) {
		t.Fatal("payload removed while its lock was held")
	}
	found := false
	for _, s := range res.Skipped {
		if s.Path == payload && errors.Is(s.Reason, ErrSharedBusy) {
			found = true
		}
	}
	if !found {
		t.Errorf("no ErrSharedBusy skip for the payload: %+v", res.Skipped)
	}
	if exists(filepath.Join(dir, repoA, "blobs", etagQ)) {
		t.Error("the repo-level link stayed")
	}
}
