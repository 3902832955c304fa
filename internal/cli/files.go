package cli

// The file view of the hf 1.x verbs: `ls --files` lists the files of
// revisions, `rm` deletes single files, by exact hf:// file URI (as
// huggingface_hub after 1.28: hf://models/org/name/path, the file in
// every cached revision of the repo) or by --include/--exclude globs on
// repo or revision targets (an hfcache extension).

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
)

// fileURI is an hf:// URI naming a file of a repo.
type fileURI struct {
	raw     string
	cacheID string // "model/org/name"
	path    string // "sub/file.bin"
}

// parseFileURI splits hf://[models/|datasets/|spaces/]ns/name/path. ok is
// false for a repo-level URI (no path): rm handles those as repos; a URI
// with a path that is not one exact file is ok with an error.
func parseFileURI(uri string) (fileURI, bool, error) {
	body := strings.TrimPrefix(uri, "hf://")
	segs := strings.Split(body, "/")
	typ := "model"
	switch segs[0] {
	case "models", "datasets", "spaces":
		typ = strings.TrimSuffix(segs[0], "s")
		segs = segs[1:]
	case "buckets", "kernels":
		return fileURI{}, false, upstreamErrorf("Only repository hf:// URIs are supported by `hfcache rm`.")
	}
	if len(segs) <= 2 {
		return fileURI{}, false, nil
	}
	if segs[0] == "" || segs[1] == "" {
		return fileURI{}, true, upstreamErrorf("Invalid HF URI: %s. Id must be 'namespace/name', got '%s'.", uri, strings.Join(segs, "/"))
	}
	if strings.Contains(segs[1], "@") {
		return fileURI{}, true, fmt.Errorf("%s: a revision in an hf:// URI is not supported; use --revision REF instead", uri)
	}
	p := strings.Join(segs[2:], "/")
	if p == "" || strings.HasSuffix(p, "/") || strings.ContainsAny(p, "*?[") {
		return fileURI{}, true, fmt.Errorf("%s: an hf:// file URI names one exact file (no folder, no glob); use --include to select by pattern", uri)
	}
	return fileURI{raw: uri, cacheID: typ + "/" + segs[0] + "/" + segs[1], path: p}, true, nil
}

// uriOf is the hf:// URI of a file of repo.
func uriOf(repo *scan.Repo, name string) string {
	return "hf://" + repo.Type + "s/" + repo.ID + "/" + name
}

// globMatcher matches file paths with fnmatch patterns, as the
// --include/--exclude of `hf download` do: '*' matches any run of
// characters, '/' included; '?' one character; [...] a class.
type globMatcher struct{ include, exclude []*regexp.Regexp }

func newGlobMatcher(include, exclude []string) (*globMatcher, error) {
	m := &globMatcher{}
	for _, list := range []struct {
		pats []string
		dst  *[]*regexp.Regexp
	}{{include, &m.include}, {exclude, &m.exclude}} {
		for _, p := range list.pats {
			re, err := fnmatchRegexp(p)
			if err != nil {
				return nil, err
			}
			*list.dst = append(*list.dst, re)
		}
	}
	return m, nil
}

func (m *globMatcher) active() bool { return len(m.include)+len(m.exclude) > 0 }

// match reports whether name is selected: it matches an include pattern
// (or there is none) and no exclude pattern.
func (m *globMatcher) match(name string) bool {
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

// fnmatchRegexp translates an fnmatch pattern (Python's fnmatch.translate).
func fnmatchRegexp(pat string) (*regexp.Regexp, error) {
	if pat == "" {
		return nil, fmt.Errorf("empty pattern")
	}
	var b strings.Builder
	b.WriteString("^(?s:")
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		switch c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			j := strings.IndexByte(pat[i+1:], ']')
			if j < 0 || (j == 0 && !strings.Contains(pat[i+2:], "]")) {
				b.WriteString(`\[`)
				continue
			}
			if j == 0 { // "[]...]": ']' first is literal
				j = 1 + strings.IndexByte(pat[i+2:], ']')
			}
			class := pat[i+1 : i+1+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j + 1
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(")$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("bad pattern %q: %w", pat, err)
	}
	return re, nil
}

// pickRevisions keeps the revisions of res that --revision names (a ref
// or a hash, or a prefix of at least 7 characters of one); all of them
// when rev is empty. It fails when a repo has no such revision.
func pickRevisions(res *rmResolution, rev string) error {
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
			return fmt.Errorf("%s has no cached revision %q", render.CacheID(repo), rev)
		}
		res.selected[repo] = map[*scan.Revision]bool{hit: true}
	}
	return nil
}

