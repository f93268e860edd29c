#!/bin/sh
# Download one Debian binary package from a suite that is NOT in the system's apt
# sources (e.g. trixie-backports), using an isolated apt configuration that can only
# download. The system's sources, lists and package state are never touched.
#
#   scripts/debfetch.sh SUITE PACKAGE [ARCH]   -> prints the path of the .deb
#
# Packages land in $KHOFW_CACHE/debs (default ~/.cache/khofw/debs) and are reused.
set -eu
suite=$1 pkg=$2 arch=${3:-}
cache=${KHOFW_CACHE:-$HOME/.cache/khofw}
D=$cache/apt-$suite
out=$cache/debs
# One package index per architecture: an update for one must not drop another's.
L=$D/lists${arch:+-$arch}
mkdir -p "$out"
. "$(dirname "$0")/lib/apt-iso.sh"

hit=$(ls "$out/${pkg}_"*${arch:+_$arch}.deb 2>/dev/null | sort -V | tail -n 1 || true)
if [ -n "$hit" ]; then echo "$hit"; exit 0; fi

apt_iso_init "$D" "$L" deb "$suite" "$arch"
# Refresh the isolated index at most once a day.
apt_iso_update 1440
cd "$out"
apt_iso download "$pkg${arch:+:$arch}" >&2
ls "$out/${pkg}_"*${arch:+_$arch}.deb | sort -V | tail -n 1
