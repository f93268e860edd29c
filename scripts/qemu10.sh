#!/bin/sh
# QEMU 10 (bookworm-backports' qemu-system-arm, TCG plugin API v4) for the
# hand-over benchmark, unpacked into $KHOFW_CACHE/qemu-10 and never installed:
# the system's QEMU stays what it is. Its shared libraries all come from bookworm.
#
#   scripts/qemu10.sh   -> prints the path of qemu-system-aarch64
#
# Run it with QEMU_MODULE_DIR pointing at an empty directory and -audio none, or it
# loads the system QEMU's modules (ui, audio) and aborts on the version mismatch.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KHOFW_CACHE:-$HOME/.cache/khofw}
dir=$cache/qemu-10
bin=$dir/usr/bin/qemu-system-aarch64
if [ ! -x "$bin" ]; then
	deb=$("$top/scripts/debfetch.sh" bookworm-backports qemu-system-arm)
	rm -rf "$dir" && mkdir -p "$dir"
	dpkg-deb -x "$deb" "$dir"
fi
mkdir -p "$dir/modules"
"$bin" --version | grep -q "version 10\." || { echo "qemu10.sh: $bin is not QEMU 10" >&2; exit 1; }
echo "$bin"
