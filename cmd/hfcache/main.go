// Command hfcache inspects and cleans the Hugging Face hub cache.
package main

import (
	"os"

	"github.com/hfcache/hfcache/internal/cli"
)

func main() { os.Exit(cli.Main()) }
