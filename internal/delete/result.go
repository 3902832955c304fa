package delete

import (
	"errors"
	"time"
)

// Kind names what a removed path is, as upstream's log lines do.
type Kind string

// Kinds of removed paths.
const (
	KindRepo     Kind = "repo"
	KindSnapshot Kind = "snapshot"
	KindRef      Kind = "ref"
	KindBlob     Kind = "blob"
	// KindTrash is the folder an interrupted deletion left in a trash
	// (see ReclaimTrash).
	KindTrash Kind = "interrupted deletion"
)

// Failure is one path that could not be removed.
type Failure struct {
	Kind Kind
	Path string
	Err  error
}

// Skip is a path of the plan that was deliberately left in place.
type Skip struct {
	Kind   Kind
	Path   string
	Reason error
}

// Result says what an execution did.
type Result struct {
	// Removed counts the paths removed (or already gone).
	Removed int
	// Failures lists what could not be removed; the rest went on.
	Failures []Failure
	// Skipped lists what the plan named but the executor kept on purpose:
	// a path outside the cache or outside its repo (a snapshot link
	// pointing elsewhere), a blob a kept revision uses, a repo whose lock
	// another process holds.
	Skipped []Skip
	// ReposDeleted and RevisionsDeleted count what is gone: whole repo
	// folders and snapshot folders of partially deleted repos.
	ReposDeleted, RevisionsDeleted int
	// FreedSize adds up the sizes of what was removed.
	FreedSize int64
	// Locked lists the repo folders left alone because another process
	// (a download) held one of their locks.
	Locked []string
	// Recovered counts the interrupted deletions of earlier runs that
	// were completed first.
	Recovered int
	// Unreclaimed are the interrupted deletions of earlier runs that the
	// recovery run first left in the trash (Kind KindTrash; Err says
	// why, with the folder's path, as in Reclaim.Failures). They are not
	// part of the plan, so OK does not count them; the next deletion
	// tries again.
	Unreclaimed []Failure
}

// OK reports whether everything in the plan was removed.
func (r *Result) OK() bool { return len(r.Failures) == 0 && len(r.Locked) == 0 }

// ExecOptions tune Execute.
type ExecOptions struct {
	// OnRemove, when set, is called after each path is removed.
	OnRemove func(kind Kind, path string)
	// NoLock skips taking the download locks of the affected repos.
	NoLock bool

	// Test seams, set by this package's tests only (so that they can run
	// in parallel).
	//
	// journalCreated is called with the path of a new journal file right
	// after it is created, before it is locked.
	journalCreated func(path string)
	// sharedLockWait bounds the wait for a shared payload's lock; zero
	// means defaultSharedLockWait.
	sharedLockWait time.Duration
	// lockWait bounds the wait for a repo's download locks held by
	// another process; zero means defaultLockWait, negative no wait.
	lockWait time.Duration
}

// Errors explaining why a path was kept or could not be removed.
var (
	ErrOutsideCache = errors.New("path is outside the cache directory")
	ErrOutsideRepo  = errors.New("path is outside the repo being changed")
	ErrLinkedParent = errors.New("a parent folder is a symbolic link")
	ErrInUse        = errors.New("still used by a revision that is kept")
	ErrLocked       = errors.New("locked by another process (download in progress?)")
	ErrLockCheck    = errors.New("left alone: cannot check its download locks")
	ErrRepoChanged  = errors.New("repo is no longer a valid cached repo")
)

// trashDir starts the name of the folders where whole repos and snapshot
// folders are moved before they are removed: under .locks/, the one root
// entry both upstream's scanner and hfcache's skip, on the same
// filesystem as the cache. Each account has its own,
// .locks/.hfcache-trash-<account> (see trashName); .locks/.hfcache-trash
// itself is the trash of hfcache versions before per-account trashes.
const trashDir = ".hfcache-trash"
