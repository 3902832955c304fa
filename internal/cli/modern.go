package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/pycompat"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/scan"
)

// This file holds what the hf 1.x verbs (ls, rm, prune, verify) share: the
// formatting flags and an output sink that behaves like huggingface_hub
// 1.28's `out` object (cli/_output.py).

// FormatFlags are the formatting options every hf 1.x verb takes.
type FormatFlags struct {
	Format     string
	JSON       bool
	Quiet      bool
	NoTruncate bool
	// FormatSet is true when --format was given (even as its default,
	// "auto": it then conflicts with --json or --quiet, as in click).
	FormatSet bool
}

// formatFlagsGiven records in f which of the formatting flags cmd was given.
func formatFlagsGiven(cmd *cobra.Command, f *FormatFlags) {
	f.FormatSet = cmd.Flags().Changed("format")
}

func addFormatFlags(cmd *cobra.Command, f *FormatFlags, csv bool) {
	values := "auto|human|agent|json|quiet"
	if csv {
		values += "|csv"
	}
	cmd.Flags().StringVar(&f.Format, "format", "auto", "output format: "+values+" (auto: agent when run by an AI agent, else human)")
	cmd.Flags().BoolVar(&f.JSON, "json", false, "JSON output, same as --format json")
	cmd.Flags().BoolVarP(&f.Quiet, "quiet", "q", false, "one ID per line, same as --format quiet")
	cmd.Flags().BoolVar(&f.NoTruncate, "no-truncate", false, "do not truncate values in human tables")
}

// addCacheDirFlag adds --cache-dir and its alias --dir.
func addCacheDirFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "cache-dir", "", "cache directory (default: the Hugging Face cache)")
	cmd.Flags().StringVar(dir, "dir", "", "alias of --cache-dir")
}

// addNegatable adds --name and --no-name (click's "--x/--no-x" boolean).
func addNegatable(cmd *cobra.Command, p *bool, name, usage string) {
	cmd.Flags().BoolVar(p, name, false, usage)
	cmd.Flags().Bool("no-"+name, false, "opposite of --"+name+" (the default)")
}

// negated applies --no-name when it was given.
func negated(cmd *cobra.Command, p *bool, name string) {
	if v, _ := cmd.Flags().GetBool("no-" + name); v && cmd.Flags().Changed("no-"+name) {
		*p = false
	}
}

// modernOut is the output sink of the hf 1.x verbs.
type modernOut struct {
	ios        *iostreams.IOStreams
	cmd        string // "hfcache ls", for usage errors
	usage      string // "[OPTIONS]"
	mode       render.Format
	ansi       render.ANSI
	noTruncate bool
}

// isAgent mirrors huggingface_hub's agent detection through its standard
// variables (AI_AGENT, AGENT); upstream's per-harness list comes from the
// Hub and is not consulted.
func isAgent(ios *iostreams.IOStreams) bool {
	return strings.TrimSpace(ios.Getenv("AI_AGENT")) != "" || strings.TrimSpace(ios.Getenv("AGENT")) != ""
}

// newModernOut resolves the output mode from the flags of the verb named
// verb ("ls"). Conflicting or unknown formats are usage errors, printed the
// click way.
func newModernOut(ios *iostreams.IOStreams, verb, usage string, f FormatFlags, csv bool) (*modernOut, error) {
	o := &modernOut{ios: ios, cmd: "hfcache " + verb, usage: usage, noTruncate: f.NoTruncate}
	agent := isAgent(ios)
	o.ansi = render.ANSI{Disabled: ios.ColorDisabled() || agent}
	o.mode = render.FormatHuman
	var chosen []string
	if f.FormatSet {
		chosen = append(chosen, "--format")
	}
	if f.JSON {
		chosen = append(chosen, "--json")
	}
	if f.Quiet {
		chosen = append(chosen, "--quiet")
	}
	if len(chosen) > 1 {
		return nil, o.usageError(fmt.Sprintf("'%s' and '%s' are mutually exclusive.", chosen[0], chosen[1]))
	}
	switch {
	case f.JSON:
		o.mode = render.FormatJSON
	case f.Quiet:
		o.mode = render.FormatQuiet
	default:
		switch render.Format(strings.ToLower(f.Format)) {
		case render.FormatAuto:
			if agent {
				o.mode = render.FormatAgent
			}
		case render.FormatHuman:
		case render.FormatAgent:
			o.mode = render.FormatAgent
		case render.FormatJSON:
			o.mode = render.FormatJSON
		case render.FormatQuiet:
			o.mode = render.FormatQuiet
		case render.FormatCSV:
			if !csv {
				return nil, o.usageError(fmt.Sprintf("Invalid value for '--format': '%s' is not one of 'auto', 'human', 'agent', 'json', 'quiet'.", f.Format))
			}
			o.mode = render.FormatCSV
		default:
			choices := "'auto', 'human', 'agent', 'json', 'quiet'"
			if csv {
				choices += ", 'csv'"
			}
			return nil, o.usageError(fmt.Sprintf("Invalid value for '--format': '%s' is not one of %s.", f.Format, choices))
		}
	}
	return o, nil
}

