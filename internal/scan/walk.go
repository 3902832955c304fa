package scan

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hfcache/hfcache/internal/pycompat"
)

// How the scan works (see docs/PERFORMANCE.md for the figures):
//
//  1. prepare, one task per repo folder: the checks of upstream's
//     _scan_cached_repo that come before the files (folder name, snapshots/,
//     refs/), and the list of snapshot folders.
//  2. walk, one task per revision of every repo, by the same bounded pool:
//     the snapshot folder is read with directory handles (openat, getdents,
//     readlinkat and fstatat relative to the folder on Linux), its entries
//     in inode order. The pool is sized for I/O, not CPUs (defaultWorkers):
//     on a cold cache every readlinkat and fstatat waits for the disk.
//     When the pool has idle places (fewer revisions left than workers), a
//     large folder's links are read by several goroutines (prefetch). A link whose
//     target is exactly ../(../)*blobs/<etag> inside a real repo folder is
//     the blob <repo>/blobs/<etag> without resolving anything: the target
//     names it, one fstatat per distinct blob gives its stat. Everything
//     else (absolute links, links out of the repo, links to folders,
//     symlinked repo or revision folders) takes the general path, which
//     resolves like Python's Path.resolve.
//  3. finish, by whoever walked the last revision of a repo: aggregates,
//     refs, the blob list (sorted by path) unless Options.Summary.
//
// No allocation is made per file on the common path: names stay in the
// directory buffer, link targets in a per-worker buffer, and the blob
// index is looked up with the target bytes.

// kinds of directory entries.
const (
	kindUnknown byte = iota
	kindReg
	kindDir
	kindLink
	kindOther
)

// fileStat is what the scanner needs of a stat.
type fileStat struct {
	kind         byte
	size         int64
	atime, mtime int64 // Unix nanoseconds
}

// unixNanos is sec seconds and nsec nanoseconds after the Unix epoch in
// nanoseconds, saturated to the int64 range (years 1678 to 2262) instead of
// wrapping around: a blob dated in the year 3000 stays in the future ("a few
// seconds ago", as upstream says) rather than becoming a date in 1800.
func unixNanos(sec, nsec int64) int64 {
	const maxSec = math.MaxInt64/1_000_000_000 - 1
	switch {
	case sec > maxSec:
		return math.MaxInt64
	case sec < -maxSec:
		return math.MinInt64
	}
	return sec*1e9 + nsec
}

func timeNanos(t time.Time) int64 { return unixNanos(t.Unix(), int64(t.Nanosecond())) }

// statOf converts an os stat.
func statOf(st os.FileInfo) fileStat {
	fs := fileStat{kind: kindOther, size: st.Size(), atime: timeNanos(atime(st)), mtime: timeNanos(st.ModTime())}
	switch m := st.Mode(); {
	case m.IsRegular():
		fs.kind = kindReg
	case m.IsDir():
		fs.kind = kindDir
	case m&os.ModeSymlink != 0:
		fs.kind = kindLink
	}
	return fs
}

// blobInfo is one distinct blob of a repo.
type blobInfo struct {
	size, atime, mtime int64
}

// hexKey is an etag of 40 (git sha1) or 64 (LFS sha256) lower-case hex
// digits, decoded: the common blob names need no string to be indexed.
type hexKey struct {
	b [32]byte
	n uint8
}

func parseHexKey(s []byte) (hexKey, bool) {
	var k hexKey
	if len(s) != 40 && len(s) != 64 {
		return k, false
	}
	for i := 0; i+1 < len(s); i += 2 {
		hi, lo := unhex[s[i]], unhex[s[i+1]]
		if hi|lo > 0xf {
			return k, false
		}
		k.b[i/2] = hi<<4 | lo
	}
	k.n = uint8(len(s) / 2)
	return k, true
}

// unhex maps '0'-'9' and 'a'-'f' to their value, every other byte to 0xff.
var unhex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c - 'a' + 10)
	}
	return t
}()

