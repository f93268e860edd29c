#!/bin/sh
# khotool's RAM inputs: several partial dumps, RAM from /memory or from the files,
# RAM above 4 GiB, and the errors for dumps that cannot be used.
. "$(dirname "$0")/lib/common.sh"

layout 0x40000000
gen ref v4
handover_info ref
"$KHOTOOL" show --dtb "$TMP/ref.dtb" --ram "$TMP/ref.img@$B" >"$TMP/ref.txt"

# cut NAME FROM_MIB MIB: part of the reference image, a dump of FROM..FROM+MIB MiB.
cut() {
	dd if="$TMP/ref.img" of="$TMP/$1.img" bs=1M skip="$2" count="$3" status=none
}

# Dumps of [0, 4 MiB) and [16, 64 MiB): the hole holds only preserved blocks, which
# a reader never needs to read.
cut lo 0 4
cut hi 16 48
HI=$((B + (16 << 20)))

t_begin "ram: two partial dumps with a hole give the same show output"
kt show --dtb "$TMP/ref.dtb" --ram "$TMP/lo.img@$B" --ram "$TMP/hi.img@$HI"
kt_expect_rc 0
expect_files "show output" "$TMP/out" "$TMP/ref.txt"
kt check --dtb "$TMP/ref.dtb" --ram "$TMP/hi.img@$HI" --ram "$TMP/lo.img@$B"
kt_expect_rc 0
t_end

t_begin "ram: dumps without the map root page are rejected as unreadable"
root_page=$(((MAPROOT - B) / P))
dd if="$TMP/ref.img" of="$TMP/below.img" bs="$P" count="$root_page" status=none
dd if="$TMP/ref.img" of="$TMP/above.img" bs="$P" skip=$((root_page + 1)) status=none
kt check --dtb "$TMP/ref.dtb" --ram "$TMP/below.img@$B" --ram "$TMP/above.img@$((MAPROOT + P))"
kt_expect_rc 1
expect_eq stderr "$(cat "$TMP/err")" \
	"khotool: check: address in RAM but not readable (stage: protect)"
t_end

t_begin "ram: a DT without /memory takes the files as RAM"
gen nomem v4 -n
kt show --dtb "$TMP/nomem.dtb" --ram "$TMP/nomem.img@$B"
kt_expect_rc 0
expect_files "show output" "$TMP/out" "$TMP/ref.txt"
t_end

t_begin "ram: without /memory, preserved blocks in a hole between files are outside RAM"
dd if="$TMP/nomem.img" of="$TMP/nomem-lo.img" bs=1M count=4 status=none
dd if="$TMP/nomem.img" of="$TMP/nomem-hi.img" bs=1M skip=16 status=none
kt check --dtb "$TMP/nomem.dtb" --ram "$TMP/nomem-lo.img@$B" --ram "$TMP/nomem-hi.img@$HI"
kt_expect_rc 1
expect_eq stderr "$(cat "$TMP/err")" "khotool: check: pointer outside RAM (stage: protect)"
t_end

t_begin "ram: without /memory, the ram header lines are the files, adjacent ones too"
dd if="$TMP/nomem.img" of="$TMP/adj-lo.img" bs=1M count=4 status=none
dd if="$TMP/nomem.img" of="$TMP/adj-hi.img" bs=1M skip=4 status=none
kt show --dtb "$TMP/nomem.dtb" --ram "$TMP/adj-hi.img@$((B + (4 << 20)))" \
	--ram "$TMP/adj-lo.img@$B"
kt_expect_rc 0
printf '0x%x size 0x%x\n' $((B + (4 << 20))) $((60 << 20)) "$B" $((4 << 20)) >"$TMP/want"
header ram <"$TMP/out" >"$TMP/got"
expect_files "ram lines" "$TMP/got" "$TMP/want"
grep -v '^# ram:' "$TMP/out" >"$TMP/got"
grep -v '^# ram:' "$TMP/ref.txt" >"$TMP/want"
expect_files "the rest of the output" "$TMP/got" "$TMP/want"
t_end