// text prints a free-form line to stdout (human: as is, agent: without
// ANSI codes, other modes: nothing).
func (o *modernOut) text(msg string) {
	switch o.mode {
	case render.FormatHuman:
		fmt.Fprintln(o.ios.Out, msg)
	case render.FormatAgent:
		fmt.Fprintln(o.ios.Out, render.StripANSI(msg))
	}
}

// table prints items in the current mode; idKey is the quiet-mode column.
func (o *modernOut) table(items []render.Object, cols []render.Column, idKey string) {
	if len(items) == 0 {
		switch o.mode {
		case render.FormatHuman, render.FormatAgent:
			fmt.Fprintln(o.ios.Out, "No results found.")
		case render.FormatJSON:
			fmt.Fprintln(o.ios.Out, "[]")
		}
		return
	}
	switch o.mode {
	case render.FormatHuman:
		s, truncated := render.HumanTable(items, cols, o.ios.Columns(80), o.noTruncate)
		fmt.Fprintln(o.ios.Out, s)
		if truncated {
			o.hint("Use `--no-truncate` or `--format json` to display full values.")
		}
	case render.FormatAgent:
		keys := make([]string, len(cols))
		for i, c := range cols {
			keys[i] = c.Key
		}
		fmt.Fprintln(o.ios.Out, render.AgentTable(items, keys))
	case render.FormatJSON:
		fmt.Fprintln(o.ios.Out, pycompat.JSON(items))
	case render.FormatQuiet:
		fmt.Fprint(o.ios.Out, render.QuietIDs(items, idKey))
	}
}

// result prints a success summary.
func (o *modernOut) result(msg string, data render.Object) {
	fmt.Fprint(o.ios.Out, render.Result(o.mode, msg, data, o.ansi))
}

func (o *modernOut) warning(msg string) {
	if o.mode == render.FormatHuman {
		fmt.Fprintln(o.ios.ErrOut, o.ansi.Yellow("Warning: "+msg))
		return
	}
	fmt.Fprintln(o.ios.ErrOut, "Warning: "+msg)
}

func (o *modernOut) errorMsg(msg string) {
	if o.mode == render.FormatHuman {
		fmt.Fprintln(o.ios.ErrOut, o.ansi.Red("Error: "+msg))
		return
	}
	fmt.Fprintln(o.ios.ErrOut, "Error: "+msg)
}

// log prints to stderr (gray in human mode), except in quiet mode.
func (o *modernOut) log(msg string) {
	switch o.mode {
	case render.FormatQuiet:
	case render.FormatHuman:
		fmt.Fprintln(o.ios.ErrOut, o.ansi.Gray(msg))
	default:
		fmt.Fprintln(o.ios.ErrOut, msg)
	}
}

func (o *modernOut) hint(msg string) { o.log("Hint: " + msg) }

// fail prints an error the way hf's main does (error, then the HF_DEBUG
// hint) and returns the exit-1 error for Run.
func (o *modernOut) fail(msg string) error { return o.failErr(msg, nil) }

// failErr is fail for an error that has a cause. With HF_DEBUG set (1, ON,
// YES or TRUE, as upstream reads it) the hint gives way to what the hint
// promises: the chain of errors behind the message, one line each, with
// the Go type of each (hfcache has no Python traceback to show).
func (o *modernOut) failErr(msg string, cause error) error {
	o.errorMsg(msg)
	if !debugEnabled(o.ios) {
		o.hint("set HF_DEBUG=1 as environment variable for full traceback.")
		return &ExitCodeError{Code: ExitError}
	}
	for _, line := range errorChain(cause) {
		fmt.Fprintln(o.ios.ErrOut, line)
	}
	return &ExitCodeError{Code: ExitError}
}

