package pycompat

import (
	"os"
	"regexp"
	"runtime"
	"strings"
)

// varRef is what Python's posixpath.expandvars replaces: $name or ${name}
// (name: ASCII letters, digits and underscores).
var varRef = regexp.MustCompile(`\$([A-Za-z0-9_]+|\{[^}]*\})`)

// ExpandVars is Python's posixpath.expandvars: each $name or ${name} whose
// variable is set (lookupEnv) is replaced by its value; the others stay as
// written.
func ExpandVars(p string, lookupEnv func(string) (string, bool)) string {
	if !strings.Contains(p, "$") {
		return p
	}
	return varRef.ReplaceAllStringFunc(p, func(ref string) string {
		name := strings.TrimSuffix(strings.TrimPrefix(ref[1:], "{"), "}")
		if v, ok := lookupEnv(name); ok {
			return v
		}
		return ref
	})
}

// ExpandUser is Python's os.path.expanduser for a leading "~" alone or
// followed by a separator ("~/hub"; on Windows "~\hub" too, as ntpath
// accepts both separators). Anything else ("~user", "x/~") is left as
// written, and so is p when home reports no home folder.
func ExpandUser(p string, home func() (string, bool)) string {
	rest, ok := strings.CutPrefix(p, "~")
	if !ok || (rest != "" && !os.IsPathSeparator(rest[0])) {
		return p
	}
	h, ok := home()
	if !ok {
		return p
	}
	if runtime.GOOS == "windows" {
		return h + rest // ntpath: userhome + path[i:]
	}
	h = strings.TrimSuffix(h, "/")
	if out := h + rest; out != "" {
		return out
	}
	return "/"
}
