#!/bin/sh
# khotool --live and --live-out on a copy of a system's files (--live-root): the
# DT as sys/firmware/fdt, RAM as dev/mem (a sparse file, offset = physical
# address), debugfs kho/out and memblock/reserved as the kernel prints them. The
# decode must equal that of the same handover given as --dtb and --ram.
. "$(dirname "$0")/lib/common.sh"

layout 0x40000000
ARRAY=$((B + 0x1800000)) # a scratch array outside scratch, as a cold-booted kernel has

# root NAME: $TMP/NAME.root holding handover NAME: its DT and RAM.
root() {
	R=$TMP/$1.root
	rm -rf "$R"
	mkdir -p "$R/sys/firmware" "$R/dev" "$R/sys/kernel/debug/kho/out" \
		"$R/sys/kernel/debug/memblock"
	cp "$TMP/$1.dtb" "$R/sys/firmware/fdt"
	dd if="$TMP/$1.img" of="$R/dev/mem" bs=1M seek=$((B >> 20)) conv=sparse status=none
}

# outgoing NAME PREFIX: make $R a kernel about to hand over NAME: no handover in
# its /chosen, debugfs kho/out with the scratch areas and the KHO FDT's first
# PREFIX bytes (Linux 7.3 shows only a prefix once sub-blobs are added).
outgoing() {
	fdtput -d "$R/sys/firmware/fdt" /chosen linux,kho-fdt
	fdtput -d "$R/sys/firmware/fdt" /chosen linux,kho-scratch
	dd if="$TMP/$1.img" of="$R/sys/kernel/debug/kho/out/fdt" bs=1 skip=$((KFDT - B)) \
		count="$2" status=none
	areas
}

# areas: debugfs kho/out scratch_phys and scratch_len for the layout's three
# entries (the middle one empty, as gen makes it).
areas() {
	printf '0x%x\n0x0\n0x%x\n' "$S1" "$S2" >"$R/sys/kernel/debug/kho/out/scratch_phys"
	printf '0x%x\n0x0\n0x%x\n' "$S1_SIZE" "$S2_SIZE" >"$R/sys/kernel/debug/kho/out/scratch_len"
}

# files NAME: the show output of handover NAME from its files.
files() {
	"$KHOTOOL" show --dtb "$TMP/$1.dtb" --ram "$TMP/$1.img@$B" >"$TMP/files.txt"
}

gen in v4
handover_info in
root in
files in

t_begin "live: --live reads the handover /chosen points at, through dev/mem"
kt show --live --live-root "$R"
kt_expect_rc 0
expect_files "show output" "$TMP/out" "$TMP/files.txt"
t_end

t_begin "live: --live reads RAM only where the files say: a short dev/mem is unreadable"
truncate -s $((S1)) "$R/dev/mem"
kt check --live --live-root "$R"
kt_expect_rc 1
expect_eq stderr "$(cat "$TMP/err")" \
	"khotool: check: address in RAM but not readable (stage: open)"
t_end

t_begin "live: a map page reused since boot: the error says why, without memblock"
root in
poke64 "$R/dev/mem" $((MAPROOT + 8)) 0x1234
kt check --live --live-root "$R"
kt_expect_rc 1
expect_eq stderr "$(head -n 1 "$TMP/err")" \
	"khotool: check: pointer or block misaligned (stage: protect)"
expect_grep hint "$TMP/err" "mount debugfs, so khotool reads the kernel's memblock record"
t_end

t_begin "live: --live never reads a /reserved-memory no-map region"
root in
fdtput -c "$R/sys/firmware/fdt" /reserved-memory /reserved-memory/fw
fdtput -t x "$R/sys/firmware/fdt" /reserved-memory '#address-cells' 2
fdtput -t x "$R/sys/firmware/fdt" /reserved-memory '#size-cells' 2
fdtput -t x "$R/sys/firmware/fdt" /reserved-memory/fw reg 0 "$(printf %x "$MAPROOT")" 0 "$(printf %x "$P")"
fdtput "$R/sys/firmware/fdt" /reserved-memory/fw no-map
kt check --live --live-root "$R"
expect_eq stderr "$(head -n 1 "$TMP/err")" \
	"khotool: check: address in RAM but not readable (stage: protect)"
t_end

