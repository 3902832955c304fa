package review

import (
	"strings"
	"time"

	"github.com/hfcache/hfcache/internal/pycompat"

	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
)

// CancelDeletion is the kill switch of the review file (and the value of
// the TUI's "None of the following" choice): when selected, nothing is
// deleted.
const CancelDeletion = "CANCEL_DELETION"

// reviewInstructions is the header of the --disable-tui review file, as
// huggingface_hub 0.21 writes it (compatibility requires the same text).
const reviewInstructions = `# INSTRUCTIONS
# ------------
# This is a temporary file created by running ` + "`huggingface-cli delete-cache`" + ` with the
# ` + "`--disable-tui`" + ` option. It contains a set of revisions that can be deleted from your
# local cache directory.
#
# Please manually review the revisions you want to delete:
#   - Revision hashes can be commented out with '#'.
#   - Only non-commented revisions in this file will be deleted.
#   - Revision hashes that are removed from this file are ignored as well.
#   - If ` + "`CANCEL_DELETION`" + ` line is uncommented, the all cache deletion is cancelled and
#     no changes will be applied.
#
# Once you've manually reviewed this file, please confirm deletion in the terminal. This
# file will be automatically removed once done.
# ------------

# KILL SWITCH
# ------------
# Un-comment following line to completely cancel the deletion process
# CANCEL_DELETION
# ------------

# REVISIONS
# ------------`

// TypeTitle is a repo type as upstream capitalises it ("Model").
func TypeTitle(repoType string) string {
	if repoType == "" {
		return ""
	}
	return strings.ToUpper(repoType[:1]) + strings.ToLower(repoType[1:])
}

// Render returns the review file for the repos in the given order
// (see ReviewOrder), byte for byte as upstream writes it: the instructions,
// then per repo a "# Type id (size, used ...)" header (after an empty line
// from the second repo on),
// then one commented line per revision. Revisions whose hash is in
// preselected are written uncommented. There is no final newline.
func Render(repos []scan.Selection, now time.Time, preselected []string) string {
	pre := map[string]bool{}
	for _, h := range preselected {
		pre[h] = true
	}
	var b strings.Builder
	b.WriteString(reviewInstructions)
	for i, rr := range repos {
		r := rr.Repo
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("\n# ")
		b.WriteString(TypeTitle(r.Type))
		b.WriteString(" ")
		b.WriteString(oneLine(r.ID))
		b.WriteString(" (")
		b.WriteString(render.Size(r.Size))
		b.WriteString(", used ")
		b.WriteString(render.TimeSince(r.LastAccessed, now))
		b.WriteString(")")
		for _, rev := range rr.Revisions {
			b.WriteString("\n")
			if !pre[rev.Hash] || oneLine(rev.Hash) != rev.Hash {
				b.WriteString("#")
			}
			b.WriteString("    ")
			b.WriteString(oneLine(rev.Hash))
			b.WriteString(" # Refs: ")
			if len(rev.Refs) == 0 {
				b.WriteString("(detached)")
			} else {
				b.WriteString(oneLine(strings.Join(rev.Refs, ", ")))
			}
			b.WriteString(" # modified ")
			b.WriteString(render.TimeSince(rev.LastModified, now))
		}
	}
	return b.String()
}

// oneLine escapes the line breaks of a name ("\n" becomes the two
// characters \n): a repo, ref or folder name holding a line break must not
// start a new, uncommented line of the review file, which would select
// whatever hash follows it. Names without one are written unchanged, as
// upstream does.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
}

// ParseReview returns the selected hashes of an edited review file, in
// file order, duplicates kept (upstream counts them). The rules are
// upstream's: every line is stripped of surrounding whitespace; lines
// starting with '#' are dropped; of the others, the text before the first
// '#' is kept, stripped, when not empty. Line ends may be "\n", "\r\n" or
// "\r" (Python's universal newlines). Beyond upstream, a leading UTF-8
// byte order mark is ignored (upstream would select a hash named "\ufeff").
func Parse(content string) []string {
	var hashes []string
	reviewLines(content, func(line string) {
		if hash := selectedHash(line); hash != "" {
			hashes = append(hashes, hash)
		}
	})
	return hashes
}