t_begin "ram: --ram FILE@ADDR with ADDR in decimal, and a FILE name containing @"
cp "$TMP/ref.img" "$TMP/ram@$(hex "$B").bin"
kt show --dtb "$TMP/ref.dtb" --ram "$TMP/ram@$(hex "$B").bin@$B"
kt_expect_rc 0
expect_files "show output" "$TMP/out" "$TMP/ref.txt"
t_end

t_begin "ram: a dump read from a pipe"
kt check --dtb "$TMP/ref.dtb" --ram "/dev/stdin@$(hex "$B")" <"$TMP/ref.img"
kt_expect_rc 0
expect_eq stdout "$(cat "$TMP/out")" "ok: v4 $(blocks v4 | wc -l) preserved blocks"
t_end

t_begin "ram: overlapping --ram files are a usage error"
kt show --dtb "$TMP/ref.dtb" --ram "$TMP/lo.img@$B" --ram "$TMP/hi.img@$((B + (3 << 20)))"
kt_expect_rc 2
expect_eq stderr "$(cat "$TMP/err")" "khotool: show: --ram $TMP/hi.img@$(hex $((B + (3 << 20)))) \
overlaps --ram $TMP/lo.img@$(hex "$B")"
[ -s "$TMP/out" ] && t_fail "stdout not empty"
t_end

t_begin "ram: a dump whose end wraps past 2^64 is a usage error"
kt check --dtb "$TMP/ref.dtb" --ram "$TMP/lo.img@0xffffffffffff0000"
kt_expect_rc 2
expect_grep stderr "$TMP/err" "address range wraps"
t_end

# Everything above 4 GiB: base 0x8_8000_0000 (arm64 high RAM).
for abi in v1-4k v4; do
	t_begin "ram: $abi handover with all RAM above 4 GiB"
	layout 0x880000000
	gen "high-$abi" "$abi"
	handover_info "high-$abi"
	kt show --dtb "$TMP/high-$abi.dtb" --ram "$TMP/high-$abi.img@$(hex "$B")"
	kt_expect_rc 0
	blocks "$abi" | merge preserved >"$TMP/want"
	ranges preserved <"$TMP/out" >"$TMP/got"
	expect_files "preserved lines" "$TMP/got" "$TMP/want"
	expect_eq kho-fdt "$(header kho-fdt <"$TMP/out")" "$(hex "$KFDT") len 0x1000"
	kt check --dtb "$TMP/high-$abi.dtb" --ram "$TMP/high-$abi.img@$B"
	kt_expect_rc 0
	t_end
done

# A low bank with the handover and a second bank above 4 GiB that no file covers:
# preserved blocks there are RAM (from /memory) and need no bytes.
t_begin "ram: preserved blocks in a bank above 4 GiB that no dump covers"
layout 0x40000000
HIGH=0x100000000
gen twobank v4 -x "$HIGH:0x40000000" -p "$HIGH:18" -p "$((HIGH + 0x40000000 - 4096)):0"
handover_info twobank
kt show --dtb "$TMP/twobank.dtb" --ram "$TMP/twobank.img@$B"
kt_expect_rc 0
{
	blocks v4
	echo "$((HIGH)) $((HIGH + 0x40000000))"
} | merge preserved >"$TMP/want"
ranges preserved <"$TMP/out" >"$TMP/got"
expect_files "preserved lines" "$TMP/got" "$TMP/want"
t_end

t_begin "ram: a block past the end of the high bank is outside RAM"
gen twobank2 v4 -x "$HIGH:0x40000000" -p "$HIGH:18"
fdtput -t x "$TMP/twobank2.dtb" /memory@100000000 reg 1 0 0 0x20000000
kt check --dtb "$TMP/twobank2.dtb" --ram "$TMP/twobank2.img@$B"
kt_expect_rc 1
expect_eq stderr "$(cat "$TMP/err")" "khotool: check: pointer outside RAM (stage: protect)"
t_end

t_done
