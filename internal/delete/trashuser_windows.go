//go:build windows

package delete

import (
	"io/fs"
	"os/user"
	"strings"
	"syscall"
)

// accountTag names the running account in its trash's name: the security
// identifier (SID) of the process's user, such as
// S-1-5-21-1004336348-1177238915-682003330-1001, unique per account and
// made of letters, digits and dashes only. When the SID cannot be read,
// the user name (domain and name, with characters a file name cannot hold
// replaced by '-').
func accountTag() string {
	if tok, err := syscall.OpenCurrentProcessToken(); err == nil {
		defer func() { _ = tok.Close() }()
		if tu, err := tok.GetTokenUser(); err == nil {
			if sid, err := tu.User.Sid.String(); err == nil && sid != "" {
				return sid
			}
		}
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return strings.Map(func(r rune) rune {
			if strings.ContainsRune(`\/:*?"<>|_. `, r) || r < 32 {
				return '-'
			}
			return r
		}, u.Username)
	}
	return "user"
}

// isRoot: no account reclaims another's trash on Windows (owners are not
// inspected there).
func isRoot() bool { return false }

// ownerName: owners are not inspected on Windows.
func ownerName(fs.FileInfo) string { return "" }
