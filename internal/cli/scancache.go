package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
)

// ScanCacheOptions are the inputs of scan-cache.
type ScanCacheOptions struct {
	IO        *iostreams.IOStreams
	Dir       string
	Verbosity int

	// progressDelay is how long a scan runs before its progress line
	// appears on a terminal (0: defaultProgressDelay); tests shorten it.
	progressDelay time.Duration
}

func newScanCacheCmd(ios *iostreams.IOStreams) *cobra.Command {
	opts := &ScanCacheOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "scan-cache",
		Short: "Scan cache directory.",
		Long: `Scan the cache directory and print a table of its repos (or, with -v, of
their revisions), their size on disk and when they were last used.

The output is byte for byte that of "huggingface-cli scan-cache" from
huggingface_hub 0.21, so scripts that parse it keep working.

A scan index (HFCACHE_SCAN_INDEX, "off" to do without) remembers each
snapshot folder's links, so that later scans of a cache not in memory read
only what changed, and every blob's size and times.`,
		Example: `  hfcache scan-cache
  hfcache scan-cache --dir /data/hf/hub -v
  hfcache scan-cache -vvv          # also print each warning
  NO_COLOR=1 hfcache scan-cache | grep model`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runScanCache(opts) },
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "cache directory to scan (default: the Hugging Face cache)")
	cmd.Flags().CountVarP(&opts.Verbosity, "verbose", "v", "show a more verbose output (-v: per revision, -vvv: warning details)")
	return cmd
}

func runScanCache(opts *ScanCacheOptions) error {
	ios := opts.IO
	dir, err := cacheDir(ios, opts.Dir)
	if err != nil {
		return err
	}
	start := ios.Now()
	cache, err := scanDir(ios, dir, scan.Options{Summary: true, Index: scanIndex(ios)}, opts.progressDelay)
	var notFound *scan.NotFoundError
	var notDir *scan.NotDirError
	switch {
	case errors.As(err, &notFound):
		fmt.Fprintf(ios.Out, "Cache directory not found: %s\n", notFound.Path)
		return nil
	case errors.As(err, &notDir):
		return &ExitCodeError{Code: ExitError, Msg: fmt.Sprintf(
			"Error: Scan cache expects a directory but found a file: %s. Please use `cache_dir` argument or set `HF_HUB_CACHE` environment variable.", notDir.Path)}
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("cannot read the cache directory %s: permission denied", dir)
	case err != nil:
		return err
	}
	now := ios.Now()
	if err := render.ScanCacheReport(ios.Out, cache, opts.Verbosity, now.Sub(start), now, render.ANSI{Disabled: ios.ColorDisabled()}); err != nil {
		return err
	}
	if paths := unreadableRepos(cache); len(paths) > 0 {
		return &ExitCodeError{Code: ExitError, Msg: "Error: " + unreadableMessage(paths, "-vvv")}
	}
	return nil
}
