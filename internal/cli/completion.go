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
  %[1]s completion zsh > ~/.zsh/completions/_%[1]s    # with fpath=(~/.zsh/completions $fpath) in ~/.zshrc
  %[1]s completion fish > ~/.config/fish/completions/%[1]s.fish
  %[1]s completion powershell | Out-String | Invoke-Expression`, name)
		examples := map[string]string{
			"bash": `  source <(%[1]s completion bash)                       # this shell only

  # every new shell (needs the bash-completion package)
  mkdir -p ~/.local/share/bash-completion/completions
  %[1]s completion bash > ~/.local/share/bash-completion/completions/%[1]s`,
			"zsh": `  source <(%[1]s completion zsh)                        # this shell only

  # every new shell: a directory of your own in fpath, before compinit in ~/.zshrc
  mkdir -p ~/.zsh/completions
  %[1]s completion zsh > ~/.zsh/completions/_%[1]s
  echo 'fpath=(~/.zsh/completions $fpath); autoload -U compinit; compinit' >> ~/.zshrc`,
			"fish": `  %[1]s completion fish | source                        # this shell only

  # every new shell
  %[1]s completion fish > ~/.config/fish/completions/%[1]s.fish`,
			"powershell": `  %[1]s completion powershell | Out-String | Invoke-Expression   # this shell only

  # every new shell
  %[1]s completion powershell | Out-File -Append $PROFILE`,
		}
		for _, sh := range c.Commands() {
			if ex, ok := examples[sh.Name()]; ok {
				sh.Example = fmt.Sprintf(ex, name)
			}
		}
	}
}
