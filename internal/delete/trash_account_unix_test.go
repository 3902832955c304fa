//go:build unix

package delete

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfcache/hfcache/internal/scan"
)

// otherUID is the account the tests give trashes to (nobody).
const otherUID = 65534

// otherTrash makes, owned by otherUID with mode 0700, the trash folder
// name of dir's .locks holding the remains of a dead run (<id>/1/blobs/x,
// and, when journal is set, <id>.journal naming blobs). It returns the
// trash's path.
func otherTrash(t *testing.T, dir, name, id string, journal []string) string {
	t.Helper()
	trash := filepath.Join(dir, ".locks", name)
	remains := filepath.Join(trash, id, "1", "blobs")
	if err := os.MkdirAll(remains, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(remains, "x"), []byte("left by a killed run"), 0o600); err != nil {
		t.Fatal(err)
	}
	if journal != nil {
		if err := os.WriteFile(filepath.Join(trash, id+".journal"), []byte(strings.Join(journal, "")), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	err := filepath.Walk(trash, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, otherUID, otherUID)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(trash, 0o700); err != nil {
		t.Fatal(err)
	}
	return trash
}

// TestTrashPerAccount: each account has its own trash, so a trash another
// account left (the shared .hfcache-trash of earlier versions, or its own
// .hfcache-trash-<uid>) never blocks a deletion; a trash squatting the
// running account's name is left alone and the run makes one of its own;
// root reclaims the remains of other accounts' dead runs without
// believing their journals.
func TestTrashPerAccount(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give trashes to another account")
	}
	cases := []struct {
		name  string
		trash string // the other account's trash
	}{
		{"trash of earlier versions left by another account", trashDir},
		{"another account's trash", trashDir + "-65534"},
		{"the running account's name squatted by another account", trashName()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, repo := repoTree(t)
			orphan := filepath.Join(repo, "blobs", "orphan")
			if err := os.WriteFile(orphan, []byte("unused"), 0o644); err != nil {
				t.Fatal(err)
			}
			journal := []string{repo + "\t" + orphan + "\n"}
			trash := otherTrash(t, dir, tc.trash, "4242-dead", journal)
			squatted := tc.trash == trashName()

			r := TrashRemains(dir)
			if squatted {
				if !errors.Is(r.Refused, ErrUntrustedTrash) || len(r.Dead) != 0 {
					t.Fatalf("remains %+v, want the squatted trash refused", r)
				}
			} else if r.Refused != nil || len(r.Dead) != 1 || r.Dead[0].Path != filepath.Join(trash, "4242-dead") || r.Size != 20 {
				t.Fatalf("remains as root %+v, want the other account's dead run", r)
			}

			// A partial deletion (it needs a trash) goes through.
			res := Execute(PlanRevisions(mustScan(t, dir), []string{r2}), ExecOptions{})
			if !res.OK() || res.RevisionsDeleted != 1 {
				t.Fatalf("deletion blocked by another account's trash: %+v", res)
			}
			if exists(filepath.Join(repo, "snapshots", r2)) {
				t.Fatal("revision not removed")
			}
			// The other account's journal is not believed.
			if !exists(orphan) {
				t.Fatal("a blob was removed on the word of another account's journal")
			}
			if squatted {
				// Left exactly as it was.
				if !exists(filepath.Join(trash, "4242-dead", "1", "blobs", "x")) || !exists(filepath.Join(trash, "4242-dead.journal")) {
					t.Fatal("the squatted trash was changed")
				}
			} else {
				// Root reclaimed the dead run's remains; the journal stays
				// for its owner.
				if exists(filepath.Join(trash, "4242-dead")) {
					t.Fatal("root did not reclaim the other account's dead run")
				}
				if !exists(filepath.Join(trash, "4242-dead.journal")) {
					t.Fatal("root removed the other account's journal")
				}
			}
			// Nothing of this run is left in any trash.
			entries, _ := os.ReadDir(filepath.Join(dir, ".locks"))
			for _, e := range entries {
				if isTrashName(e.Name()) && e.Name() != tc.trash {
					t.Errorf("trash left: %s", e.Name())
				}
			}
			if n := Recover(dir, scan.Options{}); n != 0 {
				t.Errorf("Recover completed %d journals of another account", n)
			}
		})
	}
}

// TestRootKeepsLiveForeignRuns: root never reclaims what a running
// deletion of another account holds (its journal is locked).
func TestRootKeepsLiveForeignRuns(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give trashes to another account")
	}
	dir, _ := repoTree(t)
	trash := otherTrash(t, dir, trashDir+"-65534", "77-live", []string{})
	f, err := os.OpenFile(filepath.Join(trash, "77-live.journal"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if err := lockFile(f); err != nil {
		t.Fatal(err)
	}
	if r := TrashRemains(dir); len(r.Dead) != 0 || r.LiveSize != 20 {
		t.Fatalf("remains %+v, want 20 live bytes", r)
	}
	Recover(dir, scan.Options{})
	if !exists(filepath.Join(trash, "77-live", "1", "blobs", "x")) {
		t.Fatal("a live run's trash was emptied")
	}
}
