# Shared by the khotool tests (sourced, POSIX sh): paths, the handover generator,
# byte pokes into RAM images, the reference layout and its expected ranges, and
# a small TAP-like reporter. A test script sources this, runs t_begin ... t_end
# per test and ends with t_done, whose exit status is non-zero if any test failed.
# Variables private to a helper start with '_' (sh has no locals).

set -u

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT" || exit 1
BUILD=${BUILD:-build}
KHOTOOL=$BUILD/host/khotool
MKHANDOVER=$BUILD/host/test/mkhandover
TMP=$(mktemp -d "${TMPDIR:-/tmp}/khotool-test.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

T_N=0
T_FAILED=0
T_NAME=
T_ERR=

[ -x "$KHOTOOL" ] || { echo "$0: $KHOTOOL not built (make $KHOTOOL)" >&2; exit 1; }

# mkhandover comes from mk/tooltest.mk; without that rule, build it here the same way.
mkhandover_build() {
	_src=test/py-free/tool/mkhandover.c
	if [ -x "$MKHANDOVER" ] && [ ! "$_src" -nt "$MKHANDOVER" ] &&
		[ ! "$BUILD/host/libkho.a" -nt "$MKHANDOVER" ]; then
		return 0
	fi
	_libfdt=${LIBFDT_SRC:-${KHOFW_CACHE:-$HOME/.cache/khofw}/src/linux-7.3/scripts/dtc/libfdt}
	mkdir -p "$(dirname "$MKHANDOVER")"
	${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Wshadow -Wstrict-prototypes \
		-Wmissing-prototypes -Werror -Iinclude -I"$_libfdt" -o "$MKHANDOVER" "$_src" \
		"$BUILD/host/libkho.a" "$BUILD/host/libfdt.a"
}
mkhandover_build || { echo "$0: cannot build $MKHANDOVER" >&2; exit 1; }

# ---------------------------------------------------------------- reporting

t_begin() {
	T_NAME=$1
	T_ERR=
}

# t_fail MESSAGE: the current test failed (all messages are printed at t_end).
t_fail() {
	T_ERR="${T_ERR}    $1
"
}

t_end() {
	T_N=$((T_N + 1))
	if [ -z "$T_ERR" ]; then
		echo "ok $T_N - $T_NAME"
	else
		echo "not ok $T_N - $T_NAME"
		printf '%s' "$T_ERR"
		T_FAILED=$((T_FAILED + 1))
	fi
}

t_done() {
	echo "# $(basename "$0"): $T_N tests, $T_FAILED failed"
	[ "$T_FAILED" -eq 0 ]
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || t_fail "$1: got '$2', want '$3'"
}

# expect_files WHAT GOT_FILE WANT_FILE: same lines, showing the difference.
expect_files() {
	if ! cmp -s "$2" "$3"; then
		t_fail "$1 differ (- want, + got):
$(diff -u "$3" "$2" | sed -n '3,40s/^/      /p')"
	fi
}

# expect_grep WHAT FILE STRING: FILE must contain the fixed STRING.
expect_grep() {
	grep -qF -- "$3" "$2" || t_fail "$1: no '$3' in: $(head -c 300 "$2")"
}

# kt ARGS...: run khotool; stdout in $TMP/out, stderr in $TMP/err, status in $KT_RC.
kt() {
	KT_RC=0
	"$KHOTOOL" "$@" >"$TMP/out" 2>"$TMP/err" || KT_RC=$?
}

# kt_expect_rc WANT: the last kt's exit status.
kt_expect_rc() {
	[ "$KT_RC" = "$1" ] ||
		t_fail "exit status $KT_RC, want $1; stderr: $(head -c 300 "$TMP/err")"
}

# ---------------------------------------------------------------- bytes

hex() {
	printf '0x%x' "$1"
}

# poke FILE OFFSET BYTE...: write bytes (0-255) into FILE at OFFSET, in place.
poke() {
	_f=$1 _off=$2
	shift 2
	_esc=
	for _b in "$@"; do
		_esc="$_esc\\$(printf '%03o' "$_b")"
	done
	printf "$_esc" | dd of="$_f" bs=1 seek="$_off" conv=notrunc status=none
}

# poke64 FILE OFFSET VALUE: a native (little-endian) u64.
poke64() {
	_v=$(($3))
	set -- "$1" "$2"
	_i=0
	while [ $_i -lt 8 ]; do
		set -- "$@" $(((_v >> (8 * _i)) & 255))
		_i=$((_i + 1))
	done
	poke "$@"
}

# peek FILE OFFSET: one byte, decimal.
peek() {
	od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '
}

# peek_be32 FILE OFFSET: a big-endian u32 (FDT header fields).
peek_be32() {
	set -- $(od -An -tu1 -j "$2" -N4 "$1")
	echo $((($1 << 24) | ($2 << 16) | ($3 << 8) | $4))
}

# ---------------------------------------------------------------- layout

# get_order SIZE: smallest order with P << order >= SIZE.
get_order() {
	_o=0
	while [ $((P << _o)) -lt $(($1)) ]; do
		_o=$((_o + 1))
	done
	echo $_o
}

# The reference handover for base B and page size P: what the generator is asked
# for. The pages libkho takes for itself (KHO FDT, blob pages, map pages) lie in
# [ARENA0, ARENA_END); handover_info finds which is which.
layout() {
	B=$(($1))
	P=${2:-4096}
	ARENA0=$((B + 0x100000))
	ARENA_END=$((B + 0x400000))
	PRES="$((B + 0x400000)):0 $((B + 0x400000 + P)):0"
	PRES="$PRES $((B + 0x600000)):$(get_order 0x200000) $((B + 0xa00000)):2"
	RES_START=$((B + 0xc00000))
	RES_SIZE=$((0x300000 + P))       # split into 2 MiB, 1 MiB and one page
	DMA_PHYS=$((B + 0x1000000))
	DMA_SIZE=$((4 * P + 1))          # get_order: 8 pages
	S1=$((B + 0x2000000))
	S1_SIZE=0x800000
	S2=$((B + 0x3000000))
	S2_SIZE=0x400000
}

has_blobs_v3() {
	case $1 in v3 | v4) return 0 ;; *) return 1 ;; esac
}

