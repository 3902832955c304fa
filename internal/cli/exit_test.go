package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/iostreams"
)

// TestExitCodes runs command lines in process and checks the exit code and
// what each stream says.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring, "" = must be empty
		stderr string // substring, "" = must be empty
	}{
		{"help", []string{"hfcache"}, ExitOK, "Usage:", ""},
		{"help lists every exit code", []string{"hfcache", "--help"}, ExitOK, "Exit codes: 0 success, 1 error, 2 usage error, 130 interrupted (Ctrl-C),\n143 terminated (SIGTERM).", ""},
		{"version", []string{"hfcache", "--version"}, ExitOK, "hfcache ", ""},
		{"-v is not --version", []string{"hfcache", "-v"}, ExitUsage, "", "Error: unknown shorthand flag: 'v' in -v\n"},
		{"-v before the command is its -v", []string{"hfcache", "-v", "scan-cache", "--dir", empty}, ExitOK, "REVISION", ""},
		{"-vvv before the command", []string{"hfcache", "-vvv", "scan-cache", "--dir", empty}, ExitOK, "REVISION", ""},
		{"unknown command", []string{"hfcache", "bogus"}, ExitUsage, "", "Error: unknown command \"bogus\" for \"hfcache\"\nRun 'hfcache --help' for usage.\n"},
		{"unknown command suggests", []string{"hfcache", "scan-cahce"}, ExitUsage, "", "Did you mean this?\n\tscan-cache\n"},
		{"unknown flag", []string{"hfcache", "scan-cache", "--bogus"}, ExitUsage, "", "Error: unknown flag: --bogus\nRun 'hfcache scan-cache --help' for usage.\n"},
		{"unknown root flag", []string{"hfcache", "--bogus"}, ExitUsage, "", "unknown flag: --bogus"},
		{"bad flag value", []string{"hfcache", "completion", "bash", "--no-descriptions=maybe"}, ExitUsage, "", "invalid argument \"maybe\""},
		{"extra argument", []string{"hfcache", "scan-cache", "extra"}, ExitUsage, "", "unexpected argument \"extra\""},
		{"unknown shell", []string{"hfcache", "completion", "tcsh"}, ExitUsage, "", "Run 'hfcache completion --help' for usage."},
		{"missing cache dir is not an error", []string{"hfcache", "scan-cache", "--dir", filepath.Join(dir, "nope")}, ExitOK, "Cache directory not found: ", ""},
		{"cache dir is a file", []string{"hfcache", "scan-cache", "--dir", file}, ExitError, "", "Scan cache expects a directory but found a file"},
		{"completion bash", []string{"hfcache", "completion", "bash"}, ExitOK, "bash completion V2 for hfcache", ""},
		{"help topic", []string{"hfcache", "help", "scan-cache"}, ExitOK, "Scan the cache directory", ""},
		{"unknown help topic", []string{"hfcache", "help", "bogus"}, ExitUsage, "", "Error: unknown help topic \"bogus\"\nRun 'hfcache help --help' for usage.\n"},
		{"alias help command", []string{"huggingface-cli", "help"}, ExitOK, "usage: huggingface-cli <command> [<args>]\n", ""},
		{"alias no command", []string{"huggingface-cli"}, ExitError, "usage: huggingface-cli <command> [<args>]\n", ""},
		{"alias help", []string{"huggingface-cli", "--help"}, ExitOK, "usage: huggingface-cli <command> [<args>]\n", ""},
		{"alias exe", []string{`C:\bin\huggingface-cli.exe`, "-h"}, ExitOK, "usage: huggingface-cli", ""},
		{"alias scan-cache", []string{"/usr/local/bin/huggingface-cli", "scan-cache", "--dir", filepath.Join(dir, "nope")}, ExitOK, "Cache directory not found: ", ""},
		{"alias upstream command", []string{"huggingface-cli", "whoami"}, ExitError, "", "\"huggingface-cli whoami\" is not provided by hfcache"},
		{"alias unknown command", []string{"huggingface-cli", "bogus"}, ExitUsage, "", "Run 'huggingface-cli --help' for usage."},
		{"alias unknown flag", []string{"huggingface-cli", "scan-cache", "--sort", "size"}, ExitUsage, "", "Run 'huggingface-cli scan-cache --help' for usage."},
		{"alias has no completion", []string{"huggingface-cli", "completion", "bash"}, ExitUsage, "", "unknown command \"completion\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			code := Run(tt.args, ios)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			check := func(stream, got, want string) {
				if want == "" && got != "" {
					t.Errorf("%s = %q, want it empty", stream, got)
				}
				if !strings.Contains(got, want) {
					t.Errorf("%s = %q, want it to contain %q", stream, got, want)
				}
			}
			check("stdout", out.String(), tt.stdout)
			check("stderr", errOut.String(), tt.stderr)
		})
	}
}

