package cli

// The file view of the hf 1.x verbs: `ls --files` lists the files of
// revisions, `rm` deletes single files, by exact hf:// file URI (as
// huggingface_hub after 1.28: hf://models/org/name/path, the file in
// every cached revision of the repo) or by --include/--exclude globs on
// repo or revision targets (an hfcache extension).

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
	"github.com/hfcache/hfcache/internal/target"
)

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

func fileItem(r target.FileRow) render.Object {
	b := r.Blob()
	refs := append([]string{}, r.Rev.Refs...)
	return render.Object{
		{Key: "id", Value: render.CacheID(r.Repo)},
		{Key: "revision", Value: r.Rev.Hash},
		{Key: "file", Value: r.File.Name},
		{Key: "size", Value: render.Size(b.Size)},
		{Key: "freed", Value: render.Size(r.Freed)},
		{Key: "shared", Value: r.Shared},
		{Key: "blob", Value: filepath.Base(b.Path)},
		{Key: "uri", Value: target.URIOf(r.Repo, r.File.Name)},
		{Key: "refs", Value: refs},
		{Key: "size_bytes", Value: b.Size},
		{Key: "freed_bytes", Value: r.Freed},
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
	m, err := target.NewMatcher(opts.Include, opts.Exclude)
	if err != nil {
		return o.usageError("Invalid value: " + err.Error())
	}
	cache, err := scanModern(o, opts.Dir, true, false, false)
	if err != nil {
		return err
	}
	res, err := target.Resolve(cache, targets)
	if err != nil {
		return o.fail(err.Error())
	}
	if err := res.PickRevision(opts.Revision); err != nil {
		return o.fail(err.Error())
	}
	for _, miss := range res.Missing {
		o.warning("Could not find in cache: " + miss)
	}
	rows := target.Files(cache, res, m)
	printFileRows(o, rows)
	if len(rows) > 0 {
		// What deleting every listed file frees: their blobs that no
		// file left out of the list uses.
		plan, err := delete.PlanFiles(cache, target.FileSelections(rows))
		if err != nil {
			return o.fail(err.Error())
		}
		o.text(o.ansi.Bold(fmt.Sprintf("\nFound %d file(s) in %d revision(s) using %s on disk; deleting them all frees %s.",
			len(rows), target.CountRevisions(rows), render.Size(uniqueBlobSize(rows)), render.Size(plan.ExpectedFreedSize))))
	}
	if len(res.Missing) > 0 && len(rows) == 0 {
		return &ExitCodeError{Code: ExitError}
	}
	return nil
}

// printFileRows prints the files of ls --files: their hf:// URIs once
// each in quiet mode, else a table.
func printFileRows(o *modernOut, rows []target.FileRow) {
	items := make([]render.Object, len(rows))
	for i, r := range rows {
		items[i] = fileItem(r)
	}
	if o.mode != render.FormatQuiet {
		o.table(items, lsFilesColumns, "uri")
		return
	}
	seen := map[string]bool{}
	for _, it := range items {
		if u := it.Get("uri").(string); !seen[u] {
			seen[u] = true
			fmt.Fprintln(o.ios.Out, u)
		}
	}
}

// uniqueBlobSize adds up the sizes of the blobs rows use, each once.
func uniqueBlobSize(rows []target.FileRow) int64 {
	var size int64
	blobs := map[string]bool{}
	for _, r := range rows {
		if b := r.Blob(); !blobs[b.Path] {
			blobs[b.Path] = true
			size += b.Size
		}
	}
	return size
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
		if _, ok, _ := target.ParseFileURI(t); ok {
			return true
		}
	}
	return false
}

// runRmFiles is rm with hf:// file URIs or --include/--exclude.
func runRmFiles(opts *RmOptions, o *modernOut) error {
	m, err := target.NewMatcher(opts.Include, opts.Exclude)
	if err != nil {
		return o.usageError("Invalid value: " + err.Error())
	}
	uris, targets, err := splitFileTargets(opts.Targets)
	switch {
	case err != nil:
		return o.fail(err.Error())
	case len(uris) > 0 && len(targets) > 0:
		return o.usageError("File targets (hf:// file URIs) cannot be mixed with repo or revision targets.")
	case len(uris) > 0 && m.Active():
		return o.usageError("--include/--exclude select files of repo or revision targets, not of hf:// file URIs.")
	}
	cache, err := scanModern(o, opts.Dir, true, false, false)
	if err != nil {
		return err
	}
	rows, missing, err := rmFileRows(cache, uris, targets, m, opts.Revision)
	if err != nil {
		return o.fail(err.Error())
	}
	warnMissing(o, missing)
	if len(rows) == 0 {
		o.text("Nothing to delete.")
		return nil
	}
	plan, err := delete.PlanFiles(cache, target.FileSelections(rows))
	if err != nil {
		return o.fail(err.Error())
	}
	nRevs := target.CountRevisions(rows)
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
	return executeFiles(o, plan, len(rows), nRevs)
}

// splitFileTargets separates hf:// file URIs from the other targets.
func splitFileTargets(raw []string) (uris []target.FileURI, others []string, err error) {
	for _, r := range raw {
		t := strings.TrimSpace(r)
		if strings.HasPrefix(t, "hf://") {
			u, ok, err := target.ParseFileURI(t)
			if err != nil {
				return nil, nil, err
			}
			if ok {
				uris = append(uris, u)
				continue
			}
		}
		others = append(others, t)
	}
	return uris, others, nil
}

// rmFileRows resolves the files rm deletes: those hf:// file URIs name,
// else those of the targets' revisions m selects.
func rmFileRows(cache *scan.Cache, uris []target.FileURI, targets []string, m *target.Matcher, rev string) ([]target.FileRow, []string, error) {
	if len(uris) > 0 {
		return target.URIFiles(cache, uris, rev)
	}
	res, err := target.Resolve(cache, targets)
	if err != nil {
		return nil, nil, err
	}
	if err := res.PickRevision(rev); err != nil {
		return nil, nil, err
	}
	return target.Files(cache, res, m), res.Missing, nil
}

// executeFiles deletes the files of plan with a progress line and reports
// what is really gone.
func executeFiles(o *modernOut, plan *delete.FilePlan, nFiles, nRevs int) error {
	files := 0
	prog := newDeleteProgress(o.ios, nFiles, plan.ExpectedFreedSize)
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

// selectedFiles lists the files of a plan, grouped by revision, each with
// its size and a note when deleting it frees nothing.
func selectedFiles(rows []target.FileRow, plan *delete.FilePlan) string {
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
		if r.Rev != last {
			last = r.Rev
			refs := strings.Join(r.Rev.Refs, " ")
			if refs == "" {
				refs = "(detached)"
			}
			lines = append(lines, fmt.Sprintf("  - %s %s [%s]:", render.CacheID(r.Repo), r.Rev.Hash, refs))
		}
		note := ""
		switch b := r.Blob().Path; {
		case shared[b]:
			note = " (shared: still used, frees nothing)"
		case elsewhere[b]:
			note = " (content outside the repo's blobs: kept)"
		}
		lines = append(lines, fmt.Sprintf("      %s %s%s", r.File.Name, render.Size(r.Blob().Size), note))
	}
	return strings.Join(lines, "\n")
}
