package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/iostreams"
)

// NewRootCmd builds the whole command tree. prog is the name the binary was
// invoked as (see programName): "huggingface-cli" selects alias mode, where
// scan-cache and delete-cache are the only commands, as in huggingface_hub
// 0.21, so that a symlink named huggingface-cli is a drop-in replacement.
func NewRootCmd(ios *iostreams.IOStreams, prog string) *cobra.Command {
	if prog == aliasProg {
		return newAliasRootCmd(ios)
	}
	root := &cobra.Command{
		Use:   "hfcache",
		Short: "Inspect and clean the Hugging Face hub cache",
		Long: `hfcache inspects and cleans the Hugging Face hub cache
(~/.cache/huggingface/hub by default).

It is a drop-in replacement for "huggingface-cli scan-cache" and
"huggingface-cli delete-cache" (huggingface_hub 0.21), which upstream removed
in 1.0, and it also speaks the newer "hf cache ls/rm/prune/verify" verbs.

Exit codes: 0 success, 1 error, 2 usage error, 130 interrupted (Ctrl-C),
143 terminated (SIGTERM).
Set NO_COLOR (or pass --no-color) to leave out colours and ANSI codes.`,
		Example: `  hfcache scan-cache            # what is in the cache, repo by repo
  hfcache scan-cache -v         # one row per revision
  hfcache delete-cache          # pick revisions to delete interactively
  hfcache ls --sort size        # hf 1.x style listing
  hfcache completion bash       # shell completion (also zsh, fish, powershell)`,
		// Runnable so that an unknown command goes through unknownCommand
		// (a usage error) instead of cobra's plain error.
		Args: unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	setupRoot(root, ios)
	root.AddCommand(
		newScanCacheCmd(ios),
		newDeleteCacheCmd(ios),
		newLsCmd(ios),
		newRmCmd(ios),
		newPruneCmd(ios),
		newVerifyCmd(ios),
	)
	addCompletionCmd(root)
	finishTree(root)
	registerFlagCompletions(ios, root)
	return root
}

// setupRoot applies what every root command shares: streams, --version,
// --no-color and the mapping of flag errors to usage errors.
func setupRoot(root *cobra.Command, ios *iostreams.IOStreams) {
	root.Version = versionString()
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.SuggestionsMinimumDistance = 2
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetIn(ios.In)
	root.SetVersionTemplate("hfcache {{.Version}}\n")
	// --version only: cobra would also give it -v when that letter is free
	// at the root, and "hfcache -v scan-cache" must mean a verbose scan.
	root.Flags().Bool("version", false, "print the version and exit")
	root.PersistentFlags().BoolVar(&ios.NoColor, "no-color", false, "disable colours and ANSI codes (also NO_COLOR)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &UsageError{Err: err} })
	root.PersistentPreRunE = validateFlags
	root.SetHelpCommand(newHelpCmd())
	// Commands with subcommands (the root, completion) are runnable only to
	// report an unknown subcommand as a usage error: keep "hfcache [flags]"
	// out of their usage lines.
	root.SetUsageTemplate(strings.Replace(root.UsageTemplate(), "{{if .Runnable}}", "{{if and .Runnable (not .HasAvailableSubCommands)}}", 1))
}

// newHelpCmd is "help [command]" like cobra's, except that an unknown topic
// is a usage error (cobra prints the root's help and exits 0).
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  "Help provides help for any command in the application.",
		Example: `  hfcache help scan-cache
  hfcache help completion bash`,
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			cmd, _, err := c.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return &UsageError{Err: fmt.Errorf("unknown help topic %q", strings.Join(args, " "))}
			}
			return cmd.Help()
		},
	}
}

// validateFlags runs cobra's checks of required flags and flag groups
// (MarkFlagRequired, MarkFlagsMutuallyExclusive, ...) before cobra does, so
// that a failure is a UsageError (exit 2) rather than a plain error. A
// command that sets its own PersistentPreRunE should call it.
func validateFlags(cmd *cobra.Command, _ []string) error {
	if err := emptyDirFlagIsHere(cmd); err != nil {
		return err
	}
	if err := cmd.ValidateRequiredFlags(); err != nil {
		return &UsageError{Err: err}
	}
	if err := cmd.ValidateFlagGroups(); err != nil {
		return &UsageError{Err: err}
	}
	return nil
}

// emptyDirFlagIsHere turns an empty --dir (or --cache-dir) into ".": upstream's
// Path("").resolve() is the current folder, while an empty flag value would
// otherwise read as "no flag" and pick the default cache.
func emptyDirFlagIsHere(cmd *cobra.Command) error {
	for _, name := range []string{"dir", "cache-dir"} {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed && f.Value.String() == "" {
			if err := f.Value.Set("."); err != nil {
				return &UsageError{Err: err}
			}
		}
	}
	return nil
}

// finishTree makes every positional-argument check of the tree return a
// UsageError, whatever validator a command uses (cobra.ExactArgs and the
// like return plain errors), so that a bad argument count exits with
// ExitUsage.
func finishTree(c *cobra.Command) {
	if args := c.Args; args != nil {
		c.Args = func(cmd *cobra.Command, a []string) error {
			err := args(cmd, a)
			if err == nil || isUsageError(err) {
				return err
			}
			return &UsageError{Err: err}
		}
	}
	for _, sub := range c.Commands() {
		finishTree(sub)
	}
}

// unknownCommand is the positional-argument check of a root command: any
// argument left is a command that does not exist.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t") + "\n"
	}
	return &UsageError{Err: fmt.Errorf("%s", msg)}
}

// noArgs rejects positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return &UsageError{Err: fmt.Errorf("unexpected argument %q for %q", args[0], cmd.CommandPath())}
	}
	return nil
}
