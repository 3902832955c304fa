package prune

import "github.com/hfcache/hfcache/internal/scan"

// SharedOrphans lists the payloads of the cache's shared blob store that
// no revision of c uses and no repo's blobs/ folder links to: left behind
// by a tool that deleted their repos without collecting them. Nil when the
// cache has no marked store.
func SharedOrphans(c *scan.Cache) []scan.Blob {
	payloads := scan.SharedPayloads(c.Path)
	if len(payloads) == 0 {
		return nil
	}
	used := scan.UsedBlobs(c.Repos...)
	census := scan.SharedLinkCensus(c.Path)
	var out []scan.Blob
	for _, b := range payloads {
		if !used[b.Path] && census[b.Path] == 0 {
			out = append(out, b)
		}
	}
	return out
}
