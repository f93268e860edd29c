#!/bin/sh
# booti must not write a kernel over preserved memory. The Image is placed off
# a 2 MiB boundary, so booti moves it up to the next one; a 64 KiB buffer
# handed over with `kho preserve` (holding a known pattern) lies past the
# Image's end but inside the destination [dest, dest + image_size). U-Boot
# 2025.01 moved the Image over such memory silently; with the hook booti
# refuses with an error naming the range, and the buffer reads back intact.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/test/py-free/stage/lib/e2e.sh"
. "$top/test/py-free/uboot/lib/uboot.sh"

image=$(tb_image)
KERNEL=0x50010000 DEST=0x50200000
# image_size: the Image header's u64 at byte 16, little-endian.
isize=$(od -A n -t u8 -j 16 -N 8 "$image" | tr -d ' ')
fsize=$(stat -c %s "$image")
BUF=$(ub_hex "($KERNEL + $fsize + 0xffff) & ~0xffff") BUFSIZE=0x10000 SEED=0x6b686f2d6f766572
if [ $((BUF + BUFSIZE)) -gt $((DEST + isize)) ]; then
	echo "$test_name: the buffer $BUF is not inside the destination (image_size $isize)" >&2
	exit 1
fi
ub_pattern "$out/victim.bin" "$BUF" $BUFSIZE $SEED
# U-Boot's crc32 is zlib's, which gzip stores (little-endian) in its trailer.
want=$(gzip -c "$out/victim.bin" | tail -c 8 | od -A n -t x4 -N 4 | tr -d ' ')
ub_script "$out/overlap.scr" <<SCR
kho preserve $BUF $BUFSIZE victim
crc32 $BUF $BUFSIZE
setenv bootargs "console=ttyAMA0 panic=-1"
if booti $KERNEL - \${fdtcontroladdr}; then echo "FAIL: booti went on"; else echo "PASS: booti refused"; fi
crc32 $BUF $BUFSIZE
poweroff
SCR

ub_run uboot-overlap "$out/overlap.scr" "$image@$KERNEL" "$out/victim.bin@$BUF"
end=$(printf '%x' $((DEST + isize)))
check "booti refused: kernel 0x50200000-0x$end over the buffer" \
	grep -q "^kho: kernel at 0x50200000-0x$end would overwrite preserved (by U-Boot) memory ${BUF}-.* victim" "$log"
check "booti returned failure" grep -q "^PASS: booti refused" "$log"
check "the Image was not moved, no kernel started" \
	sh -c "! grep -q 'Moving Image\|Starting kernel' '$log'"
sums=$(tr -d '\r' <"$log" | sed -n "s/^[Cc][Rr][Cc]32 for .* ==> \([0-9a-f]*\)\$/\1/p")
check "the buffer read back intact before and after booti (crc32 $want)" \
	test "$(echo $sums)" = "$want $want"
e2e_done
