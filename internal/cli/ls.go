package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/cachefilter"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/listing"
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
			formatFlagsGiven(cmd, &opts.Format)
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

func runLs(opts *LsOptions) error {
	o, err := newModernOut(opts.IO, "ls", "[OPTIONS]", opts.Format, true)
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
	cache, err := scanModern(o, opts.Dir, false, true, true)
	if err != nil {
		return err
	}
	// Upstream parses the filters after the scan: a missing cache is
	// reported before a bad filter.
	q, err := lsQuery(o, opts)
	if err != nil {
		return err
	}
	now := opts.IO.Now()
	l := listing.List(cache, opts.Revisions, q, now)
	printListing(o, l, now)
	if line := xetSummary(opts.IO, cache.Path); line != "" {
		o.text(line)
	}
	printLsWarnings(o, cache, opts.ShowWarnings)
	printLsHints(o, l)
	trashHints(o, cache.Path)
	if paths := unreadableRepos(cache); len(paths) > 0 {
		o.errorMsg(unreadableMessage(paths, "--show-warnings"))
		return &ExitCodeError{Code: ExitError}
	}
	return nil
}

// lsQuery turns --filter, --sort and --limit into a query; a bad one is a
// usage error (printed).
func lsQuery(o *modernOut, opts *LsOptions) (cachefilter.Query, error) {
	q := cachefilter.Query{Limit: -1}
	for _, expr := range opts.Filters {
		f, err := cachefilter.ParseFilter(expr)
		if err != nil {
			return q, o.usageError("Invalid value: " + err.Error())
		}
		q.Filters = append(q.Filters, f)
	}
	if opts.Sort != "" {
		s, err := cachefilter.ParseSort(opts.Sort)
		if err != nil {
			return q, o.usageError("Invalid value: " + err.Error())
		}
		q.Sort = &s
	}
	if opts.LimitSet {
		if opts.Limit < 0 {
			return q, o.usageError(fmt.Sprintf("Invalid value: Limit must be a positive integer, got %d.", opts.Limit))
		}
		q.Limit = opts.Limit
	}
	return q, nil
}

// printListing prints the rows in the output mode, then the summary.
func printListing(o *modernOut, l listing.Listing, now time.Time) {
	if o.mode == render.FormatCSV {
		fmt.Fprint(o.ios.Out, render.LsCSV(l.RepoList(), l.RevisionList()))
	} else {
		items := make([]render.Object, len(l.Rows))
		for i, r := range l.Rows {
			if l.Revisions {
				items[i] = render.LsRevisionItem(r.Repo, r.Rev, now)
			} else {
				items[i] = render.LsRepoItem(r.Repo, now)
			}
		}
		if l.Revisions {
			o.table(items, render.LsRevisionColumns, "revision")
		} else {
			o.table(items, render.LsRepoColumns, "id")
		}
	}
	if len(l.Rows) > 0 {
		o.text(o.ansi.Bold(render.LsSummary(l.Repos, l.RevisionCount, l.Size)))
	}
}

// printLsWarnings prints the cache's inconsistencies, or how many there are.
func printLsWarnings(o *modernOut, cache *scan.Cache, each bool) {
	n := len(cache.Warnings)
	switch {
	case n == 0:
	case each:
		for _, w := range cache.Warnings {
			o.warning(strings.TrimRight(w.Error(), ".") + ". Repo ignored.")
		}
	default:
		o.warning(fmt.Sprintf("Found %d cache inconsistencies. Re-run with `--show-warnings` to display them.", n))
	}
}

// printLsHints points at what prune would reclaim.
func printLsHints(o *modernOut, l listing.Listing) {
	if l.Incomplete > 0 {
		o.hint(fmt.Sprintf("Found %d incomplete download(s) totalling %s. Remove them with 'hfcache prune'.", l.Incomplete, render.Size(l.IncompleteSize)))
	}
	if l.UnusedShared > 0 {
		o.hint(fmt.Sprintf("Found %d shared blob(s) no repo uses, totalling %s. Remove them with 'hfcache prune --orphans'.", l.UnusedShared, render.Size(l.UnusedSharedSize)))
	}
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
