//go:build !linux

package xetcache

const procRoot = ""

func users0(_, _ string) ([]Process, int, error) { return nil, 0, ErrUnsupported }
