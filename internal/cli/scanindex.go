package cli

import (
	"path/filepath"
	"runtime"
	"strings"

	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/scan"
)

// scanIndexEnv names the scan index's folder, or turns it off.
const scanIndexEnv = "HFCACHE_SCAN_INDEX"

// scanIndex is the scan index of the reports (scan-cache, ls; see
// scan.Index): $HFCACHE_SCAN_INDEX when it is a folder, none when it is
// "off", else hfcache/scan-index in the user's cache folder (none when
// that is unknown).
func scanIndex(ios *iostreams.IOStreams) *scan.Index { return scanIndexFor(ios, runtime.GOOS) }

func scanIndexFor(ios *iostreams.IOStreams, goos string) *scan.Index {
	switch v := ios.Getenv(scanIndexEnv); strings.ToLower(v) {
	case "off", "0", "false", "no":
		return nil
	case "":
	default:
		return &scan.Index{Dir: v}
	}
	dir := userCacheDir(ios.Getenv, goos)
	if dir == "" {
		return nil
	}
	return &scan.Index{Dir: filepath.Join(dir, "hfcache", "scan-index")}
}

// userCacheDir is os.UserCacheDir read from getenv: the folder for a
// user's cached data ("" when the environment does not say).
func userCacheDir(getenv func(string) string, goos string) string {
	switch goos {
	case "windows":
		return getenv("LocalAppData")
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, "Library", "Caches")
		}
		return ""
	case "plan9":
		if h := getenv("home"); h != "" {
			return filepath.Join(h, "lib", "cache")
		}
		return ""
	}
	if d := getenv("XDG_CACHE_HOME"); filepath.IsAbs(d) {
		return d
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache")
	}
	return ""
}