# memblock/reserved as Linux prints it: index, first..last byte, node, flags.
t_begin "live: --live takes preserved memory from memblock RSV_NIT regions if readable"
root in
{
	printf '   0: 0x%016x..0x%016x    0 RSV_NIT\n' "$KFDT" $((KFDT + P - 1))
	printf '   1: 0x%016x..0x%016x    0 RSV_KERN\n' $((B + 0x200000)) $((B + 0x2fffff))
	printf '   2: 0x%016x..0x%016x    0 RSV_NIT|RSV_HUGETLB\n' $((B + 0x300000)) $((B + 0x3fffff))
	printf '   3: 0x%016x..0x%016x    0 RSV_NIT\n' "$RES_START" $((RES_START + RES_SIZE - 1))
} >"$R/sys/kernel/debug/memblock/reserved"
kt show --live --live-root "$R"
kt_expect_rc 0
{
	printf '0x%x 0x%x preserved\n' "$KFDT" $((KFDT + P))
	printf '0x%x 0x%x preserved\n' "$RES_START" $((RES_START + RES_SIZE))
} >"$TMP/want"
ranges preserved <"$TMP/out" >"$TMP/got"
expect_files "preserved lines" "$TMP/got" "$TMP/want"
expect_eq preserved-from "$(header preserved-from <"$TMP/out")" memblock
expect_eq "map lines" "$(ranges map <"$TMP/out")" ""
expect_eq blocks "$(header blocks <"$TMP/out")" 2
# Blob pages memblock does not list are the handover's, unpreserved: meta.
md=$(blob_phys kexec-metadata)
expect_eq "metadata meta" "$(ranges meta <"$TMP/out" | grep "^$(hex "$md") ")" \
	"$(hex "$md") $(hex $((md + 73))) meta"
kt check --live --live-root "$R"
expect_eq check "$(cat "$TMP/out")" "ok: v4 2 preserved ranges (memblock)"
t_end

t_begin "live: a memblock list khotool cannot parse is an error"
echo "garbage" >"$R/sys/kernel/debug/memblock/reserved"
kt check --live --live-root "$R"
kt_expect_rc 1
expect_grep stderr "$TMP/err" "memblock/reserved: cannot parse a line"
t_end

# ------------------------------------------------------------------ --live-out

gen out v4 -A "$ARRAY"
handover_info out
files out

t_begin "live-out: found from a 150-byte prefix of kho/out/fdt and the scratch areas"
root out
outgoing out 150
kt show --live-out --live-root "$R"
kt_expect_rc 0
expect_files "show output" "$TMP/out" "$TMP/files.txt"
t_end

t_begin "live-out: a stale copy of the KHO FDT page in free memory is not taken"
dd if="$TMP/out.img" of="$R/dev/mem" bs="$P" skip=$(((KFDT - B) / P)) \
	seek=$(((X = B + 0x1c00000) / P)) count=1 conv=notrunc status=none
kt show --live-out --live-root "$R"
kt_expect_rc 0
expect_files "show output" "$TMP/out" "$TMP/files.txt"
t_end

t_begin "live-out: kexec's copy of the scratch array, inside scratch, is not taken"
root out
outgoing out 150
dd if="$TMP/out.img" of="$R/dev/mem" bs=1 skip=$((ARRAY - B)) seek=$((S2 + 0x100000)) count=48 \
	conv=notrunc status=none
kt show --live-out --live-root "$R"
kt_expect_rc 0
expect_files "show output" "$TMP/out" "$TMP/files.txt"
t_end

t_begin "live-out: a copy in preserved memory too makes it ambiguous: exit 1"
gen out2 v4 -A "$ARRAY" -p "$((B + 0x1c00000)):0"
handover_info out2
root out2
outgoing out2 150
dd if="$TMP/out2.img" of="$R/dev/mem" bs="$P" skip=$(((KFDT - B) / P)) \
	seek=$(((B + 0x1c00000) / P)) count=1 conv=notrunc status=none
kt show --live-out --live-root "$R"
kt_expect_rc 1
expect_eq stderr "$(cat "$TMP/err")" "khotool: show: live-out: a KHO FDT preserved by its own \
map at 2 places: $(hex "$KFDT"), $(hex $((B + 0x1c00000)))"
t_end

t_begin "live-out: a prefix that no page starts with: not found, exit 1"
root out
outgoing out 150
poke "$R/sys/kernel/debug/kho/out/fdt" 100 0xee
kt show --live-out --live-root "$R"
kt_expect_rc 1
expect_eq stderr "$(cat "$TMP/err")" "khotool: show: live-out: no page of RAM starting with \
kho/out/fdt holds a KHO FDT that its own map preserves"
t_end

