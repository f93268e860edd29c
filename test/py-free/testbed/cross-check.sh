#!/bin/sh
# Check decoders of KHO handovers against a real Linux 7.3 handover captured on
# QEMU: RAM at the moment of the handover, and, from the same run, kernel 2's
# memblock list, whose RSV_NIT regions are exactly what KHO preserved.
#
# Two cases: the full capture ($BUILD/testbed/capture from capture.sh; made if
# missing) and the trimmed vector in test/py-free/vectors/linux-7.3-arm64/.
# For each, the test bed's own decoder (khot-trim -p) and, when it exists,
# `$HOSTKHOTOOL show --dtb DTB --ram FILE@ADDR...` must produce lines
# "0x<start> 0x<end> <kind>" (end exclusive) such that:
#   - every `preserved` range lies inside kernel 2's RSV_NIT memblock regions;
#   - every sub-blob of the KHO FDT is listed as blob:<name> with its size;
#   - the reserve_mem region lies inside the preserved set;
#   - the preserved set equals kernel 2's RSV_NIT regions (so khotool's set
#     also equals the reference decode).
#
#   cross-check.sh [CAPTURE_DIR]   (default: $BUILD/testbed/capture, made or
#                                  remade by capture.sh when missing or stale)
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
TB_DIR=$top/scripts/testbed
BUILD=${BUILD:-$top/build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
export BUILD
. "$TB_DIR/lib.sh"
khotool=${HOSTKHOTOOL:-$BUILD/host/khotool}
case $khotool in /*) ;; *) khotool=$top/$khotool ;; esac
cap=${1:-$BUILD/testbed/capture}
vector=$top/test/py-free/vectors/linux-7.3-arm64

# (Re)capture when the capture is incomplete or older than the test bed initramfs.
stale=""
for f in ram@0x40000000.bin dtb kho-out.fdt memblock-reserved.txt reserve-mem.txt README; do
	[ -f "$cap/$f" ] || stale=1
done
[ -n "$stale" ] || [ -n "${1:-}" ] ||
	stale=$(find "$BUILD/testbed/initramfs.cpio.gz" -newer "$cap/README" 2>/dev/null)
[ -z "$stale" ] || KHOT_CAPTURE_DIR=$cap "$TB_DIR/capture.sh"
"$TB_DIR/deps.sh"
trim=$(tb_host_tool khot-trim)
work=$BUILD/testbed/cross-check
rm -rf "$work"
mkdir -p "$work"

fails=0
check() { # DESCRIPTION COMMAND...
	_d=$1
	shift
	if "$@" >"$work/check.out" 2>&1; then
		echo "   ok:   $_d"
	else
		echo "   FAIL: $_d"
		sed 's/^/         /' "$work/check.out"
		fails=$((fails + 1))
	fi
}

# blobs_listed CASE DECODE: every sub-blob of the KHO FDT appears with its size.
blobs_listed() {
	_rc=0
	for _n in $(fdtget -l "$1/kho-out.fdt" /); do
		_size=$(tb_le64 "$1/kho-out.fdt" "/$_n" blob-size)
		awk -v k="blob:$_n" -v s="$_size" "$tb_awk_hex"'
			$3 == k && hex($2) - hex($1) == hex(s) { found = 1 }
			END { exit !found }' "$2" || { echo "blob:$_n of size $_size missing"; _rc=1; }
	done
	return $_rc
}

# decode_checks CASE-DIR OUT NAME: the assertions every decoder must pass.
decode_checks() {
	grep ' preserved$' "$2" >"$2.preserved" || true
	check "$3: found $(wc -l <"$2.preserved") preserved ranges" test -s "$2.preserved"
	check "$3: every preserved range is RSV_NIT in kernel 2's memblock" \
		tb_uncovered "$2.preserved" "$1/k2-preserved"
	check "$3: kernel 2's RSV_NIT regions are all in the preserved set" \
		tb_uncovered "$1/k2-preserved" "$2.preserved"
	check "$3: every sub-blob listed with its size ($(echo $(fdtget -l "$1/kho-out.fdt" /)))" \
		blobs_listed "$1" "$2"
	check "$3: reserve_mem region [$(cut -d' ' -f1,2 "$1/reserve-mem.txt" | sed 's/ /, /')) is preserved" \
		tb_uncovered "$1/reserve-mem.txt" "$2.preserved"
}

# khotool_show DTB RAM-OPTIONS OUT
khotool_show() {
	"$khotool" show --dtb "$1" $2 >"$3"
}


# run_case NAME DIR: DIR holds dtb, kho-out.fdt, memblock-reserved.txt,
# reserve-mem.txt and RAM as ram@0x<addr>.bin pieces.
run_case() {
	_c=$work/$1
	mkdir -p "$_c"
	tb_memblock "$2/memblock-reserved.txt" RSV_NIT >"$_c/k2-preserved"
	cp "$2/kho-out.fdt" "$2/reserve-mem.txt" "$_c/"
	_ref="" _kt=""
	for _f in "$2"/ram@*.bin; do
		_a=${_f##*/ram@}
		_a=${_a%.bin}
		# A name without '@', however a tool splits FILE@ADDR.
		ln -s "$_f" "$_c/piece-$_a"
		_ref="$_ref $_c/piece-$_a@$_a"
		_kt="$_kt --ram $_c/piece-$_a@$_a"
	done
	echo "== cross-check $1: $2"
	# The piece lists hold no spaces: split them into arguments.
	"$trim" -p "$2/dtb" $_ref >"$_c/reference.txt" 2>&1 ||
		{ check "reference: decode" false; cat "$_c/reference.txt"; return; }
	decode_checks "$_c" "$_c/reference.txt" reference
	if [ -f "$2/expected.txt" ]; then
		check "reference: decode equals the vector's expected.txt" cmp "$_c/reference.txt" "$2/expected.txt"
	fi
	if [ ! -x "$khotool" ]; then
		echo "   SKIP: khotool checks: $khotool does not exist yet (build it, then rerun)"
		return
	fi
	check "khotool: show exits 0" khotool_show "$2/dtb" "$_kt" "$_c/khotool.out"
	grep -E '^0x[0-9a-fA-F]+ 0x[0-9a-fA-F]+ [^ ]+$' "$_c/khotool.out" >"$_c/khotool.txt" || true
	decode_checks "$_c" "$_c/khotool.txt" khotool
}

