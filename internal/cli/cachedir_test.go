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
		// As upstream's constants.py: a variable set to "" is set.
		{"empty HF_HUB_CACHE is the current folder", "", map[string]string{"HOME": home, "HF_HUB_CACHE": "", "HF_HOME": "/h"}, "."},
		{"empty legacy variable is the current folder", "", map[string]string{"HOME": home, "HUGGINGFACE_HUB_CACHE": "", "HF_HOME": "/h"}, "."},
		{"empty HF_HOME is ./hub", "", map[string]string{"HOME": home, "HF_HOME": ""}, "hub"},
		{"empty XDG_CACHE_HOME is ./huggingface/hub", "", map[string]string{"HOME": home, "XDG_CACHE_HOME": ""}, "huggingface/hub"},
		// ... and each goes through expanduser then expandvars.
		{"$VAR in HF_HUB_CACHE", "", map[string]string{"HOME": home, "D": "/data", "HF_HUB_CACHE": "$D/hf/${D}"}, "/data/hf/data"},
		{"$VAR in HF_HOME", "", map[string]string{"HOME": home, "D": "/data", "HF_HOME": "${D}/hfh"}, "/data/hfh/hub"},
		{"$VAR in XDG_CACHE_HOME", "", map[string]string{"HOME": home, "D": "/data", "XDG_CACHE_HOME": "$D/c"}, "/data/c/huggingface/hub"},
		{"$VAR in the legacy variable", "", map[string]string{"HOME": home, "D": "/data", "HUGGINGFACE_HUB_CACHE": "$D/l"}, "/data/l"},
		{"unset $VAR stays as written", "", map[string]string{"HOME": home, "HF_HUB_CACHE": "/x/$NOPE/${NOPE2}/$"}, "/x/$NOPE/${NOPE2}/$"},
		{"~ then $HOME", "", map[string]string{"HOME": home, "HF_HOME": "~/a/$HOME"}, home + "/a" + home + "/hub"},
		{"the flag has no $VAR expansion", "/f/$D", map[string]string{"HOME": home, "D": "/data"}, "/f/$D"},
		{"--dir '' (made . by the root command)", ".", map[string]string{"HOME": home, "HF_HUB_CACHE": "/new"}, "."},
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
			wd, _ := os.Getwd()
			if want == "" {
				want = filepath.Join(wd, tt.flag)
			} else if !filepath.IsAbs(want) {
				want = filepath.Join(wd, want)
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
