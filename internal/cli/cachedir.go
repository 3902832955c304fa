package cli

import (
	"os"
	"path/filepath"
	"runtime"
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

// expandUser expands a leading "~" like Python's os.path.expanduser: "~"
// alone or followed by a separator ("~/hub"; on Windows "~\hub" too, as
// ntpath accepts both separators) becomes the user's home folder. Anything
// else ("~user", "x/~") is left as written.
func expandUser(ios *iostreams.IOStreams, p string) string {
	rest, ok := strings.CutPrefix(p, "~")
	if !ok || (rest != "" && !os.IsPathSeparator(rest[0])) {
		return p
	}
	home := userHome(ios)
	if home == "" {
		return p
	}
	return filepath.Join(home, rest)
}

// userHome is the home folder Python's expanduser uses: $HOME on Unix;
// %USERPROFILE%, else %HOMEDRIVE%%HOMEPATH% on Windows. Else the system's.
func userHome(ios *iostreams.IOStreams) string {
	if runtime.GOOS == "windows" {
		if h := ios.Getenv("USERPROFILE"); h != "" {
			return h
		}
		if drive, path := ios.Getenv("HOMEDRIVE"), ios.Getenv("HOMEPATH"); path != "" {
			return drive + path
		}
	} else if h := ios.Getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
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
