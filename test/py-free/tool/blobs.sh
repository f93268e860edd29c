#!/bin/sh
# khotool blobs: each sub-blob, and the decode of memblock, kexec-metadata,
# dma-alloc and LUO. Expected values are the generator's inputs; malformed blobs
# are made by poking bytes and must give an error line and exit 1, never a crash.
. "$(dirname "$0")/lib/common.sh"

layout 0x40000000
LUO=$((B + 0x1800000)) # a LUO blob and its session blocks: free RAM of the layout

# blobs_of NAME [OPTIONS]: khotool blobs on handover NAME.
blobs_of() {
	_n=$1
	shift
	kt blobs --dtb "$TMP/$_n.dtb" --ram "$TMP/$_n.img@$B" "$@"
}

# decoded NAME: the lines of blob NAME's decode (after its blob line).
decoded() {
	awk -v n="$1" '/^blob / { on = $2 == n; next } on' "$TMP/out"
}

# expect_error MESSAGE: exit 1 and this error line in the output.
expect_error() {
	kt_expect_rc 1
	grep -qxF "    error: $1" "$TMP/out" ||
		t_fail "no line '    error: $1' in: $(grep error "$TMP/out" | head -c 300)"
	expect_grep stderr "$TMP/err" "khotool: blobs: "
}

# bare NAME [MKHANDOVER ARGS]: a handover with only what ARGS add (and scratch).
bare() {
	_n=$1
	shift
	"$MKHANDOVER" -a v4 -b "$B" -o "$TMP/$_n.img" -d "$TMP/$_n.dtb" -S "$S1:$S1_SIZE" "$@"
}

gen ref v4
handover_info ref

t_begin "blobs: one blob line per sub-blob, in KHO FDT order"
blobs_of ref
kt_expect_rc 0
while read -r n p s; do
	printf 'blob %s 0x%x size 0x%x\n' "$n" "$p" "$s"
done <"$BLOBS" >"$TMP/want"
grep '^blob ' "$TMP/out" >"$TMP/got"
expect_files "blob lines" "$TMP/got" "$TMP/want"
[ -s "$TMP/err" ] && t_fail "stderr not empty: $(cat "$TMP/err")"
t_end

t_begin "blobs: memblock gives the reserve_mem region handed over"
expect_eq decode "$(decoded memblock)" \
	"    reserve-mem ramoops start $(hex "$RES_START") size $(hex "$RES_SIZE")"
t_end

t_begin "blobs: kexec-metadata gives version, release and kexec count"
expect_eq decode "$(decoded kexec-metadata)" "    kexec-metadata version 1 release 7.3.4 count 2"
t_end

t_begin "blobs: dma-alloc gives each entry"
expect_eq decode "$(decoded dma-alloc)" \
	"    dma-alloc page_phys $(hex "$DMA_PHYS") size $(hex "$DMA_SIZE") attrs 0x0 force_decrypted 0"
t_end

t_begin "blobs: kho-v1 memblock (a sub-FDT by the fdt property) decodes the same"
gen v1 v1-4k
blobs_of v1
kt_expect_rc 0
expect_eq decode "$(decoded memblock)" \
	"    reserve-mem ramoops start $(hex "$RES_START") size $(hex "$RES_SIZE")"
t_end

t_begin "blobs: a blob of another name gets only its blob line"
gen other v4 -X "vendor:$LUO:0x40"
blobs_of other
kt_expect_rc 0
expect_eq "vendor blob" "$(grep '^blob vendor ' "$TMP/out")" "blob vendor $(hex "$LUO") size 0x40"
expect_eq "vendor decode" "$(decoded vendor)" ""
t_end

# ------------------------------------------------------------------- LUO

# luo_want N: the decode of a LUO blob with N sessions from mkhandover -L: a
# header, session-<i> with i % 4 files, 51 to a block.
luo_want() {
	printf '    luo compatible luo-v5 liveupdate_num 1 sessions_pa 0x%x flbs_pa 0x0\n' \
		$((LUO + P))
	i=0
	while [ $i -lt "$1" ]; do
		echo "    luo-session session-$i files $((i % 4))"
		i=$((i + 1))
	done
	echo "    luo-sessions $1 blocks $((($1 + 50) / 51))"
}

gen luo v4 -L "130:$LUO"
B1=$((LUO + P)) B2=$((LUO + 2 * P)) B3=$((LUO + 3 * P))

t_begin "blobs: LUO header and all sessions, over three kho_block pages"
blobs_of luo
kt_expect_rc 0
luo_want 130 >"$TMP/want"
decoded LUO >"$TMP/got"
expect_files "LUO decode" "$TMP/got" "$TMP/want"
t_end

t_begin "blobs: LUO without sessions"
gen luo0 v4 -L "0:$LUO"
blobs_of luo0
kt_expect_rc 0
expect_eq decode "$(decoded LUO)" "    luo compatible luo-v5 liveupdate_num 1 sessions_pa 0x0 flbs_pa 0x0
    luo-sessions 0 blocks 0"
t_end

