// Package target resolves what the targets of rm and ls --files name in a
// scanned cache: repos (type/repo_id, hf:// repo URIs, bare repo ids),
// revisions (hashes, type/repo_id@hash), and single files (hf:// file
// URIs, --include/--exclude globs), with what deleting each file alone
// frees. It decides; internal/cli prints. A target that names several
// things is refused, never guessed.
package target

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hfcache/hfcache/internal/scan"
)

// cacheID is a repo's id in the hf 1.x verbs: "model/org/name".
func cacheID(r *scan.Repo) string { return r.Type + "/" + r.ID }

var hex40 = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)

// Resolution is what the targets of a command line select.
type Resolution struct {
	selected map[*scan.Repo]map[*scan.Revision]bool
	// Hashes are the selected revisions' hashes, in the order selected.
	Hashes []string
	// Missing are the targets that name nothing cached, as typed.
	Missing []string
}

// Add selects rev of repo.
func (r *Resolution) Add(repo *scan.Repo, rev *scan.Revision) {
	if r.selected[repo] == nil {
		r.selected[repo] = map[*scan.Revision]bool{}
	}
	if !r.selected[repo][rev] {
		r.selected[repo][rev] = true
		r.Hashes = append(r.Hashes, rev.Hash)
	}
}

// Selections are the selected revisions by repo, repos by path.
func (r *Resolution) Selections() []scan.Selection {
	var sel []scan.Selection
	for repo, revs := range r.selected {
		s := scan.Selection{Repo: repo}
		for rev := range revs {
			s.Revisions = append(s.Revisions, rev)
		}
		sel = append(sel, s)
	}
	sort.Slice(sel, func(i, j int) bool { return sel[i].Repo.Path < sel[j].Repo.Path })
	return sel
}

// AmbiguousRevisionError says a bare revision hash is held by several
// cached repos (a fork copied with cp -a, one model cached under two
// names): rm removes nothing and names the repos, so that the user picks
// one as type/repo_id@hash.
type AmbiguousRevisionError struct {
	Hash  string
	Repos []string // their cache ids, sorted
}

func (e *AmbiguousRevisionError) Error() string {
	return fmt.Sprintf("revision %s is held by %d cached repos: %s. Nothing was deleted; name the one to delete as %s@%s.",
		e.Hash, len(e.Repos), strings.Join(e.Repos, ", "), e.Repos[0], e.Hash)
}

// Resolve maps rm's targets to revisions as upstream does, plus bare
// repo ids that name exactly one cached repo and type/repo_id@hash for one
// revision of one repo. A bare hash that several repos hold is refused
// (*AmbiguousRevisionError): which copy to delete is the user's choice.
func Resolve(c *scan.Cache, targets []string) (*Resolution, error) {
	res := &Resolution{selected: map[*scan.Repo]map[*scan.Revision]bool{}}
	byCacheID := map[string]*scan.Repo{}
	byRepoID := map[string][]*scan.Repo{}
	type holder struct {
		repo *scan.Repo
		rev  *scan.Revision
	}
	byHash := map[string][]holder{}
	for _, repo := range c.Repos {
		byCacheID[strings.ToLower(cacheID(repo))] = repo
		byRepoID[strings.ToLower(repo.ID)] = append(byRepoID[strings.ToLower(repo.ID)], repo)
		for _, rev := range repo.Revisions {
			h := strings.ToLower(rev.Hash)
			byHash[h] = append(byHash[h], holder{repo, rev})
		}
	}
	for _, raw := range targets {
		target := strings.TrimSpace(raw)
		if target == "" {
			continue
		}
		if hex40.MatchString(target) {
			holders := byHash[strings.ToLower(target)]
			switch len(holders) {
			case 0:
				res.Missing = append(res.Missing, raw)
			case 1:
				res.Add(holders[0].repo, holders[0].rev)
			default:
				e := &AmbiguousRevisionError{Hash: strings.ToLower(target)}
				for _, h := range holders {
					e.Repos = append(e.Repos, cacheID(h.repo))
				}
				sort.Strings(e.Repos)
				return nil, e
			}
			continue
		}
		id, hash := target, ""
		if at := strings.LastIndex(target, "@"); at > 0 && !strings.HasPrefix(target, "hf://") && hex40.MatchString(target[at+1:]) {
			id, hash = target[:at], strings.ToLower(target[at+1:])
		}
		isURI := strings.HasPrefix(id, "hf://")
		if isURI {
			var err error
			if id, err = RepoCacheIDFromURI(id); err != nil {
				return nil, err
			}
		}
		repo := byCacheID[strings.ToLower(id)]
		if repo == nil && !isURI {
			switch matches := byRepoID[strings.ToLower(id)]; len(matches) {
			case 0:
			case 1:
				repo = matches[0]
			default:
				ids := make([]string, len(matches))
				for i, m := range matches {
					ids[i] = cacheID(m)
				}
				return nil, fmt.Errorf("%q matches several cached repos: %s; use type/repo_id to pick one", id, strings.Join(ids, ", "))
			}
		}
		if repo == nil {
			res.Missing = append(res.Missing, raw)
			continue
		}
		found := false
		for _, rev := range repo.Revisions {
			if hash == "" || strings.ToLower(rev.Hash) == hash {
				res.Add(repo, rev)
				found = true
			}
		}
		if hash != "" && !found {
			res.Missing = append(res.Missing, raw)
		}
	}
	return res, nil
}

