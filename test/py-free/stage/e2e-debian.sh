#!/bin/sh
# Debian's stock arm64 kernel (bookworm, no KHO) boots through the same stage:
# mkpayload finds no KHO compatible in the Image, so the stage hands the firmware
# buffers over as /reserved-memory (the non-coherent DMA buffer no-map) and passes
# no KHO state. The kernel must boot to /init, list the buffers as reserved, and
# the no-map DMA buffer must read back intact through /dev/mem.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/test/py-free/stage/lib/e2e.sh"

image=$(debian_image)
initrd=$(tb_initrd "$(tb_image)")
pl=$out/debian.payload
append="console=ttyAMA0 panic=-1 khotest.stage=fw khotest.kho=0 khotest.fw=$E2E_DMA"
"$mkpayload" -k "$image" -i "$initrd" -c "$append" -o "$pl" >/dev/null
check "mkpayload found no KHO in Debian's kernel" \
	sh -c "'$mkpayload' -k '$image' -o '$out/probe.payload' | grep -q 'KHO none'"

e2e_run debian virt "$stage_bin" "$pl"
check "stage handed over without KHO" grep -q "hand-over reserved-memory only" "$log"
check "Debian's kernel booted" grep -q "Linux version 6.1" "$log"
check "kernel did not see a KHO hand-over" sh -c "! grep -q 'KHO: found' '$log'"
check "log buffer reserved (/reserved-memory)" grep -q "70000000-700fffff : reserved" "$log"
# A no-map region splits the early memory ranges and is "reserved" in /proc/iomem.
check "DMA buffer reserved no-map (its own early memory range)" \
	grep -q "node   0: \[mem 0x0000000070200000-0x0000000070202fff\]" "$log"
check "DMA buffer listed reserved in /proc/iomem" grep -q "70200000-70202fff : reserved" "$log"
e2e_done