// blobTable indexes the distinct blobs of a repo: by etag for the files
// of <repo>/blobs, by resolved path for the others. Tables are recycled
// between repos so that their maps do not grow again for every repo.
type blobTable struct {
	hex   map[hexKey]int32 // hex etags in blobs/
	etags map[string]int32 // other names in blobs/
	paths map[string]int32 // resolved paths elsewhere
	blobs []blobInfo
}

var tables = sync.Pool{New: func() any {
	return &blobTable{hex: map[hexKey]int32{}, etags: map[string]int32{}, paths: map[string]int32{}}
}}

func (t *blobTable) release() {
	clear(t.hex)
	clear(t.etags)
	clear(t.paths)
	t.blobs = t.blobs[:0]
	tables.Put(t)
}

// blobKey says where a blob is indexed.
type blobKey struct {
	hex    hexKey
	isHex  bool   // hex etag in blobs/
	name   []byte // etag in blobs/ (inBlob) or resolved path
	inBlob bool
}

func etagKey(etag []byte) blobKey {
	if k, ok := parseHexKey(etag); ok {
		return blobKey{hex: k, isHex: true}
	}
	return blobKey{name: etag, inBlob: true}
}

func (t *blobTable) get(k *blobKey) (int32, bool) {
	var id int32
	var ok bool
	switch {
	case k.isHex:
		id, ok = t.hex[k.hex]
	case k.inBlob:
		id, ok = t.etags[string(k.name)]
	default:
		id, ok = t.paths[string(k.name)]
	}
	return id, ok
}

func (t *blobTable) put(k *blobKey, id int32) {
	switch {
	case k.isHex:
		t.hex[k.hex] = id
	case k.inBlob:
		t.etags[string(k.name)] = id
	default:
		t.paths[string(k.name)] = id
	}
}

// blobRef is what a revision needs of a blob.
type blobRef struct {
	id          int32
	size, mtime int64
}

// repoScan is the state of one repo scan, shared by its revisions' walks.
type repoScan struct {
	opts               Options
	repo               *Repo
	dirATime, dirMTime time.Time
	refsByHash         map[string][]string
	revs               []*revScan
	err                *CorruptedError
	// blobsDir is <repo>/blobs when the repo folder is its own real path
	// and blobs/ a real folder: links into it are keyed by etag.
	blobsDir string
	pending  atomic.Int32
	index    *indexRun // nil without Options.Index

	mu  sync.Mutex
	tab *blobTable
}

// revScan is the walk of one snapshot folder.
type revScan struct {
	rs  *repoScan
	rev *Revision
	// real: the snapshot folder and its parents are real folders, so that
	// paths built below it are real paths and ".." means the parent.
	real  bool
	err   *CorruptedError
	memo  *revMemo // the scan index of the folder, during its walk
	seen  []uint64 // bit set of the blob ids used
	nb    int
	size  int64
	mtime int64
	files []File
}

// table returns the blob table, taken from the pool when the repo's first
// walk needs it (not before: only the repos being walked hold one).
// Callers hold rs.mu or run alone.
func (rs *repoScan) table() *blobTable {
	if rs.tab == nil {
		rs.tab = tables.Get().(*blobTable)
	}
	return rs.tab
}

func (rs *repoScan) lookup(k *blobKey) (blobRef, bool) {
	rs.mu.Lock()
	id, ok := rs.table().get(k)
	var r blobRef
	if ok {
		b := &rs.tab.blobs[id]
		r = blobRef{id: id, size: b.size, mtime: b.mtime}
	}
	rs.mu.Unlock()
	return r, ok
}

// add records a blob unless a concurrent walk did it first.
func (rs *repoScan) add(k *blobKey, st *fileStat) blobRef {
	rs.mu.Lock()
	t := rs.table()
	id, ok := t.get(k)
	if !ok {
		id = int32(len(t.blobs))
		t.put(k, id)
		t.blobs = append(t.blobs, blobInfo{size: st.size, atime: st.atime, mtime: st.mtime})
	}
	b := &t.blobs[id]
	r := blobRef{id: id, size: b.size, mtime: b.mtime}
	rs.mu.Unlock()
	if !ok && rs.opts.Progress != nil {
		rs.opts.Progress.Bytes.Add(st.size)
	}
	return r
}