// fileRow is one file of one revision.
type fileRow struct {
	repo   *scan.Repo
	rev    *scan.Revision
	file   scan.File
	freed  int64 // freed if only this file is deleted
	shared bool  // another file (any revision, any repo) uses its blob
}

func (r fileRow) blob() scan.Blob { return r.repo.Blobs[r.file.Blob] }

// fileRows lists the files of the selected revisions, by repo, revision
// and name, that m selects (all when m is inactive).
func fileRows(c *scan.Cache, res *rmResolution, m *globMatcher) []fileRow {
	uses := delete.BlobUses(c)
	var rows []fileRow
	for _, s := range res.selections() {
		revs := append([]*scan.Revision(nil), s.Revs...)
		sort.Slice(revs, func(i, j int) bool { return revs[i].Hash < revs[j].Hash })
		for _, rev := range revs {
			for _, f := range rev.Files {
				if m != nil && m.active() && !m.match(f.Name) {
					continue
				}
				rows = append(rows, fileRow{
					repo: s.Repo, rev: rev, file: f, freed: delete.FileFreed(c, s.Repo, rev, f, uses),
					shared: uses[s.Repo.Blobs[f.Blob].Path] > 1,
				})
			}
		}
	}
	return rows
}

// lsFilesColumns are the columns of `ls --files`.
var lsFilesColumns = []render.Column{
	{Key: "id"},
	{Key: "revision"},
	{Key: "file"},
	{Key: "size", Right: true},
	{Key: "freed", Right: true},
	{Key: "shared"},
	{Key: "blob"},
}

func fileItem(r fileRow) render.Object {
	b := r.blob()
	refs := append([]string{}, r.rev.Refs...)
	return render.Object{
		{Key: "id", Value: render.CacheID(r.repo)},
		{Key: "revision", Value: r.rev.Hash},
		{Key: "file", Value: r.file.Name},
		{Key: "size", Value: render.Size(b.Size)},
		{Key: "freed", Value: render.Size(r.freed)},
		{Key: "shared", Value: r.shared},
		{Key: "blob", Value: filepath.Base(b.Path)},
		{Key: "uri", Value: uriOf(r.repo, r.file.Name)},
		{Key: "refs", Value: refs},
		{Key: "size_bytes", Value: b.Size},
		{Key: "freed_bytes", Value: r.freed},
		{Key: "blob_path", Value: b.Path},
	}
}

// runLsFiles is `ls --files TARGETS...`.
func runLsFiles(opts *LsOptions, o *modernOut, targets []string) error {
	if len(targets) == 0 {
		return o.usageError("Missing argument 'TARGETS...': --files lists the files of the given repos or revisions.")
	}
	if o.mode == render.FormatCSV {
		return o.usageError("Invalid value for '--format': csv does not apply to --files.")
	}
	m, err := newGlobMatcher(opts.Include, opts.Exclude)
	if err != nil {
		return o.usageError("Invalid value: " + err.Error())
	}
	cache, err := scanModern(o, opts.Dir, true)
	if err != nil {
		return err
	}
	res, err := resolveTargets(cache, targets)
	if err != nil {
		return o.fail(err.Error())
	}
	if err := pickRevisions(res, opts.Revision); err != nil {
		return o.fail(err.Error())
	}
	for _, miss := range res.missing {
		o.warning("Could not find in cache: " + miss)
	}
	rows := fileRows(cache, res, m)
	items := make([]render.Object, len(rows))
	var size int64
	blobs := map[string]bool{}
	for i, r := range rows {
		items[i] = fileItem(r)
		if b := r.blob(); !blobs[b.Path] {
			blobs[b.Path] = true
			size += b.Size
		}
	}
	if o.mode == render.FormatQuiet {
		seen := map[string]bool{}
		for _, it := range items {
			if u := it.Get("uri").(string); !seen[u] {
				seen[u] = true
				fmt.Fprintln(o.ios.Out, u)
			}
		}
	} else {
		o.table(items, lsFilesColumns, "uri")
	}
	if len(rows) > 0 {
		// What deleting every listed file frees: their blobs that no
		// file left out of the list uses.
		plan, err := delete.PlanFiles(cache, fileSelections(rows))
		if err != nil {
			return o.fail(err.Error())
		}
		o.text(o.ansi.Bold(fmt.Sprintf("\nFound %d file(s) in %d revision(s) using %s on disk; deleting them all frees %s.",
			len(rows), countRevs(rows), render.Size(size), render.Size(plan.ExpectedFreedSize))))
	}
	if len(res.missing) > 0 && len(rows) == 0 {
		return &ExitCodeError{Code: ExitError}
	}
	return nil
}

