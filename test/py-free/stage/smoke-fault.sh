#!/bin/sh
# khofw.fault=1 makes the stage execute an undefined instruction with the MMU
# on: the vectors of the running EL (VBAR_EL1 or VBAR_EL2) print every register,
# ESR with EC 0 and the EL, and halt.
. "$(dirname "$0")/lib/smoke.sh"

for el in 1 2; do
	machine=virt
	[ $el -eq 2 ] && machine=virt,virtualization=on
	smoke_qemu fault-el$el 20 'khofw: halted|panic' \
		-M $machine -m 1G -kernel "$stage_bin" -append "khofw.fault=1"
	show_log
	expect "MMU on before the fault" "khofw: MMU on$"
	expect "fault announced" "khofw.fault=1: executing an undefined instruction"
	expect "synchronous exception at EL$el" "^khofw: synchronous exception \(current EL, SPx\) at EL$el$"
	expect "x0..x3 line" "^ x0  [0-9a-f]{16}  x1  [0-9a-f]{16}  x2  [0-9a-f]{16}  x3  [0-9a-f]{16}$"
	expect "x28..x30 and SP" "^ x28 [0-9a-f]{16}  x29 [0-9a-f]{16}  x30 [0-9a-f]{16}  sp  0000000040[0-9a-f]{6}$"
	expect "ELR in the image, SPSR, FAR" "^ elr 0000000040[23][0-9a-f]{5}  spsr [0-9a-f]{8}  far [0-9a-f]{16}$"
	expect "ESR: EC 0, undefined instruction" "^ esr 02000000  EC 0x00: unknown / undefined instruction$"
	expect "halted" "^khofw: halted$"
	reject "no panic" "panic"
done
smoke_done
