package scan

// The scan index: a memo, per snapshot folder, of what reading it found
// (its entries and, for each link ../(../)*blobs/<hex etag>, the etag), so
// that a later scan of an unchanged folder reads neither the folder nor its
// links. On a cache that is not in memory each link target is a disk read
// of its own (76 bytes do not fit in an ext4 inode): they are most of a
// cold scan's reads. The blobs' stats, which can change without their
// links changing, are read every time, as are regular files.
//
// A folder is unchanged when its device, inode, size, mtime and ctime are
// those recorded: creating, removing or renaming an entry sets the
// folder's ctime, no one can set a ctime back (unlike an mtime), and a
// link's target cannot change in place. A folder is recorded only when its
// ctime and mtime are more than racyWindow older than the scan's start
// (the "racily clean" rule of git): a change in the same clock tick as the
// recorded times, made after the folder was read, would go unseen.
//
// The index is a cache of the scan's reading, for reports (scan-cache,
// ls): deletion scans without it (the executor trusts only what it reads
// under the repo's locks). Files: <Index.Dir>/<cache key>/<snapshot key>,
// one per snapshot folder, written whole to a temporary name and renamed,
// ending with a CRC: a file that does not decode is a miss, and the index
// folder is used only when it is ours and not writable by others. It is
// checked once and then used through an os.Root opened on it, so that
// whoever can rename it or its parents (a shared HFCACHE_SCAN_INDEX)
// cannot swap another folder in under the scan's reads, writes and
// clean-up; the clean-up removes only names the index makes.

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Index is where a scan keeps its memo of snapshot folders (Options.Index).
type Index struct {
	// Dir is the index folder, created (0700) when missing.
	Dir string
	// Now is when the scan starts, for the racy rule; zero means the time
	// the scan starts. Tests set it ahead so that folders they have just
	// made are recorded.
	Now time.Time
	// Hits and Misses count the folders replayed from the index and the
	// folders read from disk (when the index applies to them).
	Hits, Misses atomic.Int64
	// Reread counts the links of replayed folders that were read again
	// because their blob was not a regular file any more.
	Reread atomic.Int64
}

// racyWindow is how much older than the scan's start a folder's ctime must
// be for the folder to be recorded.
const racyWindow = 2 * time.Second

// indexMagic starts every index file; the number is the format's version.
const indexMagic = "hfcache scan index 1\n"

// kindBlob is a memo entry: a link to <repo>/blobs/<hex etag>.
const kindBlob byte = 0x80

// dirID is what tells that a folder has not changed since it was recorded.
type dirID struct {
	dev, ino           uint64
	size, ctime, mtime int64
}

// indexRun is one scan's use of an Index: the folder for the cache being
// scanned, and the files used (what Dir's clean-up keeps).
type indexRun struct {
	ix   *Index
	dir  string
	cwd  string // the working folder, when the cache's path is relative
	now  int64  // Unix ns
	mu   sync.Mutex
	used map[string]bool
	made bool     // dir checked or created
	bad  bool     // dir unusable
	root *os.Root // dir, once checked
}

func newIndexRun(ix *Index, cacheDir string) *indexRun {
	if ix == nil || ix.Dir == "" || !indexSupported {
		return nil
	}
	now := ix.Now
	if now.IsZero() {
		now = time.Now()
	}
	r := &indexRun{ix: ix, now: timeNanos(now), used: map[string]bool{}}
	if !filepath.IsAbs(cacheDir) { // keyed by absolute paths: "hub" names another cache elsewhere
		wd, err := os.Getwd()
		if err != nil {
			return nil
		}
		r.cwd = wd
	}
	r.dir = filepath.Join(ix.Dir, shortKey(r.abs(cacheDir), 16))
	return r
}

// abs is p made absolute (from the working folder of the scan's start).
func (r *indexRun) abs(p string) string {
	if r.cwd == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(r.cwd, p)
}

func shortKey(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:n])
}

// folder says whether the index folder is usable: a directory (not a
// link) of ours that nobody else can write, opened as r.root (the folder
// checked, whatever happens to its path afterwards). It is made (create)
// only when a memo is written: scans that record nothing (a cache made
// just now) leave no folder behind. absent: it is not there (yet).
func (r *indexRun) folder(create bool) (ok, absent bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.made {
		if !create {
			if _, err := os.Lstat(r.dir); errors.Is(err, fs.ErrNotExist) {
				return false, true
			}
		}
		r.made, r.bad = true, true
		if os.MkdirAll(r.dir, 0o700) != nil {
			return false, false
		}
		root := openOwned(r.dir)
		if root == nil {
			return false, false
		}
		r.root, r.bad = root, false
	}
	return !r.bad, false
}

