package cli

import (
	"fmt"
	"strings"

	"github.com/hfcache/hfcache/internal/scan"
)

// unreadableRepos lists the repos a scan could not read (a folder or file
// without permission, an I/O error): their warnings carry the file-system
// error. Upstream stops with a traceback there; hfcache reports the rest
// and then fails.
func unreadableRepos(c *scan.Cache) []string {
	var paths []string
	for _, w := range c.Warnings {
		if w.Err != nil {
			paths = append(paths, w.Path)
		}
	}
	return paths
}

// unreadableMessage says which repos were left out of a report because
// they could not be read; how names the option that shows each problem.
func unreadableMessage(paths []string, how string) string {
	return fmt.Sprintf("%d repo(s) could not be read and are left out above (%s shows why): %s",
		len(paths), how, strings.Join(paths, ", "))
}
