#!/bin/sh
# khotool check: exit 0 and one "ok" line for every valid reference handover;
# exit 1 with libkho's error and the failing stage for corrupted ones.
. "$(dirname "$0")/lib/common.sh"

layout 0x40000000

# check_img NAME [OPTIONS]: khotool check on handover NAME.
check_img() {
	_img=$1
	shift
	kt check --dtb "$TMP/$_img.dtb" --ram "$TMP/$_img.img@$B" "$@"
}

# expect_invalid MESSAGE: exit 1, exactly this stderr line, nothing on stdout.
expect_invalid() {
	kt_expect_rc 1
	expect_eq stderr "$(cat "$TMP/err")" "khotool: check: $1"
	[ -s "$TMP/out" ] && t_fail "stdout not empty: $(cat "$TMP/out")"
}

for abi in v1-512 v1-4k v1-4k-nz v3 v4; do
	gen "$abi" "$abi"
	handover_info "$abi"
	n=$(blocks "$abi" | wc -l)
	t_begin "check $abi: valid handover, --abi $abi"
	check_img "$abi" --abi "$abi"
	kt_expect_rc 0
	expect_eq stdout "$(cat "$TMP/out")" "ok: $abi $n preserved blocks"
	[ -s "$TMP/err" ] && t_fail "stderr not empty: $(cat "$TMP/err")"
	t_end
	t_begin "check $abi: valid handover, --abi auto"
	check_img "$abi"
	kt_expect_rc 0
	want=$abi
	[ "$abi" = v1-4k-nz ] && want=v1-4k
	expect_eq stdout "$(cat "$TMP/out")" "ok: $want $n preserved blocks"
	t_end
done

# Corruptions, each on a fresh copy of a reference image.
fresh() {
	cp "$TMP/$1.img" "$TMP/bad.img"
	cp "$TMP/$1.dtb" "$TMP/bad.dtb"
	handover_info "$1"
}

t_begin "check: bad KHO FDT magic"
fresh v4
poke "$TMP/bad.img" $((KFDT - B)) 0 0 0 0
check_img bad
expect_invalid "KHO FDT header is invalid (stage: open)"
t_end

t_begin "check: radix table entry pointing outside RAM"
fresh v4
poke64 "$TMP/bad.img" $((MAPROOT - B + 8)) 0x1000 # root slot 1: order-1 keys
check_img bad
expect_invalid "pointer outside RAM (stage: protect)"
t_end

t_begin "check: radix tree cycle (root slot pointing at the root)"
fresh v4
poke64 "$TMP/bad.img" $((MAPROOT - B + 8)) "$MAPROOT"
check_img bad
expect_invalid "memory map page reached twice (cycle) (stage: protect)"
t_end

t_begin "check: radix table entry pointing at RAM outside the dump"
fresh v3
poke64 "$TMP/bad.img" $((MAPROOT - B + 8)) $((B + 0x4000000 - P))
kt check --dtb "$TMP/bad.dtb" --ram "$TMP/bad.img@$B" --abi v3
kt_expect_rc 0 # the last page of RAM is in the dump: it reads as an empty table
dd if="$TMP/bad.img" of="$TMP/short.img" bs=1M count=63 status=none
kt check --dtb "$TMP/bad.dtb" --ram "$TMP/short.img@$B"
expect_invalid "address in RAM but not readable (stage: protect)"
t_end

t_begin "check: v1 chunk next pointing outside RAM"
fresh v1-4k
poke64 "$TMP/bad.img" $((MAPROOT - B)) 0x1000 # hdr.next of the list head
check_img bad --abi v1-4k
expect_invalid "pointer outside RAM (stage: protect)"
check_img bad
expect_invalid "pointer outside RAM (stage: open)" # auto reads the chunks to guess
t_end

t_begin "check: v1 chunk list cycle"
fresh v1-512
poke64 "$TMP/bad.img" $((MAPROOT - B)) "$MAPROOT"
check_img bad --abi v1-512
expect_invalid "memory map page reached twice (cycle) (stage: protect)"
t_end

