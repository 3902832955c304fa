# Sourced by the wrappers: where the wine prefix and the Go overlay live
# (HFCACHE_WINE_HOME, default /tmp/hfcache-wine, as in setup).
WIN_HOME=${HFCACHE_WINE_HOME:-/tmp/hfcache-wine}
export WINEPREFIX=$WIN_HOME/prefix WINEDEBUG=-all
OVERLAY=$WIN_HOME/overlay/overlay.json
if [ ! -f "$WIN_HOME/ready" ]; then
	echo "run $(dirname "${BASH_SOURCE[0]}")/setup first (HFCACHE_WINE_HOME=$WIN_HOME)" >&2
	exit 2
fi
