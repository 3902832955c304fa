package target

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hfcache/hfcache/internal/cachetest"
	"github.com/hfcache/hfcache/internal/scan"
)

const (
	rev1 = "1111111111111111111111111111111111111111"
	rev2 = "2222222222222222222222222222222222222222"
	rev3 = "3333333333333333333333333333333333333333"
)

// targetCache builds model/acme/a and its copy model/acme/fork (both hold
// rev1), dataset/acme/d (rev2, rev3) and dataset/acme/a (rev3: the bare id
// acme/a then names two repos).
func targetCache(t *testing.T) *scan.Cache {
	t.Helper()
	var tr cachetest.Tree
	for _, r := range []struct {
		folder string
		revs   []string
	}{
		{"models--acme--a", []string{rev1}},
		{"models--acme--fork", []string{rev1}},
		{"datasets--acme--d", []string{rev2, rev3}},
		{"datasets--acme--a", []string{rev3}},
	} {
		tr.AddRepo(r.folder)
		for i, rev := range r.revs {
			etag := fmt.Sprintf("e%d", i)
			tr.AddBlob(r.folder, etag, 0, []byte(r.folder+rev), 60, 60)
			tr.AddSnapshotFile(r.folder, rev, "sub/w.bin", etag)
			tr.AddSnapshotFile(r.folder, rev, "config.json", etag)
		}
		tr.AddRef(r.folder, "main", r.revs[0])
	}
	dir := t.TempDir()
	tr.MustBuild(t, dir, time.Now())
	c, err := scan.Dir(dir, scan.Options{Modern: true, Files: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// selected describes a resolution: "model/acme/a@1 dataset/acme/d@2,3".
func selected(res *Resolution) string {
	var parts []string
	for _, s := range res.Selections() {
		var hs []string
		for _, r := range s.Revisions {
			hs = append(hs, r.Hash[:1])
		}
		sort.Strings(hs)
		parts = append(parts, cacheID(s.Repo)+"@"+strings.Join(hs, ","))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func TestResolve(t *testing.T) {
	c := targetCache(t)
	tests := []struct {
		name    string
		targets []string
		want    string // selections, then " missing: ..." when some
		err     string // error text, when it fails
	}{
		{"cache id", []string{"model/acme/a"}, "model/acme/a@1", ""},
		{"any case", []string{"MODEL/Acme/A"}, "model/acme/a@1", ""},
		{"repo URI", []string{"hf://datasets/acme/d"}, "dataset/acme/d@2,3", ""},
		{"URI without type is a model", []string{"hf://acme/fork"}, "model/acme/fork@1", ""},
		{"bare id of one repo", []string{"acme/d"}, "dataset/acme/d@2,3", ""},
		{"hash of one repo", []string{rev2}, "dataset/acme/d@2", ""},
		{"unknown hash", []string{"ABC" + rev2[3:]}, " missing: ABC2222222222222222222222222222222222222", ""},
		{"one revision of a fork", []string{"model/acme/fork@" + rev1}, "model/acme/fork@1", ""},
		{"a revision the repo lacks", []string{"model/acme/a@" + rev2}, " missing: model/acme/a@" + rev2, ""},
		{"missing and found", []string{"nope/x", " model/acme/a ", ""}, "model/acme/a@1 missing: nope/x", ""},
		{"the same twice", []string{"model/acme/a", rev1 + "x", "hf://models/acme/a"}, "model/acme/a@1 missing: " + rev1 + "x", ""},
		{"hash two repos hold", []string{rev1}, "", "revision " + rev1 + " is held by 2 cached repos: model/acme/a, model/acme/fork. Nothing was deleted; name the one to delete as model/acme/a@" + rev1 + "."},
		{"bare id of two repos", []string{"acme/a"}, "", `"acme/a" matches several cached repos: dataset/acme/a, model/acme/a; use type/repo_id to pick one`},
		{"bucket URI", []string{"hf://buckets/acme/b"}, "", "Only repository hf:// URIs are supported by `hfcache rm`."},
		{"file URI", []string{"hf://models/acme/a/config.json"}, "", "Only repo-level hf:// URIs are supported by `hfcache rm` for now."},
		{"bad URI", []string{"hf://models/acme"}, "", "Invalid HF URI: hf://models/acme. Id must be 'namespace/name', got 'acme'."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Resolve(c, tt.targets)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := selected(res)
			if len(res.Missing) > 0 {
				got += " missing: " + strings.Join(res.Missing, ", ")
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	_, err := Resolve(c, []string{rev1})
	var amb *AmbiguousRevisionError
	if !errors.As(err, &amb) || strings.Join(amb.Repos, " ") != "model/acme/a model/acme/fork" {
		t.Errorf("a hash two repos hold: %v, want an *AmbiguousRevisionError naming both", err)
	}
}

func TestPickRevisionAndFiles(t *testing.T) {
	c := targetCache(t)
	res, err := Resolve(c, []string{"dataset/acme/d"})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.PickRevision("main"); err != nil {
		t.Fatal(err)
	}
	if got := selected(res); got != "dataset/acme/d@2" {
		t.Errorf("--revision main: %s", got)
	}
	m, err := NewMatcher([]string{"*.bin"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := Files(c, res, m)
	// Both files of a revision use one blob: deleting one alone frees nothing.
	if len(rows) != 1 || rows[0].File.Name != "sub/w.bin" || rows[0].Freed != 0 || !rows[0].Shared {
		t.Errorf("files of *.bin: %+v; want sub/w.bin, shared, freeing 0", rows)
	}
	if err := res.PickRevision(rev1); err == nil {
		t.Error("--revision of a hash the repo lacks: no error")
	}

	uris := []FileURI{}
	for _, raw := range []string{"hf://datasets/acme/d/config.json", "hf://models/acme/a/missing.txt"} {
		u, ok, err := ParseFileURI(raw)
		if !ok || err != nil {
			t.Fatalf("ParseFileURI(%s) = %v %v", raw, ok, err)
		}
		uris = append(uris, u)
	}
	rows, missing, err := URIFiles(c, uris, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, URIOf(r.Repo, r.File.Name)+"@"+r.Rev.Hash[:1])
	}
	if strings.Join(got, " ") != "hf://datasets/acme/d/config.json@2 hf://datasets/acme/d/config.json@3" || strings.Join(missing, " ") != "hf://models/acme/a/missing.txt" {
		t.Errorf("URIFiles: %v, missing %v", got, missing)
	}
	if n := CountRevisions(rows); n != 2 {
		t.Errorf("CountRevisions = %d, want 2", n)
	}
	if sel := FileSelections(rows); len(sel) != 2 || len(sel[0].Names) != 1 {
		t.Errorf("FileSelections: %+v", sel)
	}
}

func TestParseFileURI(t *testing.T) {
	tests := []struct {
		uri, want string
		ok        bool
		err       bool
	}{
		{"hf://models/acme/a", "", false, false}, // a repo: not a file URI
		{"hf://acme/a/sub/w.bin", "model/acme/a sub/w.bin", true, false},
		{"hf://spaces/acme/s/app.py", "space/acme/s app.py", true, false},
		{"hf://models/acme/a/sub/", "", true, true},
		{"hf://models/acme/a/*.bin", "", true, true},
		{"hf://models/acme/a@main/x", "", true, true},
		{"hf://buckets/acme/b/x", "", false, true},
	}
	for _, tt := range tests {
		u, ok, err := ParseFileURI(tt.uri)
		got := ""
		if ok && err == nil {
			got = u.CacheID + " " + u.Path
		}
		if ok != tt.ok || (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseFileURI(%s) = %q %v %v; want %q %v error %v", tt.uri, got, ok, err, tt.want, tt.ok, tt.err)
		}
	}
}

func TestCount(t *testing.T) {
	c := targetCache(t)
	res, err := Resolve(c, []string{"dataset/acme/d@" + rev2, "model/acme/a"})
	if err != nil {
		t.Fatal(err)
	}
	if got := Count(res.Selections()); got != (Counts{Repos: 1, PartialRevisions: 1, Revisions: 2}) {
		t.Errorf("Count = %+v", got)
	}
}
