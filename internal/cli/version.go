package cli

import (
	"fmt"
	"runtime/debug"
)

// Set at build time by the Makefile and .goreleaser.yaml:
//
//	-ldflags "-X github.com/hfcache/hfcache/internal/cli.version=1.2.3
//	          -X github.com/hfcache/hfcache/internal/cli.commit=abc1234
//	          -X github.com/hfcache/hfcache/internal/cli.date=2026-01-02T03:04:05Z"
var (
	version = ""
	commit  = ""
	date    = ""
)

// versionString is what --version prints after "hfcache ".
func versionString() string {
	info, _ := debug.ReadBuildInfo()
	return formatVersion(version, commit, date, info)
}

// formatVersion fills what the linker flags left empty from the build
// information Go embeds: the module version for "go install ...@v1.2.3",
// the VCS revision and time for a build inside a git checkout. What is still
// unknown is spelled out, so the line always has its three parts.
func formatVersion(v, c, d string, info *debug.BuildInfo) string {
	if info != nil {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		dirty := false
		revision := ""
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				if d == "" {
					d = s.Value
				}
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if c == "" && revision != "" {
			if len(revision) > 12 {
				revision = revision[:12]
			}
			c = revision
			if dirty {
				c += "-dirty"
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	if c == "" {
		c = "unknown"
	}
	if d == "" {
		d = "unknown"
	}
	return fmt.Sprintf("%s (commit %s, built %s)", v, c, d)
}
