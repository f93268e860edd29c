#!/bin/sh
# Cold boot with firmware-made KHO state: the stage boots the test bed's Linux
# 7.3 from a payload container (QEMU -initrd) at EL1 and at EL2. The kernel must
# accept the hand-over (its log, its memblock RSV_NIT list), revive the firmware
# log as reserve_mem, find both firmware buffers intact byte for byte, and
# report the CMA pool; the stage must have copied nothing.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/test/py-free/stage/lib/e2e.sh"

image=$(tb_image)
initrd=$(tb_initrd "$image")
pl=$out/cold.payload
"$mkpayload" -k "$image" -i "$initrd" -c "$E2E_APPEND" -o "$pl" >/dev/null

for el in 1 2; do
	machine=virt
	[ $el -eq 2 ] && machine=virt,virtualization=on
	e2e_run cold-el$el "$machine" "$stage_bin" "$pl"
	check "stage entered at EL$el" grep -q "at EL$el, CNTFRQ" "$log"
	check "stage copied nothing (container in scratch)" grep -Eq "bytes copied 0([^0-9]|$)" "$log"
	check "stage handed over kho-v4" grep -q "hand-over v4, entering the kernel" "$log"
	check "Linux started at EL$el" grep -q "CPU: All CPU(s) started at EL$el" "$log"
	e2e_kho_accepted
	e2e_buffers_reserved
	check "kernel created the CMA pool" grep -q "Reserved memory: created CMA memory pool" "$log"
done
e2e_done