func (rv *revScan) addFile(b blobRef, prefix string, name []byte) {
	rv.nb++
	w, bit := int(b.id>>6), uint64(1)<<(uint(b.id)&63)
	for w >= len(rv.seen) {
		rv.seen = append(rv.seen, 0)
	}
	if rv.seen[w]&bit == 0 {
		rv.seen[w] |= bit
		rv.size += b.size
		rv.mtime = max(rv.mtime, b.mtime)
	}
	if rv.rs.opts.Files {
		rv.files = append(rv.files, File{Name: prefix + string(name), Blob: b.id})
	}
}

// minIOWorkers is the least number of folders read at once, whatever the
// number of CPUs. A cold scan is metadata reads (a link's target block, a
// blob's inode) that block in the kernel, not CPU work: dozens in flight
// cost a few idle threads and let a device or a network filesystem serve
// them in parallel. docs/PERFORMANCE.md ("Cold cache") has the figures.
const minIOWorkers = 32

// defaultWorkers is the size of the pool when Options.Workers is 0: I/O
// concurrency (minIOWorkers), or 4 per CPU on machines with more than 8.
func defaultWorkers() int {
	return max(minIOWorkers, 4*runtime.GOMAXPROCS(0))
}

// scanRepos scans repo folders with one bounded pool; the result has one
// repoScan per path, with repo or err set. index, when not nil, is the scan
// index of their cache folder.
func scanRepos(paths, names []string, opts Options, index *indexRun) []*repoScan {
	workers := opts.Workers
	if workers <= 0 {
		workers = defaultWorkers()
	}
	scans := make([]*repoScan, len(paths))
	runPool(workers, len(paths), func(_ *walker, i int) {
		rs := prepare(paths[i], names[i], opts)
		rs.index = index
		if rs.err == nil && len(rs.revs) == 0 {
			rs.finish()
		}
		scans[i] = rs
	})
	var revs []*revScan
	for _, rs := range scans {
		if rs.err == nil && len(rs.revs) > 0 {
			rs.pending.Store(int32(len(rs.revs)))
			revs = append(revs, rs.revs...)
		}
	}
	runPool(workers, len(revs), func(w *walker, i int) {
		rv := revs[i]
		w.walkRev(rv)
		if rv.rs.pending.Add(-1) == 0 {
			rv.rs.finish()
		}
	})
	return scans
}

// spare counts the places of a pool that have no task: workers never
// started (fewer tasks than workers) or done with the tasks. A walker
// with a large folder borrows them to read the folder's links in parallel
// (prefetch), so that one huge revision, or the last revisions of a scan,
// still has reads in flight.
type spare struct{ n atomic.Int64 }

// take borrows up to most places; the caller gives them back.
func (s *spare) take(most int) int {
	if s == nil {
		return 0
	}
	for {
		c := s.n.Load()
		if c <= 0 {
			return 0
		}
		k := min(c, int64(most))
		if s.n.CompareAndSwap(c, c-k) {
			return int(k)
		}
	}
}

func (s *spare) give(k int) {
	if s != nil && k > 0 {
		s.n.Add(int64(k))
	}
}

// runPool runs task(0..n-1) on at most workers goroutines, each with its
// own walker; the places without a task are lent to walkers (spare).
func runPool(workers, n int, task func(w *walker, i int)) {
	started := min(workers, n)
	sp := &spare{}
	sp.n.Store(int64(max(workers-started, 0)))
	if started <= 1 {
		w := &walker{spare: sp}
		for i := 0; i < n; i++ {
			task(w, i)
		}
		w.closeBlobs()
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < started; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &walker{spare: sp}
			defer w.closeBlobs()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					sp.give(1)
					return
				}
				task(w, i)
			}
		}()
	}
	wg.Wait()
}

