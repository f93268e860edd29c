#!/bin/sh
# bootm must not decompress a kernel over preserved memory. The Image goes in
# a gzip legacy uImage loading at 0x50200000; a 64 KiB buffer handed over with
# `kho preserve` (holding a known pattern) lies past the compressed size but
# inside the decompressed kernel. The compressed range itself is clear, so the
# hook lets the decompressor write only up to the buffer: it stops there,
# bootm fails naming the range (without resetting the board), and the buffer
# reads back intact.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/test/py-free/stage/lib/e2e.sh"
. "$top/test/py-free/uboot/lib/uboot.sh"

image=$(tb_image)
LOAD=0x50200000 UIMAGE=0x60000000
gzip -9c "$image" >"$out/Image.gz"
"$ub64/mkimage" -A arm64 -O linux -T kernel -C gzip -a $LOAD -e $LOAD -n linux \
	-d "$out/Image.gz" "$out/Image.uimg" >/dev/null
csize=$(stat -c %s "$out/Image.gz") fsize=$(stat -c %s "$image")
BUF=$(ub_hex "(($LOAD + $csize + 0xffff) & ~0xffff) + 0x10000") BUFSIZE=0x10000
SEED=0x6b686f2d626f6f6d
if [ $((BUF + BUFSIZE)) -gt $((LOAD + fsize)) ]; then
	echo "$test_name: the buffer $BUF is not inside the decompressed kernel" >&2
	exit 1
fi
ub_pattern "$out/bootm-victim.bin" "$BUF" $BUFSIZE $SEED
want=$(python3 -c "import sys, zlib; print('%08x' % zlib.crc32(open(sys.argv[1], 'rb').read()))" \
	"$out/bootm-victim.bin")
ub_script "$out/bootm.scr" <<SCR
kho preserve $BUF $BUFSIZE victim
crc32 $BUF $BUFSIZE
setenv bootargs "console=ttyAMA0 panic=-1"
if bootm $UIMAGE - \${fdtcontroladdr}; then echo "FAIL: bootm went on"; else echo "PASS: bootm refused"; fi
crc32 $BUF $BUFSIZE
poweroff
SCR

ub_run uboot-bootm "$out/bootm.scr" "$out/Image.uimg@$UIMAGE" "$out/bootm-victim.bin@$BUF"
check "the decompressor stopped at the buffer, named" \
	grep -q "^kho: decompressed kernel at $LOAD-$(ub_hex "$BUF + 1") would overwrite preserved (by U-Boot) memory $BUF-.* victim" "$log"
check "bootm returned failure" grep -q "^PASS: bootm refused" "$log"
check "no kernel started, no reset" \
	sh -c "! grep -q 'Starting kernel\|Resetting the board' '$log'"
sums=$(tr -d '\r' <"$log" | sed -n "s/^[Cc][Rr][Cc]32 for .* ==> \([0-9a-f]*\)\$/\1/p")
check "the buffer read back intact before and after bootm (crc32 $want)" \
	test "$(echo $sums)" = "$want $want"
e2e_done
