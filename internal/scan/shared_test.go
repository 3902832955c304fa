package scan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIsSharedPayload(t *testing.T) {
	cache := filepath.FromSlash("/c/hub")
	h := "ab" + strings.Repeat("0", 62)
	tests := []struct {
		path string
		want bool
	}{
		{"/c/hub/blobs/ab/" + h, true},
		{"/c/hub/blobs/ab/" + strings.ToUpper(h), false},
		{"/c/hub/blobs/cd/" + h, false},           // wrong prefix folder
		{"/c/hub/blobs/ab/" + h[:63], false},      // too short
		{"/c/hub/blobs/ab/" + h + ".refs", false}, // manifest
		{"/c/hub/blobs/ab/" + h + ".lock", false},
		{"/c/hub/blobs/" + h, false},
		{"/c/hub2/blobs/ab/" + h, false},
		{"/c/hub/models--a--b/blobs/ab/" + h, false},
		{"/c/other/blobs/ab/" + h, false},
	}
	for _, tt := range tests {
		if got := IsSharedPayload(cache, filepath.FromSlash(tt.path)); got != tt.want {
			t.Errorf("IsSharedPayload(%s) = %v, want %v", tt.path, got, tt.want)
		}
	}
	if !IsSharedPayload(cache+string(filepath.Separator), filepath.FromSlash("/c/hub/blobs/ab/"+h)) {
		t.Error("a cache dir with a trailing separator is not accepted")
	}
}

func TestIsSharedStore(t *testing.T) {
	tests := []struct {
		name   string
		marker string // "" = no marker
		want   bool
	}{
		{"marked", "1\n", true},
		{"unknown version", "2\n", false},
		{"no marker", "", false},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "blobs"), 0o755); err != nil {
			t.Fatal(err)
		}
		if tt.marker != "" {
			if err := os.WriteFile(filepath.Join(dir, "blobs", SharedStoreMarker), []byte(tt.marker), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if got := IsSharedStore(dir); got != tt.want {
			t.Errorf("%s: IsSharedStore = %v, want %v", tt.name, got, tt.want)
		}
	}
}