// reviewLines calls fn with each line of content, stripped, as upstream
// splits them (see ParseReview).
func reviewLines(content string, fn func(line string)) {
	content = strings.TrimPrefix(content, "\ufeff")
	for len(content) > 0 {
		i := strings.IndexAny(content, "\r\n")
		var line string
		if i < 0 {
			line, content = content, ""
		} else {
			line = content[:i]
			if content[i] == '\r' && i+1 < len(content) && content[i+1] == '\n' {
				i++
			}
			content = content[i+1:]
		}
		fn(pycompat.Strip(line))
	}
}

// selectedHash is the hash a stripped line selects ("" for none).
func selectedHash(line string) string {
	if strings.HasPrefix(line, "#") {
		return ""
	}
	if j := strings.IndexByte(line, '#'); j >= 0 {
		line = pycompat.Strip(line[:j])
	}
	return line
}

// reviewHeader is the start of a repo's section header in the review
// file, up to its size.
func reviewHeader(r *scan.Repo) string {
	return "# " + TypeTitle(r.Type) + " " + oneLine(r.ID) + " ("
}

// Picks maps the selected lines of an edited review file to the
// (repo, revision) pairs they select: a hash selects the revision of the
// repo whose section (the "# Model org/name (...)" header above it, as
// Render wrote it for repos) it is in. A hash the current section's
// repo does not hold (a line moved, a header deleted) selects the revision
// of the one repo of repos that holds it; when several do, the first in
// repos order, as upstream would. Hashes no repo holds are returned in
// notFound (file order, no duplicates). The kill switch is not a hash:
// check Cancelled(Parse(content)) first.
func Picks(content string, repos []scan.Selection) (picks []scan.Selection, notFound []string) {
	headers := make([]string, len(repos))
	for i, rr := range repos {
		headers[i] = reviewHeader(rr.Repo)
	}
	type pick struct {
		repo int
		rev  *scan.Revision
	}
	find := func(i int, hash string) *scan.Revision {
		for _, rev := range repos[i].Repo.Revisions {
			if rev.Hash == hash {
				return rev
			}
		}
		return nil
	}
	current := -1
	seen := map[pick]bool{}
	missing := map[string]bool{}
	var order []pick
	reviewLines(content, func(line string) {
		if strings.HasPrefix(line, "#") {
			for i, h := range headers {
				if strings.HasPrefix(line, h) {
					current = i
					break
				}
			}
			return
		}
		hash := selectedHash(line)
		if hash == "" {
			return
		}
		p := pick{repo: -1}
		if current >= 0 {
			if rev := find(current, hash); rev != nil {
				p = pick{current, rev}
			}
		}
		for i := 0; p.repo < 0 && i < len(repos); i++ {
			if rev := find(i, hash); rev != nil {
				p = pick{i, rev}
			}
		}
		if p.repo < 0 {
			if !missing[hash] {
				missing[hash] = true
				notFound = append(notFound, hash)
			}
			return
		}
		if !seen[p] {
			seen[p] = true
			order = append(order, p)
		}
	})
	index := map[int]int{}
	for _, p := range order {
		i, ok := index[p.repo]
		if !ok {
			i = len(picks)
			index[p.repo] = i
			picks = append(picks, scan.Selection{Repo: repos[p.repo].Repo})
		}
		picks[i].Revisions = append(picks[i].Revisions, p.rev)
	}
	return picks, notFound
}

// Cancelled reports whether the selection holds the kill switch.
func Cancelled(hashes []string) bool {
	for _, h := range hashes {
		if h == CancelDeletion {
			return true
		}
	}
	return false
}