t_begin "live-out: scratch areas that no array in RAM lists: not found, exit 1"
root out
outgoing out 150
printf '0x%x\n0x0\n0x%x\n' "$S1_SIZE" "$S1_SIZE" >"$R/sys/kernel/debug/kho/out/scratch_len"
kt show --live-out --live-root "$R"
kt_expect_rc 1
expect_eq stderr "$(cat "$TMP/err")" "khotool: show: live-out: the scratch array (3 areas, \
as debugfs lists them) is nowhere in RAM outside the scratch areas"
t_end

t_begin "live-out: scratch_phys and scratch_len of different lengths"
echo 0x1000 >"$R/sys/kernel/debug/kho/out/scratch_len"
kt show --live-out --live-root "$R"
kt_expect_rc 2
expect_grep stderr "$TMP/err" "scratch_len: 3 and 1 scratch areas"
t_end

t_begin "live-out: a kernel booted by KHO with no outgoing FDT yet: not found, exit 1"
gen kexeced v4
handover_info kexeced
root kexeced
rm -f "$R/sys/kernel/debug/kho/out/fdt" # not shown on a KHO boot
areas
kt show --live-out --live-root "$R"
kt_expect_rc 1 # the only KHO FDT in RAM is the incoming one
expect_eq stderr "$(cat "$TMP/err")" "khotool: show: live-out: no page of RAM but the \
incoming handover's holds a KHO FDT that its own map preserves"
t_end

# A kernel booted by KHO (handover kexeced in $B..) building its own (kout, in the
# next 64 MiB) on the same scratch areas, whose array it keeps using where /chosen
# says; debugfs shows no kho/out/fdt on a KHO boot.
t_begin "live-out: a kernel booted by KHO: its outgoing FDT, the array it was handed"
B2=$((B + 0x4000000))
"$MKHANDOVER" -a v4 -b "$B2" -o "$TMP/kout.img" -d "$TMP/kout.dtb" -x "$B:0x4000000" \
	-S "$S1:$S1_SIZE" -S 0:0 -S "$S2:$S2_SIZE" -A $((B2 + 0x1800000)) -p $((B2 + 0x2000000)):0
fdtput -t x "$R/sys/firmware/fdt" /memory@40000000 reg 0 "$(printf %x "$B")" 0 0x8000000
dd if="$TMP/kout.img" of="$R/dev/mem" bs=1M seek=$((B2 >> 20)) conv=sparse,notrunc status=none
kt show --live-out --live-root "$R"
kt_expect_rc 0
set -- $(fdtget -t x "$TMP/kout.dtb" /chosen linux,kho-fdt)
expect_eq kho-fdt "$(header kho-fdt <"$TMP/out")" "$(hex $(((0x$1 << 32) | 0x$2))) len 0x1000"
expect_eq scratch-array "$(header scratch-array <"$TMP/out")" "$(hex "$S1") len 0x30"
"$KHOTOOL" show --dtb "$TMP/kout.dtb" --ram "$TMP/kout.img@$B2" | ranges preserved >"$TMP/want"
ranges preserved <"$TMP/out" >"$TMP/got"
expect_files "preserved lines" "$TMP/got" "$TMP/want"
t_end

t_begin "live-out: without debugfs kho/out: exit 2, naming the file"
rm -rf "$R/sys/kernel/debug/kho"
kt show --live-out --live-root "$R"
kt_expect_rc 2
expect_grep stderr "$TMP/err" "kho/out/scratch_phys: No such file or directory"
t_end

t_begin "live: --live with --dtb is a usage error"
kt show --live --dtb "$TMP/in.dtb"
kt_expect_rc 2
expect_grep stderr "$TMP/err" "khotool: show: --live takes no --dtb or --ram"
t_end

t_begin "live: diff of the live handover and its files: identical"
root in
kt diff --a-live --live-root "$R" --b-dtb "$TMP/in.dtb" --b-ram "$TMP/in.img@$B"
kt_expect_rc 0
t_end

# A blob 16 MiB away from the rest: its bytes are first read when diff compares
# them, after both handovers are loaded.
t_begin "live: diff of two live handovers (one /dev/mem for both): identical"
gen far v4 -X "vendor:$((B + 0x1c00000)):0x40"
root far
kt diff --a-live --b-live --live-root "$R"
kt_expect_rc 0
expect_eq stderr "$(cat "$TMP/err")" ""
t_end

t_done
