#!/bin/sh
# make bench-qemu: what one hand-over costs the AArch64 stage in QEMU (virt, 1 GiB,
# one vCPU), counted by a TCG plugin (handover_count.c) from the stage's first
# instruction to the first one outside its image (the kernel's entry).
#
# Runs, each with a stand-in kernel (park.S: an Image header, then PSCI off) in
# the payload container, as -initrd:
#   forward  a previous kernel's KHO state (v4) with BLOCKS order-0 blocks that
#            touch no other, made on the host by libkho's producer (mkhandover)
#            and loaded into guest RAM; the OS DT is QEMU's own virt DT with
#            /chosen linux,kho-fdt and linux,kho-scratch added
#   cold     the same without KHO state: the stage's fixed cost
#   initrd   forward with an initrd of INITRD_MIB MiB: the payload check's cost
#
# Memory of the forward run (1 GiB at 0x40000000): the stage at 0x40200000 (QEMU's
# -kernel), the container at 0x48000000 and QEMU's DTB after it, one scratch area
# 0x40000000-0x50000000 holding all of these (as a kexec would place them), the
# KHO FDT, scratch array and map pages at 0x50000000-0x50800000, the blocks spread
# over 0x50800000-0x70000000, below the board's firmware buffers at 0x70000000.
#
# Prints instructions (total, per step, the heaviest functions) and the bytes the
# guest stored, by destination, against the goals: at most 2 M instructions, and 0
# bytes copied after load (no store into the kernel's or initrd's bytes, and
# nothing moved by the stage's placement). Nothing is asserted.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
config=${STAGE_CONFIG:-qemu_virt_arm64}
# The production stage (test hooks off), run forward and cold after the others;
# PROD_CONFIG= (empty) leaves it out.
prod=${PROD_CONFIG-${config}_nohooks}
blocks=${BLOCKS:-10000}
initrd_mib=${INITRD_MIB:-16}
plugin=$build/host/bench/handover_count.so
park=$build/host/bench/park.bin
w=$build/bench-qemu
mkdir -p "$w"
for f in "$build/$config/khofw.bin" ${prod:+"$build/$prod/khofw.bin"} "$plugin" "$park" \
	"$build/host/mkpayload" "$build/host/test/mkhandover"; do
	[ -f "$f" ] || { echo "handover.sh: $f missing (make bench-qemu builds it)" >&2; exit 1; }
done

qemu=$("$top/scripts/qemu10.sh")
export QEMU_MODULE_DIR="${KHOFW_CACHE:-$HOME/.cache/khofw}/qemu-10/modules"
QARGS="-M virt -cpu cortex-a57 -m 1G -smp 1 -nodefaults -display none -audio none -nic none
	-monitor none -no-reboot"

# The stage's symbols as they run: linked at 0, loaded by QEMU 2 MiB into RAM.
load=0x40200000
sym() { aarch64-linux-gnu-nm "$stage_elf" | awk -v s="$1" '$3 == s { print $1 }'; }
hex() { printf '0x%x' $(($1)); }

