#!/bin/sh
# Build U-Boot with khofw's integration (u-boot/): Debian trixie's U-Boot source
# (scripts/uboot/fetch.sh), copied, patched with u-boot/kho-hooks.patch, given
# the files of u-boot/files/ and libkho + lib/boot (lib/kho, lib/boot, include/)
# and built with the defconfig plus u-boot/configs/<defconfig>.kho. Nothing in
# the fetched tree is modified. Results are cached in $KHOFW_CACHE/u-boot/<key>,
# the key being the U-Boot version, the defconfig and a hash of our files.
#
#   scripts/uboot/build.sh DEFCONFIG CROSS_COMPILE   -> the directory holding
#                                                       u-boot.bin, u-boot, mkimage
set -eu
defconfig=$1 cross=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${KHOFW_CACHE:-$HOME/.cache/khofw}
jobs=${UBOOT_JOBS:-2}

src=$("$here/fetch.sh")
ver=$(basename "$src" | sed 's/^u-boot-//')
ours=$(cd "$top" && find u-boot lib/kho lib/boot include/kho include/boot include/khofw \
	scripts/uboot/build.sh -type f | LC_ALL=C sort)
hash=$(cd "$top" && cat $ours | sha256sum | cut -c1-12)
out=$cache/u-boot/$ver-$defconfig-$hash
if [ -f "$out/u-boot.bin" ]; then echo "$out"; exit 0; fi
# One build per key at a time; a second caller waits and takes the result.
mkdir -p "$cache/u-boot"
exec 9>"$out.lock"
flock 9
if [ -f "$out/u-boot.bin" ]; then echo "$out"; exit 0; fi

tree=$out.tree
echo "u-boot: building $defconfig ($ver, ours $hash) in $tree" >&2
start=$(date +%s)
rm -rf "$tree"
cp -a "$src" "$tree"
(cd "$tree" && patch -s -p1 --no-backup-if-mismatch <"$top/u-boot/kho-hooks.patch")
cp -R "$top/u-boot/files/." "$tree/"
k=$tree/lib/khofw
mkdir -p "$k/kho" "$k/boot" "$k/include"
cp "$top"/lib/kho/*.c "$top"/lib/kho/*.h "$k/kho/"
cp "$top"/lib/boot/*.c "$top"/lib/boot/*.h "$k/boot/"
cp -R "$top/include/kho" "$top/include/boot" "$top/include/khofw" "$k/include/"

frag=$top/u-boot/configs/$defconfig.kho
mk() { make -C "$tree" CROSS_COMPILE="$cross" "$@"; }
mk -s "$defconfig" >&2
cat "$frag" >>"$tree/.config"
# Kconfig notes each symbol the fragment sets again; that is the point of it.
mk -s olddefconfig 2>"$tree/kconfig.log" || { cat "$tree/kconfig.log" >&2; exit 1; }
grep -v "warning: override: reassigning to symbol" "$tree/kconfig.log" >&2 || true
# Every line of the fragment must have survived Kconfig's dependencies.
grep '^CONFIG_' "$frag" | while read -r line; do
	grep -qxF "$line" "$tree/.config" ||
		{ echo "u-boot: $line did not stick in .config" >&2; exit 1; }
done
mk -j"$jobs" >"$tree/build.log" 2>&1 || { tail -n 40 "$tree/build.log" >&2; exit 1; }

mkdir -p "$out.tmp"
cp "$tree/u-boot.bin" "$tree/u-boot" "$tree/tools/mkimage" "$tree/.config" \
	"$tree/build.log" "$out.tmp/"
echo "$(($(date +%s) - start))" >"$out.tmp/build-seconds"
rm -rf "$out" && mv "$out.tmp" "$out"
[ -n "${UBOOT_KEEP_TREE:-}" ] || rm -rf "$tree"
echo "u-boot: $defconfig built in $(cat "$out/build-seconds") s" >&2
echo "$out"
