package cli

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/scan"
)

// cacheDir picks the cache directory like huggingface_hub: the flag, else
// HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub, else
// $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub; "~" is
// expanded and the path resolved (absolute, links resolved).
func cacheDir(ios *iostreams.IOStreams, flag string) (string, error) {
	dir := flag
	if dir == "" {
		dir = defaultCacheDir(ios)
	}
	return scan.ResolvePath(expandUser(ios, dir))
}

func defaultCacheDir(ios *iostreams.IOStreams) string {
	if v := ios.Getenv("HF_HUB_CACHE"); v != "" {
		return v
	}
	if v := ios.Getenv("HUGGINGFACE_HUB_CACHE"); v != "" {
		return v
	}
	return filepath.Join(hfHome(ios), "hub")
}

// hfHome is $HF_HOME, else $XDG_CACHE_HOME/huggingface, else
// ~/.cache/huggingface.
func hfHome(ios *iostreams.IOStreams) string {
	if v := ios.Getenv("HF_HOME"); v != "" {
		return expandUser(ios, v)
	}
	xdg := ios.Getenv("XDG_CACHE_HOME")
	if xdg == "" {
		xdg = "~/.cache"
	}
	return filepath.Join(expandUser(ios, xdg), "huggingface")
}

func expandUser(ios *iostreams.IOStreams, p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p
	}
	home := ios.Getenv("HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = h
		}
	}
	return filepath.Join(home, strings.TrimPrefix(p, "~"))
}

// xetDir is where hf_xet keeps its cache (xet-core's xet_cache_root):
// $HF_XET_CACHE, else $HF_HOME/xet, else $XDG_CACHE_HOME/huggingface/xet,
// else ~/.cache/huggingface/xet; "~" expanded, links resolved.
func xetDir(ios *iostreams.IOStreams) (string, error) {
	if v := ios.Getenv("HF_XET_CACHE"); v != "" {
		return scan.ResolvePath(expandUser(ios, v))
	}
	return scan.ResolvePath(filepath.Join(hfHome(ios), "xet"))
}

// isDefaultCache reports whether the hub cache dir (resolved) is the one
// the environment designates, i.e. the cache that goes with xetDir.
func isDefaultCache(ios *iostreams.IOStreams, dir string) bool {
	def, err := scan.ResolvePath(expandUser(ios, defaultCacheDir(ios)))
	return err == nil && def == dir
}
