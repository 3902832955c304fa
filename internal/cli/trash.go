package cli

import (
	"errors"
	"fmt"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/render"
)

// trashHints tells what interrupted deletions hold in the trash
// (<cache>/.locks/.hfcache-trash), which no listing counts, and why a
// trash hfcache refuses is not used.
func trashHints(o *modernOut, cacheDir string) {
	r := delete.TrashRemains(cacheDir)
	if r.Refused != nil {
		o.hint(trashRefusedMessage(r.Refused))
		return
	}
	if len(r.Dead) > 0 {
		o.hint(fmt.Sprintf("Found %d interrupted deletion(s) holding %s in %s. Reclaim the space with 'hfcache prune'.",
			len(r.Dead), render.Size(r.Size), relTo(cacheDir, r.Path)))
	}
	if r.LiveSize > 0 {
		o.hint(fmt.Sprintf("A deletion running now holds %s in %s.", render.Size(r.LiveSize), relTo(cacheDir, r.Path)))
	}
}

// trashRefusedMessage explains a trash hfcache does not use.
func trashRefusedMessage(err error) string {
	switch {
	case errors.Is(err, delete.ErrUntrustedTrash):
		return fmt.Sprintf("%v. Another account made it, or its mode was changed: hfcache neither moves anything there nor believes what it holds. "+
			"Partial deletions need it; if no deletion of another account is running, remove it (or make it yours, mode 0700).", err)
	default:
		return fmt.Sprintf("%v. hfcache never moves anything into a trash a link sends elsewhere; remove the link.", err)
	}
}
