#!/bin/sh
# The AArch32 build (qemu_arm_defconfig with u-boot/configs/qemu_arm_defconfig.kho,
# arm-none-eabi-) in qemu-system-arm: the kho command on a 32-bit U-Boot. It
# reports a cold boot, preserves a buffer, lists it, and writes a hand-over into
# a copy of the DT (libkho and lib/boot built 32-bit against U-Boot's libfdt):
# /chosen must then point at a kho-v4 KHO FDT with the memblock (the buffer),
# dma-alloc (a device's DMA buffer) and kexec-metadata sub-blobs.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/test/py-free/stage/lib/e2e.sh"
ub32=${UBOOT_ARM:-$("$top/scripts/uboot/build.sh" qemu_arm_defconfig arm-none-eabi-)}
out=$build/uboot-e2e
mkdir -p "$out" "$build/testbed"
log=$build/testbed/uboot-arm.log fifo=$out/arm.in
rm -f "$fifo" "$log" && mkfifo "$fifo"
exec 3<>"$fifo"

echo "== $test_name: U-Boot for AArch32 in qemu-system-arm"
timeout 60 qemu-system-arm -M virt -cpu cortex-a15 -m 1G -nographic -nic none \
	-no-reboot -bios "$ub32/u-boot.bin" <&3 >"$log" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null' INT TERM HUP
n=0
until grep -q "Hit any key to stop autoboot" "$log" || [ $n -ge 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
# Stop the autoboot, then the commands; QEMU feeds the console as U-Boot reads.
printf '\n' >&3
sleep 0.5
cat >&3 <<'CMDS'
kho info
kho preserve 0x50000000 0x10000 armbuf
kho dma 0x50100000 0x3000 /pl011@9000000
kho info
kho list
fdt move ${fdtcontroladdr} 0x48000000 0x110000
kho fixup 0x48000000
fdt print /chosen
fdt addr ${kho_fdt}
fdt print / compatible
fdt list /
poweroff
CMDS
wait $qpid || true
exec 3>&-
trap - INT TERM HUP
rm -f "$fifo"
tr -d '\r' <"$log" | grep "^incoming: \|^preserve: \|^kho: \|preserved (by U-Boot)\|linux,kho\|compatible = \"kho" |
	sed 's/^/         /' || true

check "kho info: a cold boot" grep -q "^incoming:  none (cold boot)" "$log"
check "kho list: the buffer, preserved by U-Boot" \
	grep -q "^0x0050000000-0x0050010000 preserved (by U-Boot) armbuf" "$log"
check "kho fixup made a hand-over" grep -q "^kho: hand-over made for the next kernel" "$log"
check "/chosen has linux,kho-fdt and linux,kho-scratch" \
	sh -c "grep -q 'linux,kho-fdt = ' '$log' && grep -q 'linux,kho-scratch = ' '$log'"
check "kho info: the DMA buffer, non-coherent" \
	sh -c "tr -d '\r' <'$log' | grep -qx 'dma:       /pl011@9000000 0x50100000 size 0x3000'"
check "the KHO FDT it points at is kho-v4" grep -q 'compatible = "kho-v4"' "$log"
for blob in memblock dma-alloc kexec-metadata; do
	check "the KHO FDT has the $blob sub-blob" grep -q "^	$blob {" "$log"
done
e2e_done
