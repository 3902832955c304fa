package cli

import (
	"errors"
	"fmt"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/render"
)

// trashHints tells what interrupted deletions hold in the trashes
// (<cache>/.locks/.hfcache-trash-<account>), which no listing counts, and
// why a trash hfcache refuses is not used.
func trashHints(o *modernOut, cacheDir string) {
	r := delete.TrashRemains(cacheDir)
	if r.Refused != nil {
		o.hint(trashRefusedMessage(r.Refused))
	}
	if len(r.Dead) > 0 {
		o.hint(fmt.Sprintf("Found %d interrupted deletion(s) holding %s in %s. Reclaim the space with 'hfcache prune'.",
			len(r.Dead), render.Size(r.Size), relTo(cacheDir, r.Path)))
	}
	if r.LiveSize > 0 {
		o.hint(fmt.Sprintf("A deletion running now holds %s in %s.", render.Size(r.LiveSize), relTo(cacheDir, r.Path)))
	}
	otherTrashHints(o, cacheDir, r)
}

// otherTrashHints tells what interrupted deletions of other accounts
// hold in their trashes, as far as this account can read them: only
// their owner (or root) can reclaim it.
func otherTrashHints(o *modernOut, cacheDir string, r delete.Remains) {
	for _, t := range r.Others {
		owner := "another account"
		if t.Owner != "" {
			owner += " (" + t.Owner + ")"
		}
		o.hint(fmt.Sprintf("Found %d interrupted deletion(s) of %s holding %s in %s. Only that account, or root, can reclaim the space (with 'hfcache prune').",
			t.Count, owner, render.Size(t.Size), relTo(cacheDir, t.Path)))
	}
}

// trashRefusedMessage explains a trash hfcache does not use: err itself
// (it names the trash) and what to do.
func trashRefusedMessage(err error) string {
	return fmt.Sprintf("%v. %s", err, trashAdvice(err))
}

// trashAdvice says what to do about a refused trash.
func trashAdvice(err error) string {
	if errors.Is(err, delete.ErrUntrustedTrash) {
		return "Another account made it, or its mode was changed: hfcache neither moves anything there nor believes what it holds " +
			"(each account uses a trash of its own). If no deletion of another account is running, remove it."
	}
	return "hfcache never moves anything into a trash a link sends elsewhere; remove the link."
}

// trashRefusal returns the first failure of res caused by a trash hfcache
// refuses, or nil.
func trashRefusal(res *delete.Result) error {
	for _, f := range res.Failures {
		if errors.Is(f.Err, delete.ErrUntrustedTrash) || errors.Is(f.Err, delete.ErrLinkedTrash) {
			return f.Err
		}
	}
	return nil
}
