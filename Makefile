GO      ?= go
BIN     ?= bin/hfcache
PREFIX  ?= /usr/local
MANDIR  ?= $(PREFIX)/share/man
# VERSION is the last tag (v1.2.3, or v1.2.3-4-gabc1234 past it), "dev"
# before the first tag; COMMIT ends in -dirty for uncommitted changes.
VERSION ?= $(shell git describe --tags --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git describe --always --dirty --abbrev=7 --match='^$$' 2>/dev/null || echo unknown)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
PKG     := github.com/hfcache/hfcache/internal/cli
LDFLAGS := -s -w -X $(PKG).version=$(VERSION) -X $(PKG).commit=$(COMMIT) -X $(PKG).date=$(DATE)

# Tools, pinned; installed from the Go module proxy into $(TOOLBIN) (inside
# the repo, ignored by git) the first time a target needs them.
TOOLBIN            := $(CURDIR)/.tools/bin
GOLANGCI_VERSION   ?= v2.15.0
GORELEASER_VERSION ?= v2.15.1
GOLANGCI_LINT      := $(TOOLBIN)/golangci-lint
GORELEASER         := $(TOOLBIN)/goreleaser

.PHONY: build install install-man test test-portable vet fmt lint bench bench-cold bench-go bench-scaling update-golden man completions release-check snapshot clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/hfcache

# Installs hfcache into $(GOBIN) (default: $(go env GOPATH)/bin).
install:
	CGO_ENABLED=0 $(GO) install -trimpath -ldflags '$(LDFLAGS)' ./cmd/hfcache

test:
	$(GO) test ./...

# the scanner's portable walker (macOS, Windows, ...) run on this machine
test-portable:
	$(GO) test -tags hfcache_portable ./internal/scan/ ./cmd/hfcache/

vet:
	$(GO) vet ./...

fmt:
	gofmt -l -w .

lint: vet $(GOLANGCI_LINT)
	@test -z "$$(gofmt -l . | grep -v '^testdata/')" || (gofmt -l . | grep -v '^testdata/'; exit 1)
	GOLANGCI_LINT_CACHE=$(CURDIR)/.tools/cache $(GOLANGCI_LINT) run ./...

$(GOLANGCI_LINT):
	GOBIN=$(TOOLBIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

$(GORELEASER):
	GOBIN=$(TOOLBIN) $(GO) install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)

# hfcache scan-cache vs the find floor vs upstream on the large cache
# (see docs/PERFORMANCE.md; RUNS=, UPSTREAM=, HFHUB_SRC= tune it).
bench:
	scripts/bench.sh

# Cold page cache (root: drops it before every run): hfcache scan-cache, ls,
# rm --dry-run and verify against du, find and sha256sum, medians of
# interleaved runs, a table to paste into docs/PERFORMANCE.md.
bench-cold:
	scripts/bench-cold.sh

# go test benchmarks of the scanner over generated caches (10k..400k entries).
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 5x ./internal/scan/

# find floor vs hfcache scan-cache at 10k, 100k, 400k (1M with HFCACHE_BENCH_1M=1) entries.
bench-scaling:
	scripts/bench-scaling.sh

# Refresh golden files that hfcache owns (TUI snapshots and the like): the
# packages whose tests declare flag.Bool("update", ...) run with -update (the
# upstream goldens in testdata/compat are never rewritten).
GOLDEN_PKGS = $(sort $(dir $(shell grep -rl --include='*_test.go' 'flag.Bool."update"' cmd internal tools 2>/dev/null)))
update-golden:
	@if [ -z "$(GOLDEN_PKGS)" ]; then echo "no test declares -update"; else $(GO) test $(addprefix ./,$(GOLDEN_PKGS)) -update; fi

# Man pages (man/hfcache.1, man/hfcache-scan-cache.1, ...) generated from
# the command tree (not committed: they would go stale).
man:
	$(GO) run ./tools/gendocs -man man

# Installs the man pages into $(DESTDIR)$(MANDIR)/man1 (run with sudo for
# the default /usr/local/share/man).
install-man: man
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 0644 man/*.1 $(DESTDIR)$(MANDIR)/man1/

# Completion scripts for every shell in completions/.
completions:
	$(GO) run ./tools/gendocs -completions completions

# Validates .goreleaser.yaml.
release-check: $(GORELEASER)
	$(GORELEASER) check

# A local release build of every platform into dist/ (nothing published).
snapshot: $(GORELEASER)
	$(GORELEASER) release --snapshot --clean --skip=publish

clean:
	rm -rf bin dist man completions
