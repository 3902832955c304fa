#!/usr/bin/env bash
# bench-cold.sh: hfcache on a cold cache (nothing in the page cache), against
# the filesystem tools doing the same metadata reads, and upstream.
#
# Uses the large cache of bench.sh (mkcache.py --preset large --repos 200
# --revisions 2 --files 1000, about 650k entries, sparse blobs) and a small
# verify cache of real random data (VERIFY_FILES x VERIFY_MB, built once).
# Before EVERY timed run: sync; echo 3 > /proc/sys/vm/drop_caches (so it
# needs root on Linux). Tools run interleaved (du, find, hfcache, ...,
# du, find, hfcache, ...) so that a change of load hits them alike, and
# the table shows medians, with min-max of the wall time, the 1-minute
# load average seen before the runs, and the read requests the disk
# completed (from /proc/diskstats) per run.
#
#   scan-cache   du -sb D                          stat of every entry, no readlink
#                find D -printf '%s %A@ %T@ %l\n'  stat + readlink of every entry, 1 thread
#                hfcache scan-cache --dir D, three ways: without the scan
#                  index (HFCACHE_SCAN_INDEX=off), a first scan that writes
#                  it (into an empty index folder), and a scan with the
#                  index the warm-up wrote (every later scan)
#                upstream huggingface-cli 0.21 scan-cache (optional, see UPSTREAM)
#   ls           hfcache ls --dir D, without and with the index
#   rm           hfcache rm --dir D <first repo> --dry-run (never uses the index)
#   verify       hfcache verify bench/verify --dir V   vs   sha256sum V/.../blobs/*
#                (MB/s of file content read and hashed)
#   one revision du -sb O and hfcache scan-cache --dir O (without and with
#                the index) on a cache of one revision of ONE_FILES files
#                (the pool then reads one folder with several goroutines)
#
# Environment:
#   RUNS=3                 interleaved runs per tool (upstream: UPSTREAM_RUNS=1)
#   BENCH_DIR=/tmp/hfcache-bench   where the caches are kept (shared with bench.sh)
#   REPOS=200 REVISIONS=2 FILES=1000   large cache size
#   VERIFY_FILES=8 VERIFY_MB=128       verify cache size (real data, on disk)
#   ONE_FILES=100000       files of the one-revision cache (0 skips it)
#   MKCACHE=path/to/mkcache.py
#   UPSTREAM, HFHUB_SRC, PYTHON: as in bench.sh (UPSTREAM=none skips it;
#     a cold upstream run takes about 100 s)
#   HFCACHE_BIN=path       measure this binary instead of building ./cmd/hfcache
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
UPSTREAM_RUNS=${UPSTREAM_RUNS:-1}
REPOS=${REPOS:-200}
REVISIONS=${REVISIONS:-2}
FILES=${FILES:-1000}
VERIFY_FILES=${VERIFY_FILES:-8}
VERIFY_MB=${VERIFY_MB:-128}
ONE_FILES=${ONE_FILES:-100000}
BENCH_DIR=${BENCH_DIR:-/tmp/hfcache-bench}
TIME=/usr/bin/time

die() {
	echo "bench-cold.sh: $*" >&2
	exit 1
}
[ "$(uname -s)" = Linux ] || die "needs Linux (/proc/sys/vm/drop_caches)"
[ -w /proc/sys/vm/drop_caches ] || die "needs root to drop the page cache (sudo make bench-cold)"
[ -x "$TIME" ] || die "needs GNU time at $TIME (apt-get install time)"
if [ -z "${MKCACHE:-}" ]; then
	for m in ../shared/compat/mkcache.py ../../shared/compat/mkcache.py /work/shared/compat/mkcache.py; do
		if [ -f "$m" ]; then MKCACHE=$m; break; fi
	done
fi

mkdir -p "$BENCH_DIR"
D="$BENCH_DIR/large-${REPOS}x${REVISIONS}x${FILES}"
if [ ! -f "$D.done" ]; then
	[ -n "${MKCACHE:-}" ] || die "mkcache.py not found: set MKCACHE"
	echo "building $D with $MKCACHE ..." >&2
	python3 "$MKCACHE" "$D" --preset large --repos "$REPOS" --revisions "$REVISIONS" --files "$FILES" --force
	touch "$D.done"
fi

O="$BENCH_DIR/one-1x1x${ONE_FILES}"
if [ "$ONE_FILES" -gt 0 ] && [ ! -f "$O.done" ]; then
	[ -n "${MKCACHE:-}" ] || die "mkcache.py not found: set MKCACHE"
	echo "building $O with $MKCACHE ..." >&2
	python3 "$MKCACHE" "$O" --preset large --repos 1 --revisions 1 --files "$ONE_FILES" --force
	touch "$O.done"
fi

