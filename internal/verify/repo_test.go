package verify

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindRepo(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"models--gpt2", "datasets--org--data", "models--dataset--x"} {
		if err := os.MkdirAll(filepath.Join(dir, f), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, typ, id string
		typeSet       bool
		want          string // "type id folder", folder "-" when not cached
	}{
		{"upstream's id", "model", "gpt2", false, "model gpt2 models--gpt2"},
		{"ls's id", "model", "model/gpt2", false, "model gpt2 models--gpt2"},
		{"ls's id of a dataset", "model", "dataset/org/data", false, "dataset org/data datasets--org--data"},
		{"--repo-type dataset and a dataset id", "dataset", "dataset/org/data", true, "dataset org/data datasets--org--data"},
		{"--repo-type model and a dataset id", "model", "dataset/org/data", true, "model dataset/org/data -"},
		{"a model whose org is named dataset", "model", "dataset/x", false, "model dataset/x models--dataset--x"},
		{"not cached", "space", "org/app", false, "space org/app -"},
		{"no type in the id", "model", "org/data", false, "model org/data -"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := FindRepo(dir, tt.typ, tt.id, tt.typeSet)
			folder := "-"
			if r.Path != "" {
				folder = filepath.Base(r.Path)
			}
			if got := r.Type + " " + r.ID + " " + folder; got != tt.want {
				t.Errorf("FindRepo = %q, want %q", got, tt.want)
			}
		})
	}
}
