package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/iostreams"
)

var errNotYet = errors.New("not implemented yet")

func newLsCmd(ios *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{Use: "ls", Aliases: []string{"list"}, Short: "List cached repos or revisions", RunE: func(*cobra.Command, []string) error { return errNotYet }}
}

func newRmCmd(ios *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{Use: "rm", Short: "Remove cached repos or revisions", RunE: func(*cobra.Command, []string) error { return errNotYet }}
}

func newPruneCmd(ios *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{Use: "prune", Short: "Remove detached revisions and partial downloads", RunE: func(*cobra.Command, []string) error { return errNotYet }}
}

func newVerifyCmd(ios *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{Use: "verify", Short: "Verify cached files against their hashes", RunE: func(*cobra.Command, []string) error { return errNotYet }}
}
