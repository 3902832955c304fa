#!/usr/bin/env bash
# bench-scaling.sh: how hfcache scan-cache and the find floor grow with the
# cache size. Uses the caches of the Go benchmarks (cachetest.Generate, 2
# revisions x 1000 files per repo: 10k, 100k, 400k and, with
# HFCACHE_BENCH_1M=1, 1M entries), building the missing ones first.
# Prints medians of RUNS interleaved runs: wall time, CPU time (user+sys),
# CPU time per entry and peak RSS.
#
# Environment: RUNS=5, HFCACHE_BENCH_DIR (default $TMPDIR/hfcache-bench),
# HFCACHE_BENCH_1M=1 to include 1M entries.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
export HFCACHE_BENCH_DIR=${HFCACHE_BENCH_DIR:-${TMPDIR:-/tmp}/hfcache-bench}
TIME=/usr/bin/time

# Build the caches (one quick benchmark run each) and the binary.
go test -run '^$' -bench 'BenchmarkDir/.*/summary' -benchtime 1x ./internal/scan/ >/dev/null
BIN="$HFCACHE_BENCH_DIR/hfcache"
go build -trimpath -o "$BIN" ./cmd/hfcache

medians() {
	awk '{ w[NR]=$1; c[NR]=$2+$3; m[NR]=$4 }
	function med(a, n,   i, j, t) { for (i=2;i<=n;i++) for (j=i;j>1 && a[j-1]>a[j];j--) { t=a[j]; a[j]=a[j-1]; a[j-1]=t }
		return n%2 ? a[(n+1)/2] : (a[n/2]+a[n/2+1])/2 }
	END { printf "%.3f %.3f %d\n", med(w, NR), med(c, NR), med(m, NR) }' "$1"
}

printf '%9s | %-26s | %-38s\n' "" "find (floor)" "hfcache scan-cache"
printf '%9s | %8s %8s %8s | %8s %8s %8s %10s\n' entries "wall s" "cpu s" "ns/ent" "wall s" "cpu s" "ns/ent" "RSS MiB"
for marker in "$HFCACHE_BENCH_DIR"/r*-v2-f1000-s0.json; do
	D=${marker%.json}
	entries=$(sed 's/.*"Entries":\([0-9]*\).*/\1/' "$marker")
	rm -f "$D.find.times" "$D.hf.times"
	find "$D" -printf '%s%l\n' >/dev/null
	for _ in $(seq "$RUNS"); do
		$TIME -f '%e %U %S %M' -a -o "$D.find.times" find "$D" -printf '%s%l\n' >/dev/null
		$TIME -f '%e %U %S %M' -a -o "$D.hf.times" "$BIN" scan-cache --dir "$D" >/dev/null
	done
	read -r fw fc _ <<<"$(medians "$D.find.times")"
	read -r hw hc hm <<<"$(medians "$D.hf.times")"
	rm -f "$D.find.times" "$D.hf.times"
	echo "$entries $fw $fc $hw $hc $hm"
done | sort -n | awk '{ printf "%9d | %8.3f %8.3f %8.0f | %8.3f %8.3f %8.0f %10.1f\n", $1, $2, $3, $3*1e9/$1, $4, $5, $5*1e9/$1, $6/1024 }'