# The verify cache: one model repo, one revision, files of random data
# whose blobs are named by their sha256 (so that verify finds them intact).
V="$BENCH_DIR/verify-${VERIFY_FILES}x${VERIFY_MB}M"
if [ ! -f "$V.done" ]; then
	echo "building $V ($VERIFY_FILES files of $VERIFY_MB MB of random data) ..." >&2
	rm -rf "$V"
	commit=0123456789abcdef0123456789abcdef01234567
	repo="$V/models--bench--verify"
	mkdir -p "$repo/blobs" "$repo/refs" "$repo/snapshots/$commit"
	printf %s "$commit" >"$repo/refs/main"
	for i in $(seq "$VERIFY_FILES"); do
		head -c "$((VERIFY_MB << 20))" /dev/urandom >"$repo/blobs/tmp"
		sha=$(sha256sum "$repo/blobs/tmp" | cut -d' ' -f1)
		mv "$repo/blobs/tmp" "$repo/blobs/$sha"
		ln -s "../../blobs/$sha" "$repo/snapshots/$commit/model-$i.safetensors"
	done
	touch "$V.done"
fi

if [ -n "${HFCACHE_BIN:-}" ]; then
	BIN=$HFCACHE_BIN
else
	BIN="$BENCH_DIR/hfcache-cold"
	CGO_ENABLED=0 go build -trimpath -o "$BIN" ./cmd/hfcache
fi

if [ -z "${UPSTREAM:-}" ]; then
	if [ -n "${HFHUB_SRC:-}" ] && [ -d "$HFHUB_SRC/huggingface_hub" ]; then
		UPSTREAM="env PYTHONPATH=$HFHUB_SRC ${PYTHON:-python3} -m huggingface_hub.commands.huggingface_cli"
	elif command -v huggingface-cli >/dev/null &&
		python3 -c 'import huggingface_hub as h, sys; sys.exit(0 if h.__version__.startswith("0.21") else 1)' 2>/dev/null; then
		UPSTREAM="huggingface-cli"
	else
		UPSTREAM=none
	fi
fi

# The first repo of the large cache, as rm names it (dataset/org/name).
first=
for f in "$D"/*--*--*; do
	first=${f##*/}
	break
