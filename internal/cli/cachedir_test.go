package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hfcache/hfcache/internal/iostreams"
)

func TestCacheDirPrecedence(t *testing.T) {
	home := t.TempDir()
	tests := []struct {
		name string
		flag string
		env  map[string]string
		want string
	}{
		{"default", "", map[string]string{"HOME": home}, home + "/.cache/huggingface/hub"},
		{"xdg", "", map[string]string{"HOME": home, "XDG_CACHE_HOME": "/x"}, "/x/huggingface/hub"},
		{"hf home", "", map[string]string{"HOME": home, "XDG_CACHE_HOME": "/x", "HF_HOME": "~/hfh"}, home + "/hfh/hub"},
		{"legacy var", "", map[string]string{"HOME": home, "HF_HOME": "/h", "HUGGINGFACE_HUB_CACHE": "/legacy"}, "/legacy"},
		{"hf hub cache", "", map[string]string{"HOME": home, "HUGGINGFACE_HUB_CACHE": "/legacy", "HF_HUB_CACHE": "/new"}, "/new"},
		{"flag wins", "~/flag", map[string]string{"HOME": home, "HF_HUB_CACHE": "/new"}, home + "/flag"},
		{"relative flag is made absolute", "rel/dir", map[string]string{"HOME": home}, ""},
		{"empty variables are ignored", "", map[string]string{"HOME": home, "HF_HUB_CACHE": "", "HF_HOME": ""}, home + "/.cache/huggingface/hub"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			ios.SetEnv(tt.env)
			got, err := cacheDir(ios, tt.flag)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want == "" {
				wd, _ := os.Getwd()
				want = filepath.Join(wd, tt.flag)
			}
			if got != want {
				t.Errorf("cacheDir = %q, want %q", got, want)
			}
		})
	}
}

// TestCacheDirResolvesLinks: like Path.resolve(), a linked cache folder is
// reported by its real path, and a missing tail is kept as written.
func TestCacheDirResolvesLinks(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	ios, _, _, _ := iostreams.Test()
	for flag, want := range map[string]string{
		filepath.Join(root, "link"):               real,
		filepath.Join(root, "link", "nope", ".."): real,
		filepath.Join(root, "link", "missing"):    filepath.Join(real, "missing"),
	} {
		got, err := cacheDir(ios, flag)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("cacheDir(%q) = %q, want %q", flag, got, want)
		}
	}
}