# gen NAME ABI [EXTRA MKHANDOVER ARGS]: the reference handover at $B into
# $TMP/NAME.img and $TMP/NAME.dtb. Returns mkhandover's status.
gen() {
	_name=$1 _abi=$2
	shift 2
	set -- -a "$_abi" -b "$B" -o "$TMP/$_name.img" -d "$TMP/$_name.dtb" \
		-r "ramoops:$RES_START:$RES_SIZE" \
		-S "$S1:$S1_SIZE" -S 0:0 -S "$S2:$S2_SIZE" "$@"
	for _p in $PRES; do
		set -- "$@" -p "$_p"
	done
	if has_blobs_v3 "$_abi"; then
		set -- "$@" -m 7.3.4:2 -D "$DMA_PHYS:$DMA_SIZE"
	fi
	"$MKHANDOVER" "$@"
}

# le_bytes HEX...: the little-endian value of hex bytes (as fdtget -t bx prints).
le_bytes() {
	_v=0 _i=0
	for _b in "$@"; do
		_v=$((_v | (0x$_b << (8 * _i))))
		_i=$((_i + 1))
	done
	echo $_v
}

# peek64 FILE OFFSET: a native (little-endian) u64.
peek64() {
	le_bytes $(od -An -tx1 -j "$2" -N8 "$1")
}

# fdt_u64 FDT NODE PROP: a native u64 property, as in the KHO FDT; fails if absent.
fdt_u64() {
	_bytes=$(fdtget -t bx "$1" "$2" "$3" 2>/dev/null) || return 1
	le_bytes $_bytes
}

# handover_info NAME: read handover NAME's own pages from its bytes with dtc's
# fdtget, independently of khotool: KFDT, KFDT_LEN (from /chosen), MAPROOT and
# $BLOBS, a file of "name phys size" lines (decimal), one per sub-blob.
handover_info() {
	_img=$TMP/$1.img
	set -- $(fdtget -t x "$TMP/$1.dtb" /chosen linux,kho-fdt)
	KFDT=$(((0x$1 << 32) | 0x$2)) KFDT_LEN=$(((0x$3 << 32) | 0x$4))
	dd if="$_img" of="$TMP/kho.fdt" bs="$P" skip=$(((KFDT - B) / P)) count=1 status=none
	MAPROOT=$(fdt_u64 "$TMP/kho.fdt" / preserved-memory-map)
	BLOBS=$TMP/blobs
	fdtget -l "$TMP/kho.fdt" / | while IFS= read -r _n; do
		if _phys=$(fdt_u64 "$TMP/kho.fdt" "/$_n" preserved-data); then
			_size=$(fdt_u64 "$TMP/kho.fdt" "/$_n" blob-size)
		else # kho-v1: the blob is an FDT, its size in its header
			_phys=$(fdt_u64 "$TMP/kho.fdt" "/$_n" fdt)
			_size=$(peek_be32 "$_img" $((_phys - B + 4)))
		fi
		echo "$_n $_phys $_size"
	done >"$BLOBS"
}

