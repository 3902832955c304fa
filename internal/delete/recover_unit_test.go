package delete

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// TestLeftoversFailures: what the recovery left in a trash is reported
// sorted by path, except the folders of runs still going (their run
// removes them; they are no remains).
func TestLeftoversFailures(t *testing.T) {
	denied := errors.New("remove /t/b: permission denied")
	locked := fmt.Errorf("complete /t/c: %w", ErrLocked)
	left := leftovers{
		"/t/c": locked,
		"/t/a": fmt.Errorf("complete /t/a: %w", errRunning),
		"/t/b": denied,
	}
	want := []Failure{{Kind: KindTrash, Path: "/t/b", Err: denied}, {Kind: KindTrash, Path: "/t/c", Err: locked}}
	if got := left.failures(); !reflect.DeepEqual(got, want) {
		t.Errorf("failures() = %v, want %v", got, want)
	}
	if got := (leftovers{}).failures(); got != nil {
		t.Errorf("no leftovers: failures() = %v, want nil", got)
	}
}
