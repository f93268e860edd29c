#!/bin/sh
# Position independence: the same khofw.bin started by QEMU's generic loader
# (PC = load address, x0 = 0, DTB at the start of RAM) at addresses other than
# -kernel's, below and above 4 GiB, at EL1 and EL2. The stage relocates itself,
# finds the DTB by the board's fallback and gets as far as with -kernel.
. "$(dirname "$0")/lib/smoke.sh"

run() { # NAME MACHINE MEM ADDR
	smoke_qemu "$1" 20 'khofw: no payload|panic|exception' -M "$2" -m "$3" \
		-device "loader,file=$stage_bin,addr=$4,cpu-num=0"
	show_log
	expect "runs at $4" "khofw: image $4-0x[0-9a-f]+, x0 0x0$"
	expect "DTB found at the start of RAM" "khofw: dt 0x40000000, [0-9]+ bytes$"
	expect "MMU on" "khofw: MMU on$"
	expect "weak stage_run reached" "khofw: no payload$"
	reject "no panic, no exception" "panic|exception"
}

run reloc-el1-0x48000000 virt 1G 0x48000000
run reloc-el2-0x7fc00000 virt,virtualization=on 1G 0x7fc00000
run reloc-el1-0x200000000 virt 8G 0x200000000
smoke_done
