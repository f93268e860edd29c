#!/bin/sh
# Build the armhf test initramfs for 32-bit arm kernels booted through the
# AArch32 stage: Debian's busybox-static:armhf (downloaded, not installed), the
# /dev/mem and DT helpers of test/py-free/testbed/helpers/ built static
# with arm-linux-gnueabihf-gcc, and the test bed's /init
# (test/py-free/testbed/init.sh; khotest.stage=fw checks the firmware buffers).
#
#   build-initramfs-armhf.sh   -> prints $BUILD/testbed-armhf/initramfs.cpio.gz
#
# Rebuilds only when an input changed (hash of all inputs).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
out=$build/testbed-armhf
src=$top/test/py-free/testbed
cc=arm-linux-gnueabihf-gcc
# 64-bit file offsets: /dev/mem offsets are physical addresses (LPAE: 40 bits).
cflags="-static -O2 -Wall -Wextra -s -I$top/include -D_FILE_OFFSET_BITS=64"
helpers="khot-mem khot-fdt" # khot-time reads arm64 timers: not here

command -v $cc >/dev/null || { echo "initramfs-armhf: $cc missing (make deps)" >&2; exit 1; }
deb=$("$top/scripts/debfetch.sh" bookworm busybox-static armhf)

inputs=$( (cat "$src"/init.sh "$src"/helpers/* "$0"; echo "$deb $helpers") |
	sha256sum | cut -c1-16)
if [ -f "$out/initramfs.cpio.gz" ] && [ "$(cat "$out/initramfs.inputs" 2>/dev/null)" = "$inputs" ]; then
	echo "$out/initramfs.cpio.gz"
	exit 0
fi

echo "initramfs-armhf: building in $out" >&2
root=$out/initramfs.d
rm -rf "$root" "$out/helpers"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$out/helpers"
for name in $helpers; do
	$cc $cflags -o "$out/helpers/$name" "$src/helpers/$name.c"
	cp "$out/helpers/$name" "$root/bin/"
done
dpkg-deb --fsys-tarfile "$deb" | tar -x -O ./bin/busybox >"$root/bin/busybox"
chmod 755 "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$src/init.sh" "$root/init"
chmod 755 "$root/init"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -n >"$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
echo "$inputs" >"$out/initramfs.inputs"
echo "initramfs-armhf: $(du -h "$out/initramfs.cpio.gz" | cut -f1)" >&2
echo "$out/initramfs.cpio.gz"
