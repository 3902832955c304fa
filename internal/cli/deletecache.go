package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfcache/hfcache/internal/delete"
	"github.com/hfcache/hfcache/internal/iostreams"
	"github.com/hfcache/hfcache/internal/pycompat"
	"github.com/hfcache/hfcache/internal/render"
	"github.com/hfcache/hfcache/internal/review"
	"github.com/hfcache/hfcache/internal/scan"
)

// DeleteCacheOptions are the inputs of delete-cache.
type DeleteCacheOptions struct {
	IO         *iostreams.IOStreams
	Dir        string
	DisableTUI bool
	Plain      bool
	Sort       string

	// selectTUI replaces the full-screen checklist (nil: runTUI); tests set
	// it to a fixed choice.
	selectTUI tuiSelector
}

func newDeleteCacheCmd(ios *iostreams.IOStreams) *cobra.Command {
	opts := &DeleteCacheOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "delete-cache",
		Short: "Delete revisions from the cache directory.",
		Long: `Select revisions of the cache to delete, then delete them.

By default a full-screen checklist opens (it needs a terminal). With
--disable-tui the revisions are written to a temporary file: uncomment the
ones to delete, save, and answer the prompts. When $VISUAL or $EDITOR is set
and the input is a terminal, that editor opens on the file first.

With --plain (chosen automatically when TERM=dumb and --disable-tui is not
given) the revisions are printed as a numbered list, one per line in plain
text; type the numbers to delete ("1 3 5-8", "all" or "none"), then confirm.
It needs no terminal and reads its answers from stdin, so it works with
screen readers and in scripts:
  printf '2 4\ny\n' | hfcache delete-cache --plain

The prompts and messages are those of "huggingface-cli delete-cache"
(huggingface_hub 0.21). Deleting is safer than upstream's: only paths inside
the cache and inside the affected repo are removed, links are never
followed, each repo is re-checked just before it changes (a blob still used
by a kept revision is never removed), repos whose download lock is held are
left alone, and the order of removals keeps the cache valid even if the
process is killed midway. Exit status: 0 when everything selected was
deleted (or nothing was asked), 1 when something could not be deleted or no
answer came (end of input), 2 on a usage error, 130 when interrupted.`,
		Example: `  hfcache delete-cache                      # interactive checklist
  hfcache delete-cache --disable-tui        # review a text file instead
  EDITOR=nano hfcache delete-cache --disable-tui
  hfcache delete-cache --plain              # numbered list, numbers typed
  printf '1 3-4\ny\n' | hfcache delete-cache --plain --sort size
  hfcache delete-cache --disable-tui --sort size --dir /data/hf/hub`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runDeleteCache(opts) },
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "cache directory (default: the Hugging Face cache)")
	cmd.Flags().BoolVar(&opts.DisableTUI, "disable-tui", false, "review the revisions in a text file instead of the checklist")
	cmd.Flags().BoolVar(&opts.Plain, "plain", false, "plain-text numbered list, numbers read from stdin (default when TERM=dumb)")
	cmd.Flags().StringVar(&opts.Sort, "sort", "", "order of the repos: alphabetical, lastUpdated (newest first), lastUsed (most recent first) or size (largest first)")
	return cmd
}

func runDeleteCache(opts *DeleteCacheOptions) error {
	ios := opts.IO
	if err := delete.ValidSortKey(opts.Sort); err != nil {
		return &UsageError{Err: err}
	}
	if opts.Plain && opts.DisableTUI {
		return &UsageError{Err: errors.New("--plain and --disable-tui cannot be used together")}
	}
	dir, err := cacheDir(ios, opts.Dir)
	if err != nil {
		return err
	}
	// The interactive selection's file view needs the file lists.
	cache, err := scan.Dir(dir, scan.Options{Files: !opts.DisableTUI && !opts.Plain})
	var notFound *scan.NotFoundError
	var notDir *scan.NotDirError
	switch {
	case errors.As(err, &notFound):
		// The wording of ls, rm, prune and verify (hf 1.28's).
		return &ExitCodeError{Code: ExitError, Msg: "Error: Cache directory not found: " + notFound.Path}
	case errors.As(err, &notDir):
		return fmt.Errorf("delete-cache expects a directory but found a file: %s. Please use --dir or set the HF_HUB_CACHE environment variable", notDir.Path)
	case err != nil:
		return err
	}
	d := &deleteSession{ios: ios, cache: cache, in: bufio.NewReader(ios.In), selectTUI: opts.selectTUI}
	if d.selectTUI == nil {
		d.selectTUI = runTUI
	}
	if opts.Plain || (!opts.DisableTUI && ios.Getenv("TERM") == "dumb") {
		return d.runPlain(opts.Sort)
	}
	if !opts.DisableTUI {
		return d.runTUI(opts.Sort)
	}
	return d.runReviewFile(opts.Sort)
}

// deleteSession is one delete-cache run over a scanned cache.
type deleteSession struct {
	ios   *iostreams.IOStreams
	cache *scan.Cache
	in    *bufio.Reader
	// echo repeats each answer read on stdout (plain mode, stdin not a
	// terminal), so that a transcript of a piped run reads line by line.
	echo bool
	// selectTUI runs the checklist.
	selectTUI tuiSelector
}

