package cli

import (
	"fmt"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/iostreams"
)

// Set at build time with -ldflags "-X github.com/hfcache/hfcache/internal/cli.version=...".
var (
	version = ""
	commit  = ""
	date    = ""
)

func versionString() string {
	v, c, d := version, commit, date
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && c == "":
				c = s.Value
			case s.Key == "vcs.time" && d == "":
				d = s.Value
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	if c == "" {
		c = "unknown"
	}
	if d == "" {
		d = "unknown"
	}
	return fmt.Sprintf("%s (commit %s, built %s)", v, c, d)
}

func programName(arg0 string) string {
	return strings.TrimSuffix(filepath.Base(arg0), ".exe")
}

func rootArgs(args []string) []string { return args[1:] }

// NewRootCmd builds the whole command tree.
func NewRootCmd(ios *iostreams.IOStreams, prog string) *cobra.Command {
	root := &cobra.Command{
		Use:   "hfcache",
		Short: "Inspect and clean the Hugging Face hub cache",
		Long: `hfcache inspects and cleans the Hugging Face hub cache
(~/.cache/huggingface/hub by default).

It is a drop-in replacement for "huggingface-cli scan-cache" and
"huggingface-cli delete-cache" (huggingface_hub 0.21), which upstream removed
in 1.0, and it also speaks the newer "hf cache ls/rm/prune/verify" verbs.`,
		Version:       versionString(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Example: `  hfcache scan-cache            # what is in the cache, repo by repo
  hfcache scan-cache -v         # one row per revision
  hfcache delete-cache          # pick revisions to delete interactively
  hfcache ls --sort size        # hf 1.x style listing`,
	}
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetIn(ios.In)
	root.SetVersionTemplate("hfcache {{.Version}}\n")
	root.PersistentFlags().BoolVar(&ios.NoColor, "no-color", false, "disable colours and ANSI codes (also NO_COLOR)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &UsageError{Err: err} })
	root.CompletionOptions.HiddenDefaultCmd = true

	root.AddCommand(
		newScanCacheCmd(ios),
		newDeleteCacheCmd(ios),
		newLsCmd(ios),
		newRmCmd(ios),
		newPruneCmd(ios),
		newVerifyCmd(ios),
	)
	_ = prog
	return root
}

// noArgs rejects positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return &UsageError{Err: fmt.Errorf("unexpected argument %q for %q", args[0], cmd.CommandPath())}
	}
	return nil
}