// TestFinishTreeArgs: whatever validator a command uses, a bad argument
// count is a usage error.
func TestFinishTreeArgs(t *testing.T) {
	tests := []struct {
		name string
		args cobra.PositionalArgs
		give []string
	}{
		{"ExactArgs(1)", cobra.ExactArgs(1), []string{"a", "b"}},
		{"MinimumNArgs(2)", cobra.MinimumNArgs(2), nil},
		{"NoArgs", cobra.NoArgs, []string{"a"}},
		{"RangeArgs(0,1)", cobra.RangeArgs(0, 1), []string{"a", "b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := &cobra.Command{Use: "root"}
			root.AddCommand(&cobra.Command{Use: "sub", Args: tt.args, RunE: func(*cobra.Command, []string) error { return nil }})
			finishTree(root)
			sub, _, _ := root.Find([]string{"sub"})
			err := sub.Args(sub, tt.give)
			if !isUsageError(err) {
				t.Fatalf("error %v is not a usage error", err)
			}
			ios, _, _, errOut := iostreams.Test()
			if code := exitCodeFor(err, ios, "root sub"); code != ExitUsage {
				t.Errorf("exit code %d, want %d", code, ExitUsage)
			}
			if !strings.Contains(errOut.String(), "Run 'root sub --help' for usage.") {
				t.Errorf("stderr %q has no pointer to --help", errOut)
			}
		})
	}
}

// TestFlagRulesAreUsageErrors: required flags and flag groups declared with
// cobra's helpers fail with exit code 2 and a pointer to --help.
func TestFlagRulesAreUsageErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"required flag missing", []string{"need"}, `required flag(s) "name" not set`},
		{"mutually exclusive flags", []string{"need", "--name", "x", "--yes", "--dry-run"}, "[dry-run yes] were all set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, errOut := iostreams.Test()
			root := &cobra.Command{Use: "hfcache", SilenceErrors: true, SilenceUsage: true}
			setupRoot(root, ios)
			sub := &cobra.Command{Use: "need", RunE: func(*cobra.Command, []string) error { return nil }}
			sub.Flags().String("name", "", "")
			sub.Flags().Bool("yes", false, "")
			sub.Flags().Bool("dry-run", false, "")
			if err := sub.MarkFlagRequired("name"); err != nil {
				t.Fatal(err)
			}
			sub.MarkFlagsMutuallyExclusive("yes", "dry-run")
			root.AddCommand(sub)
			finishTree(root)
			root.SetArgs(tt.args)
			cmd, err := root.ExecuteC()
			if code := exitCodeFor(err, ios, cmd.CommandPath()); code != ExitUsage {
				t.Errorf("exit code %d, want %d (err %v)", code, ExitUsage, err)
			}
			if !strings.Contains(errOut.String(), tt.stderr) || !strings.Contains(errOut.String(), "Run 'hfcache need --help' for usage.") {
				t.Errorf("stderr %q, want %q and a pointer to --help", errOut, tt.stderr)
			}
		})
	}
}

