#!/bin/sh
# The hand-over path without a payload container: the test bed's Linux Image is
# loaded at 0x40400000 by QEMU's generic loader and khofw.jump=0x40400000 makes
# the stage enter it per the boot protocol (MMU and caches off, x0 = DTB) at the
# EL the stage runs at. Linux must boot and report that EL.
. "$(dirname "$0")/lib/smoke.sh"

image=${KHOT_IMAGE:-$(KHOFW_CACHE=${KHOFW_CACHE:-$HOME/.cache/khofw} \
	"$top/scripts/testbed/build-linux.sh")}
[ -f "$image" ] || { echo "$test_name: no Linux Image" >&2; exit 1; }

for el in 1 2; do
	machine=virt
	[ $el -eq 2 ] && machine=virt,virtualization=on
	smoke_qemu linux-el$el 20 'CPU\(s\) started at EL|Kernel panic|khofw: panic|exception' \
		-M $machine -m 1G -kernel "$stage_bin" \
		-device "loader,file=$image,addr=0x40400000" \
		-append "khofw.jump=0x40400000 console=ttyAMA0 earlycon panic=-1"
	show_log 1 8
	expect "stage jumps at EL$el" "khofw: khofw.jump: entering 0x40400000 at EL$el, x0 = dt 0x4[0-9a-f]{7}$"
	expect "Linux boots" "Booting Linux on physical CPU"
	expect "Linux found the DT's memory" "Memory: [0-9]+K/1048576K available"
	expect "Linux entered at EL$el" "CPU: All CPU\(s\) started at EL$el$"
	reject "no stage panic or exception" "khofw: panic|exception \(current EL"
done
smoke_done
