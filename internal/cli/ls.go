package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/cachefilter"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/prune"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
)

// LsOptions are the inputs of ls.
type LsOptions struct {
	IO           *iostreams.IOStreams
	Dir          string
	Revisions    bool
	Filters      []string
	Sort         string
	Limit        int
	LimitSet     bool
	ShowWarnings bool
	Format       FormatFlags
	// Files lists the files of the revisions of Targets (see files.go),
	// selected by Include/Exclude globs and Revision.
	Files            bool
	Targets          []string
	Include, Exclude []string
	Revision         string

	cmd *cobra.Command
}

func newLsCmd(ios *iostreams.IOStreams) *cobra.Command {
	opts := &LsOptions{IO: ios}
	cmd := &cobra.Command{
		Use:     "ls [--files TARGETS...]",
		Aliases: []string{"list"},
		Short:   "List cached repositories or revisions.",
		Long: `List cached repositories or revisions, like "hf cache ls" of huggingface_hub 1.x.

Filters (-f, repeatable, all must match): size, type, accessed, modified and
refs compared with = (or ==), !=, >, <, >=, <=. Sizes take decimal units
(k, kb, m, mb, g, gb, t, tb, p, pb; 1k = 1000 bytes); accessed and modified
compare the age of the entry with a duration (s, m, h, d, w, mo, y). type and
refs only take "=".

--files lists the files of the given repos (type/repo_id, hf:// URI, bare
repo_id) or revisions (hash): per file its size, what deleting it alone
frees (FREED), a mark when its blob is shared with another file (another
revision, another repo: deleting it then frees nothing) and the blob it
uses. --revision picks one revision of each repo (a ref or a hash);
--include and --exclude select files by glob ('*' matches '/' too, as in
hf download). Quiet mode prints the hf:// URI of each file, which rm takes.`,
		Example: `  hfcache ls
  hfcache ls --revisions
  hfcache ls --filter "size>1GB" --limit 20
  hfcache ls -f type=model -f "accessed>30d" --sort size
  hfcache ls --format json
  hfcache ls --revisions -q -f refs=main
  hfcache ls --files model/TheBloke/Llama-2-7B-GGUF
  hfcache ls --files model/org/name --revision main --include "*.gguf"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if files, _ := cmd.Flags().GetBool("files"); files {
				return nil
			}
			return noArgs(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Targets = args
			negated(cmd, &opts.Revisions, "revisions")
			negated(cmd, &opts.ShowWarnings, "show-warnings")
			opts.LimitSet = cmd.Flags().Changed("limit")
			opts.cmd = cmd
			return runLs(opts)
		},
	}
	addCacheDirFlag(cmd, &opts.Dir)
	addNegatable(cmd, &opts.Revisions, "revisions", "list revisions instead of aggregated repositories")
	cmd.Flags().StringArrayVarP(&opts.Filters, "filter", "f", nil, "filter entries (e.g. 'size>1GB', 'type=model', 'accessed>7d'); repeatable")
	cmd.Flags().StringVar(&opts.Sort, "sort", "", "sort by accessed|modified|name|size, with :asc or :desc (default order: name ascending, others descending)")
	cmd.Flags().IntVar(&opts.Limit, "limit", 0, "show only the first N entries after sorting")
	addNegatable(cmd, &opts.ShowWarnings, "show-warnings", "show each cache inconsistency")
	cmd.Flags().BoolVar(&opts.Files, "files", false, "list the files of the revisions of TARGETS (repos or revision hashes)")
	cmd.Flags().StringVar(&opts.Revision, "revision", "", "with --files: only this revision of each repo (a ref such as main, or a hash)")
	cmd.Flags().StringArrayVar(&opts.Include, "include", nil, "with --files: only files matching this glob; repeatable")
	cmd.Flags().StringArrayVar(&opts.Exclude, "exclude", nil, "with --files: skip files matching this glob; repeatable")
	addFormatFlags(cmd, &opts.Format, true)
	return cmd
}

// lsEntry is one row: a repo, or one of its revisions.
type lsEntry struct {
	repo *scan.Repo
	rev  *scan.Revision
}

func runLs(opts *LsOptions) error {
	ios := opts.IO
	o, err := newModernOut(ios, opts.cmd, "[OPTIONS]", opts.Format, true)
	if err != nil {
		return err
	}
	if opts.Files {
		return runLsFiles(opts, o, opts.Targets)
	}
	if opts.Revision != "" || len(opts.Include)+len(opts.Exclude) > 0 {
		return o.usageError("--revision, --include and --exclude go with --files.")
	}
	if opts.Sort != "" && !validSort(opts.Sort) {
		return o.usageError(fmt.Sprintf("Invalid value for '--sort': '%s' is not one of %s.", opts.Sort, quoteList(cachefilter.SortKeys)))
	}
	cache, err := scanModern(o, opts.Dir, false)
	if err != nil {
		return err
	}
	now := ios.Now()

	entries := collectLsEntries(cache, opts.Revisions)
	q := cachefilter.Query{Limit: -1}
	for _, expr := range opts.Filters {
		f, err := cachefilter.ParseFilter(expr)
		if err != nil {
			return o.usageError("Invalid value: " + err.Error())
		}
		q.Filters = append(q.Filters, f)
	}
	if opts.Sort != "" {
		s, err := cachefilter.ParseSort(opts.Sort)
		if err != nil {
			return o.usageError("Invalid value: " + err.Error())
		}
		q.Sort = &s
	}
	if opts.LimitSet {
		if opts.Limit < 0 {
			return o.usageError(fmt.Sprintf("Invalid value: Limit must be a positive integer, got %d.", opts.Limit))
		}
		q.Limit = opts.Limit
	}
	rows := make([]cachefilter.Entry, len(entries))
	for i, e := range entries {
		rows[i] = filterEntry(e)
	}
	var selected []lsEntry
	for _, i := range q.Apply(rows, now) {
		selected = append(selected, entries[i])
	}

	if o.mode == render.FormatCSV {
		repos := make([]*scan.Repo, len(selected))
		var revs []*scan.Revision
		if opts.Revisions {
			revs = make([]*scan.Revision, len(selected))
		}
		for i, e := range selected {
			repos[i] = e.repo
			if opts.Revisions {
				revs[i] = e.rev
			}
		}
		fmt.Fprint(ios.Out, render.LsCSV(repos, revs))
	} else {
		items := make([]render.Object, len(selected))
		for i, e := range selected {
			if opts.Revisions {
				items[i] = render.LsRevisionItem(e.repo, e.rev, now)
			} else {
				items[i] = render.LsRepoItem(e.repo, now)
			}
		}
		if opts.Revisions {
			o.table(items, render.LsRevisionColumns, "revision")
		} else {
			o.table(items, render.LsRepoColumns, "id")
		}
	}

	if len(selected) > 0 {
		seen := map[*scan.Repo]bool{}
		revCount := 0
		repos := make([]*scan.Repo, len(selected))
		var revs []*scan.Revision
		for i, e := range selected {
			repos[i] = e.repo
			if opts.Revisions {
				revCount++
				revs = append(revs, e.rev)
			} else {
				revCount += len(e.repo.Revisions)
			}
			seen[e.repo] = true
		}
		// Upstream's sum of the sizes, except that a payload of the shared
		// blob store counts once however many repos link to it.
		size := scan.SharedSize(cache.Path, repos, revs)
		o.text(o.ansi.Bold(render.LsSummary(len(seen), revCount, size)))
	}
	if line := xetSummary(ios, cache.Path); line != "" {
		o.text(line)
	}

	if n := len(cache.Warnings); n > 0 {
		if opts.ShowWarnings {
			for _, w := range cache.Warnings {
				o.warning(strings.TrimRight(w.Error(), ".") + ". Repo ignored.")
			}
		} else {
			o.warning(fmt.Sprintf("Found %d cache inconsistencies. Re-run with `--show-warnings` to display them.", n))
		}
	}
	var nInc int
	var incSize int64
	for _, r := range cache.Repos {
		for _, b := range r.Incomplete {
			nInc++
			incSize += b.Size
		}
	}
	if nInc > 0 {
		o.hint(fmt.Sprintf("Found %d incomplete download(s) totalling %s. Remove them with 'hfcache prune'.", nInc, render.Size(incSize)))
	}
	if unused := prune.SharedOrphans(cache); len(unused) > 0 {
		var n int64
		for _, b := range unused {
			n += b.Size
		}
		o.hint(fmt.Sprintf("Found %d shared blob(s) no repo uses, totalling %s. Remove them with 'hfcache prune --orphans'.", len(unused), render.Size(n)))
	}
	trashHints(o, cache.Path)
	if paths := unreadableRepos(cache); len(paths) > 0 {
		o.errorMsg(unreadableMessage(paths, "--show-warnings"))
		return &ExitCodeError{Code: ExitError}
	}
	return nil
}

// collectLsEntries lists repos (or revisions) ordered by cache id, then
// revision hash, as upstream does before filtering and sorting.
func collectLsEntries(c *scan.Cache, revisions bool) []lsEntry {
	var entries []lsEntry
	for _, r := range c.Repos {
		if !revisions {
			entries = append(entries, lsEntry{repo: r})
			continue
		}
		for _, rev := range r.Revisions {
			entries = append(entries, lsEntry{repo: r, rev: rev})
		}
	}
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := render.CacheID(entries[i].repo), render.CacheID(entries[j].repo)
		if a != b {
			return a < b
		}
		if entries[i].rev == nil || entries[j].rev == nil {
			return false
		}
		return entries[i].rev.Hash < entries[j].rev.Hash
	})
	return entries
}

func filterEntry(e lsEntry) cachefilter.Entry {
	fe := cachefilter.Entry{
		ID:       render.CacheID(e.repo),
		Type:     e.repo.Type,
		Size:     e.repo.Size,
		Accessed: e.repo.LastAccessed,
		Modified: e.repo.LastModified,
		Refs:     e.repo.Refs(),
	}
	if e.rev != nil {
		fe.Size = e.rev.Size
		fe.Modified = e.rev.LastModified
		fe.Refs = e.rev.Refs
	}
	return fe
}

func validSort(s string) bool {
	for _, k := range cachefilter.SortKeys {
		if s == k {
			return true
		}
	}
	return false
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = "'" + x + "'"
	}
	return strings.Join(q, ", ")
}