// RepoCacheIDFromURI turns hf://[models/|datasets/|spaces/]ns/name into
// "model/ns/name"; revisions and paths are refused as upstream does.
func RepoCacheIDFromURI(uri string) (string, error) {
	body := strings.TrimPrefix(uri, "hf://")
	if body == "" {
		return "", upstreamErrorf("Invalid HF URI: %s. Empty body after 'hf://'.", uri)
	}
	typ, segs, err := uriTypeAndSegments(body)
	if err != nil {
		return "", err
	}
	if len(segs) < 2 || segs[0] == "" || segs[1] == "" {
		return "", upstreamErrorf("Invalid HF URI: %s. Id must be 'namespace/name', got '%s'.", uri, strings.Join(segs, "/"))
	}
	if strings.Contains(segs[1], "@") || len(segs) > 2 {
		return "", upstreamErrorf("Only repo-level hf:// URIs are supported by `hfcache rm` for now.")
	}
	return typ + "/" + segs[0] + "/" + segs[1], nil
}

// Counts are upstream's summarize_deletions: whole repos, revisions of
// repos kept, and all revisions.
type Counts struct{ Repos, PartialRevisions, Revisions int }

// Count counts a selection as upstream's summaries do.
func Count(sel []scan.Selection) Counts {
	var c Counts
	for _, s := range sel {
		c.Revisions += len(s.Revisions)
		if s.Whole() {
			c.Repos++
		} else {
			c.PartialRevisions += len(s.Revisions)
		}
	}
	return c
}

// upstreamError is a message worded exactly as upstream prints it
// (capitalised, with a final period), shown to the user as it is.
type upstreamError string

func (e upstreamError) Error() string { return string(e) }

func upstreamErrorf(format string, args ...any) error {
	return upstreamError(fmt.Sprintf(format, args...))
}

// uriTypeAndSegments splits the body of an hf:// URI into the repo type its
// first segment names (models/, datasets/, spaces/; none: a model) and the
// segments after it. Bucket and kernel URIs are refused.
func uriTypeAndSegments(body string) (string, []string, error) {
	segs := strings.Split(body, "/")
	switch segs[0] {
	case "models", "datasets", "spaces":
		return strings.TrimSuffix(segs[0], "s"), segs[1:], nil
	case "buckets", "kernels":
		return "", nil, upstreamErrorf("Only repository hf:// URIs are supported by `hfcache rm`.")
	}
	return "model", segs, nil
}
