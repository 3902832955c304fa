package delete

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hfcache/hfcache/internal/scan"
)

// Deleting revisions whose files live in the cross-repo shared blob store
// (see scan/shared.go). A repo's blobs/<etag> entry is then a link to
// <cache>/blobs/<xx>/<hash>: deleting a revision removes the repo-level
// link (inside the repo, like any blob), never the payload while anything
// references it. A payload goes only when, holding its <hash>.lock (the
// lock huggingface_hub takes to publish, reference and collect it):
//   - the store is marked (.huggingface-shared-blobs);
//   - its <hash>.refs manifest exists and is readable, and none of the
//     links it lists still points to the payload (a missing or unreadable
//     manifest keeps the payload, as upstream does);
//   - no link in any repo's blobs/ folder points to it, listed in the
//     manifest or not (hfcache's own check: hand-made links count too);
//   - no kept revision of the scanned cache uses it (Plan.SharedInUse).
// Then the payload and its manifest are removed; the lock file stays, as
// upstream leaves it.

// Reasons a shared payload was kept although the deletion no longer
// needs it.
var (
	ErrNotSharedStore = errors.New("the cache's blobs/ folder is not a marked shared blob store")
	ErrNoManifest     = errors.New("its reference manifest is missing or unreadable")
	ErrSharedBusy     = errors.New("its lock is held by another process (huggingface_hub adding a reference?)")
)

// errReferenced says a payload is still referenced: the normal case of a
// payload another repo uses, not reported.
var errReferenced = errors.New("still referenced")

// addShared records a shared payload that the deleted revisions use.
func (p *Plan) addShared(b scan.Blob) {
	if p.SharedPayloads == nil {
		p.SharedPayloads = map[string]int64{}
	}
	p.SharedPayloads[b.Path] = b.Size
}

// addSharedOf records the shared payloads of a repo deleted whole and
// returns the sum of their sizes (part of the repo's Size).
func (p *Plan) addSharedOf(repo *scan.Repo) int64 {
	var n int64
	for _, b := range repo.Blobs {
		if scan.IsSharedPayload(p.CacheDir, b.Path) {
			p.addShared(b)
			n += b.Size
		}
	}
	return n
}

// SettleShared decides, against the whole scanned cache c, which shared
// payloads of the plan a kept revision still uses (SharedInUse) and counts
// the others once in ExpectedFreedSize. PlanRevisions and PlanSelected
// call it; a plan assembled by hand must call it before Execute.
func (p *Plan) SettleShared(c *scan.Cache) {
	p.ExpectedFreedSize -= p.SharedFreedSize
	p.SharedFreedSize = 0
	p.SharedInUse = nil
	if len(p.SharedPayloads) == 0 {
		return
	}
	deleted := map[string]map[string]bool{}
	for _, t := range p.Targets {
		if deleted[t.RepoPath] == nil {
			deleted[t.RepoPath] = map[string]bool{}
		}
		for _, h := range t.Hashes {
			deleted[t.RepoPath][h] = true
		}
	}
	inUse := map[string]bool{}
	for _, repo := range c.Repos {
		for _, rev := range repo.Revisions {
			if deleted[repo.Path][rev.Hash] {
				continue
			}
			for _, id := range rev.BlobIDs {
				if b := repo.Blobs[id].Path; hasKey(p.SharedPayloads, b) {
					inUse[b] = true
				}
			}
		}
	}
	for b, size := range p.SharedPayloads {
		if inUse[b] {
			p.SharedInUse = append(p.SharedInUse, b)
			continue
		}
		p.SharedFreedSize += size
	}
	sort.Strings(p.SharedInUse)
	p.ExpectedFreedSize += p.SharedFreedSize
}

func hasKey(m map[string]int64, k string) bool { _, ok := m[k]; return ok }

func (p *Plan) sharedInUse(payload string) bool {
	i := sort.SearchStrings(p.SharedInUse, payload)
	return i < len(p.SharedInUse) && p.SharedInUse[i] == payload
}

