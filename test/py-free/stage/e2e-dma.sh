#!/bin/sh
# A non-coherent device's DMA buffer handed over by the stage and taken back by a
# kernel consumer: khofw_dma.ko (test/py-free/linux) finds the khofw subtree with
# kho_retrieve_subtree(), checks each allocation against its dma-alloc entry and
# against the order KHO recorded for its block, restores 1 << get_order(size)
# pages with kho_restore_pages(), maps them uncached (pgprot_dmacoherent) and
# verifies the pattern the stage wrote. The buffer must not be no-map.
#
# Then the same boot through a deliberately wrong stage
# (configs/qemu_virt_arm64_dma_short_count_defconfig: size >> PAGE_SHIFT order-0
# pages instead of one order-2 block): the module must report the wrong page
# count and must not restore the buffer.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/test/py-free/stage/lib/e2e.sh"

short_bin=$build/qemu_virt_arm64_dma_short_count/khofw.bin
[ -f "$short_bin" ] || {
	echo "$test_name: $short_bin missing (make STAGE_CONFIG=qemu_virt_arm64_dma_short_count stage)" >&2
	exit 1
}

image=$(tb_image)
initrd=$(tb_initrd "$image")
module=$("$top/test/py-free/linux/build.sh" "$image")

# The test bed's initramfs plus the module: a second cpio archive after the
# first, which the kernel unpacks over it.
root=$out/dma-initrd.d
rm -rf "$root" && mkdir -p "$root/khot"
cp "$module" "$root/khot/khofw_dma.ko"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -n >"$out/dma-module.cpio.gz"
cat "$initrd" "$out/dma-module.cpio.gz" >"$out/dma.initrd"

# dts/qemu-virt-arm64.dts: the 12 KiB buffer of the non-coherent device.
dma=${E2E_DMA#dma:}
pl=$out/dma.payload
"$mkpayload" -k "$image" -i "$out/dma.initrd" -c "$E2E_APPEND khotest.dmamod=$dma" -o "$pl" >/dev/null

not_covered() { ! tb_covered "$@"; }
dma_name=dma@70200000
e2e_run dma virt "$stage_bin" "$pl"
check "stage mapped the buffer non-coherent" \
	grep -q "firmware buffer $dma_name 0x70200000-0x70203000 dma non-coherent" "$log"
check "stage handed over kho-v4" grep -q "hand-over v4, entering the kernel" "$log"
e2e_kho_accepted
e2e_buffers_reserved
check "module: the khofw record matches the dma-alloc entry" \
	grep -q "^PASS: khofw_dma: $dma_name: khofw record matches dma-alloc entry 0" "$log"
check "module: one order-2 block, 4 pages for 0x3000 bytes" \
	grep -q "^PASS: khofw_dma: $dma_name: 0x70200000 preserved as one order-2 block, 4 pages for 0x3000 bytes" "$log"
check "module: kho_restore_pages(0x70200000, 4)" \
	grep -q "^PASS: khofw_dma: $dma_name: kho_restore_pages(0x70200000, 4) restored it" "$log"
check "module: content intact through an uncached mapping" \
	grep -q "^PASS: khofw_dma: $dma_name: content intact through an uncached (pgprot_dmacoherent) mapping (12288 bytes" "$log"
check "module: no failure" sh -c "! grep -q 'khofw_dma: FAIL' '$log'"
check "the buffer is not no-map (its own early memory range is how no-map shows)" \
	sh -c "! grep -q 'node   0: \\[mem 0x0000000070200000-' '$log'"

# The wrong stage: qemu-run.sh fails the run on the module's FAIL line, which is
# what is expected here; judge the log instead.
name=dma-short-count
log=$build/testbed/$name.log
echo "== $test_name: $name (virt, known-wrong stage: its module FAIL line is the expected verdict)"
"$tb/qemu-run.sh" -n "$name" -M virt -t 120 "$short_bin" "$pl" || true
check "wrong stage: the kernel accepted the hand-over" \
	grep -q "KHO: found kexec handover data" "$log"
check "wrong stage: the guest finished (no hang, no panic)" \
	grep -q "khotest: stage fw done" "$log"
check "wrong stage: the module reports the wrong page count" \
	grep -q "^FAIL: khofw_dma: $dma_name: 0x70200000 is preserved as an order-0 block (1 page(s)); get_order(0x3000) is 2 (4 pages): the firmware preserved the wrong page count" "$log"
check "wrong stage: the module did not restore the buffer" \
	sh -c "! grep -q 'khofw_dma: $dma_name: kho_restore_pages' '$log'"
rsv=$out/$name.memblock-reserved.txt
if tb_extract "$log" memblock-reserved "$rsv"; then
	check "wrong stage: pages 0x70200000-0x70203000 preserved (RSV_NIT)" \
		tb_covered "$rsv" 0x70200000 0x70203000 RSV_NIT
	check "wrong stage: the fourth page 0x70203000 is not preserved" \
		not_covered "$rsv" 0x70203000 0x70204000 RSV_NIT
fi
e2e_done
