package pycompat

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ResolvePath makes p absolute and resolves its links as far as it exists,
// like Python's Path.resolve(strict=False).
func ResolvePath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", p, err)
	}
	return Resolve(abs), nil
}

// Resolve mimics Python's Path.resolve(strict=False): it resolves links
// as far as the path exists and appends the remaining components.
func Resolve(p string) string {
	p = filepath.Clean(p)
	for dir, rest := p, ""; ; {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			if rest == "" {
				return real
			}
			// dir exists; the next component may be a dangling link.
			first, tail, _ := strings.Cut(rest, string(filepath.Separator))
			next := filepath.Join(real, first)
			if target, err := os.Readlink(next); err == nil {
				if !filepath.IsAbs(target) {
					target = filepath.Join(real, target)
				}
				if tail != "" {
					target = filepath.Join(target, tail)
				}
				if target == p { // a loop: give up resolving
					return p
				}
				return resolveDepth(target, 40)
			}
			return filepath.Join(real, rest)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return p
		}
		if rest == "" {
			rest = filepath.Base(dir)
		} else {
			rest = filepath.Join(filepath.Base(dir), rest)
		}
		dir = parent
	}
}

func resolveDepth(p string, depth int) string {
	if depth == 0 {
		return p
	}
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real
	}
	parent, base := filepath.Dir(p), filepath.Base(p)
	realParent := parent
	if r, err := filepath.EvalSymlinks(parent); err == nil {
		realParent = r
	} else if parent != p {
		realParent = resolveDepth(parent, depth-1)
	}
	next := filepath.Join(realParent, base)
	if target, err := os.Readlink(next); err == nil {
		if !filepath.IsAbs(target) {
			target = filepath.Join(realParent, target)
		}
		return resolveDepth(target, depth-1)
	}
	return next
}
