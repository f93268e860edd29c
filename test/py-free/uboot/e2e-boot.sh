#!/bin/sh
# U-Boot starts Linux 7.3 with a buffer it preserved itself: `kho preserve` hands
# a 1 MiB buffer (placed in RAM with a known pattern) over as reserve_mem
# 'ubootbuf'; booti's FDT fixup writes a new KHO hand-over (scratch, KHO FDT,
# /chosen) and adds reserve_mem= to bootargs. Linux must find the hand-over,
# revive the region, list it RSV_NIT, and read back the pattern intact.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/test/py-free/stage/lib/e2e.sh"
. "$top/test/py-free/uboot/lib/uboot.sh"

image=$(tb_image)
initrd=$(tb_initrd "$image")
KERNEL=0x50000000 INITRD=0x54000000
BUF=0x5c000000 BUFSIZE=0x100000 SEED=0x6b686f2d75626f6f
ub_pattern "$out/ubootbuf.bin" $BUF $BUFSIZE $SEED
ub_script "$out/boot.scr" <<SCR
kho preserve $BUF $BUFSIZE ubootbuf
kho info
kho list
setenv bootargs "console=ttyAMA0 panic=-1 kho=on cma=16M khotest.stage=fw khotest.rmemname=ubootbuf khotest.fw=ubootbuf:$BUF:$BUFSIZE:$SEED"
booti $KERNEL $INITRD:$(printf '0x%x' "$(stat -c %s "$initrd")") \${fdtcontroladdr}
echo "uboot-test: booti returned"
poweroff
SCR

ub_run uboot-boot "$out/boot.scr" "$image@$KERNEL" "$initrd@$INITRD" "$out/ubootbuf.bin@$BUF"
check "U-Boot made a hand-over" grep -q "^kho: hand-over made for the next kernel" "$log"
check "bootargs got reserve_mem=0x100000:4096:ubootbuf" \
	grep -q "Kernel command line:.* reserve_mem=0x100000:4096:ubootbuf" "$log"
check "kernel logged 'KHO: found kexec handover data'" \
	grep -q "KHO: found kexec handover data" "$log"
check "kernel revived reserve_mem 'ubootbuf' from KHO" \
	grep -q "Revived memory reservation 'ubootbuf' from KHO" "$log"
check "the kernel read the buffer back intact" \
	grep -q "^PASS: firmware buffer ubootbuf content intact (0x100000 bytes at $BUF)" "$log"
rsv=$out/uboot-boot.memblock-reserved.txt
if tb_extract "$log" memblock-reserved "$rsv"; then
	check "RSV_NIT covers the buffer" tb_covered "$rsv" $BUF $(ub_hex "$BUF + $BUFSIZE") RSV_NIT
else
	check "kernel printed its memblock reserved list" false
fi
e2e_done
