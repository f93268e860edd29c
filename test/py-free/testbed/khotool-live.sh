#!/bin/sh
# khotool on a live Linux 7.3 system, checked against what Linux itself says.
#
#   khotool-live.sh             (host) boot the test bed with khotest.khotool=1
#   khotool-live.sh guest out   (kernel 1, from /init) khotool --live-out
#   khotool-live.sh guest in    (kernel 2, from /init) khotool --live
#
# In the guest, the arm64 khotool reads the running system (/sys/firmware/fdt,
# debugfs kho/out, /dev/mem) and the checks print PASS:/FAIL: lines:
#   kernel 1: the outgoing handover is found and valid, its memblock blob holds
#             the reserve_mem region debugfs shows, the region is preserved, and
#             its sub-blobs are the ones debugfs lists;
#   kernel 2: the incoming handover is valid, its preserved ranges come from
#             kernel 2's memblock record (RSV_NIT; the map itself was freed at
#             boot), reserve_mem is where kernel 1 put it.
# Each khotool output is printed between dump markers. On the host, kernel 1
# kexecs the park stub chained to kernel 2, so RAM is saved at the moment of the
# handover (capture.sh's park hook); the host khotool decodes that dump, and both
# guests' outputs must agree with it: kernel 2's in everything but the map pages,
# kernel 1's in the KHO FDT, sub-blobs, scratch areas and preserved memory (all of
# it still preserved at the kexec).

# ------------------------------------------------------------------- guest

hexawk='function hex(s,   i, c, v) {
	s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (!c) return -1
		v = v * 16 + c - 1
	}
	return v
}'

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
verdict() { # PASS-TEXT FAIL-TEXT COMMAND...
	_p=$1 _f=$2
	shift 2
	if "$@"; then pass "$_p"; else fail "$_f"; fi
}
dump() { # NAME FILE
	echo "----- khotest-dump $1 text -----"
	cat "$2"
	echo "----- khotest-dump-end $1 -----"
}
header() { # KEY FILE: the value of "# KEY: VALUE"
	sed -n "s/^# $1: //p" "$2"
}

# merge < "S E" decimal lines: sorted, touching spans merged.
merge() {
	sort -n -k1,1 | awk '{ if (n && $1 <= e) { if ($2 > e) e = $2; next }
			       if (n) print s, e; s = $1; e = $2; n = 1 }
			     END { if (n) print s, e }'
}

# spans < "0xS 0xE ..." lines (end exclusive): merged decimal "S E" lines
# (exact below 2^53).
spans() {
	awk "$hexawk"'{ printf "%.0f %.0f\n", hex($1), hex($2) }' | merge
}

# rsv_nit: kernel 2's RSV_NIT memblock regions ("N: 0xA..0xB node FLAGS", B
# inclusive) as merged decimal "S E" lines.
rsv_nit() {
	awk "$hexawk"'$4 ~ /(^|\|)RSV_NIT(\||$)/ {
		split($2, r, /\.\./); printf "%.0f %.0f\n", hex(r[1]), hex(r[2]) + 1 }' \
		/sys/kernel/debug/memblock/reserved | merge
}

# inside START END < spans: is [START, END) inside one span?
inside() {
	awk -v s="$1" -v e="$2" "$hexawk"'
		BEGIN { s = hex(s); e = hex(e) }
		$1 <= s && $2 >= e { ok = 1 } END { exit !ok }'
}

KHO=/sys/kernel/debug/kho

