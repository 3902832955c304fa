package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/iostreams"
)

// cacheDirCase: with env and --dir flag, cacheDir says want ("" for flag
// made absolute).
type cacheDirCase struct {
	name string
	flag string
	env  map[string]string
	want string
}

func TestCacheDirPrecedence(t *testing.T) {
	home := t.TempDir()
	x, legacy, hubCache := filepath.Join(home, "x"), filepath.Join(home, "legacy"), filepath.Join(home, "new")
	// homeEnv is the home folder where Python's expanduser looks for it.
	homeEnv := func(more ...string) map[string]string {
		env := map[string]string{"HOME": home, "USERPROFILE": home}
		for i := 0; i+1 < len(more); i += 2 {
			env[more[i]] = more[i+1]
		}
		return env
	}
	tests := []cacheDirCase{
		{"default", "", homeEnv(), filepath.Join(home, ".cache", "huggingface", "hub")},
		{"xdg", "", homeEnv("XDG_CACHE_HOME", x), filepath.Join(x, "huggingface", "hub")},
		{"hf home", "", homeEnv("XDG_CACHE_HOME", x, "HF_HOME", "~/hfh"), filepath.Join(home, "hfh", "hub")},
		{"legacy var", "", homeEnv("HF_HOME", x, "HUGGINGFACE_HUB_CACHE", legacy), legacy},
		{"hf hub cache", "", homeEnv("HUGGINGFACE_HUB_CACHE", legacy, "HF_HUB_CACHE", hubCache), hubCache},
		{"flag wins", "~/flag", homeEnv("HF_HUB_CACHE", hubCache), filepath.Join(home, "flag")},
		{"tilde alone", "~", homeEnv(), home},
		{"relative flag is made absolute", "rel/dir", homeEnv(), ""},
		{"tilde of another user is a relative path", "~bob/hub", homeEnv(), ""},
		// As upstream's constants.py: a variable set to "" is set.
		{"empty HF_HUB_CACHE is the current folder", "", homeEnv("HF_HUB_CACHE", "", "HF_HOME", x), "."},
		{"empty legacy variable is the current folder", "", homeEnv("HUGGINGFACE_HUB_CACHE", "", "HF_HOME", x), "."},
		{"empty HF_HOME is ./hub", "", homeEnv("HF_HOME", ""), "hub"},
		{"empty XDG_CACHE_HOME is ./huggingface/hub", "", homeEnv("XDG_CACHE_HOME", ""), filepath.Join("huggingface", "hub")},
		{"--dir '' (made . by the root command)", ".", homeEnv("HF_HUB_CACHE", hubCache), "."},
	}
	if runtime.GOOS == "windows" {
		// ntpath.expanduser: a backslash ends "~" too, and the home folder
		// is %USERPROFILE% (else %HOMEDRIVE%%HOMEPATH%), not %HOME%.
		tests = append(tests,
			cacheDirCase{"backslash after tilde", `~\hub`, homeEnv(), filepath.Join(home, "hub")},
			cacheDirCase{"HOMEDRIVE and HOMEPATH without USERPROFILE", `~\hub`, map[string]string{"HOME": `C:\elsewhere`, "HOMEDRIVE": filepath.VolumeName(home), "HOMEPATH": home[len(filepath.VolumeName(home)):]}, filepath.Join(home, "hub")})
	} else {
		tests = append(tests, cacheDirCase{"backslash is a file name character", `~\hub`, homeEnv(), ""})
		// posixpath.expandvars after expanduser ($VAR and ${VAR}; ntpath's
		// %VAR% is not implemented, so these are Unix-only).
		tests = append(tests, []cacheDirCase{
			{"$VAR in HF_HUB_CACHE", "", homeEnv("D", "/data", "HF_HUB_CACHE", "$D/hf/${D}"), "/data/hf/data"},
			{"$VAR in HF_HOME", "", homeEnv("D", "/data", "HF_HOME", "${D}/hfh"), "/data/hfh/hub"},
			{"$VAR in XDG_CACHE_HOME", "", homeEnv("D", "/data", "XDG_CACHE_HOME", "$D/c"), "/data/c/huggingface/hub"},
			{"$VAR in the legacy variable", "", homeEnv("D", "/data", "HUGGINGFACE_HUB_CACHE", "$D/l"), "/data/l"},
			{"unset $VAR stays as written", "", homeEnv("HF_HUB_CACHE", "/x/$NOPE/${NOPE2}/$"), "/x/$NOPE/${NOPE2}/$"},
			{"~ then $HOME", "", homeEnv("HF_HOME", "~/a/$HOME"), home + "/a" + home + "/hub"},
			{"the flag has no $VAR expansion", "/f/$D", homeEnv("D", "/data"), "/f/$D"},
		}...)
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
	cachetest.RequireSymlinks(t)
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
