#!/bin/sh
# Turn a capture ($BUILD/testbed/capture, from capture.sh) into a small
# regression vector: the DTB, only the RAM pages the handover references (KHO
# FDT, radix-tree pages, scratch array, sub-blobs, DTB) as ram@0x<addr>.bin
# pieces, kernel 2's memblock list and the expected decode, all xz-compressed.
#
#   vector.sh [-c CAPTURE_DIR] OUTDIR
set -eu
TB_DIR=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$TB_DIR/../.." && pwd)
BUILD=${BUILD:-$top/build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
. "$TB_DIR/lib.sh"
cap=$BUILD/testbed/capture
while getopts c: o; do
	case $o in
	c) cap=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: vector.sh [-c CAPTURE_DIR] OUTDIR" >&2; exit 2; }
out=$1
ram=$cap/ram@0x40000000.bin
[ -f "$ram" ] || { echo "vector: no capture in $cap (run scripts/testbed/capture.sh)" >&2; exit 1; }
trim=$(tb_host_tool khot-trim)
x0=$(sed -n 's/^dtb  *DTB kernel 1 built for the next stage (x0 = \(0x[0-9a-f]*\) at entry);$/\1/p' "$cap/README")
[ -n "$x0" ] || { echo "vector: cannot find the DTB address in $cap/README" >&2; exit 1; }

rm -rf "$out.tmp"
mkdir -p "$out.tmp"
"$trim" -p -d "$x0" -o "$out.tmp" "$cap/dtb" "$ram@0x40000000" >/dev/null
"$trim" -p "$cap/dtb" "$ram@0x40000000" >"$out.tmp/expected.txt"
cp "$cap/dtb" "$cap/kho-out.fdt" "$cap/memblock-reserved.txt" "$cap/reserve-mem.txt" "$out.tmp/"
rmem=$(cut -d" " -f1 "$cap/reserve-mem.txt")
pieces=$(cd "$out.tmp" && echo ram@*.bin)
cat >"$out.tmp/README" <<TXT
Linux 7.3.4 -> Linux KHO handover (kho-v4), QEMU arm64 virt, 1 GiB RAM at 0x40000000,
captured by scripts/testbed/capture.sh; regenerate with 'make testbed-vector' (mk/testbed.mk).
kernel 1 command line: kho=on reserve_mem=4M:4K:khotest liveupdate=on (plus a LUO memfd of 2 MiB)
dtb                        DTB kernel 1 passed to the next stage, at $x0 (x0)
ram@0x<addr>.bin           RAM at <addr>, only the pages the handover references: $pieces
kho-out.fdt                the KHO FDT (same bytes as in RAM at /chosen/linux,kho-fdt)
memblock-reserved.txt      kernel 2's /sys/kernel/debug/memblock/reserved; RSV_NIT = preserved
reserve-mem.txt            the reserve_mem region 'khotest' as "0x<start> 0x<end> reserve_mem:khotest"
expected.txt               decode by scripts/testbed/khot-trim -p: "0x<start> 0x<end> <kind>",
                           end exclusive; the reserve_mem region 'khotest' is at $rmem
All files but README are xz-compressed.
TXT
for f in "$out.tmp"/*; do
	[ "$(basename "$f")" = README ] || xz -9e "$f"
done
rm -rf "$out"
mv "$out.tmp" "$out"
echo "vector: $(du -cb "$out"/* | tail -n 1 | cut -f1) bytes in $out ($(ls "$out" | wc -l) files)"
