#!/bin/sh
# Build the test bed initramfs: busybox-static (arm64, downloaded, not
# installed), the static C helpers from test/py-free/testbed/helpers/, the
# park stub, /init (test/py-free/testbed/init.sh), khotool for arm64 with
# test/py-free/testbed/khotool-live.sh if built, and the kernel Image, so
# stage 1 can kexec the same kernel. It carries a copy of itself minus that
# copy (/khot/initrd.cpio.gz) as the next kernel's initramfs.
#
#   build-initramfs.sh IMAGE   -> prints $BUILD/testbed/initramfs.cpio.gz
#
# Rebuilds only when an input changed (hash of all inputs).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
image=$1
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
out=$build/testbed
src=$top/test/py-free/testbed
cc=aarch64-linux-gnu-gcc
cflags="-static -O2 -Wall -Wextra -s -I$top/include"
khotool=${KHOTOOL_ARM64:-$build/arm64-linux/khotool} # mk/khotool-arm64.mk; optional
stage=${KHOFW_STAGE:-$build/qemu_virt_arm64/khofw.bin} # make stage; optional
mkp_src="$top/tools/mkpayload/mkpayload.c $top/tools/mkpayload/container.c $top/lib/boot/payload.c $top/lib/boot/zimage.c $top/lib/kho/version.c"

"$here/deps.sh"
deb=$("$top/scripts/debfetch.sh" bookworm busybox-static arm64)

inputs=$( (cat "$src"/init.sh "$src"/helpers/* "$src"/khotool-live.sh "$0"; echo "$deb"; ls -l "$image"
	cat "$khotool" "$stage" $mkp_src 2>/dev/null) | sha256sum | cut -c1-16)
if [ -f "$out/initramfs.cpio.gz" ] && [ "$(cat "$out/initramfs.inputs" 2>/dev/null)" = "$inputs" ]; then
	echo "$out/initramfs.cpio.gz"
	exit 0
fi

echo "initramfs: building in $out" >&2
root=$out/initramfs.d
rm -rf "$root" "$out/helpers"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/khot" "$out/helpers"

for c in "$src"/helpers/khot-*.c; do
	name=$(basename "$c" .c)
	$cc $cflags -o "$out/helpers/$name" "$c"
	cp "$out/helpers/$name" "$root/bin/"
done
$cc -nostdlib -static -Wl,-Ttext=0 -Wl,--build-id=none -o "$out/helpers/park.elf" "$src/helpers/park.S"
aarch64-linux-gnu-objcopy -O binary "$out/helpers/park.elf" "$out/helpers/park.bin"
cp "$out/helpers/park.bin" "$root/khot/park.bin"
# The khofw stage and a guest mkpayload, for kexec through the stage (khotest.next=khofw).
if [ -f "$stage" ]; then
	cp "$stage" "$root/khot/khofw.bin"
	$cc $cflags -o "$out/helpers/mkpayload" $mkp_src
	cp "$out/helpers/mkpayload" "$root/bin/"
fi
if [ -f "$khotool" ]; then # and the checks init.sh runs with it (khotest.khotool=1)
	aarch64-linux-gnu-strip -o "$root/bin/khotool" "$khotool"
	cp "$src/khotool-live.sh" "$root/bin/khotool-live.sh"
fi

dpkg-deb --fsys-tarfile "$deb" | tar -x -O ./bin/busybox >"$root/bin/busybox"
chmod 755 "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$src/init.sh" "$root/init"
chmod 755 "$root/init"
cp "$image" "$root/khot/Image"

mkcpio() { # DIR OUT
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
		gzip -n >"$2"
}
mkcpio "$root" "$out/initrd-inner.cpio.gz"
mv "$out/initrd-inner.cpio.gz" "$root/khot/initrd.cpio.gz"
mkcpio "$root" "$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
echo "$inputs" >"$out/initramfs.inputs"
echo "initramfs: $(du -h "$out/initramfs.cpio.gz" | cut -f1) ($(du -h "$root/khot/initrd.cpio.gz" | cut -f1) for stage 2)" >&2
echo "$out/initramfs.cpio.gz"