t_begin "check: v1 chunk num_elms over 255"
fresh v1-4k
poke "$TMP/bad.img" $((MAPROOT - B + 12)) 0 1 0 0
check_img bad --abi v1-4k
expect_invalid "element count over capacity (stage: protect)"
t_end

t_begin "check: scratch area over preserved memory"
fresh v4
poke64 "$TMP/bad.img" $((S1 - B + 32)) "$RES_START" # third entry (S2) moved
check_img bad
expect_invalid "ranges overlap (stage: protect)"
t_end

t_begin "check: scratch area not aligned for the ABI"
fresh v4
poke64 "$TMP/bad.img" $((S1 - B + 32)) $((S2 + 0x200000))
check_img bad
expect_invalid "scratch area misaligned (stage: open)"
t_end

# set_map_root VALUE: rewrite preserved-memory-map in bad.img's KHO FDT, in place.
set_map_root() {
	dd if="$TMP/bad.img" of="$TMP/kfdt" bs="$P" skip=$(((KFDT - B) / P)) count=1 status=none
	fdtput -t bx "$TMP/kfdt" / preserved-memory-map $(i=0; while [ $i -lt 8 ]; do
		printf '%x ' $((($1 >> (8 * i)) & 255)); i=$((i + 1)); done)
	dd if="$TMP/kfdt" of="$TMP/bad.img" bs="$P" seek=$(((KFDT - B) / P)) conv=notrunc \
		status=none
}

t_begin "check: preserved-memory-map 0 is rejected by v4"
fresh v4
set_map_root 0
check_img bad
expect_invalid "preserved-memory-map is 0, which this ABI rejects (stage: open)"
t_end

t_begin "check: preserved-memory-map 0 is accepted by v1-4k, rejected by v1-4k-nz"
fresh v1-4k
set_map_root 0
check_img bad --abi v1-4k
kt_expect_rc 0
expect_eq stdout "$(cat "$TMP/out")" "ok: v1-4k 0 preserved blocks"
check_img bad --abi v1-4k-nz
expect_invalid "preserved-memory-map is 0, which this ABI rejects (stage: open)"
t_end

t_begin "check: preserved-memory-map pointing outside RAM"
fresh v4
set_map_root 0x1000
check_img bad
expect_invalid "pointer outside RAM (stage: protect)"
t_end

t_begin "check: scratch array length not a multiple of 16"
fresh v4
fdtput -t x "$TMP/bad.dtb" /chosen linux,kho-scratch 0 "$(printf %x "$S1")" 0 0x28
check_img bad
expect_invalid "scratch array malformed (stage: open)"
t_end

t_begin "check: sub-blob pointing outside RAM"
gen blob v4 -X "stray:0x1000:0x1000"
check_img blob
expect_invalid "pointer outside RAM (stage: blobs)"
t_end

t_begin "check: a named ABI that is not the handover's"
check_img v4 --abi v3
expect_invalid "KHO FDT compatible is not a known ABI (stage: open; --abi v3 expects \"kho-v3\")"
check_img v3 --abi v1-4k
expect_invalid "KHO FDT compatible is not a known ABI (stage: open; --abi v1-4k expects \"kho-v1\")"
t_end

t_begin "check: DT without a handover in /chosen"
dtc -q -I dts -O dtb -o "$TMP/nochosen.dtb" - <<EOF
/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x4000000>; };
};
EOF
kt check --dtb "$TMP/nochosen.dtb" --ram "$TMP/v4.img@$B"
expect_invalid "no KHO handover in /chosen (stage: open)"
t_end

t_begin "check: /chosen pointing at a KHO FDT outside RAM"
fresh v4
fdtput -t x "$TMP/bad.dtb" /chosen linux,kho-fdt 0 0x1000 0 0x1000
check_img bad
expect_invalid "pointer outside RAM (stage: open)"
t_end

t_done
