#!/bin/sh
# khotool show on reference handovers of every ABI: the range lines must be exactly
# the ones computed here from the generator's inputs and, for the pages libkho
# chose itself, from the handover's bytes as dtc's fdtget reads them.
. "$(dirname "$0")/lib/common.sh"

layout 0x40000000

# show_ref ABI: generate the reference handover, read its pages, run show on it.
show_ref() {
	gen "$1" "$1"
	handover_info "$1"
	"$KHOTOOL" show --dtb "$TMP/$1.dtb" --ram "$TMP/$1.img@$B" >"$TMP/show.txt"
}

test_preserved() {
	t_begin "show $1: preserved lines are the map's blocks, merged"
	blocks "$1" | merge preserved >"$TMP/want"
	ranges preserved <"$TMP/show.txt" >"$TMP/got"
	expect_files "preserved lines" "$TMP/got" "$TMP/want"
	t_end
}

test_counts() {
	t_begin "show $1: header counts blocks and preserved bytes"
	expect_eq blocks "$(header blocks <"$TMP/show.txt")" "$(blocks "$1" | wc -l)"
	expect_eq preserved-bytes "$(header preserved-bytes <"$TMP/show.txt")" \
		"$(blocks "$1" | sum)"
	t_end
}

test_abi() {
	t_begin "show $1: header names the ABI, its compatible, KHO FDT and map root"
	want=$1 compat=kho-v1
	[ "$1" = v1-4k-nz ] && want=v1-4k # same bytes as v1-4k: auto cannot tell
	case $1 in v3 | v4) compat=kho-$1 ;; esac
	expect_eq abi "$(header abi <"$TMP/show.txt")" "$want"
	expect_eq compatible "$(header compatible <"$TMP/show.txt")" "$compat"
	expect_eq kho-fdt "$(header kho-fdt <"$TMP/show.txt")" \
		"$(hex "$KFDT") len $(hex "$KFDT_LEN")"
	expect_eq scratch-array "$(header scratch-array <"$TMP/show.txt")" \
		"$(hex "$S1") len 0x30"
	expect_eq map-root "$(header map-root <"$TMP/show.txt")" "$(hex "$MAPROOT")"
	t_end
}

test_blobs() {
	t_begin "show $1: one blob line per sub-blob, with its size"
	while read -r n p s; do
		printf '0x%x 0x%x blob:%s\n' "$p" $((p + s)) "$n"
	done <"$BLOBS" | sort >"$TMP/want"
	grep -v '^#' "$TMP/show.txt" | grep ' blob:' | sort >"$TMP/got"
	expect_files "blob lines" "$TMP/got" "$TMP/want"
	want=memblock
	has_blobs_v3 "$1" && want="dma-alloc kexec-metadata memblock"
	expect_eq "blob names" "$(sed 's/ .*//' "$BLOBS" | sort | xargs)" "$want"
	expect_eq "blobs header" "$(header blobs <"$TMP/show.txt")" "$(wc -l <"$TMP/want")"
	t_end
}

test_scratch() {
	t_begin "show $1: scratch areas, less the scratch array; empty entry skipped"
	{
		printf '0x%x 0x%x scratch-array\n' "$S1" $((S1 + 48))
		printf '0x%x 0x%x scratch\n' $((S1 + 48)) $((S1 + S1_SIZE))
		printf '0x%x 0x%x scratch\n' "$S2" $((S2 + S2_SIZE))
	} >"$TMP/want"
	grep -v '^#' "$TMP/show.txt" | grep ' scratch' >"$TMP/got"
	expect_files "scratch lines" "$TMP/got" "$TMP/want"
	{
		printf '0x%x size 0x%x\n' "$S1" "$S1_SIZE"
		echo "0x0 size 0x0"
		printf '0x%x size 0x%x\n' "$S2" "$S2_SIZE"
	} >"$TMP/want"
	header scratch <"$TMP/show.txt" >"$TMP/got"
	expect_files "scratch header lines" "$TMP/got" "$TMP/want"
	t_end
}

# Map pages are the rest of the generator's arena: whole pages, starting at the
# root, unless bitmaps are 512 B.
test_map() {
	t_begin "show $1: map lines lie in the page arena and add up to map-pages"
	ranges map <"$TMP/show.txt" | while read -r s e k; do
		if [ $((s)) -lt "$ARENA0" ] || [ $((e)) -gt "$ARENA_END" ]; then
			echo "$s $e"
		fi
	done >"$TMP/bad"
	[ -s "$TMP/bad" ] && t_fail "map outside the arena: $(cat "$TMP/bad")"
	ranges map <"$TMP/show.txt" | grep -q "^$(hex "$MAPROOT") " ||
		t_fail "no map line starts at the map root $(hex "$MAPROOT")"
	pages=$(header map-pages <"$TMP/show.txt")
	bytes=$(ranges map <"$TMP/show.txt" | while read -r s e k; do
		echo "$((s)) $((e))"
	done | sum)
	[ "$pages" -gt 0 ] || t_fail "map-pages is '$pages'"
	if [ "$1" != v1-512 ]; then
		expect_eq "map bytes" "$bytes" $((pages * P))
	fi
	t_end
}

