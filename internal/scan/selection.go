package scan

// Selection is revisions of one repo: chosen for deletion (delete-cache,
// rm, prune), or all of a repo's revisions in the order delete-cache shows
// them. It is the one type every layer passes a choice of revisions in.
type Selection struct {
	Repo      *Repo
	Revisions []*Revision
}

// Whole reports whether every revision of the repo is selected.
func (s Selection) Whole() bool { return len(s.Revisions) == len(s.Repo.Revisions) }
