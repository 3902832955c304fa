// Command gendocs writes hfcache's man pages and shell completion scripts,
// generated from the cobra command tree, for packaging (make man, make
// completions, .goreleaser.yaml). It is a build tool: the hfcache binary
// itself does not link the man page generator.
//
//	go run ./tools/gendocs -man man -completions completions
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/hfcache/hfcache/internal/cli"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/tui"
)

func main() {
	manDir := flag.String("man", "", "write man pages (section 1) into this directory")
	compDir := flag.String("completions", "", "write completion scripts into this directory")
	flag.Parse()
	if *manDir == "" && *compDir == "" {
		fmt.Fprintln(os.Stderr, "usage: gendocs [-man DIR] [-completions DIR]")
		os.Exit(2)
	}
	if *manDir != "" {
		if err := writeMan(*manDir, buildDate()); err != nil {
			fmt.Fprintln(os.Stderr, "gendocs:", err)
			os.Exit(1)
		}
	}
	if *compDir != "" {
		if err := writeCompletions(*compDir); err != nil {
			fmt.Fprintln(os.Stderr, "gendocs:", err)
			os.Exit(1)
		}
	}
}

// buildDate is SOURCE_DATE_EPOCH when set (reproducible builds), else now.
func buildDate() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Now().UTC()
}

func rootCmd() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	root := cli.NewRootCmd(ios, "hfcache")
	root.DisableAutoGenTag = true
	return root
}

// writeMan writes one page per command: hfcache.1, hfcache-scan-cache.1, ...
func writeMan(dir string, date time.Time) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// No Title: cobra then titles each page by its command
	// (HFCACHE-SCAN-CACHE), as man pages of subcommands are.
	header := &doc.GenManHeader{Section: "1", Source: "hfcache", Manual: "hfcache manual", Date: &date}
	if err := doc.GenManTree(rootCmd(), header, dir); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	pages, err := filepath.Glob(filepath.Join(dir, "hfcache*.1"))
	if err != nil {
		return err
	}
	for _, page := range pages {
		b, err := os.ReadFile(page)
		if err != nil {
			return err
		}
		// A flag that takes no value is listed as "--help", not as
		// cobra's "--help[=false]".
		s := strings.ReplaceAll(string(b), `[=false]`, "")
		if filepath.Base(page) == "hfcache-delete-cache.1" {
			s = strings.Replace(s, "\n.SH OPTIONS\n", "\n"+tuiKeysSection()+"\n.SH OPTIONS\n", 1)
		}
		if err := os.WriteFile(page, []byte(s), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// tuiKeysSection is the KEYS section of hfcache-delete-cache(1): every key
// of the checklist, from the key map the checklist itself uses.
func tuiKeysSection() string {
	k := tui.DefaultKeyMap()
	groups := []struct {
		title string
		keys  []key.Binding
	}{
		{"In the checklist", []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Toggle, k.ToggleDown, k.ToggleUp, k.ToggleRepo, k.ToggleAll, k.Invert, k.Sort, k.Filter, k.Validate, k.Quit, k.Help, k.Suspend}},
		{"While typing a filter (after /)", []key.Binding{k.FilterAccept, k.FilterClear, k.FilterDelete, k.FilterErase}},
		{"At the confirmation", []key.Binding{k.Yes, k.No, k.Interrupt}},
	}
	var b strings.Builder
	b.WriteString(".SH KEYS\n" + manEscape("The full-screen checklist (without --disable-tui or --plain) reads these keys.") + "\n")
	for _, g := range groups {
		fmt.Fprintf(&b, ".SS %s\n", g.title)
		for _, binding := range g.keys {
			names := make([]string, len(binding.Keys()))
			for i, n := range binding.Keys() {
				names[i] = `\fB` + manEscape(n) + `\fP`
			}
			fmt.Fprintf(&b, ".TP\n%s\n%s\n", strings.Join(names, ", "), manEscape(binding.Help().Desc))
		}
	}
	return b.String()
}

// manEscape protects the characters roff reads specially in running text.
func manEscape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// writeCompletions writes hfcache.bash, _hfcache (zsh), hfcache.fish and
// hfcache.ps1.
func writeCompletions(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root := rootCmd()
	gens := map[string]func(string) error{
		"hfcache.bash": func(p string) error { return root.GenBashCompletionFileV2(p, true) },
		"_hfcache":     root.GenZshCompletionFile,
		"hfcache.fish": func(p string) error { return root.GenFishCompletionFile(p, true) },
		"hfcache.ps1":  root.GenPowerShellCompletionFileWithDesc,
	}
	for name, gen := range gens {
		if err := gen(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("completion %s: %w", name, err)
		}
	}
	return nil
}
