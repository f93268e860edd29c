#!/bin/sh
# khotool dma on handovers made by lib/boot's boot_dma_preserve() (mkdma): a
# consistent set lists each allocation and exits 0; each inconsistency mkdma can
# put in (the wrong page count, attrs that disagree, a non-coherent buffer the
# firmware mapped cacheable, no-map or a reusable pool over a buffer, overlaps,
# misalignment, a malformed subtree) is named and exits 1.
. "$(dirname "$0")/lib/common.sh"

MKDMA=$BUILD/host/test/mkdma
[ -x "$MKDMA" ] || { echo "$0: $MKDMA not built (make $MKDMA)" >&2; exit 1; }
B=$((0x40000000)) P=4096
NC=dma@41000000:0x41000000:0x3000:nc:0x10 # 12 KiB: 4 pages, NO_KERNEL_MAPPING
COH=dma@41100000:0x41100000:0x1000:coh

# dma NAME [MKDMA ARGS]: make handover NAME and run khotool dma on it.
dma() {
	_n=$1
	shift
	"$MKDMA" -o "$TMP/$_n.img" -d "$TMP/$_n.dtb" "$@" ||
		t_fail "mkdma $* failed"
	kt dma --dtb "$TMP/$_n.dtb" --ram "$TMP/$_n.img@$(hex $B)"
}

# expect_problem TEXT: khotool dma reported an inconsistency containing TEXT.
expect_problem() {
	grep -F -- "    problem: " "$TMP/out" | grep -qF -- "$1" ||
		t_fail "no problem '$1' in: $(grep problem "$TMP/out" | head -c 600)"
}

expect_problems() { # N: exactly N problem lines
	expect_eq "problem lines" "$(grep -c '    problem: ' "$TMP/out")" "$1"
}

t_begin "dma: a consistent set is listed, exit 0"
dma ok -D "$NC" -D "$COH"
kt_expect_rc 0
sed 's/^dma-alloc 0x[0-9a-f]*/dma-alloc ADDR/; s/^khofw 0x[0-9a-f]*/khofw ADDR/' "$TMP/out" >"$TMP/got"
cat >"$TMP/want" <<'EOF'
dma-alloc ADDR entries 2
khofw ADDR records 2
alloc 0 phys 0x41000000 size 0x3000 order 2 pages 4 attrs 0x10(NO_KERNEL_MAPPING) decrypted 0 non-coherent mapping nc device /soc/dev-nc name dma@41000000
alloc 1 phys 0x41100000 size 0x1000 order 0 pages 1 attrs 0x0 decrypted 0 coherent mapping wb device /soc/dev-coh name dma@41100000
EOF
expect_files "output" "$TMP/got" "$TMP/want"
t_end

t_begin "dma: entries without a khofw subtree (a kernel's) are fine"
dma plain -n -D "$NC"
kt_expect_rc 0
expect_eq "alloc line" "$(grep '^alloc' "$TMP/out")" \
	"alloc 0 phys 0x41000000 size 0x3000 order 2 pages 4 attrs 0x10(NO_KERNEL_MAPPING) decrypted 0"
grep -q '^khofw' "$TMP/out" && t_fail "a khofw line without a subtree"
t_end

t_begin "dma: no DMA allocations"
dma none
kt_expect_rc 0
expect_eq "output" "$(cat "$TMP/out")" "no DMA allocations"
t_end

t_begin "dma: size >> PAGE_SHIFT order-0 pages is a size/order mismatch"
dma short -s -D "$NC"
kt_expect_rc 1
expect_problem "alloc 0: size/order mismatch: 0x41000000 is preserved as order-0 block(s), get_order(0x3000) is 2 (4 pages)"
expect_problem "alloc 0: page 0x41003000 of its 4 pages is not preserved: the allocation is [0x41000000, 0x41004000)"
expect_problems 2
expect_eq stderr "$(cat "$TMP/err")" "khotool: dma: 2 inconsistencies"
t_end

t_begin "dma: attrs that disagree between dma-alloc and khofw"
dma attrs -D "$NC" -A 0:0x4
kt_expect_rc 1
expect_problem "alloc 0: attrs mismatch: dma-alloc 0x10, khofw record 0x4"
expect_problems 1
t_end

t_begin "dma: a non-coherent buffer the firmware mapped cacheable"
dma wb -D "$NC" -D "$COH" -W 0
kt_expect_rc 1
expect_problem "alloc 0: non-coherent device's buffer reachable through a cacheable mapping: the firmware mapped it 'wb', not 'nc'"
expect_problems 1
t_end

t_begin "dma: no-map over a KHO-preserved buffer"
dma nomap -D "$NC" -R nm@41003000:0x41003000:0x1000:nomap
kt_expect_rc 1
expect_problem "alloc 0: no-map and KHO-preserved: /reserved-memory nm@41003000 [0x41003000, 0x41004000)"
expect_problems 1
t_end

t_begin "dma: a reusable pool (CMA) over a non-coherent buffer"
dma cma -D "$NC" -R pool@41000000:0x41000000:0x400000:reusable
kt_expect_rc 1
expect_problem "alloc 0: inside reusable pool /reserved-memory pool@41000000: the kernel hands its pages out as ordinary (cacheable) memory"
t_end

t_begin "dma: another /reserved-memory region over a buffer"
dma rsv -D "$COH" -R fw@41100000:0x41100000:0x1000:plain
kt_expect_rc 1
expect_problem "alloc 0: overlaps /reserved-memory fw@41100000 [0x41100000, 0x41101000)"
t_end

t_begin "dma: two allocations overlap"
dma twice -D "$NC" -E 0x41003000:0x1000
kt_expect_rc 1
expect_problem "alloc 0: overlaps alloc 1"
expect_problem "alloc 1: overlaps alloc 0"
expect_problem "alloc 1: no khofw record"
t_end

t_begin "dma: an allocation over scratch, over the KHO FDT"
dma scratch -D "$NC" -E 0x42000000:0x2000 -E 0x40100000:0x1000
kt_expect_rc 1
expect_problem "alloc 1: 0x42000000 is not preserved"
expect_problem "alloc 1: overlaps scratch [0x42000000, 0x42800000)"
expect_problem "alloc 2: overlaps the KHO FDT page 0x40100000"
t_end

t_begin "dma: misaligned and empty entries"
dma align -D "$NC" -E 0x41201000:0x3000 -E 0x41300000:0
kt_expect_rc 1
expect_problem "alloc 1: phys 0x41201000 is not aligned to its block (0x4000)"
expect_problem "alloc 2: size 0x0 (0, or over 2^48)"
t_end

t_begin "dma: a malformed khofw subtree is an error, not a crash"
"$MKDMA" -o "$TMP/bad.img" -d "$TMP/bad.dtb" -D "$NC" || t_fail "mkdma"
handover_info bad
_k=$(blob_phys khofw)
poke "$TMP/bad.img" $((_k - B)) 0 0 0 0 # FDT magic
kt dma --dtb "$TMP/bad.dtb" --ram "$TMP/bad.img@$(hex $B)"
kt_expect_rc 1
expect_eq stderr "$(cat "$TMP/err")" \
	"khotool: dma: khofw subtree at $(hex "$_k"): KHO FDT header is invalid"
t_end

t_begin "dma: --help documents the checks, exit 0"
kt dma --help
kt_expect_rc 0
expect_grep "synopsis" "$TMP/out" "khotool dma --dtb FILE --ram FILE@ADDR"
expect_grep "no-map rule" "$TMP/out" "no-map and KHO-preserved"
expect_grep "cacheable rule" "$TMP/out" "mapping must be \"nc\""
t_end

t_done