func TestExitCodeMapping(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{"nil", nil, ExitOK, ""},
		{"plain error", errors.New("boom"), ExitError, "Error: boom\n"},
		{"wrapped interrupt", fmt.Errorf("delete: %w", ErrInterrupted), ExitInterrupted, ""},
		{"usage", &UsageError{Err: errors.New("bad")}, ExitUsage, "Error: bad\nRun 'hfcache x --help' for usage.\n"},
		{"wrapped usage", fmt.Errorf("ctx: %w", &UsageError{Err: errors.New("bad")}), ExitUsage, "Error: bad\n"},
		{"explicit code with message", &ExitCodeError{Code: 3, Msg: "Error: three"}, 3, "Error: three\n"},
		{"explicit code, silent", &ExitCodeError{Code: ExitError}, ExitError, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, errOut := iostreams.Test()
			if code := exitCodeFor(tt.err, ios, "hfcache x"); code != tt.code {
				t.Errorf("code %d, want %d", code, tt.code)
			}
			if !strings.HasPrefix(errOut.String(), tt.stderr) || (tt.stderr == "" && errOut.Len() > 0) {
				t.Errorf("stderr %q, want prefix %q", errOut, tt.stderr)
			}
		})
	}
}

// TestExitCodeDefaultsToRoot: without a failing command, the pointer to
// --help names the root.
func TestExitCodeDefaultsToRoot(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	if code := exitCodeFor(&UsageError{Err: errors.New("bad")}, ios, "hfcache"); code != ExitUsage {
		t.Errorf("code %d, want %d", code, ExitUsage)
	}
	if want := "Error: bad\nRun 'hfcache --help' for usage.\n"; errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
}

func TestProgramName(t *testing.T) {
	tests := map[string]string{
		"hfcache":                            "hfcache",
		"/usr/bin/hfcache":                   "hfcache",
		"huggingface-cli":                    "huggingface-cli",
		"/home/u/.local/bin/huggingface-cli": "huggingface-cli",
		`C:\tools\huggingface-cli.exe`:       "huggingface-cli",
		"HUGGINGFACE-CLI.EXE":                "huggingface-cli",
		"hfcache.exe":                        "hfcache",
		"huggingface-cli-old":                "huggingface-cli-old",
	}
	for in, want := range tests {
		if got := programName(in); got != want {
			t.Errorf("programName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestExitCodesDocumented: the exit-code tables of the README and of
// docs/exit-codes.md give each code the meaning the code has (SIGTERM is
// 143, not 130).
func TestExitCodesDocumented(t *testing.T) {
	t.Parallel()
	want := map[int]string{
		ExitOK: "success", ExitError: "error", ExitUsage: "usage error",
		ExitUnverified: "nothing could be verified", ExitInterrupted: "interrupted", ExitTerminated: "SIGTERM",
	}
	row := regexp.MustCompile(`(?m)^\| *([0-9]+) *\|([^|]*)\|`)
	for _, doc := range []string{"../../README.md", "../../docs/exit-codes.md"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int]bool{}
		for _, m := range row.FindAllStringSubmatch(string(b), -1) {
			code, _ := strconv.Atoi(m[1])
			meaning, ok := want[code]
			if !ok {
				t.Errorf("%s documents exit code %d, which hfcache does not use", doc, code)
				continue
			}
			seen[code] = true
			if !strings.Contains(m[2], meaning) {
				t.Errorf("%s: exit code %d is %q, want it to say %q", doc, code, strings.TrimSpace(m[2]), meaning)
			}
			if code != ExitTerminated && strings.Contains(m[2], "SIGTERM") {
				t.Errorf("%s: SIGTERM listed under exit code %d (it is %d)", doc, code, ExitTerminated)
			}
		}
		for code := range want {
			if !seen[code] {
				t.Errorf("%s does not document exit code %d", doc, code)
			}
		}
	}
}
