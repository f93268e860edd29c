#!/bin/sh
# Build khofw_dma.ko against the test bed kernel (scripts/testbed/build-linux.sh
# keeps its build dir for modules) into $BUILD/linux-module/, and print its path.
#
#   build.sh IMAGE     IMAGE: the test bed kernel's Image, next to its build/
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
image=$1
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
kdir=$(dirname "$image")/build
out=$build/linux-module
[ -f "$kdir/Module.symvers" ] || { echo "build.sh: no kernel build dir at $kdir" >&2; exit 1; }
mkdir -p "$out"
make -s -C "$kdir" M="$here" MO="$out" KHOFW_TOP="$top" ARCH=arm64 \
	CROSS_COMPILE=aarch64-linux-gnu- modules >&2
echo "$out/khofw_dma.ko"
