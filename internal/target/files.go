package target

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/pycompat"
	"github.com/hfcache/hfcache/internal/scan"
)

// FileURI is an hf:// URI naming a file of a repo.
type FileURI struct {
	Raw     string
	CacheID string // "model/org/name"
	Path    string // "sub/file.bin"
}

// ParseFileURI splits hf://[models/|datasets/|spaces/]ns/name/path. ok is
// false for a repo-level URI (no path): rm handles those as repos; a URI
// with a path that is not one exact file is ok with an error.
func ParseFileURI(uri string) (FileURI, bool, error) {
	body := strings.TrimPrefix(uri, "hf://")
	typ, segs, err := uriTypeAndSegments(body)
	if err != nil {
		return FileURI{}, false, err
	}
	if len(segs) <= 2 {
		return FileURI{}, false, nil
	}
	if segs[0] == "" || segs[1] == "" {
		return FileURI{}, true, upstreamErrorf("Invalid HF URI: %s. Id must be 'namespace/name', got '%s'.", uri, strings.Join(segs, "/"))
	}
	if strings.Contains(segs[1], "@") {
		return FileURI{}, true, fmt.Errorf("%s: a revision in an hf:// URI is not supported; use --revision REF instead", uri)
	}
	p := strings.Join(segs[2:], "/")
	if p == "" || strings.HasSuffix(p, "/") || strings.ContainsAny(p, "*?[") {
		return FileURI{}, true, fmt.Errorf("%s: an hf:// file URI names one exact file (no folder, no glob); use --include to select by pattern", uri)
	}
	return FileURI{Raw: uri, CacheID: typ + "/" + segs[0] + "/" + segs[1], Path: p}, true, nil
}

// URIOf is the hf:// URI of a file of repo.
func URIOf(repo *scan.Repo, name string) string {
	return "hf://" + repo.Type + "s/" + repo.ID + "/" + name
}

// Matcher matches file paths with fnmatch patterns, as the
// --include/--exclude of `hf download` do: '*' matches any run of
// characters, '/' included; '?' one character; [...] a class.
type Matcher struct{ include, exclude []*regexp.Regexp }

// NewMatcher compiles --include and --exclude patterns.
func NewMatcher(include, exclude []string) (*Matcher, error) {
	m := &Matcher{}
	for _, list := range []struct {
		pats []string
		dst  *[]*regexp.Regexp
	}{{include, &m.include}, {exclude, &m.exclude}} {
		for _, p := range list.pats {
			re, err := pycompat.FnmatchRegexp(p)
			if err != nil {
				return nil, err
			}
			*list.dst = append(*list.dst, re)
		}
	}
	return m, nil
}

// Active reports whether any pattern was given.
func (m *Matcher) Active() bool { return len(m.include)+len(m.exclude) > 0 }

// Match reports whether name is selected: it matches an include pattern
// (or there is none) and no exclude pattern.
func (m *Matcher) Match(name string) bool {
	in := len(m.include) == 0
	for _, re := range m.include {
		if re.MatchString(name) {
			in = true
			break
		}
	}
	if !in {
		return false
	}
	for _, re := range m.exclude {
		if re.MatchString(name) {
			return false
		}
	}
	return true
}

// PickRevision keeps the revisions of r that --revision names (a ref
// or a hash, or a prefix of at least 7 characters of one); all of them
// when rev is empty. It fails when a repo has no such revision.
func (r *Resolution) PickRevision(rev string) error {
	res := r
	if rev == "" {
		return nil
	}
	want := strings.ToLower(rev)
	for repo, revs := range res.selected {
		var hit *scan.Revision
		for r := range revs {
			ok := strings.EqualFold(r.Hash, rev) || (len(rev) >= 7 && strings.HasPrefix(strings.ToLower(r.Hash), want))
			for _, ref := range r.Refs {
				ok = ok || ref == rev
			}
			if ok {
				hit = r
			}
		}
		if hit == nil {
			return fmt.Errorf("%s has no cached revision %q", cacheID(repo), rev)
		}
		res.selected[repo] = map[*scan.Revision]bool{hit: true}
	}
	return nil
}

