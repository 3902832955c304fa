package cli

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/hfcache/hfcache/internal/iostreams"
)

func TestScanIndexFolder(t *testing.T) {
	// An absolute path on this machine (XDG_CACHE_HOME must be one).
	x := "/x"
	if runtime.GOOS == "windows" {
		x = "C:/x"
	}
	tests := []struct {
		name string
		goos string
		env  map[string]string
		want string // "" means no index
	}{
		{name: "XDG_CACHE_HOME", goos: "linux", env: map[string]string{"XDG_CACHE_HOME": x, "HOME": "/h"}, want: x + "/hfcache/scan-index"},
		{name: "relative XDG_CACHE_HOME is ignored", goos: "linux", env: map[string]string{"XDG_CACHE_HOME": "x", "HOME": "/h"}, want: "/h/.cache/hfcache/scan-index"},
		{name: "HOME", goos: "linux", env: map[string]string{"HOME": "/h"}, want: "/h/.cache/hfcache/scan-index"},
		{name: "no home", goos: "linux", env: map[string]string{}, want: ""},
		{name: "macOS", goos: "darwin", env: map[string]string{"HOME": "/Users/u", "XDG_CACHE_HOME": x}, want: "/Users/u/Library/Caches/hfcache/scan-index"},
		{name: "Windows", goos: "windows", env: map[string]string{"LocalAppData": `/c/AppData/Local`}, want: "/c/AppData/Local/hfcache/scan-index"},
		{name: "named", goos: "linux", env: map[string]string{scanIndexEnv: "/idx", "HOME": "/h"}, want: "/idx"},
		{name: "off", goos: "linux", env: map[string]string{scanIndexEnv: "off", "HOME": "/h"}, want: ""},
		{name: "OFF", goos: "linux", env: map[string]string{scanIndexEnv: "OFF", "HOME": "/h"}, want: ""},
		{name: "0", goos: "linux", env: map[string]string{scanIndexEnv: "0", "HOME": "/h"}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			ios.SetEnv(tt.env)
			got := ""
			if ix := scanIndexFor(ios, tt.goos); ix != nil {
				got = filepath.ToSlash(ix.Dir)
			}
			if got != tt.want {
				t.Errorf("index folder %q; want %q", got, tt.want)
			}
		})
	}
}
