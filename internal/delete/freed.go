package delete

import "github.com/hfcache/hfcache/internal/scan"

// Freed says what deleting one revision alone, or one repo whole, frees:
// the sizes of its contents that nothing else in the scanned cache uses,
// counted once. A revision whose files are all shared with other
// revisions frees nothing although its size may be large.
type Freed struct {
	Revisions map[*scan.Revision]int64
	Repos     map[*scan.Repo]int64
}

// FreedIfDeleted computes Freed for every revision and repo of c, with
// the planner's rules (contents out of the cache, or in another repo's
// folder that a hand-made link reaches, are never removed, so never
// counted). c must have been scanned without scan.Options.Summary.
func FreedIfDeleted(c *scan.Cache) Freed {
	type use struct {
		revs  int32
		repo  *scan.Repo
		repos int32 // distinct repos, up to 2
	}
	uses := map[string]*use{}
	for _, repo := range c.Repos {
		for _, rev := range repo.Revisions {
			for _, id := range rev.BlobIDs {
				p := repo.Blobs[id].Path
				u := uses[p]
				if u == nil {
					u = &use{repo: repo, repos: 1}
					uses[p] = u
				} else if u.repo != repo && u.repos < 2 {
					u.repos = 2
				}
				u.revs++
			}
		}
	}
	f := Freed{Revisions: map[*scan.Revision]int64{}, Repos: map[*scan.Repo]int64{}}
	for _, repo := range c.Repos {
		for _, rev := range repo.Revisions {
			var n int64
			for _, id := range rev.BlobIDs {
				b := repo.Blobs[id]
				if uses[b.Path].revs == 1 && freedWithRepo(repo, c.Path, b.Path) {
					n += b.Size
				}
			}
			f.Revisions[rev] = n
		}
		var n int64
		for _, b := range repo.Blobs {
			if uses[b.Path].repos == 1 && freedWithRepo(repo, c.Path, b.Path) {
				n += b.Size
			}
		}
		f.Repos[repo] = n
	}
	return f
}
