package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/iostreams"
)

var errNotYet = errors.New("not implemented yet")

func newDeleteCacheCmd(ios *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{Use: "delete-cache", Short: "Delete revisions from the cache directory.", RunE: func(*cobra.Command, []string) error { return errNotYet }}
}
