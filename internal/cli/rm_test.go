package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRmHashHeldBySeveralRepos (attack 4): a bare hash that two cached
// repos hold deletes nothing, exits 2 and lists both repos; naming one as
// type/repo_id@hash deletes that repo's revision only.
func TestRmHashHeldBySeveralRepos(t *testing.T) {
	t.Parallel()
	hash := strings.Repeat("1", 40)
	root := smallCache(t, "models--acme--m", "models--fork--m")
	env := map[string]string{"HF_HUB_CACHE": root, "NO_COLOR": "1"}
	_, errOut, code := run(t, env, false, "rm", hash, "-y")
	if code != ExitUsage {
		t.Fatalf("exit %d, want %d; stderr %q", code, ExitUsage, errOut)
	}
	for _, want := range []string{"model/acme/m", "model/fork/m", "Nothing was deleted"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q does not say %q", errOut, want)
		}
	}
	for _, repo := range []string{"models--acme--m", "models--fork--m"} {
		if _, err := os.Lstat(filepath.Join(root, repo, "snapshots", hash)); err != nil {
			t.Fatalf("%s changed: %v", repo, err)
		}
	}
	_, errOut, code = run(t, env, false, "rm", "model/fork/m@"+strings.ToUpper(hash[:1])+hash[1:], "-y")
	if code != 0 {
		t.Fatalf("repo@hash: exit %d; stderr %q", code, errOut)
	}
	if _, err := os.Lstat(filepath.Join(root, "models--fork--m")); err == nil {
		t.Error("model/fork/m@hash left its only revision")
	}
	if _, err := os.Lstat(filepath.Join(root, "models--acme--m", "snapshots", hash)); err != nil {
		t.Errorf("model/fork/m@hash removed the other repo's revision: %v", err)
	}
}
