#!/bin/sh
# The stage boots on its own in QEMU virt as a Linux Image (-kernel: QEMU loads
# it 2 MiB into RAM and passes x0 = DTB), at EL1 and at EL2
# (virtualization=on): banner with the EL it runs at, the DT, the memory banks,
# MMU on, and the weak stage_run()'s "no payload", every line timestamped.
. "$(dirname "$0")/lib/smoke.sh"

for el in 1 2; do
	machine=virt
	[ $el -eq 2 ] && machine=virt,virtualization=on
	smoke_qemu boot-el$el 20 'khofw: no payload|panic|exception' \
		-M $machine -m 1G -kernel "$stage_bin"
	show_log
	expect "banner at EL$el" "^\[ *[0-9]+\.[0-9]{6}\] khofw .* at EL$el, CNTFRQ [1-9][0-9]* Hz$"
	expect "loaded 2 MiB into RAM, x0 = DTB" "khofw: image 0x40200000-0x4[0-9a-f]{7}, x0 0x4[0-9a-f]{7}$"
	expect "device tree checked" "khofw: dt 0x4[0-9a-f]{7}, [0-9]+ bytes$"
	expect "memory bank listed" "khofw: memory bank 0: 0x40000000-0x80000000 \(1024 MiB\)$"
	expect "MMU on" "^\[ *[0-9]+\.[0-9]{6}\] khofw: MMU on$"
	expect "weak stage_run reached" "^\[ *[0-9]+\.[0-9]{6}\] khofw: no payload$"
	reject "no panic, no exception" "panic|exception"
done
smoke_done