// finish turns the walks into the repo's revisions and aggregates.
func (rs *repoScan) finish() {
	defer func() {
		if rs.tab != nil {
			rs.tab.release()
			rs.tab = nil
		}
		for _, rv := range rs.revs {
			rv.seen, rv.files = nil, nil
		}
		if p := rs.opts.Progress; p != nil {
			p.Repos.Add(1)
		}
	}()
	for _, rv := range rs.revs {
		if rv.err != nil {
			rs.err = rv.err
			return
		}
	}
	repo := rs.repo
	for _, rv := range rs.revs {
		rev := rv.rev
		rev.NbFiles = rv.nb
		if rv.nb > 0 {
			rev.Size = rv.size
			rev.LastModified = time.Unix(0, rv.mtime)
		}
		if refs, ok := rs.refsByHash[rev.Hash]; ok {
			sort.Strings(refs)
			rev.Refs = refs
			delete(rs.refsByHash, rev.Hash)
		}
		repo.Revisions = append(repo.Revisions, rev)
	}
	if len(rs.refsByHash) > 0 {
		rs.err = corrupted(repo.Path, "Reference(s) refer to missing commit hashes: %s (%s).", pycompat.ReprDictOfSets(rs.refsByHash), repo.Path)
		return
	}
	blobs := rs.table().blobs
	if len(blobs) > 0 {
		at, mt := int64(math.MinInt64), int64(math.MinInt64)
		for i := range blobs {
			b := &blobs[i]
			repo.Size += b.size
			at, mt = max(at, b.atime), max(mt, b.mtime)
		}
		repo.LastAccessed, repo.LastModified = time.Unix(0, at), time.Unix(0, mt)
	} else {
		repo.LastAccessed, repo.LastModified = rs.dirATime, rs.dirMTime
	}
	repo.nbBlobs = len(blobs)
	switch {
	case !rs.opts.Summary || rs.opts.Files:
		rs.blobList()
	case rs.hasForeignBlob():
		rs.foreignBlobList()
	}
	if rs.opts.Modern {
		rs.collectIncomplete()
	}
	sort.Slice(repo.Revisions, func(i, j int) bool { return repo.Revisions[i].Hash < repo.Revisions[j].Hash })
}

// blobList fills Repo.Blobs sorted by path, Revision.BlobIDs and
// Revision.Files with ids in that order.
func (rs *repoScan) blobList() {
	repo := rs.repo
	t := rs.tab
	paths := make([]string, len(t.blobs))
	sep := string(filepath.Separator)
	var buf [64]byte
	for k, id := range t.hex {
		n := hex.Encode(buf[:], k.b[:k.n])
		var b strings.Builder
		b.Grow(len(rs.blobsDir) + 1 + n)
		b.WriteString(rs.blobsDir)
		b.WriteString(sep)
		b.Write(buf[:n])
		paths[id] = b.String()
	}
	for etag, id := range t.etags {
		paths[id] = rs.blobsDir + sep + etag
	}
	for p, id := range t.paths {
		paths[id] = p
	}
	order := make([]int32, len(t.blobs))
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(i, j int) bool { return paths[order[i]] < paths[order[j]] })
	newID := make([]int32, len(t.blobs))
	repo.Blobs = make([]Blob, len(t.blobs))
	for n, old := range order {
		b := &t.blobs[old]
		newID[old] = int32(n)
		repo.Blobs[n] = Blob{Path: paths[old], Size: b.size, ATime: time.Unix(0, b.atime), MTime: time.Unix(0, b.mtime)}
	}
	for _, rv := range rs.revs {
		rev := rv.rev
		for w, bits := range rv.seen {
			for bits != 0 {
				b := 0
				for bits&(1<<b) == 0 {
					b++
				}
				bits &^= 1 << b
				rev.BlobIDs = append(rev.BlobIDs, newID[w*64+b])
			}
		}
		sort.Slice(rev.BlobIDs, func(i, j int) bool { return rev.BlobIDs[i] < rev.BlobIDs[j] })
		if rs.opts.Files {
			for i := range rv.files {
				rv.files[i].Blob = newID[rv.files[i].Blob]
			}
			sort.Slice(rv.files, func(i, j int) bool { return rv.files[i].Name < rv.files[j].Name })
			rev.Files = rv.files
		}
	}
}