guest_out() {
	t0=$(date +%s)
	if ! khotool show --live-out >/tmp/kt.txt 2>/tmp/kt.err; then
		fail "khotool show --live-out: $(cat /tmp/kt.err)"
		return
	fi
	pass "khotool --live-out found the outgoing handover in $(($(date +%s) - t0))s:" \
		"KHO FDT at $(header kho-fdt /tmp/kt.txt), $(header blocks /tmp/kt.txt) blocks"
	dump khotool-live-out /tmp/kt.txt
	start=$(khot-fdt $KHO/out/sub_fdts/memblock /khotest start)
	size=$(khot-fdt $KHO/out/sub_fdts/memblock /khotest size)
	end=$(printf '0x%x' $((start + size)))
	khotool blobs --live-out >/tmp/kb.txt 2>&1
	dump khotool-blobs-live-out /tmp/kb.txt
	verdict "khotool --live-out: memblock blob holds reserve_mem khotest $start size $size" \
		"khotool --live-out: memblock blob differs from debugfs ($start size $size)" \
		grep -q "^    reserve-mem khotest start $start size $size\$" /tmp/kb.txt
	grep ' preserved$' /tmp/kt.txt | spans >/tmp/kt.pres
	verdict "khotool --live-out: reserve_mem [$start, $end) lies in preserved memory" \
		"khotool --live-out: reserve_mem [$start, $end) is not preserved" \
		inside "$start" "$end" </tmp/kt.pres
	want=$(ls $KHO/out/sub_fdts | sort | xargs)
	got=$(header blob /tmp/kt.txt | cut -d' ' -f1 | sort | xargs)
	verdict "khotool --live-out: sub-blobs are debugfs's ($want)" \
		"khotool --live-out: sub-blobs '$got', debugfs has '$want'" [ "$got" = "$want" ]
}

guest_in() {
	if ! khotool show --live >/tmp/kt.txt 2>/tmp/kt.err; then
		fail "khotool show --live: $(cat /tmp/kt.err)"
		return
	fi
	pass "khotool --live read the incoming handover: KHO FDT at" \
		"$(header kho-fdt /tmp/kt.txt), preserved memory from $(header preserved-from /tmp/kt.txt)"
	dump khotool-live-in /tmp/kt.txt
	grep ' preserved$' /tmp/kt.txt | spans >/tmp/kt.pres
	rsv_nit >/tmp/mb.pres
	verdict "khotool --live: preserved ranges from kernel 2's memblock record ($(wc -l </tmp/kt.pres) RSV_NIT regions)" \
		"khotool --live: preserved ranges ($(wc -l </tmp/kt.pres)) are not the RSV_NIT regions ($(wc -l </tmp/mb.pres))" \
		cmp -s /tmp/kt.pres /tmp/mb.pres
	khotool blobs --live >/tmp/kb.txt 2>&1
	dump khotool-blobs-live-in /tmp/kb.txt
	rmem=$(sed -n 's/.*khotest\.rmem=\(0x[0-9a-f]*\).*/\1/p' /proc/cmdline)
	verdict "khotool --live: memblock blob puts reserve_mem khotest at $rmem, as kernel 1 did" \
		"khotool --live: reserve_mem khotest not at $rmem" \
		grep -q "^    reserve-mem khotest start $rmem " /tmp/kb.txt
}

if [ "${1:-}" = guest ]; then
	case ${2:-} in
	out) guest_out ;;
	in) guest_in ;;
	*) fail "khotool-live.sh guest: unknown '${2:-}'" ;;
	esac
	exit 0
fi

# -------------------------------------------------------------------- host

