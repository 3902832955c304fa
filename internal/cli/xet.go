package cli

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/xetcache"
)

// xetSummary is the line ls prints about the Xet cache, or "" when there
// is none or the listed hub cache is not the environment's own (the Xet
// cache belongs to $HF_HOME, not to an arbitrary --cache-dir).
func xetSummary(ios *iostreams.IOStreams, hubDir string) string {
	if !isDefaultCache(ios, hubDir) && ios.Getenv("HF_XET_CACHE") == "" {
		return ""
	}
	dir, err := xetDir(ios)
	if err != nil {
		return ""
	}
	c, err := xetcache.Scan(dir)
	if err != nil {
		return ""
	}
	line := fmt.Sprintf("Xet cache: %s in %s (%s).", render.Size(c.Size), c.Path, xetBreakdown(c))
	if c.SizeOf(xetcache.KindChunkCache)+c.SizeOf(xetcache.KindShardCache)+c.SizeOf(xetcache.KindTrash) > 0 {
		line += " Clear its caches with 'hfcache prune --xet'."
	}
	return line
}

// xetBreakdown is "chunk cache 1.0G, shard cache 2.0M, staging 0.0".
func xetBreakdown(c *xetcache.Cache) string {
	parts := []string{
		"chunk cache " + render.Size(c.SizeOf(xetcache.KindChunkCache)),
		"shard cache " + render.Size(c.SizeOf(xetcache.KindShardCache)),
		"staging " + render.Size(c.SizeOf(xetcache.KindStaging)),
	}
	if n := c.SizeOf(xetcache.KindOther) + c.SizeOf(xetcache.KindTrash); n > 0 {
		parts = append(parts, "other "+render.Size(n))
	}
	return strings.Join(parts, ", ")
}

// runPruneXet clears the Xet chunk and shard caches, only when no process
// uses the Xet tree (see docs/xet.md), or with --force.
func runPruneXet(o *modernOut, opts *PruneOptions) error {
	ios := opts.IO
	dir, err := xetDir(ios)
	if err != nil {
		return o.failErr(err.Error(), err)
	}
	c, err := xetcache.Scan(dir)
	if errors.Is(err, xetcache.ErrNotFound) {
		o.text(fmt.Sprintf("No xet cache at %s. Nothing to prune.", dir))
		return nil
	}
	if err != nil {
		return o.failErr(err.Error(), err)
	}
	var parts []xetcache.Part
	var size int64
	for _, p := range c.Parts {
		if p.Clearable() && p.Size+int64(p.Files) > 0 {
			parts = append(parts, p)
			size += p.Size
		}
	}
	if len(parts) == 0 {
		o.text(fmt.Sprintf("Xet cache %s (%s): no chunk or shard cache to clear. Nothing to prune.", c.Path, render.Size(c.Size)))
		return nil
	}
	o.text(fmt.Sprintf("About to clear %d xet cache folder(s) (%s total) in %s:", len(parts), render.Size(size), c.Path))
	for _, p := range parts {
		o.text(fmt.Sprintf("  - %s (%s) %s", p.Rel(), p.Kind, render.Size(p.Size)))
	}
	if n := c.SizeOf(xetcache.KindStaging); n > 0 {
		o.text(fmt.Sprintf("Kept: staging %s (state of uploads that can be resumed).", render.Size(n)))
	}

	busy := xetBusy(c, opts.Force)
	if opts.DryRun {
		if busy != "" {
			o.warning(busy)
		}
		o.result("Dry run: no files were deleted.", render.Object{
			{Key: "dry_run", Value: true},
			{Key: "xet_folders", Value: len(parts)},
			{Key: "size", Value: render.Size(size)},
		})
		return nil
	}
	if busy != "" {
		return o.fail(busy)
	}
	if err := o.confirm("Proceed?", opts.Yes); err != nil {
		return err
	}
	// Check again: a client may have started while the question was asked.
	if busy := xetBusy(c, opts.Force); busy != "" {
		return o.fail(busy)
	}
	var freed int64
	failed := 0
	for _, p := range parts {
		n, err := xetcache.Clear(c, p)
		freed += n
		if err != nil {
			o.errorMsg(err.Error())
			failed++
		}
	}
	data := render.Object{
		{Key: "xet_folders_cleared", Value: len(parts) - failed},
		{Key: "freed", Value: render.Size(freed)},
	}
	o.result(fmt.Sprintf("Cleared %d xet cache folder(s); freed %s.", len(parts)-failed, render.Size(freed)), data)
	if failed > 0 {
		return &ExitCodeError{Code: ExitError}
	}
	return nil
}

// xetBusy says why the Xet cache must not be cleared now ("" when it may).
func xetBusy(c *xetcache.Cache, force bool) string {
	if force {
		return ""
	}
	users, hidden, err := xetcache.Users(c.Path)
	if errors.Is(err, xetcache.ErrUnsupported) {
		return fmt.Sprintf("cannot check which processes use the xet cache on %s. Close every program that uses huggingface_hub, then run again with --force.", runtime.GOOS)
	}
	if err != nil {
		return fmt.Sprintf("cannot check which processes use the xet cache: %v. Close every program that uses huggingface_hub, then run again with --force.", err)
	}
	if len(users) > 0 {
		var names []string
		for _, u := range users {
			names = append(names, fmt.Sprintf("%d (%s: %s)", u.PID, u.Name, u.Reason))
		}
		return fmt.Sprintf("the xet cache is in use by process(es) %s. Nothing was cleared; retry when they have finished.", strings.Join(names, ", "))
	}
	if hidden > 0 && xetcache.SharedWritable(c) {
		return fmt.Sprintf("the xet cache is writable by other users and %d process(es) of other users cannot be inspected. Make sure none of them uses it, then run again with --force.", hidden)
	}
	return ""
}
