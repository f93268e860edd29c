#!/bin/sh
# A corrupted hand-over must be refused, and refused without writing into memory
# the stage cannot prove its own. Kernel 1 breaks its own outgoing radix tree
# (khotest.corrupt=, after filling its reserve_mem region and LUO memfd) and
# kexecs into the stage behind the park stub; RAM is dumped before the stage runs
# and after it stops, and every changed page must lie in the stage's own image
# (policy halt) or in the stage's image or the payload container (policy cold).
#   cycle,   halt (the defconfig's policy)
#   outside, cold, stopped just before the jump (khofw.stop=1)
#   outside, cold, to the end: the kernel boots without KHO
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/test/py-free/stage/lib/e2e.sh"

image=$(tb_image)
initrd=$(tb_initrd "$image")
K1="console=ttyAMA0 panic=-1 kho=on reserve_mem=4M:4K:khotest liveupdate=on khotest.stage=1 khotest.next=khofw"
cc -O2 -Wall -o "$out/ramdiff" "$top/test/py-free/stage/ramdiff.c"

# The stage's image, and the payload container, from its console lines.
range_of() { # LOG REGEX -> "0xSTART 0xEND"
	tr -d '\r' <"$1" | sed -n "s/.*$2 \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\).*/\1 \2/p" | head -n 1
}

# Every changed range of RAM lies inside one of the allowed ones.
only_within() { # DIFF ALLOWED-RANGES...
	diff=$1 bad=0
	shift
	allowed="$*" # start end pairs
	while read -r s e; do
		ok=0 a=$allowed
		while [ -n "$a" ]; do
			lo=${a%% *} a=${a#* } hi=${a%% *}
			[ "$a" = "$hi" ] && a= || a=${a#* }
			[ $((s)) -ge $((lo)) ] && [ $((e)) -le $((hi)) ] && ok=1
		done
		[ $ok -eq 1 ] || { echo "   changed outside: $s $e"; bad=1; }
	done <"$diff"
	return $bad
}

dump_run() { # NAME APPEND
	name=$1 log=$build/testbed/$1.log
	export DUMP_DIR=$out/$name
	rm -rf "$DUMP_DIR" && mkdir -p "$DUMP_DIR"
	echo "== $test_name: $name"
	"$tb/qemu-run.sh" -n "$name" -a "$2" -t 120 -x "sh $top/test/py-free/stage/lib/dump-hook.sh" \
		"$image" "$initrd" >/dev/null 2>&1 || true
	if [ -f "$DUMP_DIR/before.bin" ] && [ -f "$DUMP_DIR/after.bin" ]; then
		"$out/ramdiff" "$DUMP_DIR/before.bin" "$DUMP_DIR/after.bin" 0x40000000 >"$DUMP_DIR/diff"
		echo "   changed: $(wc -l <"$DUMP_DIR/diff") range(s)"
	fi
	img=$(range_of "$log" "khofw: image")
	pl=$(range_of "$log" "khofw: payload")
}

dump_run reject-cycle-halt "$K1 khotest.corrupt=cycle khotest.park=1"
check "the stage refused the cycle" \
	grep -q "khofw: rejected the incoming hand-over: memory map page reached twice (cycle)" "$log"
check "policy halt" grep -q "khofw: policy: halt" "$log"
check "RAM dumped before and after" test -s "$DUMP_DIR/after.bin"
check "the dumps differ where the stage ran (the comparison sees writes)" test -s "$DUMP_DIR/diff"
check "nothing written outside the stage image ($img)" only_within "$DUMP_DIR/diff" $img

dump_run reject-outside-cold "$K1 khotest.corrupt=outside khotest.park=1 khotest.stageargs=khofw.on-bad-handover=cold,khofw.stop=1"
check "the stage refused the pointer outside RAM" \
	grep -q "khofw: rejected the incoming hand-over: pointer outside RAM" "$log"
check "policy cold" grep -q "khofw: policy: boot cold without KHO" "$log"
check "it got as far as the jump" grep -q "khofw.stop: halted before the kernel" "$log"
check "nothing written outside the stage image ($img) and the container ($pl)" \
	only_within "$DUMP_DIR/diff" $img $pl

name=reject-outside-boot log=$build/testbed/$name.log
echo "== $test_name: $name"
"$tb/qemu-run.sh" -n "$name" -a "$K1 khotest.corrupt=outside khotest.stageargs=khofw.on-bad-handover=cold" \
	-t 120 "$image" "$initrd" >/dev/null 2>&1 || true
check "the stage refused the hand-over and booted cold" grep -q "hand-over none (cold boot)" "$log"
check "kernel 2 reached userspace" grep -q "khotest: stage 2 on" "$log"
check "kernel 2 saw no KHO hand-over" sh -c "! grep -q 'KHO: found kexec handover data' '$log'"
e2e_done
