#!/bin/sh
# Linux -> Linux KHO test on QEMU arm64. Kernel 1 boots with KHO, LUO and a
# 4 MiB reserve_mem region, fills the region and a LUO-preserved memfd with
# patterns and kexecs itself; kernel 2 verifies both byte for byte (PASS:
# lines from /init). On top of that this script asserts, from kernel 2's log,
# that the handover really happened: the KHO and reserve_mem revival messages,
# and RSV_NIT (preserved) memblock entries covering the reserve_mem region.
#
# Output: $BUILD/testbed/linux-linux.log, $BUILD/testbed/linux-linux/
#   memblock-reserved.txt (kernel 2's /sys/kernel/debug/memblock/reserved).
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
tb=$top/scripts/testbed
. "$tb/lib.sh"
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
export BUILD=$build
out=$build/testbed/linux-linux
log=$build/testbed/linux-linux.log
RMEM_SIZE=0x400000
APPEND="console=ttyAMA0 panic=-1 kho=on reserve_mem=4M:4K:khotest liveupdate=on khotest.stage=1"

image=${KHOT_IMAGE:-$("$tb/build-linux.sh")}
initrd=${KHOT_INITRD:-$("$tb/build-initramfs.sh" "$image")}
mkdir -p "$out"

rc=0
"$tb/qemu-run.sh" -n linux-linux -a "$APPEND" -t 300 "$image" "$initrd" || rc=1

fails=0
check() { # DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@"; then echo "   ok:   $d"; else echo "   FAIL: $d"; fails=$((fails + 1)); fi
}
k2=$out/kernel2.log
tb_kernel_log "$log" 1 >"$out/kernel1.log"
tb_kernel_log "$log" 2 >"$k2"
echo "== linux-linux: handover evidence in kernel 2's log"
check "kernel 2 booted" test -s "$k2"
for msg in 'KHO: found kexec handover data' "Revived memory reservation 'khotest' from KHO"; do
	check "kernel 2 logged \"$msg\"" grep -q "$msg" "$k2"
	grep "$msg" "$k2" | sed 's/^/         /' || true
done
grep 'KHO: exec from\|liveupdate: Retrieved\|LUO: Retrieved' "$k2" | sed 's/^/         /' || true

rmem1=$(sed -n "s/^khotest: reserve_mem 'khotest' at \(0x[0-9a-f]*\) .*/\1/p" "$out/kernel1.log" | head -n 1)
rmem2=$(sed -n "s/^khotest: reserve_mem 'khotest': .* kernel 2 \(0x[0-9a-f]*\), .*/\1/p" "$k2" | head -n 1)
echo "   reserve_mem 'khotest': kernel 1 ${rmem1:-?}, kernel 2 ${rmem2:-?}"
check "reserve_mem region at the same address in both kernels" \
	test -n "$rmem1" -a "$rmem1" = "$rmem2"

if tb_extract "$log" memblock-reserved "$out/memblock-reserved.txt"; then
	end=$(printf '0x%x' $((rmem1 + RMEM_SIZE)))
	check "kernel 2 memblock: RSV_NIT entries cover reserve_mem [$rmem1, $end)" \
		tb_covered "$out/memblock-reserved.txt" "$rmem1" "$end" RSV_NIT
	grep RSV_NIT "$out/memblock-reserved.txt" | sed 's/^/         /'
else
	check "kernel 2 printed its memblock reserved list" false
fi

if [ $rc -ne 0 ] || [ $fails -ne 0 ]; then
	echo "== linux-linux: FAILED"
	exit 1
fi
echo "== linux-linux: PASS"
