#!/bin/sh
# Firmware in the middle of a live update, with U-Boot as the firmware: Linux
# 7.3 (kho=on, reserve_mem 'khotest' and a LUO memfd, both filled with
# patterns) kexecs into U-Boot (u-boot.bin has an arm64 Image header), with
# U-Boot's boot script as the kexec initrd. U-Boot takes the DT from x0,
# relocates into scratch, protects the hand-over, preserves a buffer of its
# own, refuses a booti that would land on the hand-over, and boots kernel 2
# (from its initrd) with the hand-over forwarded.
# Kernel 2 checks everything byte for byte (PASS lines from /init).
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/test/py-free/stage/lib/e2e.sh"
. "$top/test/py-free/uboot/lib/uboot.sh"

image=$(tb_image)
initrd=$(tb_initrd "$image")
# Kernel 2 goes inside kernel 1's scratch (0x67800000-0x7d400000 in this run);
# U-Boot's own buffer in memory kernel 1 neither preserved nor made scratch.
# A change of layout that put either over preserved memory makes booti or kho
# preserve refuse, naming the range.
KERNEL=0x68000000 BUF=0x50000000
# The kexec initrd U-Boot gets: its script, then kernel 2's Image and initrd,
# each at a 64 KiB offset the script names.
ksize=$(stat -c %s "$image") rsize=$(stat -c %s "$initrd")
KOFF=0x10000
ROFF=$(ub_hex "($KOFF + $ksize + 0xffff) & ~0xffff")
# Before the real boot, a kernel that would land on kernel 1's KHO FDT: an
# Image header without the "anywhere" flag is moved to RAM base + text_offset,
# so text_offset puts [dest, dest + 4 MiB) over that page. booti must refuse
# before writing anything (kernel 2 then finds everything intact).
HDR=0x6f000000
ub_script "$out/forward.scr" <<SCR
kho info
kho list
fdt addr \${fdtcontroladdr}
fdt get value kfdt /chosen linux,kho-fdt 1
setexpr toff \${kfdt} / 0x200000
setexpr toff \${toff} * 0x200000
setexpr toff \${toff} - 0x40000000
mw.l $HDR 0 0x10
mw.l $(ub_hex "$HDR + 8") \${toff}
mw.l $(ub_hex "$HDR + 16") 0x400000
mw.l $(ub_hex "$HDR + 24") 0x2
mw.l $(ub_hex "$HDR + 56") 0x644d5241
if booti $HDR - \${fdtcontroladdr}; then echo "FAIL: booti went on"; else echo "PASS: booti refused a kernel over the KHO FDT of kernel 1"; fi
kho preserve $BUF 0x10000 ubootlog
setexpr kimage \${prevbl_initrd_start_addr} + $KOFF
setexpr rdaddr \${prevbl_initrd_start_addr} + $ROFF
cp.b \${kimage} $KERNEL $(ub_hex $ksize)
fdt addr \${fdtcontroladdr}
fdt get value bootargs /chosen bootargs
booti $KERNEL \${rdaddr}:$(ub_hex $rsize) \${fdtcontroladdr}
echo "FAIL: booti returned"
poweroff
SCR
bundle=$out/forward.img
cp "$out/forward.scr" "$bundle"
truncate -s $((KOFF)) "$bundle"
cat "$image" >>"$bundle"
truncate -s $((ROFF)) "$bundle"
cat "$initrd" >>"$bundle"

# Kernel 1's initramfs, with U-Boot and its initrd added under /khot.
mkdir -p "$out/extra/khot"
cp "$ub64/u-boot.bin" "$out/extra/khot/u-boot.bin"
cp "$bundle" "$out/extra/khot/uboot.img"
(cd "$out/extra" && find khot | cpio -o -H newc --quiet | gzip -1) >"$out/extra.cpio.gz"
cat "$initrd" "$out/extra.cpio.gz" >"$out/forward-initrd.cpio.gz"

K1="console=ttyAMA0 panic=-1 kho=on reserve_mem=4M:4K:khotest liveupdate=on khotest.stage=1 khotest.next=uboot"
name=uboot-forward log=$build/testbed/$name.log
echo "== $test_name: $name"
"$tb/qemu-run.sh" -n $name -a "$K1" -t 180 "$image" "$out/forward-initrd.cpio.gz" ||
	fails=$((fails + 1))
grep "^kho: \|^incoming: \|^preserve: " "$log" | tr -d '\r' | sed 's/^/         /' || true

check "U-Boot took the incoming v4 hand-over" grep -q "^incoming:  kho-v4" "$log"
check "U-Boot relocated into kernel 1's scratch" \
	grep -q "^0x[0-9a-f]*-0x[0-9a-f]* firmware  u-boot" "$log"
kfdt=$(tr -d '\r' <"$log" | sed -n 's/^incoming:  kho-v4, KHO FDT \(0x[0-9a-f]*\),.*/\1/p')
dest=$(ub_hex "${kfdt:-0} & ~0x1fffff")
check "booti refused a kernel at $dest over kernel 1's hand-over" \
	grep -q "^kho: kernel at $dest-$(ub_hex "$dest + 0x400000") would overwrite \(preserved\|map\|meta\) memory" "$log"
check "U-Boot forwarded it" grep -q "^kho: hand-over forwarded for the next kernel" "$log"
check "kernel 2 logged 'KHO: found kexec handover data'" \
	test "$(grep -c "KHO: found kexec handover data" "$log")" -eq 1
check "kernel 2 revived 'khotest' (kernel 1's)" \
	grep -q "Revived memory reservation 'khotest' from KHO" "$log"
check "kernel 2 revived 'ubootlog' (U-Boot's)" \
	grep -q "Revived memory reservation 'ubootlog' from KHO" "$log"
check "kernel 2 got the LUO data" grep -q "luo: Retrieved live update data" "$log"
check "kernel 2: reserve_mem 'khotest' content intact" \
	grep -q "^PASS: reserve_mem 'khotest' content intact" "$log"
check "kernel 2: no FAIL line, at least 5 PASS lines" \
	test "$(tr -d '\r' <"$log" | grep -c '^PASS: ')" -ge 5
rsv=$out/$name.memblock-reserved.txt
if tb_extract "$log" memblock-reserved "$rsv"; then
	start=$(tr -d '\r' <"$log" | sed -n "s/.*reserve_mem 'khotest' content intact ([^ ]* bytes at \(0x[0-9a-f]*\)).*/\1/p" | head -n 1)
	check "RSV_NIT covers reserve_mem 'khotest' at ${start:-?}" \
		tb_covered "$rsv" "${start:-0}" "$(printf '0x%x' $((${start:-0} + 0x400000)))" RSV_NIT
	check "RSV_NIT covers U-Boot's 'ubootlog'" tb_covered "$rsv" $BUF $(ub_hex "$BUF + 0x10000") RSV_NIT
else
	check "kernel 2 printed its memblock reserved list" false
fi
e2e_done