set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
TB_DIR=$top/scripts/testbed
BUILD=${BUILD:-$top/build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
export BUILD
. "$TB_DIR/lib.sh"
khotool=${HOSTKHOTOOL:-$BUILD/host/khotool}
case $khotool in /*) ;; *) khotool=$top/$khotool ;; esac
APPEND="console=ttyAMA0 panic=-1 kho=on reserve_mem=4M:4K:khotest liveupdate=on khotest.stage=1 khotest.next=chain khotest.dump=1 khotest.khotool=1"
out=$BUILD/testbed/khotool-live
log=$BUILD/testbed/khotool-live.log

image=${KHOT_IMAGE:-$("$TB_DIR/build-linux.sh")}
initrd=${KHOT_INITRD:-$("$TB_DIR/build-initramfs.sh" "$image")}
rm -rf "$out"
mkdir -p "$out"
# capture.sh's park hook saves RAM into $KHOT_CAPTURE_DIR when kernel 1 has kexec'd.
rc=0
KHOT_CAPTURE_DIR=$out "$TB_DIR/qemu-run.sh" -n khotool-live -a "$APPEND" -t 300 \
	-x "$TB_DIR/capture.sh --park-hook" "$image" "$initrd" || rc=1

fails=0
check() { # DESCRIPTION COMMAND...
	_d=$1
	shift
	if "$@" >"$out/check.out" 2>&1; then
		echo "   ok:   $_d"
	else
		echo "   FAIL: $_d"
		sed 's/^/         /' "$out/check.out"
		fails=$((fails + 1))
	fi
}
lines() { grep -v '^#' "$1" | grep " $2\$" || true; }
same() { # WHAT A B
	[ "$2" = "$3" ] || { echo "$1: '$2' vs '$3'"; return 1; }
}

echo "== khotool-live: guest outputs against the host decode of RAM saved at the kexec"
ram=$out/ram@0x40000000.bin
for f in dtb:firmware-fdt-2 out.txt:khotool-live-out in.txt:khotool-live-in; do
	tb_extract "$log" "${f#*:}" "$out/${f%%:*}" || echo "   (the console has no ${f#*:})"
done
if [ -s "$ram" ] && [ -s "$out/dtb" ] && [ -s "$out/out.txt" ] && [ -s "$out/in.txt" ]; then
	check "host: khotool show on the saved RAM and kernel 2's DTB" \
		sh -c '"$1" show --dtb "$2" --ram "$3@0x40000000" >"$4"' - \
		"$khotool" "$out/dtb" "$ram" "$out/host.txt"
	# Kernel 2 no longer has the map (freed at boot): --live takes preserved
	# memory from its memblock record and lists no map pages; all else must match.
	nomap() { grep -Ev ' map$|^# (map-pages|blocks|preserved-from|preserved-bytes):' "$1"; }
	nomap "$out/host.txt" >"$out/host.nomap"
	nomap "$out/in.txt" >"$out/in.nomap"
	check "kernel 2 --live: what the host decodes from RAM at the kexec, map pages aside" \
		diff -u "$out/host.nomap" "$out/in.nomap"
	h() { sed -n "s/^# $1: //p" "$2"; }
	check "kernel 1 --live-out: the KHO FDT kernel 1 handed over ($(h kho-fdt "$out/host.txt"))" \
		same kho-fdt "$(h kho-fdt "$out/out.txt")" "$(h kho-fdt "$out/host.txt")"
	check "kernel 1 --live-out: the same sub-blobs at the same places" \
		same blobs "$(h blob "$out/out.txt" | sort)" "$(h blob "$out/host.txt" | sort)"
	check "kernel 1 --live-out: the same scratch areas" \
		same scratch "$(h scratch "$out/out.txt")" "$(h scratch "$out/host.txt")"
	lines "$out/out.txt" preserved >"$out/out.preserved"
	lines "$out/host.txt" preserved >"$out/host.preserved"
	check "kernel 1 --live-out: all $(wc -l <"$out/out.preserved") preserved ranges still preserved at the kexec" \
		tb_uncovered "$out/out.preserved" "$out/host.preserved"
	tb_uncovered "$out/host.preserved" "$out/out.preserved" >"$out/added" || true
	echo "   info: $(wc -l <"$out/added") preserved ranges appeared between --live-out and the kexec"
	echo "   info: kernel 1 keeps its scratch array at $(h scratch-array "$out/out.txt")," \
		"kexec copied it to $(h scratch-array "$out/host.txt")"
else
	check "RAM saved at the kexec, kernel 2's DTB and both khotool outputs present" false
fi

if [ $rc -ne 0 ] || [ $fails -ne 0 ]; then
	echo "== khotool-live: FAILED"
	exit 1
fi
echo "== khotool-live: PASS"