# Sorted by start, and only blob lines may overlap another line.
test_order() {
	t_begin "show $1: range lines sorted by start, disjoint apart from blob lines"
	grep -v '^#' "$TMP/show.txt" | while read -r s e k; do
		echo "$((s)) $((e)) $k"
	done >"$TMP/dec"
	sort -n -s -k1,1 "$TMP/dec" | cmp -s - "$TMP/dec" || t_fail "not sorted by start"
	last=0
	grep -v ' blob:' "$TMP/dec" | while read -r s e k; do
		[ "$s" -ge "$last" ] || echo "$s $e $k overlaps the line before"
		last=$e
	done >"$TMP/bad"
	[ -s "$TMP/bad" ] && t_fail "$(cat "$TMP/bad")"
	grep -v '^0x[0-9a-f]* 0x[0-9a-f]* [a-z:-]*$' "$TMP/show.txt" | grep -v '^# ' >"$TMP/bad"
	[ -s "$TMP/bad" ] && t_fail "malformed lines: $(cat "$TMP/bad")"
	grep -q ' kho-fdt$' "$TMP/show.txt" && t_fail "kho-fdt line though the page is preserved"
	t_end
}

for abi in v1-512 v1-4k v1-4k-nz v3 v4; do
	show_ref "$abi"
	test_preserved "$abi"
	test_counts "$abi"
	test_abi "$abi"
	test_blobs "$abi"
	test_scratch "$abi"
	test_map "$abi"
	test_order "$abi"
done

# leaf_clear NAME PHYS: clear the order-0 bit of PHYS in v4 handover NAME's tree.
leaf_clear() {
	set -- "$TMP/$1.img" "$2"
	set -- "$1" $(radix_leaf "$1" "$MAPROOT" "$2")
	off=$(($2 - B + $3 / 8))
	poke "$1" "$off" $(($(peek "$1" "$off") & ~(1 << ($3 % 8)) & 255))
}

t_begin "show: an unpreserved KHO FDT page is listed as kho-fdt"
gen fdt v4
handover_info fdt
leaf_clear fdt "$KFDT"
"$KHOTOOL" show --dtb "$TMP/fdt.dtb" --ram "$TMP/fdt.img@$B" >"$TMP/show.txt"
expect_eq "kho-fdt line" "$(ranges kho-fdt <"$TMP/show.txt")" \
	"$(hex "$KFDT") $(hex $((KFDT + P))) kho-fdt"
blocks v4 | grep -v "^$KFDT " | merge preserved >"$TMP/want"
ranges preserved <"$TMP/show.txt" >"$TMP/got"
expect_files "preserved lines" "$TMP/got" "$TMP/want"
t_end

t_begin "show: the unpreserved part of a blob is listed as meta"
gen meta v4
handover_info meta
md=$(blob_phys kexec-metadata)
leaf_clear meta "$md"
"$KHOTOOL" show --dtb "$TMP/meta.dtb" --ram "$TMP/meta.img@$B" >"$TMP/show.txt"
expect_eq "meta line" "$(ranges meta <"$TMP/show.txt")" "$(hex "$md") $(hex $((md + 73))) meta"
expect_eq "blob line" "$(grep ' blob:kexec-metadata$' "$TMP/show.txt")" \
	"$(hex "$md") $(hex $((md + 73))) blob:kexec-metadata"
t_end

t_begin "show: an unpreserved blob named kho-fdt is meta, not the KHO FDT"
gen kf v4 -X "kho-fdt:$((B + 0x1800000)):0x100"
handover_info kf
"$KHOTOOL" show --dtb "$TMP/kf.dtb" --ram "$TMP/kf.img@$B" >"$TMP/show.txt"
expect_eq "meta line" "$(ranges meta <"$TMP/show.txt")" \
	"$(hex $((B + 0x1800000))) $(hex $((B + 0x1800100))) meta"
expect_eq "kho-fdt lines" "$(ranges kho-fdt <"$TMP/show.txt")" ""
t_end

t_begin "show: 16 KiB pages (v4) with --page-size 16k"
layout 0x40000000 16384
S1_SIZE=0x2000000 S2=$((B + 0x4000000)) S2_SIZE=0x2000000 # 32 MiB scratch alignment
gen p16 v4 -P 14 -s $((128 << 20))
handover_info p16
kt show --dtb "$TMP/p16.dtb" --ram "$TMP/p16.img@$B" --page-size 16k
kt_expect_rc 0
blocks v4 | merge preserved >"$TMP/want"
ranges preserved <"$TMP/out" >"$TMP/got"
expect_files "preserved lines" "$TMP/got" "$TMP/want"
expect_eq page-size "$(header page-size <"$TMP/out")" 16384
expect_eq blocks "$(header blocks <"$TMP/out")" "$(blocks v4 | wc -l)"
expect_eq kho-fdt "$(header kho-fdt <"$TMP/out")" "$(hex "$KFDT") len 0x4000"
t_end

t_begin "show: a 16 KiB-page handover read with 4 KiB pages is rejected"
kt show --dtb "$TMP/p16.dtb" --ram "$TMP/p16.img@$B"
kt_expect_rc 1
expect_grep stderr "$TMP/err" "khotool: show: pointer or block misaligned (stage: protect)"
[ -s "$TMP/out" ] && t_fail "stdout not empty on failure"
t_end

t_done