# The capture dir names its RAM dump ram@0x40000000.bin and keeps the rest.
run_case capture "$cap"
if [ -d "$vector" ]; then
	mkdir -p "$work/vector-files"
	cp "$vector/README" "$work/vector-files/"
	for f in "$vector"/*.xz; do xz -dc "$f" >"$work/vector-files/$(basename "$f" .xz)"; done
	run_case vector "$work/vector-files"
else
	echo "   SKIP: no vector in $vector (make testbed-vector)"
fi

# Separate boots are not identical (LUO memfd pages move from run to run):
# that is why capture.sh takes RAM and kernel 2's view from one run.
ll=$BUILD/testbed/linux-linux/memblock-reserved.txt
if [ -f "$ll" ]; then
	tb_memblock "$ll" RSV_NIT >"$work/ll-preserved"
	if cmp -s "$work/ll-preserved" "$work/capture/k2-preserved"; then
		echo "   info: the linux-linux run preserved the same ranges as the capture run"
	else
		echo "   info: the linux-linux run preserved other ranges than the capture run" \
			"($(wc -l <"$work/ll-preserved") vs $(wc -l <"$work/capture/k2-preserved") RSV_NIT regions)"
	fi
fi

if [ $fails -ne 0 ]; then
	echo "== cross-check: FAILED ($fails)"
	exit 1
fi
echo "== cross-check: PASS"
