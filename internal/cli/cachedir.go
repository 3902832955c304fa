package cli

import (
	"os"
	"path/filepath"
	"runtime"

	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/pycompat"
)

// cacheDir picks the cache directory like huggingface_hub: the flag, else
// HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub, else
// $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub; "~" is
// expanded and the path resolved (absolute, links resolved). flag is ""
// when no flag was given (an empty --dir arrives here as ".", see
// emptyDirFlagIsHere).
//
// As in huggingface_hub's constants.py, a variable set to the empty string
// counts as set (HF_HUB_CACHE= is the current folder, HF_HOME= makes the
// cache ./hub, XDG_CACHE_HOME= makes it ./huggingface/hub), and the
// variables go through os.path.expanduser then os.path.expandvars: a
// "$VAR" or "${VAR}" inside them is replaced by that variable when it is
// set. The flag, like upstream's --dir, gets "~" expanded only.
func cacheDir(ios *iostreams.IOStreams, flag string) (string, error) {
	dir := flag
	if dir == "" {
		dir = defaultCacheDir(ios)
	} else {
		dir = expandUser(ios, dir)
	}
	return pycompat.ResolvePath(dir)
}

// defaultCacheDir is constants.HF_HUB_CACHE of huggingface_hub.
func defaultCacheDir(ios *iostreams.IOStreams) string {
	if v, ok := ios.LookupEnv("HF_HUB_CACHE"); ok {
		return expandEnvPath(ios, v)
	}
	if v, ok := ios.LookupEnv("HUGGINGFACE_HUB_CACHE"); ok {
		return expandEnvPath(ios, v)
	}
	return expandEnvPath(ios, filepath.Join(hfHome(ios), "hub"))
}

// hfHome is constants.HF_HOME: $HF_HOME, else $XDG_CACHE_HOME/huggingface,
// else ~/.cache/huggingface, expanded.
func hfHome(ios *iostreams.IOStreams) string {
	v, ok := ios.LookupEnv("HF_HOME")
	if !ok {
		xdg, ok := ios.LookupEnv("XDG_CACHE_HOME")
		if !ok {
			xdg = filepath.Join(expandUser(ios, "~"), ".cache")
		}
		v = filepath.Join(xdg, "huggingface")
	}
	return expandEnvPath(ios, v)
}

// expandEnvPath is os.path.expandvars(os.path.expanduser(p)).
func expandEnvPath(ios *iostreams.IOStreams, p string) string {
	return expandVars(ios, expandUser(ios, p))
}

// expandVars is Python's posixpath.expandvars over the environment.
func expandVars(ios *iostreams.IOStreams, p string) string {
	return pycompat.ExpandVars(p, ios.LookupEnv)
}

// expandUser is Python's os.path.expanduser with userHome's home folder.
func expandUser(ios *iostreams.IOStreams, p string) string {
	return pycompat.ExpandUser(p, func() (string, bool) { return userHome(ios) })
}

// userHome is the home folder Python's expanduser uses: on Unix $HOME when
// it is set (even empty), else the account's; on Windows %USERPROFILE%,
// else %HOMEDRIVE%%HOMEPATH%, else (unlike ntpath, which then leaves the
// path as written) the system's. ok is false when there is none.
func userHome(ios *iostreams.IOStreams) (string, bool) {
	if runtime.GOOS == "windows" {
		if h := ios.Getenv("USERPROFILE"); h != "" {
			return h, true
		}
		if drive, path := ios.Getenv("HOMEDRIVE"), ios.Getenv("HOMEPATH"); path != "" {
			return drive + path, true
		}
	} else if h, ok := ios.LookupEnv("HOME"); ok {
		return h, true
	}
	h, err := os.UserHomeDir()
	return h, err == nil
}

// xetDir is where hf_xet keeps its cache (xet-core's xet_cache_root):
// $HF_XET_CACHE, else $HF_HOME/xet, else $XDG_CACHE_HOME/huggingface/xet,
// else ~/.cache/huggingface/xet; "~" expanded, links resolved.
func xetDir(ios *iostreams.IOStreams) (string, error) {
	if v, ok := ios.LookupEnv("HF_XET_CACHE"); ok {
		return pycompat.ResolvePath(expandEnvPath(ios, v))
	}
	return pycompat.ResolvePath(filepath.Join(hfHome(ios), "xet"))
}

// isDefaultCache reports whether the hub cache dir (resolved) is the one
// the environment designates, i.e. the cache that goes with xetDir.
func isDefaultCache(ios *iostreams.IOStreams, dir string) bool {
	def, err := pycompat.ResolvePath(defaultCacheDir(ios))
	return err == nil && def == dir
}