# use_stage CONFIG: the runs and reports that follow are of that stage, copied as
# built now (a later build must not change it between runs), with its symbols.
use_stage() {
	cp "$build/$1/khofw.elf" "$w/$1.elf"
	cp "$build/$1/khofw.bin" "$w/$1.bin"
	stage_elf=$w/$1.elf stage_bin=$w/$1.bin syms=$w/syms-$1.txt
	aarch64-linux-gnu-nm -n "$stage_elf" | while read -r a t n; do
		printf '%x %s %s\n' $((0x$a + load)) "$t" "$n"
	done >"$syms"
	img_end=$(hex "$load + 0x$(sym __image_end)")
}
use_stage "$config"
# The stage's steps, in the order stage_run() takes them.
PHASES=${PHASES:-"stage_start stage_run boot_take_handover_at boot_read_fw boot_take_payload
	boot_plan_scratch boot_place boot_fill_fw boot_handoff boot_for_each_written
	arch_boot_kernel"}
popts=
for p in $PHASES; do popts="$popts,phase=$p"; done

# Inputs: the previous kernel's state, QEMU's DT with its /chosen, the payloads.
"$build/host/test/mkhandover" -a v4 -o "$w/ram.img" -d "$w/kho.dtb" -b 0x50000000 \
	-s 0x800000 -A 0x50000000 -x 0x40000000:0x10000000 -x 0x50800000:0x2f800000 \
	-S 0x40000000:0x10000000 -N "$blocks:0x50800000:0x70000000" -m "6.99.0-bench:1"
# shellcheck disable=SC2086
"$qemu" $QARGS -M virt,dumpdtb="$w/virt-1m.dtb" >/dev/null
dtc -q -I dtb -O dtb -o "$w/virt.dtb" "$w/virt-1m.dtb" # packed, as -kernel gets it
cp "$w/virt.dtb" "$w/kho-os.dtb"
for p in linux,kho-fdt linux,kho-scratch; do
	# shellcheck disable=SC2046
	fdtput -t x "$w/kho-os.dtb" /chosen "$p" $(fdtget -t x "$w/kho.dtb" /chosen "$p")
done
"$build/host/mkpayload" -k "$park" -a v4 -c "console=ttyAMA0" -o "$w/payload.bin" >/dev/null
head -c $((initrd_mib << 20)) /dev/urandom >"$w/initrd.bin"
"$build/host/mkpayload" -k "$park" -i "$w/initrd.bin" -a v4 -c "console=ttyAMA0" \
	-o "$w/payload-initrd.bin" >/dev/null

# run NAME PAYLOAD DTB [QEMU ARGS...]: $w/NAME.report (plugin), $w/NAME.log (console).
# The stand-in kernel powers off; a stage that stops (panic, halt) is killed.
run() {
	name=$1 payload=$2 dtb=$3
	shift 3
	rm -f "$w/$name.report"
	: >"$w/$name.log"
	# shellcheck disable=SC2086
	"$qemu" $QARGS -serial "file:$w/$name.log" -kernel "$stage_bin" \
		-initrd "$payload" -dtb "$dtb" "$@" \
		-plugin "$plugin,image=$load:$img_end,syms=$syms,out=$w/$name.report$popts" \
		-d plugin -D "$w/$name.plugin.log" 2>"$w/$name.err" </dev/null &
	qpid=$!
	trap 'kill $qpid 2>/dev/null' INT TERM HUP
	t=0
	while kill -0 $qpid 2>/dev/null && [ $t -lt 6000 ]; do
		if tr -d '\r' <"$w/$name.log" 2>/dev/null | grep -Eq 'panic|rejected|halted|no payload'; then
			break
		fi
		sleep 0.1
		t=$((t + 1))
	done
	kill $qpid 2>/dev/null || true
	wait $qpid 2>/dev/null || true
	trap - INT TERM HUP
	if ! grep -q "^complete 1" "$w/$name.report" 2>/dev/null; then
		echo "handover.sh: $name: the stage did not reach the kernel" >&2
		tail -n 5 "$w/$name.log" "$w/$name.err" >&2
		exit 1
	fi
}

val() { awk -v k="$2" '$1 == k { print $2; exit }' "$w/$1.report"; }
sum_fn() { awk -v re="$2" '$1 == "fn" && $2 ~ re { s += $3 } END { print s + 0 }' "$w/$1.report"; }
# The stage's own regions and the ranges of its reservation table (console), for
# the destination of each stored line.
regions() {
	for s in __bss_start __stack_start __pgtable_pool_start __image_end; do
		printf '%s ' "$(hex "$load + 0x$(sym $s)")"
	done
	echo
}

# Stores by destination: the stage's image by section, then the table's ranges.
destinations() {
	tr -d '\r' <"$w/$1.log" | awk -v regs="$(regions)" -v load=$load -v rep="$w/$1.report" '
	function num(s, v, i) {
		s = tolower(s); sub(/^0x/, "", s); v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	BEGIN {
		split(regs, r, " ")
		n = 0 # first: what the stage owns or made (p 1), then its table (p 2)
		lo[n] = num(load); hi[n] = num(r[2]); p[n] = 1; what[n++] = "stage data+bss"
		lo[n] = num(r[2]); hi[n] = num(r[3]); p[n] = 1; what[n++] = "stage stack"
		lo[n] = num(r[3]); hi[n] = num(r[4]); p[n] = 1; what[n++] = "stage page tables"
	}
	/khofw: firmware buffer [^ ]+ 0x[0-9a-f]+-0x[0-9a-f]+ / {
		sub(/.*khofw: firmware buffer /, "")
		split($2, ab, "-")
		lo[n] = num(ab[1]); hi[n] = num(ab[2]); p[n] = 1; what[n++] = "firmware buffer " $1
		next
	}
	/khofw: new pages 0x[0-9a-f]+-0x[0-9a-f]+ / {
		sub(/.*khofw: new pages /, "")
		split($1, ab, "-")
		lo[n] = num(ab[1]); hi[n] = num(ab[2]); p[n] = 1
		what[n++] = "new pages (KHO FDT, map, blobs)"
		next
	}
	/khofw: [a-z-]+ +0x[0-9a-f]+ 0x[0-9a-f]+ +[0-9]+/ {
		sub(/.*khofw: /, "")
		if ($1 == "firmware" && $5 == "khofw")
			next
		lo[n] = num($2); hi[n] = num($3); p[n] = 2
		what[n++] = $1 ($5 != "" ? " " $5 : "")
	}
	END {
		while ((getline line < rep) > 0) {
			split(line, f, " ")
			if (f[1] != "line")
				continue
			a = num(f[2]); d = "unrecorded"
			for (q = 1; q <= 2 && d == "unrecorded"; q++)
				for (i = 0; i < n; i++)
					if (p[i] == q && a >= lo[i] && a < hi[i]) { d = what[i]; break }
			by[d] += f[3]
		}
		for (d in by)
			printf "%s\t%d\n", d, by[d]
	}' | sort -t "$(printf '\t')" -k2,2nr
}

payload_stores() {
	destinations "$1" | awk -F '\t' '$1 ~ /^payload (container|kernel|initrd)$/ { s += $2 }
		END { print s + 0 }'
}

report() {
	name=$1
	insns=$(val "$name" insns)
	copied=$(tr -d '\r' <"$w/$name.log" | sed -n 's/.*bytes copied \([0-9]*\).*/\1/p' | tail -n 1)
	echo "== $name: $(tr -d '\r' <"$w/$name.log" | grep -m 1 'khofw: payload ' | sed 's/.*khofw: //')"
	printf '   instructions, entry -> kernel at %s: %d\n' "$(val "$name" stop)" "$insns"
	printf '   by step (from the first instruction of each), and its heaviest functions:\n'
	awk '$1 == "phase" && $3 > 0 { print $2, $3 }' "$w/$name.report" | while read -r p n; do
		printf '     %-28s %10d ' "$p" "$n"
		awk -v p="$p" '$1 == "infn" && $2 == p { print $4, $3 }' "$w/$name.report" |
			sort -k1,1nr | awk 'NR <= 3 { printf " %s %d", $2, $1 } END { print "" }'
	done
	printf '   heaviest functions (instructions, bytes stored):\n'
	awk '$1 == "fn" { print $3, $4, $2 }' "$w/$name.report" | sort -k1,1nr | head -n 12 |
		while read -r n b f; do
			printf '     %-32s %10d %10d\n' "$f" "$n" "$b"
			# its callers, when more than one
			awk -v f="$f" '$1 == "call" && $2 == f && $4 > 0 { print $4, $5, $3 }' \
				"$w/$name.report" | sort -k1,1nr | awk 'NR <= 3 { l[NR] = $0 }
				END { if (NR > 1) for (i = 1; i <= NR && i <= 3; i++) {
					split(l[i], x, " ")
					printf "       from %-27s %10d %10d\n", x[3], x[1], x[2] } }'
		done
	printf '   heaviest with all they call (instructions; not the steps above):\n'
	awk '$1 == "fn" && NF >= 5 { print $5, $2 }' "$w/$name.report" | sort -k1,1nr |
		awk -v t="$insns" '$1 < t / 2 { printf "     %-32s %10d\n", $2, $1 }' | head -n 16
	printf '   bytes stored: %d to memory, %d to devices (console)\n' \
		"$(val "$name" stored)" "$(val "$name" stored-io)"
	destinations "$name" | awk -F '\t' '{ printf "     %-32s %10d\n", $1, $2 }'
	printf '   bytes copied after load: %d stored into the payload container, kernel or initrd;\n' \
		"$(payload_stores "$name")"
	printf '     the stage reports %s bytes moved by placement; memcpy/memmove stored %d\n' \
		"${copied:-?}" "$(sum_fn "$name" '^(memcpy|memmove)$')"
}

run forward "$w/payload.bin" "$w/kho-os.dtb" \
	-device "loader,file=$w/ram.img,addr=0x50000000,force-raw=on"
run cold "$w/payload.bin" "$w/virt.dtb"
run initrd "$w/payload-initrd.bin" "$w/kho-os.dtb" \
	-device "loader,file=$w/ram.img,addr=0x50000000,force-raw=on"

echo "hand-over cost in QEMU: AArch64 stage ($config), 1 GiB, $blocks preserved blocks"
report forward
report cold
report initrd
f=$(val forward insns) c=$(val cold insns) i=$(val initrd insns)
crc_f=$(sum_fn forward '^boot_crc32$') crc_i=$(sum_fn initrd '^boot_crc32$')
echo "== summary"
printf '   forward %d instructions (goal 2000000: %s), cold %d, difference %d = %.1f per block\n' \
	"$f" "$([ "$f" -le 2000000 ] && echo met || echo missed)" "$c" $((f - c)) \
	"$(awk "BEGIN { print ($f - $c) / $blocks }")"
printf '   payload check: %d MiB of initrd add %d instructions (%.2f per byte; boot_crc32 %d -> %d)\n' \
	"$initrd_mib" $((i - f)) "$(awk "BEGIN { print ($i - $f) / ($initrd_mib * 1048576) }")" \
	"$crc_f" "$crc_i"
printf '   bytes copied after load (goal 0): %d\n' "$(payload_stores forward)"

# The production stage: test hooks off (no khofw.* command-line hooks, no test
# pattern written into the firmware buffers).
[ -n "$prod" ] || exit 0
use_stage "$prod"
run prod-forward "$w/payload.bin" "$w/kho-os.dtb" \
	-device "loader,file=$w/ram.img,addr=0x50000000,force-raw=on"
run prod-cold "$w/payload.bin" "$w/virt.dtb"
echo "hand-over cost in QEMU: production AArch64 stage ($prod)"
report prod-forward
report prod-cold
f=$(val prod-forward insns) c=$(val prod-cold insns)
echo "== summary ($prod)"
printf '   forward %d instructions (goal 2000000: %s), cold %d, difference %d = %.1f per block\n' \
	"$f" "$([ "$f" -le 2000000 ] && echo met || echo missed)" "$c" $((f - c)) \
	"$(awk "BEGIN { print ($f - $c) / $blocks }")"