// hasForeignBlob says whether a revision of the repo uses a file outside
// the repo's folder: a payload of the cache's shared blob store (hf 1.x
// layout, see shared.go), a file of another repo's folder or one out of
// the cache. Blobs named by their etag lie in <repo>/blobs; only those the
// general path resolved (tab.paths) may lie elsewhere.
func (rs *repoScan) hasForeignBlob() bool {
	for p := range rs.tab.paths {
		if !insideDir(p, rs.repo.Path) {
			return true
		}
	}
	return false
}

// foreignBlobList is blobList for a summary scan of a repo that uses files
// outside its folder: Repo.Blobs keeps only those, which a summary still
// needs to relate repos to each other (SharedSize counts each shared
// payload once across repos; a deletion plan spares what another repo's
// revisions use), and Revision.BlobIDs refer to those.
func (rs *repoScan) foreignBlobList() {
	rs.blobList()
	repo := rs.repo
	newID := make([]int32, len(repo.Blobs))
	kept := repo.Blobs[:0]
	for i, b := range repo.Blobs {
		newID[i] = -1
		if !insideDir(b.Path, repo.Path) {
			newID[i] = int32(len(kept))
			kept = append(kept, b)
		}
	}
	repo.Blobs = slices.Clip(kept)
	for _, rv := range rs.revs {
		ids := rv.rev.BlobIDs[:0]
		for _, id := range rv.rev.BlobIDs {
			if newID[id] >= 0 {
				ids = append(ids, newID[id])
			}
		}
		rv.rev.BlobIDs = slices.Clip(ids)
	}
}

// insideDir reports whether the clean path p is dir or lies below it,
// lexically and case-sensitively: where delete.Inside ignores case
// (Windows) a summary may keep a blob it did not need, never miss one.
func insideDir(p, dir string) bool {
	const sep = string(filepath.Separator)
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, sep)+sep)
}

// collectIncomplete lists blobs/*.incomplete files.
func (rs *repoScan) collectIncomplete() {
	dir := filepath.Join(rs.repo.Path, "blobs")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".incomplete") {
			continue
		}
		st, err := e.Info()
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		rs.repo.Incomplete = append(rs.repo.Incomplete, Blob{Path: filepath.Join(dir, e.Name()), Size: st.Size(), ATime: atime(st), MTime: st.ModTime()})
	}
}

// walker is one worker's reusable buffers.
type walker struct {
	bufs  []*dirBuf // directory buffers, one per depth
	spare *spare    // the pool's idle places, nil in a prefetch helper
	link  []byte    // link target buffer
	seen  int64     // files not yet added to Progress
	// blobs is the open blobs/ folder of blobsOf: new blobs are stat'ed
	// relative to it (one path component for the kernel to look up).
	blobsOf *repoScan
	blobs   dirHandle
	blobsOK bool
}

func (w *walker) blobsHandle(rs *repoScan) (dirHandle, bool) {
	if w.blobsOf != rs {
		w.closeBlobs()
		w.blobsOf = rs
		h, err := openDir(rs.blobsDir)
		w.blobs, w.blobsOK = h, err == nil
	}
	return w.blobs, w.blobsOK
}

func (w *walker) closeBlobs() {
	if w.blobsOK {
		w.blobs.close()
	}
	w.blobsOf, w.blobsOK = nil, false
}

func (w *walker) dirBuf(depth int) *dirBuf {
	for len(w.bufs) <= depth {
		w.bufs = append(w.bufs, &dirBuf{})
	}
	return w.bufs[depth]
}

func (w *walker) walkRev(rv *revScan) {
	d, err := openDir(rv.rev.SnapshotPath)
	if err != nil {
		rv.err = unreadable(rv.rs.repo.Path, "Snapshot folder", rv.rev.SnapshotPath, err)
		return
	}
	if rv.rs.index != nil && d.keepsChangeTimes() {
		rv.memo = rv.rs.index.open(rv)
	}
	rv.err = w.walkDir(rv, d, rv.rev.SnapshotPath, "", 0)
	if rv.memo != nil && rv.err == nil {
		rv.memo.save()
	}
	rv.memo = nil
	d.close()
}

