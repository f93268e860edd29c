#!/bin/sh
# make size: what libkho and libfdt weigh once linked into each stage, summed
# from the stages' map files (--gc-sections keeps only what is used). libkho as
# the stage's defconfig selects it (include/kho/config.h); for a stage that
# selects, also the whole libkho (khofw-whole.map); then libkho as other boards
# would select it, from links of the same stage objects (size-<name>/khofw.map,
# KHO_SIZE_SELECTS in mk/stage.mk), largest first.
#   scripts/size-linked.sh BUILD
set -eu
b=$1
here=$(dirname "$0")

# line LIB ARCH ARCHIVE MAP NOTE
line() {
	awk -v lib="$3" -f "$here/map-size.awk" "$4" |
		awk -v l="$1" -v a="$2" -v n="$5" \
			'{printf "%-7s %-8s text %6d  data %5d  bss %7d  (linked in the stage%s)\n",l,a,$1,$2,$3,n}'
}

# The CONFIG_KHO_ parts a config.h selects, as "IN_RADIX OUT_RADIX".
parts() {
	sed -n 's/^#define CONFIG_KHO_\(IN_[A-Z0-9]*\|OUT_[A-Z0-9]*\|ERR_NAMES\) 1$/\1/p' "$1" |
		tr '\n' ' ' | sed 's/ $//'
}

for t in aarch64:qemu_virt_arm64 arm:qemu_virt_arm; do
	a=${t%%:*} d=$b/${t#*:}
	[ -f "$d/khofw.map" ] || continue
	arch=$a
	[ "$a" = arm ] && arch=thumb2
	if grep -q '^#define CONFIG_KHO_SELECT 1$' "$d/config.h"; then
		p=$(parts "$d/config.h")
		line libkho "$arch" "$d/libkho.a" "$d/khofw.map" ", the board: ${p:-no KHO ABI}"
		line libkho "$arch" "$b/$a/libkho.a" "$d/khofw-whole.map" ", whole"
	else
		line libkho "$arch" "$d/libkho.a" "$d/khofw.map" ", the board: whole"
	fi
	for s in "$d"/size-*/khofw.map; do
		[ -f "$s" ] || continue
		line libkho "$arch" "${s%/khofw.map}/libkho.a" "$s" \
			", selecting $(parts "${s%/khofw.map}/config.h")"
	done | sort -k4,4nr
	line libfdt "$arch" "$b/$a/libfdt.a" "$d/khofw.map" ""
done
