#!/usr/bin/env bash
# Compare what the Linux and the Windows (wine) builds of hfcache leave on
# the `windows` preset after `rm <revision> -y`, `prune -y` and
# `delete-cache --plain`. The preset's three symbolic links are removed
# first: wine shows a link as its target and removing one removes the
# target, so the .exe must never see one.
#
#   scripts/windows-compare.sh              # needs mkcache.py, wine and a prefix
#
# Environment: MKCACHE (default ../shared/compat/mkcache.py next to the
# checkout, or /work/shared/compat/mkcache.py), WINEPREFIX (default
# /tmp/hfcache-wine/prefix), OVERLAY (the wine kit's -overlay file, default
# /tmp/hfcache-wine/overlay/overlay.json), OUT (work folder, default a
# temporary one). Exit 0 when every listing is the same.
set -euo pipefail
cd "$(dirname "$0")/.."
MKCACHE=${MKCACHE:-/work/shared/compat/mkcache.py}
export WINEPREFIX=${WINEPREFIX:-/tmp/hfcache-wine/prefix} WINEDEBUG=-all
OVERLAY=${OVERLAY:-/tmp/hfcache-wine/overlay/overlay.json}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"

go build -o "$OUT/hfcache" ./cmd/hfcache
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -overlay "$OVERLAY" -o "$OUT/hfcache.exe" ./cmd/hfcache

fresh() { # fresh DIR: the windows preset without links
	python3 "$MKCACHE" "$1" --preset windows --force --now 1700000000 >/dev/null
	find "$1" -type l -delete
}
listing() { # listing DIR: every entry with its kind and size
	(cd "$1" && find . -mindepth 1 -printf '%y %P %s\n' | sed 's/^d \(.*\) [0-9]*$/d \1 -/' | LC_ALL=C sort)
}
run() { # run linux|windows DIR ARGS...: hfcache on DIR
	local how=$1 dir=$2
	shift 2
	if [ "$how" = linux ]; then
		HF_HUB_CACHE=$dir NO_COLOR=1 "$OUT/hfcache" "$@"
	else
		WINEPATH= HF_HUB_CACHE=$dir NO_COLOR=1 wine "$OUT/hfcache.exe" "$@"
	fi
}

status=0
for case in rm prune plain; do
	for how in linux windows; do
		dir=$OUT/$case-$how
		fresh "$dir"
		case $case in
		rm) run $how "$dir" rm f4e81619f86c91078ccc83f235f00c0e84864907 -y ;;
		prune)
			rm "$dir/models--acme--win-model/refs/refs/pr/1" # makes the revision detached
			run $how "$dir" prune -y ;;
		plain) printf '1-2\ny\n' | run $how "$dir" delete-cache --plain --sort alphabetical ;;
		esac >"$OUT/$case-$how.out" 2>&1 || echo "$case on $how: exit $?" >>"$OUT/$case-$how.out"
		listing "$dir" >"$OUT/$case-$how.listing"
	done
	if diff -u "$OUT/$case-linux.listing" "$OUT/$case-windows.listing"; then
		echo "$case: same files left ($(wc -l <"$OUT/$case-linux.listing") entries)"
	else
		echo "$case: the builds differ (outputs in $OUT/$case-*.out)"
		status=1
	fi
done
exit $status
