package cli

import (
	"fmt"
	"io"
	"regexp"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/scan"
)

// deleteWithFiles deletes what the interactive selection chose when it
// holds single files: the revisions first (as without files), then the
// files, planned against the cache as it is after the revisions went (a
// blob a deleted revision shared with a deleted file goes too).
func (d *deleteSession) deleteWithFiles(sel TUISelection) error {
	ios := d.ios
	fmt.Fprintln(ios.Out, "Start deletion.")
	revs := &delete.Result{}
	if len(sel.Picks) > 0 {
		revs = executeWithProgress(ios, delete.PlanSelected(d.cache, sel.Picks), repoSizes(d.cache), nil)
	}
	cache := d.cache
	if len(sel.Picks) > 0 {
		again, err := scan.Dir(d.cache.Path, scan.Options{Files: true, Modern: d.cache.Modern})
		if err != nil {
			return fmt.Errorf("read the cache again before deleting files: %w", err)
		}
		cache = again
	}
	files := filesIn(cache, sel.Files)
	res := &delete.Result{}
	nFiles := 0
	if len(files) > 0 {
		plan, err := delete.PlanFiles(cache, files)
		if err != nil {
			return err
		}
		prog := newDeleteProgress(ios, plan.NbFiles(), plan.ExpectedFreedSize)
		res = delete.ExecuteFiles(plan, delete.ExecOptions{OnRemove: func(kind delete.Kind, p string) {
			if kind == delete.KindFile {
				nFiles++
				prog.add(1, plan.BlobSizes[p])
				return
			}
			prog.add(0, plan.BlobSizes[p])
		}})
		prog.done()
	}
	// One report for both.
	merged := *revs
	merged.Failures = append(append([]delete.Failure(nil), revs.Failures...), res.Failures...)
	merged.Skipped = append(append([]delete.Skip(nil), revs.Skipped...), res.Skipped...)
	merged.Locked = append(append([]string(nil), revs.Locked...), res.Locked...)
	merged.FreedSize += res.FreedSize
	return reportDeletion(withFilesLine(ios, nFiles), &merged)
}

// filesIn finds the selected files in cache (read again after the
// revisions were deleted): the same repo folder, revision and names.
func filesIn(cache *scan.Cache, sel []delete.FileSelection) []delete.FileSelection {
	byPath := map[string]*scan.Repo{}
	for _, r := range cache.Repos {
		byPath[r.Path] = r
	}
	var out []delete.FileSelection
	for _, s := range sel {
		repo := byPath[s.Repo.Path]
		if repo == nil {
			continue
		}
		for _, rev := range repo.Revisions {
			if rev.Hash == s.Revision.Hash {
				out = append(out, delete.FileSelection{Repo: repo, Revision: rev, Names: s.Names})
			}
		}
	}
	return out
}

// withFilesLine returns streams whose stdout turns reportDeletion's
// "Deleted N repo(s) and M revision(s) for a total of X." into
// "Deleted N repo(s), M revision(s) and F file(s) for a total of X.".
func withFilesLine(ios *iostreams.IOStreams, files int) *iostreams.IOStreams {
	c := *ios
	c.Out = &filesLineWriter{w: ios.Out, files: files}
	return &c
}

type filesLineWriter struct {
	w     io.Writer
	files int
}

var deletedLine = regexp.MustCompile(`Deleted ([0-9]+) repo\(s\) and ([0-9]+) revision\(s\)`)

func (f *filesLineWriter) Write(p []byte) (int, error) {
	out := deletedLine.ReplaceAll(p, []byte(fmt.Sprintf("Deleted $1 repo(s), $2 revision(s) and %d file(s)", f.files)))
	if _, err := f.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
