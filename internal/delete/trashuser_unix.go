//go:build unix

package delete

import (
	"io/fs"
	"os"
	"strconv"
	"syscall"
)

// accountTag names the running account in its trash's name: its
// effective user id.
func accountTag() string { return strconv.Itoa(os.Geteuid()) }

// isRoot reports whether the running account is root, which may reclaim
// the dead remains of other accounts' trashes (see Recover).
func isRoot() bool { return os.Geteuid() == 0 }

// ownerName names the owner of info for messages: "uid <n>".
func ownerName(info fs.FileInfo) string {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return "uid " + strconv.FormatUint(uint64(st.Uid), 10)
	}
	return ""
}