# bad: a fresh copy of handover luo to corrupt.
bad() {
	cp "$TMP/luo.img" "$TMP/bad.img"
	cp "$TMP/luo.dtb" "$TMP/bad.dtb"
}

t_begin "blobs: a LUO session chain that loops to itself is caught"
bad
poke64 "$TMP/bad.img" $((B1 - B)) "$B1"
blobs_of bad
expect_error "LUO: session chain loops back to block $(hex "$B1")"
expect_eq "sessions printed" "$(grep -c 'luo-session ' "$TMP/out")" 51
t_end

t_begin "blobs: a LUO session chain that loops back further is caught"
bad
poke64 "$TMP/bad.img" $((B3 - B)) "$B2"
blobs_of bad
kt_expect_rc 1
grep -q '^    error: LUO: session chain loops back to block ' "$TMP/out" ||
	t_fail "no loop reported: $(tail -n 2 "$TMP/out")"
t_end

t_begin "blobs: a session block with count 0 is rejected"
bad
poke64 "$TMP/bad.img" $((B2 - B + 8)) 0
blobs_of bad
expect_error "LUO: session block $(hex "$B2"): count 0, not 1..51"
t_end

t_begin "blobs: a session block with count over capacity is rejected"
bad
poke64 "$TMP/bad.img" $((B1 - B + 8)) 52
blobs_of bad
expect_error "LUO: session block $(hex "$B1"): count 52, not 1..51"
t_end

t_begin "blobs: a session block pointer outside RAM is rejected"
bad
poke64 "$TMP/bad.img" $((LUO - B + 16)) 0x1000
blobs_of bad
expect_error "LUO: session block 0x1000: pointer outside RAM"
t_end

t_begin "blobs: a session block pointer that is not page aligned is rejected"
bad
poke64 "$TMP/bad.img" $((LUO - B + 16)) $((B1 + 8))
blobs_of bad
expect_error "LUO: session block $(hex $((B1 + 8))): not page aligned"
t_end

t_begin "blobs: a LUO blob with another compatible is rejected"
bad
poke "$TMP/bad.img" $((LUO - B + 5)) 52 # luo-v5 -> luo-v4
blobs_of bad
expect_error "LUO: compatible is not luo-v5"
t_end

# A chain of 10001 one-session blocks: longer than the kernel's KHO_MAX_BLOCKS.
t_begin "blobs: a LUO session chain over 10000 blocks stops there"
mkhandover_long() {
	"$MKHANDOVER" -a v4 -b "$B" -s $((128 << 20)) -o "$TMP/long.img" -d "$TMP/long.dtb" \
		-S "$S1:$S1_SIZE" -L "$((51 * 10001)):$((B + 0x3400000))"
}
mkhandover_long || t_fail "mkhandover failed"
kt blobs --dtb "$TMP/long.dtb" --ram "$TMP/long.img@$B"
expect_error "LUO: session chain longer than 10000 blocks"
t_end

# --------------------------------------------------------- bad blob sizes

t_begin "blobs: kexec-metadata shorter than 73 bytes is an error, not a crash"
bare md -X "kexec-metadata:$LUO:0x10"
blobs_of md
expect_error "kexec-metadata: size 0x10, needs 73 bytes"
t_end

t_begin "blobs: kexec-metadata with an unknown version or unterminated release"
bare md2 -X "kexec-metadata:$LUO:73"
poke "$TMP/md2.img" $((LUO - B)) 2
i=0
while [ $i -lt 65 ]; do printf x; i=$((i + 1)); done |
	dd of="$TMP/md2.img" bs=1 seek=$((LUO - B + 4)) conv=notrunc status=none
blobs_of md2
expect_error "kexec-metadata: version 2, not 1"
expect_error "kexec-metadata: release is not NUL-terminated"
t_end

t_begin "blobs: dma-alloc whose size is not a multiple of 32 is an error"
bare dma -X "dma-alloc:$LUO:33"
blobs_of dma
expect_error "dma-alloc: size 0x21 is not a non-zero multiple of 32"
t_end

t_begin "blobs: a dma-alloc entry with pages outside RAM is an error"
bare dma2 -X "dma-alloc:$LUO:32"
poke64 "$TMP/dma2.img" $((LUO - B)) 0x10000
poke64 "$TMP/dma2.img" $((LUO - B + 8)) 0x1000
blobs_of dma2
expect_error "dma-alloc entry 0: pages outside RAM"
t_end

t_begin "blobs: a memblock blob that is no FDT is an error"
bare mb -X "memblock:$LUO:0x100"
blobs_of mb
expect_error "memblock: not a valid FDT of at most 0x100 bytes"
t_end

t_begin "blobs: a LUO blob shorter than 32 bytes is an error"
bare short -X "LUO:$LUO:0x10"
blobs_of short
expect_error "LUO: size 0x10, needs 32 bytes"
t_end

t_begin "blobs: an empty known blob is an error"
bare empty -X "dma-alloc:$LUO:0"
blobs_of empty
expect_error "dma-alloc: empty"
t_end

t_done