// flush adds the files seen to Progress, once per folder read.
func (w *walker) flush(p *Progress) {
	if p != nil && w.seen > 0 {
		p.Files.Add(w.seen)
		w.seen = 0
	}
}

// prefetchMin is the number of entries from which a folder's links are
// read by several goroutines when the pool has idle places, and
// prefetchMost the most helpers one folder gets.
const (
	prefetchMin  = 64
	prefetchMost = 15
)

// prefetched is the blob of a link found by prefetch, and its etag when
// it is hex (for the scan index).
type prefetched struct {
	b   blobRef
	key hexKey
	ok  bool
}

// walkDir visits every entry below d (recursing into real folders only,
// as pathlib's "**" does) and records the blob of each non-folder.
func (w *walker) walkDir(rv *revScan, d dirHandle, dirPath, prefix string, depth int) *CorruptedError {
	rs := rv.rs
	var cerr *CorruptedError
	if w.link == nil {
		w.link = make([]byte, 4097)
	}
	if m := rv.memo; m != nil {
		id, ok := d.identity()
		if !ok {
			rv.memo = nil
		} else if node, hit := m.lookup(prefix, id); hit {
			m.pause(depth)
			return w.replay(rv, d, dirPath, prefix, depth, &node)
		} else {
			m.begin(depth, prefix, id)
			defer func() {
				// Recorded only if the folder did not change while it was
				// read (or, on the portable walker, was not replaced).
				if again, ok := d.identity(); !ok || again != id {
					m.pause(depth)
				}
				m.end(depth)
			}()
		}
	}
	var pre []prefetched
	batch := func(cnames [][]byte, kinds []byte) {
		pre = pre[:0]
		if len(cnames) < prefetchMin || !rv.real || rs.blobsDir == "" {
			return
		}
		if k := w.spare.take(prefetchMost); k > 0 {
			pre = w.prefetch(len(cnames), k+1, pre, func(h *walker, i int) (blobRef, hexKey, bool) {
				if kinds[i] != kindLink {
					return blobRef{}, hexKey{}, false
				}
				return h.blobLink(rv, d, depth, cnames[i])
			})
			w.spare.give(k)
		}
	}
	err := d.list(w.dirBuf(depth), batch, func(i int, cname []byte, kind byte) bool {
		if i < len(pre) && pre[i].ok {
			rv.memo.recordLink(depth, kind, cname, pre[i].key)
			rv.addFile(pre[i].b, prefix, cname[:len(cname)-1])
			w.seen++
			return true
		}
		cerr = w.visit(rv, d, dirPath, prefix, depth, cname, kind)
		return cerr == nil
	})
	w.flush(rs.opts.Progress)
	if err != nil && cerr == nil {
		cerr = unreadable(rs.repo.Path, "Snapshot folder", dirPath, err)
	}
	return cerr
}

// prefetch finds the blobs of n entries of a folder (the common path of
// visit: resolve is blobLink, or blobByKey for a folder replayed from the
// scan index) with parts goroutines, this one included, each taking every
// parts-th entry so that all of them move forward through the inode order
// together. Only the blob index is shared (under its mutex); what does not
// resolve this way is left to visit, in order.
func (w *walker) prefetch(n, parts int, pre []prefetched, resolve func(h *walker, i int) (blobRef, hexKey, bool)) []prefetched {
	pre = slices.Grow(pre[:0], n)[:n]
	clear(pre)
	part := func(h *walker, first int) {
		for i := first; i < n; i += parts {
			pre[i].b, pre[i].key, pre[i].ok = resolve(h, i)
		}
	}
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := &walker{link: make([]byte, 4097)}
			defer h.closeBlobs()
			part(h, p)
		}()
	}
	part(w, 0)
	wg.Wait()
	return pre
}