// isFileDeletion reports whether rm's command line deletes files: an
// hf:// file URI or a glob.
func isFileDeletion(opts *RmOptions) bool {
	if len(opts.Include)+len(opts.Exclude) > 0 {
		return true
	}
	for _, t := range opts.Targets {
		if t = strings.TrimSpace(t); !strings.HasPrefix(t, "hf://") {
			continue
		}
		if _, ok, _ := parseFileURI(t); ok {
			return true
		}
	}
	return false
}

// runRmFiles is rm with hf:// file URIs or --include/--exclude.
func runRmFiles(opts *RmOptions, o *modernOut) error {
	m, err := newGlobMatcher(opts.Include, opts.Exclude)
	if err != nil {
		return o.usageError("Invalid value: " + err.Error())
	}
	var uris []fileURI
	var targets []string
	for _, raw := range opts.Targets {
		t := strings.TrimSpace(raw)
		if strings.HasPrefix(t, "hf://") {
			u, ok, err := parseFileURI(t)
			if err != nil {
				return o.fail(err.Error())
			}
			if ok {
				uris = append(uris, u)
				continue
			}
		}
		targets = append(targets, t)
	}
	switch {
	case len(uris) > 0 && len(targets) > 0:
		return o.usageError("File targets (hf:// file URIs) cannot be mixed with repo or revision targets.")
	case len(uris) > 0 && m.active():
		return o.usageError("--include/--exclude select files of repo or revision targets, not of hf:// file URIs.")
	}
	cache, err := scanModern(o, opts.Dir, true)
	if err != nil {
		return err
	}
	var rows []fileRow
	var missing []string
	if len(uris) > 0 {
		rows, missing, err = uriRows(cache, uris, opts.Revision)
	} else {
		var res *rmResolution
		res, err = resolveTargets(cache, targets)
		if err == nil {
			err = pickRevisions(res, opts.Revision)
		}
		if err == nil {
			missing = res.missing
			rows = fileRows(cache, res, m)
		}
	}
	if err != nil {
		return o.fail(err.Error())
	}
	if len(missing) > 0 {
		lines := make([]string, len(missing))
		for i, mm := range missing {
			lines[i] = "  - " + mm
		}
		o.warning("Could not find in cache:\n" + strings.Join(lines, "\n"))
	}
	if len(rows) == 0 {
		o.text("Nothing to delete.")
		return nil
	}
	plan, err := delete.PlanFiles(cache, fileSelections(rows))
	if err != nil {
		return o.fail(err.Error())
	}
	nRevs := countRevs(rows)
	freed := render.Size(plan.ExpectedFreedSize)
	o.text(fmt.Sprintf("About to delete %d file(s) of %d revision(s) totalling %s.", len(rows), nRevs, freed))
	o.text(selectedFiles(rows, plan))
	if opts.DryRun {
		o.result("Dry run: no files were deleted.", render.Object{
			{Key: "dry_run", Value: true},
			{Key: "files", Value: len(rows)},
			{Key: "revisions", Value: nRevs},
			{Key: "size", Value: freed},
			{Key: "size_bytes", Value: plan.ExpectedFreedSize},
		})
		return nil
	}
	if err := o.confirm("Proceed with deletion?", opts.Yes); err != nil {
		return err
	}
	files := 0
	prog := newDeleteProgress(o.ios, len(rows), plan.ExpectedFreedSize)
	result := delete.ExecuteFiles(plan, delete.ExecOptions{OnRemove: func(kind delete.Kind, p string) {
		if kind == delete.KindFile {
			files++
			prog.add(1, plan.BlobSizes[p])
		} else {
			prog.add(0, plan.BlobSizes[p])
		}
	}})
	prog.done()
	if reportResult(o, result) {
		o.errorMsg(fmt.Sprintf("Deletion incomplete. Only %d file(s) were deleted; freed %s.", files, render.Size(result.FreedSize)))
		return &ExitCodeError{Code: ExitError}
	}
	fmt.Fprintf(o.ios.ErrOut, "Cache deletion done. Saved %s.\n", render.Size(result.FreedSize))
	o.result(fmt.Sprintf("Deleted %d file(s) of %d revision(s); freed %s.", files, nRevs, render.Size(result.FreedSize)), render.Object{
		{Key: "files_deleted", Value: files},
		{Key: "revisions", Value: nRevs},
		{Key: "freed", Value: render.Size(result.FreedSize)},
		{Key: "freed_bytes", Value: result.FreedSize},
	})
	return nil
}