// unlinkShared removes the links of repoPath's blobs/ folder to the given
// payloads (no kept revision of the repo uses them) and records the
// payloads for collection.
func (ex *executor) unlinkShared(repoPath string, payloads map[string]int64) {
	if len(payloads) == 0 {
		return
	}
	links := scan.SharedLinks(ex.cacheDir, repoPath)
	names := make([]string, 0, len(payloads))
	for p := range payloads {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, payload := range names {
		for _, link := range links[payload] {
			if err := ex.removeFile(filepath.Join(repoPath, "blobs"), link); err != nil {
				ex.fail(KindBlob, link, err)
				continue
			}
			ex.removed(KindBlob, link)
		}
		ex.addSharedCandidate(payload)
	}
}

func (ex *executor) addSharedCandidate(payload string) {
	if ex.shared == nil {
		ex.shared = map[string]bool{}
	}
	ex.shared[payload] = true
}

// collectShared removes the candidate payloads nothing references any
// more. It runs after every repo of the plan was changed.
func (ex *executor) collectShared() {
	if len(ex.shared) == 0 {
		return
	}
	payloads := make([]string, 0, len(ex.shared))
	for p := range ex.shared {
		payloads = append(payloads, p)
	}
	sort.Strings(payloads)
	if !scan.IsSharedStore(ex.cacheDir) {
		for _, p := range payloads {
			ex.skip(KindBlob, p, ErrNotSharedStore)
		}
		return
	}
	census := scan.SharedLinkCensus(ex.cacheDir)
	for _, payload := range payloads {
		if ex.plan != nil && ex.plan.sharedInUse(payload) || census[payload] > 0 {
			continue
		}
		size, err := ex.collectPayload(payload)
		switch {
		case errors.Is(err, errReferenced):
		case errors.Is(err, ErrNoManifest), errors.Is(err, ErrSharedBusy), errors.Is(err, ErrLinkedParent):
			ex.skip(KindBlob, payload, err)
		case err != nil:
			ex.fail(KindBlob, payload, err)
		case size >= 0:
			ex.res.FreedSize += size
			ex.removed(KindBlob, payload)
		}
	}
}

// defaultSharedLockWait bounds the wait for a payload's lock
// (huggingface_hub holds it only while it publishes or links one file).
const defaultSharedLockWait = 10 * time.Second

// collectPayload removes payload and its manifest when, under the
// payload's lock, the manifest lists no live reference. It returns the
// bytes freed (-1 when the payload was already gone). The payload's
// folder is pinned: the lock, the manifest and the payload are reached
// through its handle.
func (ex *executor) collectPayload(payload string) (int64, error) {
	cacheDir := ex.cacheDir
	if !scan.IsSharedPayload(cacheDir, payload) {
		return 0, ErrOutsideCache
	}
	wait := ex.opts.sharedLockWait
	if wait == 0 {
		wait = defaultSharedLockWait
	}
	h, err := ex.pins()
	if err != nil {
		return 0, fmt.Errorf("collect %s: %w", payload, err)
	}
	prefix, err := h.dir(filepath.Dir(payload))
	if errors.Is(err, ErrLinkedParent) {
		return 0, fmt.Errorf("collect %s: %w", payload, ErrLinkedParent)
	}
	if err != nil {
		return 0, fmt.Errorf("collect %s: %w", payload, err)
	}
	name := filepath.Base(payload)
	lockName := name + ".lock"
	if st, err := prefix.root.Lstat(lockName); err == nil && !st.Mode().IsRegular() {
		return 0, fmt.Errorf("collect %s: lock %s is not a regular file: %w", payload, payload+".lock", ErrSharedBusy)
	}
	lock, err := prefix.root.OpenFile(lockName, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return 0, fmt.Errorf("collect %s: %w: %w", payload, ErrSharedBusy, err)
	}
	defer func() { _ = lock.Close() }()
	deadline := time.Now().Add(wait)
	for {
		err := tryLockFile(lock)
		if err == nil {
			break
		}
		if !errors.Is(err, errWouldBlock) || time.Now().After(deadline) {
			return 0, ErrSharedBusy
		}
		time.Sleep(50 * time.Millisecond)
	}
	manifest := name + ".refs"
	st, err := prefix.root.Lstat(manifest)
	if err != nil || !st.Mode().IsRegular() {
		return 0, ErrNoManifest
	}
	data, err := prefix.root.ReadFile(manifest)
	if err != nil {
		return 0, ErrNoManifest
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || filepath.IsAbs(line) || strings.Contains(line, "..") {
			continue
		}
		ref := filepath.Join(cacheDir, filepath.FromSlash(line))
		if scan.LinkTarget(ref) == payload {
			return 0, errReferenced
		}
	}
	pst, err := prefix.root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		_ = prefix.removeFile(manifest)
		return -1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("collect %s: %w", payload, err)
	}
	if !pst.Mode().IsRegular() {
		return 0, fmt.Errorf("collect %s: not a regular file", payload)
	}
	if err := prefix.removeFile(name); err != nil {
		return 0, err
	}
	_ = prefix.removeFile(manifest)
	return pst.Size(), nil
}

// wholeRepoShared removes a repo folder whole (see wholeRepo) and records
// the shared payloads it referenced, through its links or its snapshots,
// for collection. The payloads' sizes are not counted as freed here.
func (ex *executor) wholeRepoShared(repoDir *pinnedDir, fresh *scan.Repo) {
	repoPath := repoDir.path
	payloads := map[string]bool{}
	for payload := range scan.SharedLinks(ex.cacheDir, repoPath) {
		payloads[payload] = true
	}
	size := SizeInCache(fresh, ex.cacheDir)
	for _, b := range fresh.Blobs {
		if scan.IsSharedPayload(ex.cacheDir, b.Path) {
			payloads[b.Path] = true
			size -= b.Size
		}
	}
	before := ex.res.ReposDeleted
	ex.wholeRepo(repoDir, size)
	if ex.res.ReposDeleted > before {
		for payload := range payloads {
			ex.addSharedCandidate(payload)
		}
	}
}

// CollectShared removes payloads of the shared blob store of the scanned
// cache c that nothing references any more (store-only payloads, left by
// a tool that deleted their repos without collecting them), with the same
// checks as after a deletion: the store's marker, the payload's lock and
// manifest, every repo's links, and every revision of c.
func CollectShared(c *scan.Cache, payloads []string, opts ExecOptions) *Result {
	res := &Result{}
	ex := &executor{cacheDir: filepath.Clean(c.Path), opts: opts, res: res, plan: &Plan{CacheDir: c.Path}}
	defer ex.close()
	used := scan.UsedBlobs(c.Repos...)
	for _, p := range payloads {
		p = filepath.Clean(p)
		switch {
		case !scan.IsSharedPayload(ex.cacheDir, p):
			ex.skip(KindBlob, p, ErrOutsideCache)
		case used[p]:
			ex.skip(KindBlob, p, ErrInUse)
		default:
			ex.addSharedCandidate(p)
		}
	}
	ex.collectShared()
	return res
}