// openOwned opens the folder dir as an os.Root if it is a directory (not
// a link) of ours that nobody else can write; nil otherwise.
func openOwned(dir string) *os.Root {
	st, err := os.Lstat(dir)
	if err != nil || !st.IsDir() {
		return nil
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil
	}
	rst, err := root.Stat(".")
	if err != nil || !os.SameFile(st, rst) || rst.Mode().Perm()&0o022 != 0 || !ownedByMe(rst) {
		_ = root.Close()
		return nil
	}
	return root
}

// staleAfter is how long the index folder of a cache no full scan has met
// is kept (the cache was removed or moved, or is not scanned any more).
const staleAfter = 90 * 24 * time.Hour

// sweep dates the cache's index folder (its mtime: the last full scan)
// and removes the other caches' folders of Index.Dir that no full scan
// has dated for staleAfter.
func (r *indexRun) sweep() {
	now := time.Unix(0, r.now)
	_ = r.root.Chtimes(".", now, now)
	top := openOwned(r.ix.Dir)
	if top == nil {
		return
	}
	defer func() { _ = top.Close() }()
	d, err := top.Open(".")
	if err != nil {
		return
	}
	names, err := d.Readdirnames(-1)
	_ = d.Close()
	if err != nil {
		return
	}
	mine := filepath.Base(r.dir)
	for _, name := range names {
		if name == mine || len(name) != 32 || !isIndexName(name) {
			continue // ours, or not a cache's folder
		}
		if st, err := top.Lstat(name); err == nil && st.IsDir() && now.Sub(st.ModTime()) > staleAfter {
			_ = top.RemoveAll(name)
		}
	}
}

// close releases the index folder.
func (r *indexRun) close() {
	if r != nil && r.root != nil {
		_ = r.root.Close()
		r.root = nil
	}
}