# blob_phys NAME: where sub-blob NAME is, from $BLOBS.
blob_phys() {
	awk -v n="$1" '$1 == n { print $2 }' "$BLOBS"
}

# split START SIZE: Linux's kho_preserve_pages() split, one "start end" per block:
# each block's order is min(ctz(pfn), floor(log2(pages left))).
split() {
	_pfn=$(($1 / P)) _end=$((($1 + $2) / P))
	while [ $_pfn -lt $_end ]; do
		_o=0
		while [ $((_pfn % (1 << (_o + 1)))) -eq 0 ] &&
			[ $((1 << (_o + 1))) -le $((_end - _pfn)) ]; do
			_o=$((_o + 1))
		done
		echo "$((_pfn * P)) $(((_pfn + (1 << _o)) * P))"
		_pfn=$((_pfn + (1 << _o)))
	done
}

# blocks ABI: every preserved block of the reference handover, "start end"
# decimal: the KHO FDT page and the generator's blob pages (order 0), the -p
# blocks, the reserve_mem region as Linux splits it, the dma allocation.
blocks() {
	echo "$KFDT $((KFDT + P))"
	while read -r _n _p _s; do
		case $_n in
		memblock | kexec-metadata | dma-alloc)
			echo "$((_p / P * P)) $((_p / P * P + P))"
			;;
		esac
	done <"$BLOBS"
	for _p in $PRES; do
		echo "$((${_p%:*})) $((${_p%:*} + (P << ${_p#*:})))"
	done
	split "$RES_START" "$RES_SIZE"
	if has_blobs_v3 "$1"; then
		echo "$DMA_PHYS $((DMA_PHYS + (P << $(get_order "$DMA_SIZE"))))"
	fi
}

# radix_leaf IMG ROOT PHYS: the leaf of a 4 KiB-page radix tree holding the
# order-0 key of PHYS, and the key's bit in it: "LEAF BIT". Key = 1 << 52 | pfn;
# level L (5..1) indexes with bits 15 + 9 (L - 1) up.
radix_leaf() {
	_key=$(((1 << 52) | ($3 >> 12)))
	_node=$2 _lvl=5
	while [ $_lvl -ge 1 ]; do
		_idx=$(((_key >> (15 + 9 * (_lvl - 1))) & 511))
		_node=$(peek64 "$1" $((_node - B + 8 * _idx)))
		_lvl=$((_lvl - 1))
	done
	echo "$_node $((_key & 32767))"
}

# merge KIND: "start end" decimal lines on stdin, merged where they touch, as
# "0x<start> 0x<end> KIND" sorted by start.
merge() {
	sort -n -k1,1 | {
		_s= _e=
		while read -r _a _b; do
			if [ -n "$_s" ] && [ "$_a" -le "$_e" ]; then
				[ "$_b" -gt "$_e" ] && _e=$_b
				continue
			fi
			[ -n "$_s" ] && printf '0x%x 0x%x %s\n' "$_s" "$_e" "$1"
			_s=$_a _e=$_b
		done
		[ -n "$_s" ] && printf '0x%x 0x%x %s\n' "$_s" "$_e" "$1"
	}
}

# sum: total of "start end" lines on stdin.
sum() {
	_t=0
	while read -r _a _b; do
		_t=$((_t + _b - _a))
	done
	echo $_t
}

# ranges KIND < show output: the range lines of one kind.
ranges() {
	grep -v '^#' | awk -v k="$1" '$3 == k'
}

# header KEY < show output: the value of header line "# KEY: VALUE".
header() {
	sed -n "s/^# $1: //p"
}