// debugEnabled reports whether HF_DEBUG is true the way huggingface_hub's
// constants._is_true reads it.
func debugEnabled(ios *iostreams.IOStreams) bool {
	switch strings.ToUpper(ios.Getenv("HF_DEBUG")) {
	case "1", "ON", "YES", "TRUE":
		return true
	}
	return false
}

// errorChain describes err and every error it wraps, outermost first.
func errorChain(err error) []string {
	if err == nil {
		return []string{"Debug (HF_DEBUG): no underlying error; hfcache found this itself."}
	}
	lines := []string{"Debug (HF_DEBUG): error chain, outermost first:"}
	for depth := 0; err != nil && depth < 32; depth++ {
		lines = append(lines, fmt.Sprintf("  %T: %v", err, err))
		// Walking the chain one link at a time is the point here, so the
		// error's own Unwrap methods are what is wanted, not errors.As.
		if joined, ok := err.(interface{ Unwrap() []error }); ok { //nolint:errorlint // walks the chain itself
			errs := joined.Unwrap()
			if len(errs) == 0 {
				break
			}
			for _, e := range errs[1:] {
				lines = append(lines, fmt.Sprintf("  %T: %v", e, e))
			}
			err = errs[0]
			continue
		}
		err = errors.Unwrap(err)
	}
	return lines
}

// usageError prints a click usage error and returns the exit-2 error.
func (o *modernOut) usageError(msg string) error {
	fmt.Fprintf(o.ios.ErrOut, "Usage: %s %s\nTry '%s --help' for help.\n\nError: %s\n", o.cmd, o.usage, o.cmd, msg)
	return &ExitCodeError{Code: ExitUsage}
}

// confirm asks "<msg> [y/N]: " like click.confirm(default=False,
// abort=True). Outside human mode it refuses unless yes. A "no", an empty
// answer or the end of input prints "Aborted!" and exits 1.
func (o *modernOut) confirm(msg string, yes bool) error {
	if yes {
		return nil
	}
	if o.mode != render.FormatHuman {
		return o.fail(msg + " Use --yes to skip confirmation.")
	}
	r := bufio.NewReader(o.ios.In)
	for {
		fmt.Fprint(o.ios.Out, msg+" [y/N]: ")
		line, err := r.ReadString('\n')
		if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
			fmt.Fprintln(o.ios.ErrOut, "Aborted!")
			return &ExitCodeError{Code: ExitError}
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return nil
		case "n", "no", "":
			fmt.Fprintln(o.ios.ErrOut, "Aborted!")
			return &ExitCodeError{Code: ExitError}
		default:
			fmt.Fprintln(o.ios.Out, "Error: invalid input")
		}
	}
}

// scanModern scans the cache with hf 1.x rules; a missing directory is
// upstream's CLIError. files keeps each revision's file list; summary keeps
// only sizes, counts, times and the blobs outside each repo's own folder
// (what a listing needs: memory does not grow with the number of files).
// index lets a report (ls) use the scan index; deletion never does (its
// plan must see what is on disk, see scan.Index).
func scanModern(o *modernOut, flagDir string, files, summary, index bool) (*scan.Cache, error) {
	dir, err := cacheDir(o.ios, flagDir)
	if err != nil {
		return nil, o.failErr(err.Error(), err)
	}
	opts := scan.Options{Modern: true, Files: files, Summary: summary}
	if index { // a listing: the scan index may spare it reading unchanged folders
		opts.Index = scanIndex(o.ios)
	}
	cache, err := scan.Dir(dir, opts)
	var notFound *scan.NotFoundError
	var notDir *scan.NotDirError
	switch {
	case errors.As(err, &notFound):
		return nil, o.failErr("Cache directory not found: "+notFound.Path, err)
	case errors.As(err, &notDir):
		// upstream's ValueError, shown by hf's main as "Invalid value. ..."
		return nil, o.failErr("Invalid value. Scan cache expects a directory but found a file: "+notDir.Path+
			". Please use `cache_dir` argument or set `HF_HUB_CACHE` environment variable.", err)
	case err != nil:
		return nil, o.failErr(err.Error(), err)
	}
	return cache, nil
}
