package cli

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
)

// The plain selection (delete-cache --plain, or TERM=dumb): a numbered
// list, one revision a line, numbers read from stdin, a summary and a
// confirmation. Nothing but plain text: no colour, no cursor movement, no
// padding that only makes sense on screen, so that a screen reader reads
// each line as a sentence and a script can drive it through a pipe.

// plainItem is one numbered line of the list.
type plainItem struct {
	repo *scan.Repo
	rev  *scan.Revision
}

// plainItems lists every revision in review order (repos in --sort order,
// revisions oldest first).
func plainItems(c *scan.Cache, sortKey string) []plainItem {
	var items []plainItem
	for _, rr := range delete.ReviewOrder(c, sortKey) {
		for _, rev := range rr.Revisions {
			items = append(items, plainItem{repo: rr.Repo, rev: rev})
		}
	}
	return items
}

// plainLine renders one item:
// "3. model bert-base-cased, revision a8d257ba, refs main, 1.9G, modified 4 days ago".
func plainLine(n int, it plainItem, d *deleteSession) string {
	refs := "none (detached)"
	if len(it.rev.Refs) > 0 {
		refs = strings.Join(it.rev.Refs, " ")
	}
	return fmt.Sprintf("%d. %s %s, revision %s, refs %s, %s, modified %s",
		n, it.repo.Type, it.repo.ID, shortHash(it.rev.Hash), refs,
		render.Size(it.rev.Size), render.TimeSince(it.rev.LastModified, d.ios.Now()))
}

func shortHash(h string) string {
	if len(h) > 8 {
		return h[:8]
	}
	return h
}

// parseSelection reads "1 3 5-8", "all" or "none" (commas also separate;
// an empty answer means none) against a list of n items. It returns the
// chosen numbers, sorted and without duplicates.
func parseSelection(s string, n int) ([]int, error) {
	fields := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
	if len(fields) == 1 && fields[0] == "all" {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out, nil
	}
	if len(fields) == 0 || (len(fields) == 1 && fields[0] == "none") {
		return nil, nil
	}
	seen := map[int]bool{}
	for _, f := range fields {
		lo, hi, isRange := strings.Cut(f, "-")
		a, err := strconv.Atoi(lo)
		if err != nil || a < 1 {
			return nil, fmt.Errorf("%q is not a number, a range like 5-8, \"all\" or \"none\"", f)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("%q is not a range like 5-8", f)
			}
		}
		if b > n {
			return nil, fmt.Errorf("%d is not in the list (1 to %d)", b, n)
		}
		for i := a; i <= b; i++ {
			seen[i] = true
		}
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	sort.Ints(out)
	return out, nil
}

// runPlain lists the revisions, reads the selection and confirms it.
func (d *deleteSession) runPlain(sortKey string) error {
	ios := d.ios
	d.echo = !ios.InTTY
	items := plainItems(d.cache, sortKey)
	if len(items) == 0 {
		fmt.Fprintf(ios.Out, "No revisions in the cache %s. Nothing to delete.\n", d.cache.Path)
		return nil
	}
	fmt.Fprintf(ios.Out, "%d revision(s) in %d repo(s), cache %s, total %s.\n",
		len(items), len(d.cache.Repos), d.cache.Path, render.Size(scan.SharedSize(d.cache.Path, d.cache.Repos, nil)))
	for i, it := range items {
		fmt.Fprintln(ios.Out, plainLine(i+1, it, d))
	}
	var nums []int
	for {
		fmt.Fprintln(ios.Out, `Type the numbers of the revisions to delete, separated by spaces (ranges like 5-8 work), or "all", or "none", then press Enter.`)
		fmt.Fprint(ios.Out, "Revisions to delete: ")
		line, err := d.readLine()
		if err != nil {
			return err
		}
		if nums, err = parseSelection(line, len(items)); err == nil {
			break
		}
		fmt.Fprintf(ios.Out, "Invalid selection: %v.\n", err)
	}
	if len(nums) == 0 {
		fmt.Fprintln(ios.Out, "Deletion is cancelled. Do nothing.")
		return nil
	}
	// Planned by repo: a hash that two repos share deletes only the line
	// that was chosen.
	var sel []scan.Selection
	index := map[*scan.Repo]int{}
	var names []string
	for _, n := range nums {
		it := items[n-1]
		i, ok := index[it.repo]
		if !ok {
			i = len(sel)
			index[it.repo] = i
			sel = append(sel, scan.Selection{Repo: it.repo})
		}
		sel[i].Revisions = append(sel[i].Revisions, it.rev)
		names = append(names, fmt.Sprintf("%d (%s %s %s)", n, it.repo.Type, it.repo.ID, shortHash(it.rev.Hash)))
	}
	plan := delete.PlanSelected(d.cache, sel)
	fmt.Fprintf(ios.Out, "Selected %d revision(s): %s.\n", len(nums), strings.Join(names, ", "))
	whole := 0
	for _, t := range plan.Targets {
		if t.Whole {
			whole++
		}
	}
	if whole > 0 {
		fmt.Fprintf(ios.Out, "%d repo(s) lose every revision and are removed entirely.\n", whole)
	}
	fmt.Fprintf(ios.Out, "This will free %s.\n", render.Size(plan.ExpectedFreedSize))
	ok, err := d.confirm("Confirm deletion ?", false)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(ios.Out, "Deletion is cancelled. Do nothing.")
		return nil
	}
	fmt.Fprintln(ios.Out, "Start deletion.")
	return reportDeletion(ios, executeWithProgress(ios, plan, repoSizes(d.cache), nil))
}
