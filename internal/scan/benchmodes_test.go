package scan_test

import "github.com/hfcache/hfcache/internal/scan"

var benchModes = []struct {
	name string
	opts scan.Options
}{
	{"blobs", scan.Options{}},
	{"files", scan.Options{Files: true}},
}