// isIndexName says whether name is an index file (a snapshot key) or a
// temporary one (a snapshot key, ".tmp" and a suffix).
func isIndexName(name string) bool {
	const n = 32 // hex digits of shortKey(_, 16)
	if len(name) < n {
		return false
	}
	for _, c := range []byte(name[:n]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return len(name) == n || strings.HasPrefix(name[n:], ".tmp")
}

// revMemo is the index of one snapshot folder: what the file held (old)
// and what this walk records (one node per folder, by depth).
type revMemo struct {
	run     *indexRun
	file    string // the index file's name in run.root
	path    string // the snapshot folder
	old     map[string]memoNode
	rec     []*nodeRec
	out     [][]byte // the folders of the new file: recorded, or kept (a slice of the old)
	outLen  int
	changed bool
}

// memoNode is a recorded folder.
type memoNode struct {
	id      dirID
	raw     []byte // its encoding, kept as is in the new file when still valid
	entries []memoEntry
}

// memoEntry is an entry of a recorded folder, 8 bytes: its name and etag
// stay in the node's encoding (a folder of 100,000 links costs 800 KB
// more than its index file, not 6 MB).
type memoEntry struct {
	off  uint32 // where the NUL-terminated name starts in raw
	n    uint16 // the name's length, NUL included
	kind byte   // kindReg, kindDir, kindLink, kindOther, kindUnknown or kindBlob
	keyN byte   // kindBlob: the etag's length (the etag follows it, after the name)
}

// cname is the entry's NUL-terminated name.
func (n *memoNode) cname(e *memoEntry) []byte { return n.raw[e.off : e.off+uint32(e.n)] }

// key is a kindBlob entry's etag.
func (n *memoNode) key(e *memoEntry) hexKey {
	k := hexKey{n: e.keyN}
	at := e.off + uint32(e.n) + 1 // after the name and the etag's length
	copy(k.b[:], n.raw[at:at+uint32(e.keyN)])
	return k
}

// nodeRec is a folder being recorded.
type nodeRec struct {
	prefix string
	id     dirID
	n      int
	buf    []byte
}

// open returns the memo of rv's snapshot folder, nil when the index does
// not apply (no index, or a folder whose links take the general path).
func (r *indexRun) open(rv *revScan) *revMemo {
	if r == nil || !rv.real || rv.rs.blobsDir == "" {
		return nil
	}
	ok, absent := r.folder(false)
	if !ok && !absent {
		return nil
	}
	path := r.abs(rv.rev.SnapshotPath)
	name := shortKey(path, 16)
	r.mu.Lock()
	r.used[name] = true
	r.mu.Unlock()
	m := &revMemo{run: r, file: name, path: path}
	if !ok {
		return m
	}
	if data, err := r.root.ReadFile(name); err == nil {
		m.old = decodeMemo(data, m.path)
	}
	return m
}

// lookup returns the recorded folder at prefix when its identity is id.
func (m *revMemo) lookup(prefix string, id dirID) (memoNode, bool) {
	n, ok := m.old[prefix]
	if ok && n.id == id {
		m.run.ix.Hits.Add(1)
		m.out = append(m.out, n.raw)
		m.outLen += len(n.raw)
		return n, true
	}
	m.run.ix.Misses.Add(1)
	m.changed = true
	return memoNode{}, false
}

// begin starts recording the folder at depth; pause stops recording at
// depth (the folder is replayed).
func (m *revMemo) begin(depth int, prefix string, id dirID) {
	for len(m.rec) <= depth {
		m.rec = append(m.rec, nil)
	}
	r := m.rec[depth]
	if r == nil {
		r = &nodeRec{}
		m.rec[depth] = r
	}
	r.prefix, r.id, r.n, r.buf = prefix, id, 0, r.buf[:0]
}

func (m *revMemo) pause(depth int) {
	if depth < len(m.rec) && m.rec[depth] != nil {
		m.rec[depth].n = -1
	}
}

// record adds an entry to the folder being recorded at depth.
func (m *revMemo) record(depth int, kind byte, cname []byte, key hexKey) {
	if m == nil || depth >= len(m.rec) || m.rec[depth] == nil || m.rec[depth].n < 0 {
		return
	}
	r := m.rec[depth]
	r.n++
	r.buf = append(r.buf, kind)
	r.buf = binary.AppendUvarint(r.buf, uint64(len(cname)))
	r.buf = append(r.buf, cname...)
	if kind == kindBlob {
		r.buf = append(r.buf, key.n)
		r.buf = append(r.buf, key.b[:key.n]...)
	}
}

// recordLink records a link found to name a blob: by its etag when it is
// hex, as an entry to read again otherwise.
func (m *revMemo) recordLink(depth int, listed byte, cname []byte, key hexKey) {
	if key.n == 0 {
		m.record(depth, listed, cname, key)
		return
	}
	m.record(depth, kindBlob, cname, key)
}

// end closes the folder recorded at depth: it joins the file unless its
// ctime is too recent to be trusted.
func (m *revMemo) end(depth int) {
	r := m.rec[depth]
	if r.n < 0 {
		return
	}
	// mtime too: where the ctime is not the change time (older Linux vfat
	// reports the creation time) the mtime is what moves.
	if max(r.id.ctime, r.id.mtime) > m.run.now-int64(racyWindow) {
		r.n = -1
		return
	}
	node := appendNodeHeader(make([]byte, 0, len(r.prefix)+48+len(r.buf)), r.prefix, r.id, r.n)
	node = append(node, r.buf...)
	m.out = append(m.out, node)
	m.outLen += len(node)
	r.n = -1
}

func appendNodeHeader(b []byte, prefix string, id dirID, n int) []byte {
	b = binary.AppendUvarint(b, uint64(len(prefix)))
	b = append(b, prefix...)
	b = binary.AppendUvarint(b, id.dev)
	b = binary.AppendUvarint(b, id.ino)
	b = binary.AppendVarint(b, id.size)
	b = binary.AppendVarint(b, id.ctime)
	b = binary.AppendVarint(b, id.mtime)
	return binary.AppendUvarint(b, uint64(n))
}

// save writes the memo when the walk read any folder from disk (and
// recorded some).
func (m *revMemo) save() {
	if !m.changed {
		return
	}
	if len(m.out) == 0 { // every folder changed too recently
		if m.old != nil { // read from the folder: it is open
			_ = m.run.root.Remove(m.file)
		}
		return
	}
	if ok, _ := m.run.folder(true); !ok {
		return
	}
	root := m.run.root
	tmp := m.file + ".tmp" + strconv.FormatUint(rand.Uint64(), 36)
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return
	}
	_, werr := f.Write(m.encode())
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = root.Rename(tmp, m.file)
	}
	if werr != nil {
		_ = root.Remove(tmp)
	}
}

