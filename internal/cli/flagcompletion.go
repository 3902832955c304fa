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
	case "rm", "verify":
		c.ValidArgsFunction = func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
			return cachedRepoIDs(ios, cmd, c.Name() == "rm"), cobra.ShellCompDirectiveNoFileComp
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
