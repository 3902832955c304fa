package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/iostreams"
)

// aliasProg is the program name that switches hfcache to alias mode.
const aliasProg = "huggingface-cli"

// upstreamOnlyCommands are the huggingface-cli commands of huggingface_hub
// that hfcache does not implement. In alias mode they fail with a clear
// message instead of "unknown command", so that a script calling them
// through the symlink learns what happened.
var upstreamOnlyCommands = []string{
	"env", "login", "whoami", "logout", "repo", "upload", "download",
	"lfs-enable-largefiles", "lfs-multipart-upload",
	// Added to huggingface-cli after 0.21.
	"tag", "repo-files", "version", "upload-large-folder", "auth",
}

// programName is the name the binary was invoked as: the base name of
// argv[0] without a ".exe" suffix (any case, for Windows).
func programName(arg0 string) string {
	base := filepath.Base(strings.ReplaceAll(arg0, `\`, "/"))
	if ext := filepath.Ext(base); strings.EqualFold(ext, ".exe") {
		base = strings.TrimSuffix(base, ext)
	}
	if strings.EqualFold(base, aliasProg) {
		return aliasProg
	}
	return base
}

func rootArgs(args []string) []string { return args[1:] }

// verboseBeforeCommand moves -v, -vv, ... and --verbose typed before the
// command name to after it when that command has a --verbose flag, so that
// "hfcache -v scan-cache" is "hfcache scan-cache -v" (the root has no -v:
// cobra would otherwise take the command name as the flag's value).
func verboseBeforeCommand(root *cobra.Command, args []string) []string {
	i := 0
	for i < len(args) && isVerboseFlag(args[i]) {
		i++
	}
	if i == 0 || i == len(args) {
		return args
	}
	cmd, _, err := root.Find(args[i : i+1])
	if err != nil || cmd == root || cmd.Flags().Lookup("verbose") == nil {
		return args
	}
	out := append([]string{args[i]}, args[:i]...)
	return append(out, args[i+1:]...)
}

func isVerboseFlag(a string) bool {
	return a == "--verbose" || (len(a) > 1 && strings.Trim(a[1:], "v") == "" && a[0] == '-')
}

// newAliasRootCmd is the command tree of alias mode: huggingface-cli with
// scan-cache and delete-cache. Like upstream, running it without a command
// prints the usage and exits 1.
func newAliasRootCmd(ios *iostreams.IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   aliasProg,
		Short: "hfcache as huggingface-cli: scan-cache and delete-cache",
		Args:  aliasUnknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			writeAliasUsage(cmd)
			return &ExitCodeError{Code: ExitError}
		},
	}
	setupRoot(root, ios)
	root.CompletionOptions.DisableDefaultCmd = true
	for _, c := range []*cobra.Command{newScanCacheCmd(ios), newDeleteCacheCmd(ios)} {
		c.Example = strings.ReplaceAll(c.Example, "hfcache ", aliasProg+" ")
		root.AddCommand(c)
	}
	for _, name := range upstreamOnlyCommands {
		root.AddCommand(newNotProvidedCmd(name))
	}
	defaultHelp := root.HelpFunc()
	root.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		if cmd == root {
			writeAliasUsage(cmd)
			return
		}
		defaultHelp(cmd, args)
	})
	finishTree(root)
	return root
}

// writeAliasUsage prints the top-level usage of alias mode in the shape of
// upstream's (argparse) help: same first line, the commands hfcache
// provides, then where the rest went.
func writeAliasUsage(cmd *cobra.Command) {
	fmt.Fprintf(cmd.OutOrStdout(), `usage: huggingface-cli <command> [<args>]

positional arguments:
  {scan-cache,delete-cache}
                        huggingface-cli command helpers
    scan-cache          Scan cache directory.
    delete-cache        Delete revisions from the cache directory.

options:
  -h, --help            show this help message and exit
  --version             print the hfcache version and exit
  --no-color            disable colours and ANSI codes (also NO_COLOR)

This huggingface-cli is hfcache %s.
It provides scan-cache and delete-cache only; the other huggingface-cli
commands (login, download, upload, ...) are not provided: use the official
Hugging Face CLI for them. Run "huggingface-cli <command> --help" for the
options of a command.
`, cmd.Root().Version)
}

// aliasUnknownCommand rejects an unknown command in alias mode; for
// hfcache's own commands (ls, rm, ...) it says how to reach them.
func aliasUnknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	err := unknownCommand(cmd, args)
	ios, _, _, _ := iostreams.Test()
	full := NewRootCmd(ios, "hfcache")
	if sub, _, ferr := full.Find(args[:1]); ferr == nil && sub != full {
		msg := strings.TrimRight(err.Error(), "\n")
		return &UsageError{Err: fmt.Errorf("%s\n\n%q is an hfcache command: run it as \"hfcache %s\"", msg, args[0], args[0])}
	}
	return err
}

// newNotProvidedCmd stands for an upstream command that hfcache does not
// implement: it takes any arguments and fails with exit code 1.
func newNotProvidedCmd(name string) *cobra.Command {
	return &cobra.Command{
		Use:                name,
		Short:              "not provided by hfcache",
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return &ExitCodeError{Code: ExitError, Msg: fmt.Sprintf(
				"Error: \"huggingface-cli %s\" is not provided by hfcache, which implements only scan-cache and delete-cache.\n"+
					"Use the official Hugging Face CLI for it (pip install -U huggingface_hub, then see \"hf --help\").", name)}
		},
	}
}
