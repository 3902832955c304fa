package cli

import (
	"runtime/debug"
	"testing"
)

func TestFormatVersion(t *testing.T) {
	vcs := &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/hfcache/hfcache", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-11-01T10:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	installed := &debug.BuildInfo{Main: debug.Module{Path: "github.com/hfcache/hfcache", Version: "v1.4.0"}}
	tests := []struct {
		name    string
		v, c, d string
		info    *debug.BuildInfo
		want    string
	}{
		{"ldflags win", "1.2.3", "abc1234", "2026-01-02T03:04:05Z", vcs, "1.2.3 (commit abc1234, built 2026-01-02T03:04:05Z)"},
		{"nothing known", "", "", "", nil, "dev (commit unknown, built unknown)"},
		{"devel build in a checkout", "", "", "", vcs, "dev (commit 0123456789ab-dirty, built 2026-11-01T10:00:00Z)"},
		{"go install @version", "", "", "", installed, "v1.4.0 (commit unknown, built unknown)"},
		{"version only from ldflags", "1.0.0", "", "", installed, "1.0.0 (commit unknown, built unknown)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatVersion(tt.v, tt.c, tt.d, tt.info); got != tt.want {
				t.Errorf("formatVersion = %q, want %q", got, tt.want)
			}
		})
	}
}