// uriRows finds the files that hf:// file URIs name, in every cached
// revision of their repo (or the one --revision names).
func uriRows(c *scan.Cache, uris []fileURI, rev string) ([]fileRow, []string, error) {
	uses := delete.BlobUses(c)
	byID := map[string]*scan.Repo{}
	for _, repo := range c.Repos {
		byID[strings.ToLower(render.CacheID(repo))] = repo
	}
	var rows []fileRow
	var missing []string
	seen := map[string]bool{}
	for _, u := range uris {
		repo := byID[strings.ToLower(u.cacheID)]
		if repo == nil {
			missing = append(missing, u.raw)
			continue
		}
		res := &rmResolution{selected: map[*scan.Repo]map[*scan.Revision]bool{}}
		for _, r := range repo.Revisions {
			res.add(repo, r)
		}
		if err := pickRevisions(res, rev); err != nil {
			return nil, nil, err
		}
		found := false
		for _, r := range repo.Revisions {
			if !res.selected[repo][r] {
				continue
			}
			for _, f := range r.Files {
				if f.Name != u.path {
					continue
				}
				found = true
				key := repo.Path + "\x00" + r.Hash + "\x00" + f.Name
				if !seen[key] {
					seen[key] = true
					rows = append(rows, fileRow{
						repo: repo, rev: r, file: f, freed: delete.FileFreed(c, repo, r, f, uses),
						shared: uses[repo.Blobs[f.Blob].Path] > 1,
					})
				}
			}
		}
		if !found {
			missing = append(missing, u.raw)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.repo != b.repo {
			return a.repo.Path < b.repo.Path
		}
		if a.rev != b.rev {
			return a.rev.Hash < b.rev.Hash
		}
		return a.file.Name < b.file.Name
	})
	return rows, missing, nil
}

func fileSelections(rows []fileRow) []delete.FileSelection {
	var sel []delete.FileSelection
	for _, r := range rows {
		if n := len(sel); n > 0 && sel[n-1].Revision == r.rev && sel[n-1].Repo == r.repo {
			sel[n-1].Names = append(sel[n-1].Names, r.file.Name)
			continue
		}
		sel = append(sel, delete.FileSelection{Repo: r.repo, Revision: r.rev, Names: []string{r.file.Name}})
	}
	return sel
}

func countRevs(rows []fileRow) int {
	revs := map[*scan.Revision]bool{}
	for _, r := range rows {
		revs[r.rev] = true
	}
	return len(revs)
}

// selectedFiles lists the files of a plan, grouped by revision, each with
// its size and a note when deleting it frees nothing.
func selectedFiles(rows []fileRow, plan *delete.FilePlan) string {
	shared := map[string]bool{}
	for _, b := range plan.Shared {
		shared[b] = true
	}
	elsewhere := map[string]bool{}
	for _, b := range plan.Elsewhere {
		elsewhere[b] = true
	}
	var lines []string
	var last *scan.Revision
	for _, r := range rows {
		if r.rev != last {
			last = r.rev
			refs := strings.Join(r.rev.Refs, " ")
			if refs == "" {
				refs = "(detached)"
			}
			lines = append(lines, fmt.Sprintf("  - %s %s [%s]:", render.CacheID(r.repo), r.rev.Hash, refs))
		}
		note := ""
		switch b := r.blob().Path; {
		case shared[b]:
			note = " (shared: still used, frees nothing)"
		case elsewhere[b]:
			note = " (content outside the repo's blobs: kept)"
		}
		lines = append(lines, fmt.Sprintf("      %s %s%s", r.file.Name, render.Size(r.blob().Size), note))
	}
	return strings.Join(lines, "\n")
}
