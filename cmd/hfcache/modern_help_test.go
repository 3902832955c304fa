package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hfcache/hfcache/internal/cachetest"
)

var longOption = regexp.MustCompile(`(^|[\s,/\[])(--[a-z][a-z-]*)`)

// TestModernHelpOptions: the help of each verb offers every option that
// upstream's help (golden/latest/small/cache-<verb>-help.txt) lists, except
// the network options of verify, and shows examples.
func TestModernHelpOptions(t *testing.T) {
	unsupported := map[string]bool{"--local-dir": true, "--token": true, "--fail-on-missing-files": true, "--fail-on-extra-files": true}
	for _, verb := range []string{"ls", "rm", "prune", "verify"} {
		t.Run(verb, func(t *testing.T) {
			golden, ok := cachetest.Golden(t, "latest", "small", "cache-"+verb+"-help.txt")
			if !ok {
				t.Fatal("no golden help")
			}
			res := runBinary(t, nil, "", verb, "--help")
			if res.code != 0 {
				t.Fatalf("exit %d", res.code)
			}
			if !strings.Contains(res.stdout, "Examples:") {
				t.Error("help has no examples")
			}
			seen := map[string]bool{}
			for _, m := range longOption.FindAllStringSubmatch(golden, -1) {
				opt := m[2]
				if seen[opt] || unsupported[opt] || opt == "--help" {
					continue
				}
				seen[opt] = true
				if !regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(opt) + `\b`).MatchString(res.stdout) {
					t.Errorf("%s --help does not offer %s", verb, opt)
				}
			}
			if len(seen) < 4 {
				t.Errorf("only %d options found in the golden help", len(seen))
			}
		})
	}
}
