#!/bin/sh
# Debian's stock armhf kernel (bookworm linux-image-armmp-lpae, a zImage; arm
# Linux has no KHO) booted through the AArch32 stage in qemu-system-arm -M virt
# -cpu cortex-a15 -m 1G, in SVC and in HYP mode. mkpayload carries the zImage
# (flag ZIMAGE, no KHO); the stage places it below the 128 MiB boundary above the
# area it decompresses to, the initrd and DTB at 128 MiB and up, and hands the
# firmware buffers over as /reserved-memory (the non-coherent DMA buffer no-map)
# with a CMA pool. The kernel must list the log buffer and the pool as reserved
# (memblock), leave the DMA buffer out of System RAM, report CmaTotal, and the
# guest must read the DMA buffer intact through /dev/mem (STRICT_DEVMEM keeps the
# log buffer, which is System RAM, out of reach).
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
STAGE_CONFIG=${STAGE_CONFIG:-qemu_virt_arm}
export KHOT_QEMU="qemu-system-arm -cpu cortex-a15"
. "$top/test/py-free/stage/lib/e2e.sh"

# The firmware buffers of dts/qemu-virt-arm.dts: NAME:ADDR:SIZE:SEED.
ARM_DMA=dma:0x68200000:0x3000:0x6b686f6677646d61

# Debian bookworm's armhf LPAE kernel: the metapackage names the versioned one.
armhf_zimage() {
	meta=$("$top/scripts/debfetch.sh" bookworm linux-image-armmp-lpae armhf)
	pkg=$(dpkg-deb -f "$meta" Depends | sed 's/ .*//')
	deb=$("$top/scripts/debfetch.sh" bookworm "$pkg" armhf)
	dir=${KHOFW_CACHE:-$HOME/.cache/khofw}/debian-kernel/$pkg
	if [ ! -f "$dir/zImage" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" ./boot
		cp "$dir"/boot/vmlinuz-* "$dir/zImage"
	fi
	echo "$dir/zImage"
}

hex() { printf '%d' "$1"; }
# The stage's "khofw: <kind> 0x<start> 0x<end> ..." line for a label: START END.
stage_range() {
	tr -d '\r' <"$log" | sed -n "s/.*khofw: [a-z-]* *0x\([0-9a-f]*\) 0x\([0-9a-f]*\) .* $1\$/0x\1 0x\2/p" |
		tail -n 1
}
placed() { # WHAT: the address the stage's "khofw: kernel 0x..., initrd ..." line gives
	tr -d '\r' <"$log" | grep "khofw: kernel 0x" | sed -n "s/.*[ ,]$1 \(0x[0-9a-f]*\).*/\1/p" | head -n 1
}
no_system_ram_over() { # START END: no "System RAM" line of /proc/iomem overlaps
	awk -v s="$1" -v e="$2" -F'[- :]+' "$tb_awk_hex"'
		BEGIN { s = hex(s); e = hex(e) }
		/System RAM/ { a = hex($1); b = hex($2) + 1
			       if (a < e && s < b) bad = 1 }
		END { exit bad }' "$iomem"
}

zimage=$(armhf_zimage)
initrd=$("$top/scripts/testbed/build-initramfs-armhf.sh")
append="console=ttyAMA0 panic=-1 khotest.stage=fw khotest.kho=0 khotest.fw=$ARM_DMA"
pl=$out/arm.payload
"$mkpayload" -k "$zimage" -i "$initrd" -c "$append" -o "$pl" | sed 's/^/   /'
check "mkpayload took the zImage, without KHO" \
	sh -c "'$mkpayload' -k '$zimage' -o '$out/arm-probe.payload' | grep -q 'KHO none'"
check "mkpayload refuses a KHO ABI for a zImage" \
	sh -c "! '$mkpayload' -k '$zimage' -a v4 -o '$out/arm-probe.payload' 2>/dev/null"

for el in 1 2; do
	machine=virt mode=SVC
	[ $el -eq 2 ] && machine=virt,virtualization=on mode=HYP
	e2e_run arm-$mode "$machine" "$stage_bin" "$pl"
	tr -d '\r' <"$log" | grep "Linux version\|CPU(s) started\|Reserved memory\|OF: reserved\|node   0: \[mem\|Memory: \|^khotest: CmaTotal" |
		sed 's/^/         /' || true
	check "stage ran in $mode" grep -q "khofw .* at EL$el, CNTFRQ" "$log"
	check "stage handed over without KHO" grep -q "hand-over reserved-memory only" "$log"
	set -- $(stage_range kernel-dest)
	dest_end=${2:-0}
	kernel=$(placed kernel) initrd=$(placed initrd) dtb=$(placed dtb)
	check "zImage placed above the kernel's area ($dest_end) and below 128 MiB" \
		test "$(hex "${kernel:-0}")" -ge "$(hex "$dest_end")" -a "$(hex "${kernel:-0}")" -lt $((0x48000000))
	check "initrd ($initrd) and DTB ($dtb) at 128 MiB and up, in lowmem" \
		test "$(hex "${initrd:-0}")" -ge $((0x48000000)) -a "$(hex "${dtb:-0}")" -ge $((0x48000000)) \
		-a "$(hex "${initrd:-0}")" -lt $((0x60000000)) -a "$(hex "${dtb:-0}")" -lt $((0x60000000))
	check "Debian's armhf kernel booted" grep -q "Linux version 6.1.*armmp-lpae" "$log"
	check "kernel started in $mode mode" grep -q "CPU: All CPU(s) started in $mode mode" "$log"
	check "kernel did not see a KHO hand-over" sh -c "! grep -q 'KHO: found' '$log'"
	set -- $(stage_range linux,cma)
	check "CMA pool created where the stage put it (${1:-?})" \
		grep -q "Reserved memory: created CMA memory pool at 0x0*${1#0x}, size 16 MiB" "$log"
	rsv=$out/arm-$mode.memblock-reserved.txt iomem=$out/arm-$mode.iomem.txt
	if tb_extract "$log" memblock-reserved "$rsv" && tb_extract "$log" iomem "$iomem"; then
		check "memblock reserves the log buffer (/reserved-memory)" \
			tb_covered "$rsv" 0x68000000 0x68100000
		check "memblock reserves the CMA pool" tb_covered "$rsv" "$1" "$2"
		check "DMA buffer no-map: outside System RAM in /proc/iomem" \
			no_system_ram_over 0x68200000 0x68203000
		kdata=$(sed -n 's/^ *[0-9a-f]*-\([0-9a-f]*\) : Kernel data$/0x\1/p' "$iomem")
		check "the decompressed kernel ends (${kdata:-?}) inside the area the stage kept free" \
			test "$(hex "${kdata:-0x7fffffff}")" -lt "$(hex "$dest_end")"
	else
		check "guest printed memblock reserved and /proc/iomem" false
	fi
	check "DMA buffer has its own early memory range (no-map)" \
		grep -q "node   0: \[mem 0x0000000068200000-0x0000000068202fff\]" "$log"
	check "guest read the DMA buffer intact through /dev/mem" \
		grep -q "^PASS: firmware buffer dma content intact" "$log"
	check "guest reported CmaTotal" grep -q "^PASS: CMA pool reported (16384 kB)" "$log"
done
e2e_done
