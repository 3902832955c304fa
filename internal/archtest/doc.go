// Package archtest holds no code: its test checks hfcache's layering rules
// (see CONTRIBUTING.md) on the real import graph, so that "go test ./..."
// and CI fail when a lower package starts importing a UI or CLI package.
package archtest