// runTUI runs the checklist through d.selectTUI. The TUI
// draws everything InquirerPy draws upstream, including the answer line
// "? Select revisions to delete: {n} revision(s) selected." and the
// confirmation prompt; it returns no hashes when nothing was ticked or on
// ctrl+c in the checklist (upstream: "Deletion is cancelled. Do nothing.",
// exit 0), the CANCEL_DELETION value when "None of the following" was
// ticked, Confirmed=false when the confirmation was answered No, and
// ErrInterrupted on ctrl+c at the confirmation (upstream: exit 130). This
// function prints what upstream's command prints after the prompts.
func (d *deleteSession) runTUI(sortKey string) error {
	ios := d.ios
	if d.cache.NbRevisions() == 0 {
		// Not an empty full-screen list: there is nothing to choose from.
		fmt.Fprintf(ios.Out, "No revisions in the cache %s. Nothing to delete.\n", d.cache.Path) // as --plain
		return nil
	}
	if !ios.InTTY || !ios.OutTTY {
		return &ExitCodeError{Code: ExitError, Msg: "Error: the interactive selection needs a terminal (stdin and stdout).\n" +
			"Use --disable-tui to review the revisions in a text file instead:\n" +
			"  hfcache delete-cache --disable-tui\n" +
			"or --plain to choose from a numbered list read from stdin:\n" +
			"  hfcache delete-cache --plain"}
	}
	sel, err := d.selectTUI(ios, d.cache, sortKey)
	if err != nil {
		return err
	}
	if len(sel.Picks) == 0 && len(sel.Files) == 0 || !sel.Confirmed {
		fmt.Fprintln(ios.Out, "Deletion is cancelled. Do nothing.")
		return nil
	}
	if len(sel.Files) > 0 {
		return d.deleteWithFiles(sel)
	}
	fmt.Fprintln(ios.Out, "Start deletion.")
	return reportDeletion(ios, executeWithProgress(ios, delete.PlanSelected(d.cache, sel.Picks), repoSizes(d.cache), nil))
}

func (d *deleteSession) runReviewFile(sortKey string) error {
	ios := d.ios
	repos := delete.ReviewOrder(d.cache, sortKey)
	content := review.Render(repos, ios.Now(), nil)
	file, err := review.Create(pycompat.Gettempdir(ios.Getenv), content)
	if err != nil {
		return err
	}
	path := file.Path
	defer file.Remove()
	defer onInterrupt(file.Remove)()
	ansi := render.ANSI{Disabled: ios.ColorDisabled()}
	fmt.Fprintf(ios.Out, "TUI is disabled. In order to select which revisions you want to delete, please edit\n"+
		"the following file using the text editor of your choice. Instructions for manual\n"+
		"editing are located at the beginning of the file. Edit the file, save it and confirm\n"+
		"to continue.\n"+
		"File to edit: %s\n", ansi.Bold(path))

	if editor := d.editor(); editor != "" {
		if err := runEditor(ios, editor, path); err != nil {
			return err
		}
	}

	var hashes []string
	var picks []scan.Selection
	for {
		data, err := file.Read()
		if err != nil {
			return err
		}
		hashes = review.Parse(data)
		// Each selected line picks the revision of the repo whose section
		// it is in: a commit two repos hold (a fork) is deleted only
		// where it was un-commented.
		picks, _ = review.Picks(data, repos)
		ok, err := d.confirm(d.expectations(hashes, picks)+" Continue ?", false)
		if err != nil {
			return err
		}
		if ok {
			break
		}
	}
	file.Remove()
	sort.Strings(hashes)
	if len(hashes) == 0 || review.Cancelled(hashes) {
		fmt.Fprintln(ios.Out, "Deletion is cancelled. Do nothing.")
		return nil
	}
	ok, err := d.confirm(d.expectations(hashes, picks)+" Confirm deletion ?", true)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(ios.Out, "Deletion is cancelled. Do nothing.")
		return nil
	}
	d.plan(hashes) // warns about unknown hashes a third time, as upstream does
	fmt.Fprintln(ios.Out, "Start deletion.")
	return reportDeletion(ios, delete.Execute(delete.PlanSelected(d.cache, picks), delete.ExecOptions{}))
}

// editor returns $VISUAL or $EDITOR when the input is a terminal.
func (d *deleteSession) editor() string {
	if !d.ios.InTTY {
		return ""
	}
	if v := strings.TrimSpace(d.ios.Getenv("VISUAL")); v != "" {
		return v
	}
	return strings.TrimSpace(d.ios.Getenv("EDITOR"))
}

// runEditor runs the editor command line (it may hold arguments, as git
// allows) on path, handing it the terminal. The shell execs the editor so
// that the editor alone decides what Ctrl-C does.
func runEditor(ios *iostreams.IOStreams, editor, path string) error {
	cmd := exec.Command("/bin/sh", "-c", "exec "+editor+` "$@"`, editor, path)
	if runtime.GOOS == "windows" {
		cmd = exec.Command("cmd", "/C", editor+` "`+path+`"`)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = ios.In, ios.Out, ios.ErrOut
	defer handTerminalOver()()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("the editor %q failed on %s: %w; nothing was deleted", editor, path, err)
	}
	return nil
}

