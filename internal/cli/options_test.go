package cli

import (
	"testing"

	"github.com/hfcache/hfcache/internal/iostreams"
)

// TestRunWithoutCobra: ls and verify run from their Options alone (no
// *cobra.Command) and print what the command line prints, flag-set
// questions included (--format given with --json is a usage error).
func TestRunWithoutCobra(t *testing.T) {
	root := smallCache(t, "models--a--one", "datasets--a--two")
	tests := []struct {
		name string
		args []string
		fmt  FormatFlags
		exit int
	}{
		{"ls", []string{"ls", "--cache-dir", root}, FormatFlags{Format: "auto"}, 0},
		{"ls --revisions --json", []string{"ls", "--cache-dir", root, "--revisions", "--json"}, FormatFlags{Format: "auto", JSON: true}, 0},
		{"ls --format auto --json", []string{"ls", "--cache-dir", root, "--format", "auto", "--json"}, FormatFlags{Format: "auto", JSON: true, FormatSet: true}, 2},
		{"ls --sort size --limit 1", []string{"ls", "--cache-dir", root, "--sort", "size", "--limit", "1"}, FormatFlags{Format: "auto"}, 0},
		{"verify", []string{"verify", "a/one", "--cache-dir", root}, FormatFlags{Format: "auto"}, 0},
		{"verify dataset id", []string{"verify", "dataset/a/two", "--cache-dir", root, "--json"}, FormatFlags{Format: "auto", JSON: true}, 0},
		{"verify --type dataset on a model id", []string{"verify", "model/a/one", "--type", "dataset", "--cache-dir", root}, FormatFlags{Format: "auto"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantOut, wantErr, wantCode := run(t, nil, false, tt.args...)
			if wantCode != tt.exit {
				t.Fatalf("command line: exit %d, want %d\n%s%s", wantCode, tt.exit, wantOut, wantErr)
			}
			ios, _, out, errOut := iostreams.Test()
			var err error
			switch tt.args[0] {
			case "ls":
				opts := &LsOptions{IO: ios, Dir: root, Format: tt.fmt}
				for i, a := range tt.args {
					switch a {
					case "--revisions":
						opts.Revisions = true
					case "--sort":
						opts.Sort = tt.args[i+1]
					case "--limit":
						opts.Limit, opts.LimitSet = 1, true
					}
				}
				err = runLs(opts)
			case "verify":
				opts := &VerifyOptions{IO: ios, Dir: root, RepoID: tt.args[1], RepoType: "model", Format: tt.fmt}
				if tt.args[2] == "--type" {
					opts.RepoType, opts.RepoTypeSet = tt.args[3], true
				}
				err = runVerify(opts)
			}
			if code := exitCodeFor(err, ios, "hfcache "+tt.args[0]); code != wantCode || out.String() != wantOut || errOut.String() != wantErr {
				t.Errorf("from Options: exit %d\n%s%s\nfrom the command line: exit %d\n%s%s", code, out, errOut, wantCode, wantOut, wantErr)
			}
		})
	}
}
