package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// addCompletionCmd adds cobra's "completion" command to root now (cobra
// would otherwise add it hidden at run time) and gives it and each shell's
// subcommand examples, so that it shows in --help and in the man pages.
func addCompletionCmd(root *cobra.Command) {
	root.CompletionOptions.HiddenDefaultCmd = false
	root.InitDefaultCompletionCmd()
	name := root.Name()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		// Runnable, so that "completion nosuchshell" is a usage error
		// (cobra.NoArgs, see finishTree) rather than the help and exit 0.
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		c.Example = fmt.Sprintf(`  %[1]s completion bash > ~/.local/share/bash-completion/completions/%[1]s
  %[1]s completion zsh > "${fpath[1]}/_%[1]s"
  %[1]s completion fish > ~/.config/fish/completions/%[1]s.fish
  %[1]s completion powershell | Out-String | Invoke-Expression`, name)
		examples := map[string]string{
			"bash": `  source <(%[1]s completion bash)                       # this shell only
  %[1]s completion bash > ~/.local/share/bash-completion/completions/%[1]s   # every new shell`,
			"zsh": `  source <(%[1]s completion zsh)                        # this shell only
  %[1]s completion zsh > "${fpath[1]}/_%[1]s"            # every new shell (needs compinit)`,
			"fish": `  %[1]s completion fish | source                        # this shell only
  %[1]s completion fish > ~/.config/fish/completions/%[1]s.fish   # every new shell`,
			"powershell": `  %[1]s completion powershell | Out-String | Invoke-Expression            # this shell only
  %[1]s completion powershell >> $PROFILE                                # every new shell`,
		}
		for _, sh := range c.Commands() {
			if ex, ok := examples[sh.Name()]; ok {
				sh.Example = fmt.Sprintf(ex, name)
			}
		}
	}
}