// expectations is upstream's "{n} revisions selected counting for {size}."
// (or "Nothing will be deleted."); like upstream it warns about unknown
// hashes each time it is computed.
//
// The size is that of picks (the (repo, revision) pairs the review file
// selects, see review.Picks); the warning about unknown hashes is
// upstream's.
func (d *deleteSession) expectations(hashes []string, picks []scan.Selection) string {
	if review.Cancelled(hashes) {
		return "Nothing will be deleted."
	}
	d.plan(hashes) // warns about unknown hashes, as upstream does
	plan := delete.PlanSelected(d.cache, picks)
	return fmt.Sprintf("%d revisions selected counting for %s.", len(hashes), render.Size(plan.ExpectedFreedSize))
}

func (d *deleteSession) plan(hashes []string) *delete.Plan {
	plan := delete.PlanRevisions(d.cache, hashes)
	if len(plan.NotFound) > 0 {
		fmt.Fprintf(d.ios.ErrOut, "Revision(s) not found - cannot delete them: %s\n", strings.Join(plan.NotFound, ", "))
	}
	return plan
}

var (
	answersYes = []string{"y", "yes", "1"}
	answersNo  = []string{"n", "no", "0"}
)

// confirm asks a yes/no question as upstream's _ask_for_confirmation_no_tui
// does: the prompt on stdout, an empty answer for the default, anything
// else re-asked after "Invalid input. ...".
func (d *deleteSession) confirm(message string, def bool) (bool, error) {
	prompt := message + " (y/N) "
	if def {
		prompt = message + " (Y/n) "
	}
	for {
		fmt.Fprint(d.ios.Out, prompt)
		answer, err := d.readLine()
		if err != nil {
			return false, err
		}
		answer = strings.ToLower(answer)
		switch {
		case answer == "":
			return def, nil
		case contains(answersYes, answer):
			return true, nil
		case contains(answersNo, answer):
			return false, nil
		}
		fmt.Fprintln(d.ios.Out, "Invalid input. Must be one of ('y', 'yes', '1', 'n', 'no', '0', '')")
	}
}

// readLine reads one answer: the line without its "\n" and, unlike
// Python's input() (which keeps a "\r" on POSIX, so upstream rejects
// "y\r"), without a trailing "\r" either: answers piped from a file with
// Windows line ends are accepted. End of input with nothing read is an
// error (a clean cancel).
func (d *deleteSession) readLine() (string, error) {
	line, err := d.in.ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || line == "") {
		if errors.Is(err, io.EOF) {
			return "", &ExitCodeError{Code: ExitError, Msg: "\nEnd of input while waiting for an answer: deletion is cancelled, nothing was deleted."}
		}
		return "", fmt.Errorf("read answer: %w", err)
	}
	line = strings.TrimSuffix(line, "\n")
	line = strings.TrimSuffix(line, "\r")
	if d.echo {
		fmt.Fprintln(d.ios.Out, line)
	}
	return line, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// reportDeletion prints the outcome of an execution and turns an
// incomplete one into exit status 1.
func reportDeletion(ios *iostreams.IOStreams, res *delete.Result) error {
	if res.Recovered > 0 {
		fmt.Fprintf(ios.ErrOut, "Completed %d interrupted deletion(s) of an earlier run.\n", res.Recovered)
	}
	for _, f := range res.Unreclaimed {
		fmt.Fprintf(ios.ErrOut, "Couldn't delete %s: %v\n", f.Kind, f.Err)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(ios.ErrOut, "Kept %s %s: %v\n", s.Kind, s.Path, s.Reason)
	}
	for _, f := range res.Failures {
		fmt.Fprintf(ios.ErrOut, "Couldn't delete %s: %v\n", f.Kind, f.Err)
	}
	if err := trashRefusal(res); err != nil {
		fmt.Fprintln(ios.ErrOut, "The trash was refused. "+trashAdvice(err))
	}
	done := fmt.Sprintf("Deleted %d repo(s) and %d revision(s) for a total of %s.", res.ReposDeleted, res.RevisionsDeleted, render.Size(res.FreedSize))
	if res.OK() {
		fmt.Fprintln(ios.Out, "Done. "+done)
		return nil
	}
	fmt.Fprintln(ios.Out, "Done with errors. "+done)
	var parts []string
	if n := len(res.Failures); n > 0 {
		parts = append(parts, fmt.Sprintf("%d path(s) could not be deleted", n))
	}
	if n := len(res.Locked); n > 0 {
		names := make([]string, n)
		for i, p := range res.Locked {
			names[i] = filepath.Base(p)
		}
		parts = append(parts, fmt.Sprintf("%d repo(s) skipped because a download holds their lock (%s)", n, strings.Join(names, ", ")))
	}
	return &ExitCodeError{Code: ExitError, Msg: "Error: deletion incomplete: " + strings.Join(parts, "; ") + "."}
}