// encode is the index file: magic, folder, nodes, CRC of all that.
func (m *revMemo) encode() []byte {
	b := make([]byte, 0, len(indexMagic)+binary.MaxVarintLen64+len(m.path)+m.outLen+4)
	b = append(b, indexMagic...)
	b = binary.AppendUvarint(b, uint64(len(m.path)))
	b = append(b, m.path...)
	for _, node := range m.out {
		b = append(b, node...)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// errMemo is any malformed index file.
var errMemo = errors.New("malformed scan index")

// decodeMemo reads an index file; nil when it is not one of path.
func decodeMemo(data []byte, path string) map[string]memoNode {
	if len(data) < len(indexMagic)+4 || !bytes.HasPrefix(data, []byte(indexMagic)) {
		return nil
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil
	}
	d := memoDecoder{b: body[len(indexMagic):]}
	if string(d.bytes()) != path || d.err != nil {
		return nil
	}
	nodes := map[string]memoNode{}
	for len(d.b) > 0 && d.err == nil {
		start := d.b
		prefix := string(d.bytes())
		var n memoNode
		n.id.dev, n.id.ino = d.uvarint(), d.uvarint()
		n.id.size, n.id.ctime, n.id.mtime = d.varint(), d.varint(), d.varint()
		count := d.uvarint()
		if count > uint64(len(d.b))/4 { // an entry takes 4 bytes at least
			return nil
		}
		n.entries = make([]memoEntry, 0, count)
		for i := uint64(0); i < count && d.err == nil; i++ {
			e := memoEntry{kind: d.byte()}
			cname := d.bytes()
			if len(cname) < 2 || len(cname) > math.MaxUint16 || cname[len(cname)-1] != 0 || bytes.IndexByte(cname[:len(cname)-1], 0) >= 0 ||
				bytes.IndexByte(cname, '/') >= 0 || string(cname) == ".\x00" || string(cname) == "..\x00" {
				d.err = errMemo
				break
			}
			e.off, e.n = uint32(len(start)-len(d.b)-len(cname)), uint16(len(cname))
			switch e.kind {
			case kindBlob:
				e.keyN = d.byte()
				if e.keyN != 20 && e.keyN != 32 || len(d.b) < int(e.keyN) {
					d.err = errMemo
					break
				}
				d.b = d.b[e.keyN:]
			case kindUnknown, kindReg, kindDir, kindLink, kindOther:
			default:
				d.err = errMemo
			}
			n.entries = append(n.entries, e)
		}
		if d.err != nil || (prefix != "" && !strings.HasSuffix(prefix, "/")) {
			return nil
		}
		n.raw = start[:len(start)-len(d.b)]
		nodes[prefix] = n
	}
	if d.err != nil {
		return nil
	}
	return nodes
}

// memoDecoder reads the fields of an index file, remembering the first
// error.
type memoDecoder struct {
	b   []byte
	err error
}

func (d *memoDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err, d.b = errMemo, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *memoDecoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err, d.b = errMemo, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *memoDecoder) byte() byte {
	if len(d.b) == 0 {
		d.err = errMemo
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *memoDecoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err, d.b = errMemo, nil
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

// clean removes the index files of snapshot folders this scan did not
// meet (revisions deleted since), and temporary files older than a minute
// (a scan killed while writing), then sweeps the other caches' folders.
func (r *indexRun) clean() {
	if r == nil {
		return
	}
	if ok, _ := r.folder(false); !ok {
		return
	}
	d, err := r.root.Open(".")
	if err != nil {
		return
	}
	names, err := d.Readdirnames(-1)
	_ = d.Close()
	if err != nil {
		return
	}
	for _, name := range names {
		if !isIndexName(name) {
			continue // not ours
		}
		if strings.Contains(name, ".tmp") {
			if st, err := r.root.Lstat(name); err == nil && time.Since(st.ModTime()) > time.Minute {
				_ = r.root.Remove(name)
			}
			continue
		}
		if !r.used[name] {
			_ = r.root.Remove(name)
		}
	}
	r.sweep()
}