// FileRow is one file of one revision.
type FileRow struct {
	Repo   *scan.Repo
	Rev    *scan.Revision
	File   scan.File
	Freed  int64 // freed if only this file is deleted
	Shared bool  // another file (any revision, any repo) uses its blob
}

// Blob is the blob the file uses.
func (r FileRow) Blob() scan.Blob { return r.Repo.Blobs[r.File.Blob] }

// Files lists the files of the selected revisions, by repo, revision
// and name, that m selects (all when m is inactive).
func Files(c *scan.Cache, res *Resolution, m *Matcher) []FileRow {
	uses := delete.BlobUses(c)
	var rows []FileRow
	for _, s := range res.Selections() {
		revs := append([]*scan.Revision(nil), s.Revisions...)
		sort.Slice(revs, func(i, j int) bool { return revs[i].Hash < revs[j].Hash })
		for _, rev := range revs {
			for _, f := range rev.Files {
				if m != nil && m.Active() && !m.Match(f.Name) {
					continue
				}
				rows = append(rows, FileRow{
					Repo: s.Repo, Rev: rev, File: f, Freed: delete.FileFreed(c, s.Repo, rev, f, uses),
					Shared: uses[s.Repo.Blobs[f.Blob].Path] > 1,
				})
			}
		}
	}
	return rows
}

// URIFiles finds the files that hf:// file URIs name, in every cached
// revision of their repo (or the one --revision names).
func URIFiles(c *scan.Cache, uris []FileURI, rev string) ([]FileRow, []string, error) {
	uses := delete.BlobUses(c)
	byID := map[string]*scan.Repo{}
	for _, repo := range c.Repos {
		byID[strings.ToLower(cacheID(repo))] = repo
	}
	var rows []FileRow
	var missing []string
	seen := map[string]bool{}
	for _, u := range uris {
		repo := byID[strings.ToLower(u.CacheID)]
		if repo == nil {
			missing = append(missing, u.Raw)
			continue
		}
		res := &Resolution{selected: map[*scan.Repo]map[*scan.Revision]bool{}}
		for _, r := range repo.Revisions {
			res.Add(repo, r)
		}
		if err := res.PickRevision(rev); err != nil {
			return nil, nil, err
		}
		found := false
		for _, r := range repo.Revisions {
			if !res.selected[repo][r] {
				continue
			}
			for _, f := range r.Files {
				if f.Name != u.Path {
					continue
				}
				found = true
				key := repo.Path + "\x00" + r.Hash + "\x00" + f.Name
				if !seen[key] {
					seen[key] = true
					rows = append(rows, FileRow{
						Repo: repo, Rev: r, File: f, Freed: delete.FileFreed(c, repo, r, f, uses),
						Shared: uses[repo.Blobs[f.Blob].Path] > 1,
					})
				}
			}
		}
		if !found {
			missing = append(missing, u.Raw)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Repo != b.Repo {
			return a.Repo.Path < b.Repo.Path
		}
		if a.Rev != b.Rev {
			return a.Rev.Hash < b.Rev.Hash
		}
		return a.File.Name < b.File.Name
	})
	return rows, missing, nil
}

// FileSelections groups rows by revision, as the deletion engine takes them.
func FileSelections(rows []FileRow) []delete.FileSelection {
	var sel []delete.FileSelection
	for _, r := range rows {
		if n := len(sel); n > 0 && sel[n-1].Revision == r.Rev && sel[n-1].Repo == r.Repo {
			sel[n-1].Names = append(sel[n-1].Names, r.File.Name)
			continue
		}
		sel = append(sel, delete.FileSelection{Repo: r.Repo, Revision: r.Rev, Names: []string{r.File.Name}})
	}
	return sel
}

// CountRevisions counts the revisions rows are files of.
func CountRevisions(rows []FileRow) int {
	revs := map[*scan.Revision]bool{}
	for _, r := range rows {
		revs[r.Rev] = true
	}
	return len(revs)
}
