#!/bin/sh
# Firmware in the middle of a live update: Linux 7.3 (kho=on, a reserve_mem
# region and a LUO memfd, both filled with patterns) kexecs into the khofw stage
# with kernel 2 in a payload container as the kexec initrd; the stage forwards
# the hand-over, adds its own log (reserve_mem 'khofw_log') and DMA buffer, and
# kernel 2 checks everything byte for byte (PASS lines from /init).
#   one hop:    Linux -> khofw -> Linux
#   three hops: Linux -> khofw -> Linux -> khofw -> Linux (content intact at the end)
# Cost: guest counter time from kernel 1's kexec to kernel 2's userspace, through
# the stage and directly, in the same run; printed, not asserted.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/test/py-free/stage/lib/e2e.sh"

image=$(tb_image)
initrd=$(tb_initrd "$image")
K1="console=ttyAMA0 panic=-1 kho=on reserve_mem=4M:4K:khotest liveupdate=on khotest.stage=1"
FW="khotest.fwlog=0x6b686f66776c6f67 khotest.fwdma=0x6b686f6677646d61"

# Seconds from the first "khot-time: kexec" to the next "khot-time: userspace".
hop_time() {
	tr -d '\r' <"$1" | awk '/^khot-time: kexec/ && !k { k = $3 }
		/^khot-time: userspace/ && k && !u { u = $3 } END { if (k && u) printf "%.3f", u - k }'
}

tb_run() { # NAME APPEND
	name=$1 log=$build/testbed/$1.log
	echo "== $test_name: $name"
	"$tb/qemu-run.sh" -n "$name" -a "$2" -t 180 "$image" "$initrd" || fails=$((fails + 1))
}

tb_run forward-direct "$K1 khotest.next=linux"
direct=$(hop_time "$log")

tb_run forward-1 "$K1 khotest.next=khofw $FW"
via=$(hop_time "$log")
check "the stage took the incoming v4 hand-over" grep -q "khofw: incoming hand-over v4" "$log"
check "kernel 2 logged 'KHO: found kexec handover data'" grep -q "KHO: found kexec handover data" "$log"
check "kernel 2 revived 'khotest' (kernel 1's)" grep -q "Revived memory reservation 'khotest' from KHO" "$log"
check "kernel 2 revived 'khofw_log' (the stage's)" grep -q "Revived memory reservation 'khofw_log' from KHO" "$log"
check "kernel 2 got the LUO data" grep -q "luo: Retrieved live update data" "$log"
check "9 checks in kernel 2 passed" test "$(tr -d '\r' <"$log" | grep -c '^PASS: ')" -eq 9
rsv=$out/forward-1.memblock-reserved.txt
if tb_extract "$log" memblock-reserved "$rsv"; then
	start=$(tr -d '\r' <"$log" | sed -n "s/.*reserve_mem 'khotest' content intact ([^ ]* bytes at \(0x[0-9a-f]*\)).*/\1/p" | head -n 1)
	check "RSV_NIT covers reserve_mem 'khotest' at ${start:-?}" \
		tb_covered "$rsv" "${start:-0}" "$(printf '0x%x' $((${start:-0} + 0x400000)))" RSV_NIT
else
	check "kernel 2 printed its memblock reserved list" false
fi

tb_run forward-3 "$K1 khotest.next=khofw khotest.hops=2 $FW"
check "two stage hops took incoming hand-overs" \
	test "$(grep -c 'khofw: incoming hand-over v4' "$log")" -eq 2
check "the last kernel found the hand-over" \
	test "$(grep -c 'KHO: found kexec handover data' "$log")" -eq 2
check "18 checks in kernels 2 and 3 passed, none failed" \
	test "$(tr -d '\r' <"$log" | grep -c '^PASS: ')" -eq 18
check "the second hop adopted the firmware log the first one handed over" \
	grep -q "khofw: firmware buffer log@70000000 .* log (adopted from the incoming hand-over)" "$log"

if [ -n "$direct" ] && [ -n "$via" ]; then
	echo "   cost: kexec -> kernel 2 userspace: direct ${direct}s, through khofw ${via}s," \
		"ratio $(awk "BEGIN { printf \"%.2f\", $via / $direct }")"
fi
e2e_done
