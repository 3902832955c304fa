GO      ?= go
BIN     ?= bin/hfcache
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -s -w -X github.com/hfcache/hfcache/internal/cli.version=$(VERSION) \
	-X github.com/hfcache/hfcache/internal/cli.commit=$(COMMIT) \
	-X github.com/hfcache/hfcache/internal/cli.date=$(DATE)

.PHONY: build test test-portable vet fmt lint bench bench-go bench-scaling update-golden clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/hfcache

test:
	$(GO) test ./...

# the scanner's portable walker (macOS, Windows, ...) run on this machine
test-portable:
	$(GO) test -tags hfcache_portable ./internal/scan/ ./cmd/hfcache/

vet:
	$(GO) vet ./...

fmt:
	gofmt -l -w .

lint: vet
	@test -z "$$(gofmt -l . | grep -v '^testdata/')" || (gofmt -l . | grep -v '^testdata/'; exit 1)

# hfcache scan-cache vs the find floor vs upstream on the large cache
# (see docs/PERFORMANCE.md; RUNS=, UPSTREAM=, HFHUB_SRC= tune it).
bench:
	scripts/bench.sh

# go test benchmarks of the scanner over generated caches (10k..400k entries).
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 5x ./internal/scan/

# find floor vs hfcache scan-cache at 10k, 100k, 400k (1M with HFCACHE_BENCH_1M=1) entries.
bench-scaling:
	scripts/bench-scaling.sh

# Refresh golden files that hfcache owns (TUI snapshots and the like).
update-golden:
	$(GO) test ./... -update

clean:
	rm -rf bin
