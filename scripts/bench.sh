#!/usr/bin/env bash
# bench.sh: hfcache scan-cache against the filesystem floor and upstream.
#
# Builds (once) the issue's benchmark cache with mkcache.py
#   --preset large --repos 200 --revisions 2 --files 1000   (~650k entries)
# and the hfcache binary, then measures side by side, in one run:
#   - hfcache scan-cache --dir D
#   - the floor: find D -printf '%s%l\n' > /dev/null
#   - upstream huggingface-cli scan-cache 0.21 when available (see UPSTREAM)
# printing the median wall time, median CPU time (user+sys) and median peak
# RSS of RUNS runs after one warm-up run (warm page cache), and the ratios.
#
# Environment:
#   RUNS=5            runs per tool (upstream: UPSTREAM_RUNS, default 3)
#   BENCH_DIR=/tmp/hfcache-bench   where the cache is kept between runs
#   REPOS=200 REVISIONS=2 FILES=1000   cache size
#   MKCACHE=path/to/mkcache.py     (default: ../shared/compat/mkcache.py)
#   UPSTREAM="cmd ..."  upstream command (before "scan-cache --dir D"); by
#     default huggingface-cli when its huggingface_hub is 0.21.x, or
#     python3 -m huggingface_hub.commands.huggingface_cli with
#     PYTHONPATH=$HFHUB_SRC when HFHUB_SRC points at a 0.21 source tree.
#   UPSTREAM=none       skip upstream.
#   PYTHON=python3      interpreter used with HFHUB_SRC.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
UPSTREAM_RUNS=${UPSTREAM_RUNS:-3}
REPOS=${REPOS:-200}
REVISIONS=${REVISIONS:-2}
FILES=${FILES:-1000}
BENCH_DIR=${BENCH_DIR:-/tmp/hfcache-bench}
TIME=/usr/bin/time

if [ ! -x "$TIME" ]; then
	echo "bench.sh needs GNU time at $TIME (apt-get install time)" >&2
	exit 1
fi
if [ -z "${MKCACHE:-}" ]; then
	for m in ../shared/compat/mkcache.py ../../shared/compat/mkcache.py /work/shared/compat/mkcache.py; do
		if [ -f "$m" ]; then MKCACHE=$m; break; fi
	done
fi

mkdir -p "$BENCH_DIR"
D="$BENCH_DIR/large-${REPOS}x${REVISIONS}x${FILES}"
if [ ! -f "$D.done" ]; then
	if [ -z "${MKCACHE:-}" ]; then
		echo "mkcache.py not found: set MKCACHE" >&2
		exit 1
	fi
	echo "building $D with $MKCACHE ..." >&2
	python3 "$MKCACHE" "$D" --preset large --repos "$REPOS" --revisions "$REVISIONS" --files "$FILES" --force
	touch "$D.done"
fi
ENTRIES=$(find "$D" -mindepth 1 | wc -l)

BIN="$BENCH_DIR/hfcache"
go build -trimpath -o "$BIN" ./cmd/hfcache

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

# The tools run interleaved (find, hfcache, upstream, find, ...) after one
# warm-up run each, so that a load change on the machine hits them alike.
# run NAME CMD...: one timed run appended to $BENCH_DIR/NAME.times as
# "wall user sys maxrss_kib".
run() {
	local name=$1
	shift
	$TIME -f '%e %U %S %M' -a -o "$BENCH_DIR/$name.times" "$@" >/dev/null 2>"$BENCH_DIR/$name.stderr" ||
		{ echo "$name failed:" >&2; cat "$BENCH_DIR/$name.stderr" >&2; return 1; }
}
# medians NAME: "wall cpu rss_kib" medians of NAME's runs.
medians() {
	awk '{ w[NR]=$1; c[NR]=$2+$3; m[NR]=$4 }
	function med(a, n,   i, j, t) { for (i=2;i<=n;i++) for (j=i;j>1 && a[j-1]>a[j];j--) { t=a[j]; a[j]=a[j-1]; a[j-1]=t }
		return n%2 ? a[(n+1)/2] : (a[n/2]+a[n/2+1])/2 }
	END { printf "%.3f %.3f %d\n", med(w, NR), med(c, NR), med(m, NR) }' "$BENCH_DIR/$1.times"
}

echo "cache: $D ($ENTRIES entries), $(nproc) CPUs, $RUNS runs per tool, upstream $UPSTREAM_RUNS (medians, warm cache)"
rm -f "$BENCH_DIR"/{find,hfcache,upstream}.times
find "$D" -printf '%s%l\n' >/dev/null
"$BIN" scan-cache --dir "$D" >/dev/null
if [ "$UPSTREAM" != none ]; then
	# shellcheck disable=SC2086
	$UPSTREAM scan-cache --dir "$D" >/dev/null 2>"$BENCH_DIR/upstream.stderr" ||
		{ echo "upstream failed:" >&2; cat "$BENCH_DIR/upstream.stderr" >&2; UPSTREAM=none; }
fi
for i in $(seq "$RUNS"); do
	run find find "$D" -printf '%s%l\n'
	run hfcache "$BIN" scan-cache --dir "$D"
	if [ "$UPSTREAM" != none ] && [ "$i" -le "$UPSTREAM_RUNS" ]; then
		# shellcheck disable=SC2086
		run upstream $UPSTREAM scan-cache --dir "$D"
	fi
done
read -r fw fc fm <<<"$(medians find)"
read -r hw hc hm <<<"$(medians hfcache)"
uw=""
if [ "$UPSTREAM" != none ]; then
	read -r uw uc um <<<"$(medians upstream)"
fi

printf '\n%-22s %10s %10s %10s %10s %12s\n' tool "wall (s)" "cpu (s)" "RSS (MiB)" "vs find" "vs upstream"
row() { # name wall cpu rss_kib
	local vu="-"
	if [ -n "$uw" ] && [ "$1" != "upstream 0.21" ]; then vu=$(awk -v u="$uw" -v w="$2" 'BEGIN { printf "%.1fx faster", u/w }'); fi
	awk -v n="$1" -v w="$2" -v c="$3" -v m="$4" -v f="$fw" -v vu="$vu" \
		'BEGIN { printf "%-22s %10.2f %10.2f %10.1f %9.2fx %12s\n", n, w, c, m/1024, w/f, vu }'
}
row "find (floor)" "$fw" "$fc" "$fm"
row "hfcache scan-cache" "$hw" "$hc" "$hm"
if [ -n "$uw" ]; then
	row "upstream 0.21" "$uw" "$uc" "$um"
	# Same output apart from the timing figure.
	# shellcheck disable=SC2086
	if diff <($UPSTREAM scan-cache --dir "$D" | sed 's/Done in [0-9.]*s/Done in Xs/') \
		<("$BIN" scan-cache --dir "$D" | sed 's/Done in [0-9.]*s/Done in Xs/') >/dev/null; then
		echo "output: identical to upstream (apart from \"Done in\")"
	else
		echo "output: DIFFERS from upstream"
	fi
else
	echo "(upstream 0.21 not measured: not found or failed; set UPSTREAM or HFHUB_SRC to include it)"
fi