// blobLink is the common path for a link: a target ../(../)*blobs/<etag>
// naming a regular file of the repo's blobs/ folder. The key is the etag
// when it is hex (zero otherwise).
func (w *walker) blobLink(rv *revScan, d dirHandle, depth int, cname []byte) (blobRef, hexKey, bool) {
	rs := rv.rs
	if !rv.real || rs.blobsDir == "" {
		return blobRef{}, hexKey{}, false
	}
	n, err := d.readlink(cname, w.link[:len(w.link)-1])
	if err != nil {
		return blobRef{}, hexKey{}, false
	}
	etag, ok := blobTarget(w.link[:n], depth, backslashSeparates)
	if !ok {
		return blobRef{}, hexKey{}, false
	}
	k := etagKey(etag)
	if b, found := rs.lookup(&k); found {
		return b, k.hex, true
	}
	w.link[n] = 0
	bd, at := d, w.link[:n+1]
	if h, ok := w.blobsHandle(rs); ok {
		bd, at = h, w.link[n-len(etag):n+1]
	}
	var st fileStat
	if bd.lstat(at, &st) == nil && st.kind == kindReg {
		return rs.add(&k, &st), k.hex, true
	}
	return blobRef{}, hexKey{}, false
}

// blobByKey is blobLink for a link the scan index knows: its target is
// ../(../)*blobs/<key>, so only the blob is stat'ed (when it is not
// known yet).
func (w *walker) blobByKey(rv *revScan, key hexKey) (blobRef, bool) {
	rs := rv.rs
	k := blobKey{hex: key, isHex: true}
	if b, found := rs.lookup(&k); found {
		return b, true
	}
	h, ok := w.blobsHandle(rs)
	if !ok {
		return blobRef{}, false
	}
	n := hex.Encode(w.link, key.b[:key.n])
	w.link[n] = 0
	var st fileStat
	if h.lstat(w.link[:n+1], &st) == nil && st.kind == kindReg {
		return rs.add(&k, &st), true
	}
	return blobRef{}, false
}

// replay visits a folder the scan index recorded, unchanged since: its
// links into blobs/ need only their blob, the other entries are visited
// as when the folder is read (sub-folders are checked against the index
// in turn). A link whose blob is no longer a regular file is read again.
func (w *walker) replay(rv *revScan, d dirHandle, dirPath, prefix string, depth int, node *memoNode) *CorruptedError {
	entries := node.entries
	var pre []prefetched
	if len(entries) >= prefetchMin {
		if k := w.spare.take(prefetchMost); k > 0 {
			pre = w.prefetch(len(entries), k+1, nil, func(h *walker, i int) (blobRef, hexKey, bool) {
				if entries[i].kind != kindBlob {
					return blobRef{}, hexKey{}, false
				}
				b, ok := h.blobByKey(rv, node.key(&entries[i]))
				return b, hexKey{}, ok
			})
			w.spare.give(k)
		}
	}
	defer w.flush(rv.rs.opts.Progress)
	for i := range entries {
		e := &entries[i]
		kind := e.kind
		if kind == kindBlob {
			var b blobRef
			var ok bool
			if pre != nil {
				b, ok = pre[i].b, pre[i].ok
			} else {
				b, ok = w.blobByKey(rv, node.key(e))
			}
			if ok {
				rv.addFile(b, prefix, node.cname(e)[:e.n-1])
				w.seen++
				continue
			}
			rv.memo.run.ix.Reread.Add(1)
			kind = kindLink
		}
		if cerr := w.visit(rv, d, dirPath, prefix, depth, node.cname(e), kind); cerr != nil {
			return cerr
		}
	}
	return nil
}

