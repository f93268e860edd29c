#!/bin/sh
# The AArch32 stage (configs/qemu_virt_arm_defconfig) in qemu-system-arm -M virt
# -cpu cortex-a15, without a payload:
#  - the file: a zImage header QEMU and other loaders take (nop slide, branch,
#    magic, start 0, end = file size, little endian, KLSZ tag with the whole
#    footprint), an ELF whose only dynamic relocations are R_ARM_RELATIVE;
#  - -kernel in SVC and in HYP (virtualization=on): banner with the mode (EL1 =
#    SVC, EL2 = HYP), r2 = DTB, the memory bank, MMU on, no payload;
#  - khofw.fault=1 in both modes: the vectors' register dump (UND mode in SVC,
#    HSR EC 0 in HYP) and halt;
#  - position independence: the generic loader at other addresses, DTB found at
#    the start of RAM.
STAGE_CONFIG=${STAGE_CONFIG:-qemu_virt_arm}
SMOKE_QEMU="qemu-system-arm -cpu cortex-a15"
. "$(dirname "$0")/lib/smoke.sh"
cross=arm-none-eabi-

u32() { od -An -v -t u4 -j "$1" -N 4 "$stage_bin" | tr -d ' '; }
check() { # DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@"; then echo "   ok:   $d"; else
		echo "   FAIL: $d"
		fails=$((fails + 1))
	fi
}
sym() { printf '%d' "0x$(${cross}nm "$stage_elf" | sed -n "s/ [A-Za-z] $1\$//p")"; }

echo "-- zImage header of $stage_bin"
od -An -t x4 -N 96 "$stage_bin" | sed 's/^/   | /'
file_size=$(wc -c <"$stage_bin")
table=$(u32 56)
check "nop slide (mov r0, r0) at 0x00-0x1c" test "$(u32 0)" -eq $((0xe1a00000))
check "a branch (B) at 0x20" test $(($(u32 32) & 0xff000000)) -eq $((0xea000000))
check "magic 0x016f2818 at 0x24" test "$(u32 36)" -eq $((0x016f2818))
check "start 0: position independent" test "$(u32 40)" -eq 0
check "end = file size ($file_size)" test "$(u32 44)" -eq "$file_size"
check "little endian flag 0x04030201" test "$(u32 48)" -eq $((0x04030201))
check "table magic 0x45454545" test "$(u32 52)" -eq $((0x45454545))
check "KLSZ tag in the table" test "$(u32 $((table + 4)))" -eq $((0x5a534c4b))
check "KLSZ size = __image_end (bss, stacks, pools)" \
	test "$(u32 "$(u32 $((table + 8)))")" -eq "$(sym __image_end)"
check "vectors 32-byte aligned" test $(($(sym arm_vectors) % 32)) -eq 0
others=$(${cross}readelf -rW "$stage_elf" | grep '^[0-9a-f]\{8\} ' | grep -vc 'R_ARM_RELATIVE' || true)
relocs=$(${cross}readelf -rW "$stage_elf" | grep -c '^[0-9a-f]\{8\} ' || true)
echo "   $relocs dynamic relocations, $others not R_ARM_RELATIVE"
check "only R_ARM_RELATIVE relocations" test "$others" -eq 0
check "position-independent executable, entry 0" \
	sh -c "${cross}readelf -h '$stage_elf' | grep -q 'DYN (Position-Independent' &&
		${cross}readelf -h '$stage_elf' | grep -q 'Entry point address: *0x0$'"
log=/dev/null

for el in 1 2; do
	machine=virt mode=SVC
	[ $el -eq 2 ] && machine=virt,virtualization=on mode=HYP
	smoke_qemu arm-boot-el$el 20 'khofw: no payload|panic|exception' \
		-M $machine -m 1G -kernel "$stage_bin"
	show_log
	expect "banner in $mode (EL$el)" "^\[ *[0-9]+\.[0-9]{6}\] khofw .* \(qemu-virt-arm, arm\) at EL$el, CNTFRQ [1-9][0-9]* Hz$"
	expect "loaded at 0x40010000 (QEMU's zImage address), r2 = DTB" \
		"khofw: image 0x40010000-0x4[0-9a-f]{7}, x0 0x4[0-9a-f]{7}$"
	expect "device tree checked" "khofw: dt 0x4[0-9a-f]{7}, [0-9]+ bytes$"
	expect "memory bank listed" "khofw: memory bank 0: 0x40000000-0x80000000 \(1024 MiB\)$"
	expect "MMU on" "^\[ *[0-9]+\.[0-9]{6}\] khofw: MMU on$"
	expect "board firmware buffers read" "khofw: firmware buffer dma@68200000 0x68200000-0x68203000 dma non-coherent$"
	expect "no payload" "khofw: no payload$"
	reject "no panic, no exception" "panic|exception"

	smoke_qemu arm-fault-el$el 20 'khofw: halted|panic' \
		-M $machine -m 1G -kernel "$stage_bin" -append "khofw.fault=1"
	show_log 6 20
	expect "fault announced with the MMU on" "khofw.fault=1: executing an undefined instruction"
	if [ $el -eq 1 ]; then
		expect "undefined instruction taken to UND" "^khofw: undefined instruction exception in UND mode \(from SVC\)$"
		expect "DFSR/DFAR line" "^ dfsr [0-9a-f]{8}  dfar [0-9a-f]{8}$"
	else
		expect "undefined instruction taken to HYP" "^khofw: undefined instruction exception in HYP mode \(from HYP\)$"
		expect "HSR EC 0" "^ hsr 00000000  EC 0x00: unknown / undefined instruction  far [0-9a-f]{8}$"
	fi
	expect "r0..r3 line" "^ r0  [0-9a-f]{8}  r1  [0-9a-f]{8}  r2  [0-9a-f]{8}  r3  [0-9a-f]{8}$"
	expect "r12 and SP in the stage's stack" "^ r12 [0-9a-f]{8}  sp  400[0-9a-f]{5}$"
	expect "PC in the image, Thumb state" "^ lr  [0-9a-f]{8}  pc  4001[0-9a-f]{4}  cpsr [0-9a-f]{6}[fF][0-9a-f]$"
	expect "halted" "^khofw: halted$"
	reject "no panic" "panic"
done

run() { # NAME MACHINE MEM ADDR
	smoke_qemu "$1" 20 'khofw: no payload|panic|exception' -M "$2" -m "$3" \
		-device "loader,file=$stage_bin,addr=$4,cpu-num=0"
	show_log 1 5
	expect "runs at $4" "khofw: image $4-0x[0-9a-f]+, x0 0x0$"
	expect "DTB found at the start of RAM" "khofw: dt 0x40000000, [0-9]+ bytes$"
	expect "MMU on" "khofw: MMU on$"
	expect "no payload" "khofw: no payload$"
	reject "no panic, no exception" "panic|exception"
}
run arm-reloc-svc-0x4c000000 virt 1G 0x4c000000
run arm-reloc-hyp-0x7fc00000 virt,virtualization=on 1G 0x7fc00000
smoke_done
