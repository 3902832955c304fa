package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/cachefilter"
	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
)

// registerFlagCompletions teaches shell completion the values of the
// enumerated flags, folders for the cache flags, and cached repo ids for
// rm and verify.
func registerFlagCompletions(ios *iostreams.IOStreams, c *cobra.Command) {
	fixed := func(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return values, cobra.ShellCompDirectiveNoFileComp
		}
	}
	dirs := func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	}
	register := func(name string, fn func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective)) {
		if c.Flags().Lookup(name) != nil {
			_ = c.RegisterFlagCompletionFunc(name, fn)
		}
	}
	register("dir", dirs)
	register("cache-dir", dirs)
	register("repo-type", fixed(scan.TypeModel, scan.TypeDataset, scan.TypeSpace))
	if f := c.Flags().Lookup("format"); f != nil {
		values := strings.Split("auto|human|agent|json|quiet", "|")
		if strings.Contains(f.Usage, "csv") {
			values = append(values, "csv")
		}
		register("format", fixed(values...))
	}
	switch c.Name() {
	case "delete-cache":
		register("sort", fixed(delete.SortKeys...))
	case "ls":
		register("sort", fixed(cachefilter.SortKeys...))
		// ls --files TARGETS: the cached repos.
		c.ValidArgsFunction = func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
			if files, _ := cmd.Flags().GetBool("files"); !files {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return cachedRepoIDs(ios, cmd, true), cobra.ShellCompDirectiveNoFileComp
		}
		register("filter", completeFilter)
	case "rm":
		c.ValidArgsFunction = func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			return notIn(cachedRepoIDs(ios, cmd, true), args), cobra.ShellCompDirectiveNoFileComp
		}
	case "verify":
		c.ValidArgsFunction = func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp // one REPO_ID only
			}
			return cachedRepoIDs(ios, cmd, false), cobra.ShellCompDirectiveNoFileComp
		}
	}
	register("revision", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		return cachedRefs(ios, cmd), cobra.ShellCompDirectiveNoFileComp
	})
	for _, sub := range c.Commands() {
		registerFlagCompletions(ios, sub)
	}
}

// cachedRefs lists the ref names of the cache the command line points to
// (main, refs/pr/1, ...), each once, for --revision.
func cachedRefs(ios *iostreams.IOStreams, cmd *cobra.Command) []string {
	cache := completionCache(ios, cmd)
	if cache == nil {
		return nil
	}
	seen := map[string]bool{}
	var refs []string
	for _, r := range cache.Repos {
		for _, ref := range r.Refs() {
			if !seen[ref] {
				seen[ref] = true
				refs = append(refs, ref)
			}
		}
	}
	return refs
}

// completionCache scans the cache the command line points to, or nil.
func completionCache(ios *iostreams.IOStreams, cmd *cobra.Command) *scan.Cache {
	flag := ""
	for _, name := range []string{"cache-dir", "dir"} {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			flag = f.Value.String()
		}
	}
	dir, err := cacheDir(ios, flag)
	if err != nil {
		return nil
	}
	cache, err := scan.Dir(dir, scan.Options{Modern: true, Summary: true})
	if err != nil {
		return nil
	}
	return cache
}

// cachedRepoIDs lists the repos of the cache the command line points to:
// type/repo_id for rm, repo_id for verify.
func cachedRepoIDs(ios *iostreams.IOStreams, cmd *cobra.Command, withType bool) []string {
	cache := completionCache(ios, cmd)
	if cache == nil {
		return nil
	}
	ids := make([]string, 0, len(cache.Repos))
	for _, r := range cache.Repos {
		if withType {
			ids = append(ids, render.CacheID(r))
		} else {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// filterStarts are what ls --filter completes to before a value is typed:
// each key with the operators it accepts.
var filterStarts = []cobra.Completion{
	cobra.CompletionWithDesc("size>", "larger than, e.g. size>1GB"),
	cobra.CompletionWithDesc("size<", "smaller than, e.g. size<100MB"),
	cobra.CompletionWithDesc("accessed>", "last accessed longer ago than, e.g. accessed>30d"),
	cobra.CompletionWithDesc("accessed<", "last accessed more recently than, e.g. accessed<7d"),
	cobra.CompletionWithDesc("modified>", "last modified longer ago than, e.g. modified>1y"),
	cobra.CompletionWithDesc("modified<", "last modified more recently than, e.g. modified<1w"),
	cobra.CompletionWithDesc("type=", "model, dataset or space"),
	cobra.CompletionWithDesc("refs=", "has this ref, e.g. refs=main"),
}

// completeFilter completes ls --filter: the keys and operators, then the
// values of type=; never file names.
func completeFilter(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if strings.HasPrefix(strings.ToLower(toComplete), "type=") {
		return []cobra.Completion{"type=" + scan.TypeModel, "type=" + scan.TypeDataset, "type=" + scan.TypeSpace}, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, c := range filterStarts {
		if strings.HasPrefix(c, strings.ToLower(toComplete)) || strings.HasPrefix(toComplete, strings.SplitN(c, "\t", 2)[0]) {
			out = append(out, c)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// notIn is ids without those already on the command line.
func notIn(ids, args []string) []string {
	given := map[string]bool{}
	for _, a := range args {
		given[strings.ToLower(a)] = true
	}
	out := ids[:0]
	for _, id := range ids {
		if !given[strings.ToLower(id)] {
			out = append(out, id)
		}
	}
	return out
}
