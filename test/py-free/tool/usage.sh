#!/bin/sh
# khotool's command line: usage errors and unusable input files exit 2 with a
# message naming the problem; --help prints a manual and exits 0.
. "$(dirname "$0")/lib/common.sh"

layout 0x40000000
gen ref v4
DTB=$TMP/ref.dtb
RAM=$TMP/ref.img@$B

# usage WHAT MESSAGE ARGS...: exit 2, MESSAGE on stderr, nothing on stdout.
usage() {
	t_begin "usage: $1"
	_msg=$2
	shift 2
	kt "$@"
	kt_expect_rc 2
	expect_grep stderr "$TMP/err" "$_msg"
	[ -s "$TMP/out" ] && t_fail "stdout not empty: $(head -c 200 "$TMP/out")"
	t_end
}

usage "no command" "khotool: no command given"
usage "unknown command" "khotool: unknown command 'frob'" frob --dtb "$DTB" --ram "$RAM"
usage "unknown option" "khotool: show: unknown option '--frob'" show --frob
usage "option without its value" "khotool: check: missing value for '--dtb'" \
	check --ram "$RAM" --dtb
usage "missing --dtb" "khotool: show: --dtb FILE is required" show --ram "$RAM"
usage "missing --ram" "khotool: check: at least one --ram FILE@ADDR is required" \
	check --dtb "$DTB"
usage "stray argument" "khotool: show: unexpected argument 'extra'" \
	show --dtb "$DTB" --ram "$RAM" extra
usage "--json is not a check option" "khotool: check: --json is not an option" \
	check --dtb "$DTB" --ram "$RAM" --json
usage "bad --abi" "khotool: show: --abi v2: not one of" show --dtb "$DTB" --ram "$RAM" --abi v2
usage "bad --page-size" "khotool: show: --page-size 8k: not one of 4k, 16k, 64k" \
	show --dtb "$DTB" --ram "$RAM" --page-size 8k
usage "--ram without @ADDR" "khotool: check: --ram $TMP/ref.img: expected FILE@ADDR" \
	check --dtb "$DTB" --ram "$TMP/ref.img"
for addr in '' zz 0x 0x1g -1 ' 1' 99999999999999999999999; do
	usage "--ram with bad address '$addr'" "bad address '$addr'" \
		check --dtb "$DTB" --ram "$TMP/ref.img@$addr"
done
usage "more than 32 --ram" "khotool: check: --ram given more than 32 times" \
	check --dtb "$DTB" $(i=0; while [ $i -lt 33 ]; do
		echo "--ram $TMP/ref.img@$((i << 32))"; i=$((i + 1)); done)

# Input files that cannot be used: also exit 2.
usage "missing RAM file" "khotool: check: $TMP/none.img: No such file or directory" \
	check --dtb "$DTB" --ram "$TMP/none.img@$B"
usage "missing DTB" "khotool: show: $TMP/none.dtb: No such file or directory" \
	show --dtb "$TMP/none.dtb" --ram "$RAM"
: >"$TMP/empty"
usage "empty RAM file" "khotool: check: $TMP/empty: empty file" \
	check --dtb "$DTB" --ram "$TMP/empty@$B"
usage "directory as DTB" "khotool: check: $TMP: Is a directory" check --dtb "$TMP" --ram "$RAM"
usage "DTB that is not an FDT" \
	"khotool: check: --dtb $TMP/ref.img: not a flattened device tree" \
	check --dtb "$TMP/ref.img" --ram "$RAM"
head -c 100 "$DTB" >"$TMP/trunc.dtb"
usage "truncated DTB" "khotool: check: --dtb $TMP/trunc.dtb: truncated (header says" \
	check --dtb "$TMP/trunc.dtb" --ram "$RAM"
cp "$DTB" "$TMP/badcells.dtb"
fdtput -t x "$TMP/badcells.dtb" / '#address-cells' 3
usage "/memory with bad #address-cells" "khotool: show: --dtb $TMP/badcells.dtb: RAM banks: \
value does not fit the DT cells" show --dtb "$TMP/badcells.dtb" --ram "$RAM"

# help WHAT ARGS...: exit 0, a manual on stdout with these sections.
help() {
	t_begin "help: $1"
	shift
	kt "$@"
	kt_expect_rc 0
	for s in NAME SYNOPSIS DESCRIPTION "EXIT STATUS"; do
		grep -q "^$s\$" "$TMP/out" || t_fail "no $s section"
	done
	[ -s "$TMP/err" ] && t_fail "stderr not empty: $(cat "$TMP/err")"
}

help "khotool --help lists the commands" --help
for c in show ranges blobs check diff map dma; do
	grep -q "^    $c " "$TMP/out" || t_fail "$c not listed"
done
t_end
for c in show ranges blobs check diff map; do
	help "khotool $c --help documents inputs, output and exit status" "$c" --help
	for s in "INPUT OPTIONS" "    --dtb FILE" "    --ram FILE@ADDR" "    --live" "    --live-out" \
		"    --live-root DIR" "    --abi auto|v1-512|v1-4k|v1-4k-nz|v3|v4" \
		"    --page-size 4k|16k|64k"; do
		grep -q "^$s\$" "$TMP/out" || t_fail "no '$s' line"
	done
	grep -q "^    khotool $c - " "$TMP/out" || t_fail "NAME is not khotool $c"
	t_end
done
help "khotool blobs --help documents each decoded line" blobs --help
for s in "        blob NAME PHYS size SIZE" "        reserve-mem NAME start ADDR size SIZE" \
	"        kexec-metadata version N release STRING count N" "        luo-session NAME files N" \
	"        error: BLOB: WHAT"; do
	grep -qF -- "$s" "$TMP/out" || t_fail "no '$s'"
done
t_end
help "khotool map --help documents its options" map --help
for s in "    --svg FILE" "    --log" "    --kernel ADDR:SIZE" "    --dtb-addr ADDR" \
	"    --firmware ADDR:SIZE"; do
	grep -qx -- "$s" "$TMP/out" || t_fail "no '$s' line"
done
t_end
help "khotool diff --help documents the a- and b- inputs and its exit status" diff --help
expect_grep synopsis "$TMP/out" "khotool diff --a-dtb FILE --a-ram FILE@ADDR"
expect_grep exit "$TMP/out" "    1   they differ"
t_end
help "khotool show --help documents --json and the range line format" show --help
expect_grep "--json" "$TMP/out" "    --json"
expect_grep "range format" "$TMP/out" "0x<start> 0x<end> <kind>"
t_end
help "khotool help check is khotool check --help" help check
cp "$TMP/out" "$TMP/help1"
kt check --help
expect_files "manuals" "$TMP/help1" "$TMP/out"
t_end
help "--help wins over other options" show --dtb "$TMP/none.dtb" --help
t_end

t_begin "usage: dma runs on the reference handover (its dma-alloc entry is consistent)"
kt dma --dtb "$DTB" --ram "$RAM"
kt_expect_rc 0
expect_grep "alloc line" "$TMP/out" "alloc 0 phys $(hex "$DMA_PHYS") size $(hex "$DMA_SIZE")"
kt dma --help
kt_expect_rc 0
expect_grep "manual" "$TMP/out" "khotool dma - list a handover's preserved DMA allocations"
t_end

t_done