done
kind=${first%%--*}
rest=${first#*--}
RM_TARGET="${kind%s}/${rest//--//}"

# The disk that holds the cache, for its read request count.
DEV=$(basename "$(df --output=source "$D" | tail -1)")
disk_reads() { awk -v d="$DEV" '$3 == d { print $4; f = 1 } END { if (!f) print 0 }' /proc/diskstats; }

OUT="$BENCH_DIR/cold"
rm -rf "$OUT"
mkdir -p "$OUT"
# The scan index of the runs (see README, HFCACHE_SCAN_INDEX): the bench's
# own, so that the user's does not count; written by the warm-up.
IX="$OUT/scan-index"
export HFCACHE_SCAN_INDEX="$IX"
VBLOBS=("$V"/models--bench--verify/blobs/*)
VBYTES=$(stat -c %s "${VBLOBS[@]}" | awk '{ s += $1 } END { print s }')

# run NAME CMD...: drop the page cache, run CMD once, append
# "wall user sys maxrss_kib load1 disk_reads" to $OUT/NAME.
run() {
	local name=$1 load r0 r1
	shift
	sync
	echo 3 >/proc/sys/vm/drop_caches
	load=$(cut -d' ' -f1 /proc/loadavg)
	r0=$(disk_reads)
	if ! $TIME -f '%e %U %S %M' -o "$OUT/time" "$@" >/dev/null 2>"$OUT/$name.stderr"; then
		# verify exits 1 on a corrupt file: that is a failed benchmark too.
		echo "$name failed:" >&2
		cat "$OUT/$name.stderr" >&2
		return 1
	fi
	r1=$(disk_reads)
	echo "$(tail -1 "$OUT/time") $load $((r1 - r0))" >>"$OUT/$name"
}

# One warm-up run of everything (binaries and Python in the page cache
# are then dropped anyway; this checks that every command works).
"$BIN" scan-cache --dir "$D" >/dev/null
if [ "$ONE_FILES" -gt 0 ]; then "$BIN" scan-cache --dir "$O" >/dev/null; fi
"$BIN" rm --dir "$D" "$RM_TARGET" --dry-run >/dev/null
"$BIN" verify bench/verify --dir "$V" >/dev/null

echo "bench-cold: $(nproc) CPUs, $RUNS interleaved runs per tool, page cache dropped before each run" >&2
for i in $(seq "$RUNS"); do
	echo "run $i/$RUNS: $(uptime)" >&2
	run du du -sb "$D"
	run find find "$D" -printf '%s %A@ %T@ %l\n'
	run scan env HFCACHE_SCAN_INDEX=off "$BIN" scan-cache --dir "$D"
	rm -rf "$IX.first"
	run scan_first env HFCACHE_SCAN_INDEX="$IX.first" "$BIN" scan-cache --dir "$D"
	run scan_ix "$BIN" scan-cache --dir "$D"
	if [ "$UPSTREAM" != none ] && [ "$i" -le "$UPSTREAM_RUNS" ]; then
		# shellcheck disable=SC2086
		run upstream $UPSTREAM scan-cache --dir "$D"
	fi
	run ls env HFCACHE_SCAN_INDEX=off "$BIN" ls --dir "$D"
	run ls_ix "$BIN" ls --dir "$D"
	run rm "$BIN" rm --dir "$D" "$RM_TARGET" --dry-run
	run sha256sum sha256sum "${VBLOBS[@]}"
	run verify "$BIN" verify bench/verify --dir "$V"
	if [ "$ONE_FILES" -gt 0 ]; then
		run one_du du -sb "$O"
		run one_scan env HFCACHE_SCAN_INDEX=off "$BIN" scan-cache --dir "$O"
		run one_scan_ix "$BIN" scan-cache --dir "$O"
	fi
done

# stats NAME: "wall_median wall_min wall_max cpu_median rss_kib_median
# load_min load_max reads_median".
stats() {
	awk '{ w[NR]=$1; c[NR]=$2+$3; m[NR]=$4; l[NR]=$5; r[NR]=$6 }
	function sort_(a, n,   i, j, t) { for (i=2;i<=n;i++) for (j=i;j>1 && a[j-1]>a[j];j--) { t=a[j]; a[j]=a[j-1]; a[j-1]=t } }
	function med(a, n) { sort_(a, n); return n%2 ? a[(n+1)/2] : (a[n/2]+a[n/2+1])/2 }
	END { mw = med(w, NR); printf "%.2f %.2f %.2f %.2f %d ", mw, w[1], w[NR], med(c, NR), med(m, NR)
	      sort_(l, NR); printf "%.2f %.2f %d\n", l[1], l[NR], med(r, NR) }' "$OUT/$1"
}

ENTRIES=$(find "$D" -mindepth 1 | wc -l)
read -r duw _ <<<"$(stats du)"
echo
echo "cold cache: $D ($ENTRIES entries); verify: $V ($((VBYTES >> 20)) MiB)"
echo "$(nproc) CPUs, $(uname -r), $RUNS runs per tool (upstream $UPSTREAM_RUNS), page cache dropped before each run"
echo
printf '| %-46s | %8s | %13s | %7s | %7s | %9s | %8s | %9s |\n' command "wall s" "wall min-max" "cpu s" "RSS MiB" "disk reads" "vs du" "load"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..48})" ---------: --------------: --------: --------: -----------: ---------: -----------:
row() { # label name [bytes]
	local w wmin wmax c m lmin lmax r extra="" vs
	read -r w wmin wmax c m lmin lmax r <<<"$(stats "$2")"
	vs=$(awk -v w="$w" -v d="$duw" 'BEGIN { printf "%.2fx", w / d }')
	if [ -n "${3:-}" ]; then
		extra=$(awk -v b="$3" -v w="$w" 'BEGIN { printf " (%.0f MB/s)", b / 1e6 / w }')
		vs=-
	fi
	awk -v n="$1$extra" -v w="$w" -v a="$wmin" -v b="$wmax" -v c="$c" -v m="$m" -v r="$r" -v vs="$vs" -v l="$lmin-$lmax" \
		'BEGIN { printf "| %-46s | %8.2f | %13s | %7.2f | %7.1f | %10d | %9s | %10s |\n", n, w, a "-" b, c, m / 1024, r, vs, l }'
}
row "du -sb (stat, no readlink)" du
row "find -printf (stat + readlink)" find
row "hfcache scan-cache, no index" scan
row "hfcache scan-cache, writing the index" scan_first
row "hfcache scan-cache, with the index" scan_ix
if [ -f "$OUT/upstream" ]; then row "huggingface-cli 0.21 scan-cache" upstream; fi
row "hfcache ls, no index" ls
row "hfcache ls, with the index" ls_ix
row "hfcache rm --dry-run (1 repo)" rm
row "sha256sum (verify cache)" sha256sum "$VBYTES"
row "hfcache verify (verify cache)" verify "$VBYTES"
if [ "$ONE_FILES" -gt 0 ]; then
	read -r duw _ <<<"$(stats one_du)"
	row "du -sb (one revision, $ONE_FILES files)" one_du
	row "hfcache scan-cache (one revision), no index" one_scan
	row "hfcache scan-cache (one revision), index" one_scan_ix
fi
if [ "$UPSTREAM" = none ]; then
	echo
	echo "(upstream not measured: set HFHUB_SRC to a huggingface_hub 0.21 source tree, or UPSTREAM)"
fi