// visit records one entry of the folder d.
func (w *walker) visit(rv *revScan, d dirHandle, dirPath, prefix string, depth int, cname []byte, kind byte) *CorruptedError {
	rs := rv.rs
	name := cname[:len(cname)-1]
	// OS helper files inside a revision are files of it, as for hf 1.28 (it
	// skips them only in the cache root, snapshots/ and refs/).
	var st fileStat
	listed := kind
	if kind == kindUnknown {
		if d.lstat(cname, &st) != nil {
			kind = kindOther // let the general path report it
		} else {
			kind = st.kind
		}
	}
	switch kind {
	case kindDir:
		rv.memo.record(depth, listed, cname, hexKey{})
		sub, err := d.openChild(cname)
		p := dirPath + string(filepath.Separator) + string(name)
		if err != nil {
			return unreadable(rs.repo.Path, "Snapshot folder", p, err)
		}
		cerr := w.walkDir(rv, sub, p, prefix+string(name)+"/", depth+1)
		sub.close()
		return cerr
	case kindLink:
		if b, key, ok := w.blobLink(rv, d, depth, cname); ok {
			rv.memo.recordLink(depth, listed, cname, key)
			rv.addFile(b, prefix, name)
			w.seen++
			return nil
		}
	case kindReg:
		if rv.real && (st.kind == kindReg || d.lstat(cname, &st) == nil && st.kind == kindReg) {
			k := blobKey{name: []byte(dirPath + string(filepath.Separator) + string(name))}
			b, found := rs.lookup(&k)
			if !found {
				b = rs.add(&k, &st)
			}
			rv.memo.record(depth, listed, cname, hexKey{})
			rv.addFile(b, prefix, name)
			w.seen++
			return nil
		}
	}
	rv.memo.record(depth, listed, cname, hexKey{})
	return w.general(rv, dirPath+string(filepath.Separator)+string(name), prefix, name)
}

// general records the entry p by resolving it fully, as upstream's
// Path.resolve() does; links to folders are skipped.
func (w *walker) general(rv *revScan, p, prefix string, name []byte) *CorruptedError {
	rs := rv.rs
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		// Not there (upstream's message), or there but unreadable.
		_, serr := os.Stat(p)
		if errors.Is(serr, syscall.ELOOP) {
			return corrupted(rs.repo.Path, "Blob missing (symlink loop): %s", p)
		}
		if cannotRead(serr) {
			return unreadable(rs.repo.Path, "Blob", pycompat.Resolve(p), serr)
		}
		return corrupted(rs.repo.Path, "Blob missing (broken symlink): %s", pycompat.Resolve(p))
	}
	st, err := os.Stat(real)
	if cannotRead(err) {
		return unreadable(rs.repo.Path, "Blob", real, err)
	}
	if err != nil {
		return corrupted(rs.repo.Path, "Blob missing (broken symlink): %s", real)
	}
	if st.IsDir() {
		return nil
	}
	k := blobKey{name: []byte(real)}
	if rs.blobsDir != "" && filepath.Dir(real) == rs.blobsDir {
		k = etagKey([]byte(filepath.Base(real))) // the same blob as a link ../../blobs/<etag>
	}
	b, found := rs.lookup(&k)
	if !found {
		fst := statOf(st)
		b = rs.add(&k, &fst)
	}
	rv.addFile(b, prefix, name)
	w.seen++
	return nil
}

// blobTarget returns <etag> when target is ../(../)*blobs/<etag> with
// depth+2 "../", i.e. <repo>/blobs/<etag> seen from a folder at depth
// below snapshots/<rev>. With backslash (Windows), `\` separates too:
// huggingface_hub computes its links with os.path.relpath, which writes
// ..\..\blobs\<etag> there, and Go's os.Symlink writes `\` as well.
func blobTarget(target []byte, depth int, backslash bool) ([]byte, bool) {
	isSep := func(c byte) bool { return c == '/' || (backslash && c == '\\') }
	for i := 0; i < depth+2; i++ {
		if len(target) < 3 || target[0] != '.' || target[1] != '.' || !isSep(target[2]) {
			return nil, false
		}
		target = target[3:]
	}
	if len(target) < 6 || string(target[:5]) != "blobs" || !isSep(target[5]) {
		return nil, false
	}
	etag := target[len("blobs/"):]
	if len(etag) == 0 || bytes.IndexByte(etag, '/') >= 0 || (backslash && bytes.IndexByte(etag, '\\') >= 0) ||
		bytes.Equal(etag, []byte(".")) || bytes.Equal(etag, []byte("..")) {
		return nil, false
	}
	return etag, true
}

// backslashSeparates says whether `\` separates path elements here.
const backslashSeparates = os.PathSeparator == '\\'
