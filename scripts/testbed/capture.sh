#!/bin/sh
# Capture a real Linux 7.3 KHO handover on QEMU arm64, in one run:
# kernel 1 (stage 1) dumps its KHO debugfs files on the console and kexecs the
# park stub with itself chained behind it. When the stub reports in, the VM is
# stopped and all of RAM is saved through the monitor; the stub is then
# released and boots kernel 2 on the untouched handover, which verifies the
# preserved data and dumps its memblock reservations. So the RAM dump and
# kernel 2's view describe the same handover.
#
# Output in $BUILD/testbed/capture/ (see the README written there).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
export BUILD=$build
RAM_BASE=0x40000000
RAM_SIZE=0x40000000
cap=${KHOT_CAPTURE_DIR:-$build/testbed/capture}

# Called by qemu-run.sh when the park stub has printed its banner.
if [ "${1:-}" = --park-hook ]; then
	"$here/qemu-mon.sh" "$KHOT_MONITOR" stop 'info registers' \
		"pmemsave $RAM_BASE $RAM_SIZE \"$cap/ram@$RAM_BASE.bin\"" >"$cap/monitor.txt"
	"$here/qemu-mon.sh" "$KHOT_MONITOR" cont >/dev/null
	printf 'g' >"$KHOT_CONSOLE_IN"
	exit 0
fi

APPEND="console=ttyAMA0 panic=-1 kho=on reserve_mem=4M:4K:khotest liveupdate=on khotest.stage=1 khotest.next=chain khotest.dump=1"
image=${KHOT_IMAGE:-$("$here/build-linux.sh")}
initrd=${KHOT_INITRD:-$("$here/build-initramfs.sh" "$image")}
rm -rf "$cap"
mkdir -p "$cap"
export KHOT_CAPTURE_DIR=$cap
rc=0
"$here/qemu-run.sh" -n capture -a "$APPEND" -t 300 -x "$here/capture.sh --park-hook" \
	"$image" "$initrd" || rc=1
log=$build/testbed/capture.log
cp "$log" "$cap/console.log"

die() { echo "capture: $*" >&2; exit 1; }
[ -s "$cap/ram@$RAM_BASE.bin" ] || die "no RAM dump: the park stub never reported (see $log)"
[ "$(stat -c %s "$cap/ram@$RAM_BASE.bin")" -eq $((RAM_SIZE)) ] || die "RAM dump is truncated"

# x0 = the DTB kernel 1 built for the next stage, as the stub saw it; the stub
# keeps it in x19 (x0 is its scratch register), so check it in the monitor too.
x0=$(tr -d '\r' <"$log" | sed -n 's/^khotest-park: x0=0x\([0-9a-f]*\) .*/0x\1/p' | head -n 1)
reg=$(sed -n 's/.*X19=\([0-9a-f]*\).*/0x\1/p' "$cap/monitor.txt" | head -n 1)
[ -n "$x0" ] && [ $((x0)) -eq $((reg)) ] || die "x0 from the stub ($x0) and x19 in the monitor ($reg) differ"
x0=$(printf '0x%x' $((x0)))
sed -n '/^CPU#0/,/^(qemu)/p' "$cap/monitor.txt" | grep -v '^(qemu)' >"$cap/registers.txt"

# ram_cut FILE PHYS SIZE: copy SIZE bytes at PHYS out of the RAM dump.
ram_cut() {
	tail -c +$(($2 - RAM_BASE + 1)) "$cap/ram@$RAM_BASE.bin" | head -c $(($3)) >"$1"
}
# fdt_size FILE: totalsize from the header of the FDT that FILE starts with.
fdt_size() {
	od -An -tu1 -j4 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'
}
ram_cut "$cap/dtb" "$x0" 8
ram_cut "$cap/dtb" "$x0" "$(fdt_size "$cap/dtb")"
fdtget -t x "$cap/dtb" /chosen linux,kho-fdt >/dev/null || die "the DTB at $x0 has no /chosen/linux,kho-fdt"

for f in kho-out/fdt kho-out/sub_fdts/memblock kho-out/sub_fdts/kexec-metadata kho-out/sub_fdts/LUO \
	kho-out/scratch_phys kho-out/scratch_len; do
	mkdir -p "$cap/$(dirname "$f")"
	tb_extract "$log" "$f" "$cap/$f" || die "console has no dump of $f"
done
mv "$cap/kho-out/fdt" "$cap/kho-out/fdt.debugfs"
tb_extract "$log" firmware-fdt "$cap/firmware.dtb"
tb_extract "$log" memblock-reserved-1 "$cap/memblock-reserved-1.txt"
tb_extract "$log" memblock-reserved "$cap/memblock-reserved.txt" || die "kernel 2 printed no memblock list"
tb_extract "$log" firmware-fdt-2 "$cap/firmware-2.dtb" || true
rstart=$(tb_le64 "$cap/kho-out/sub_fdts/memblock" /khotest start)
rsize=$(tb_le64 "$cap/kho-out/sub_fdts/memblock" /khotest size)
echo "$rstart $(printf 0x%x $((rstart + rsize))) reserve_mem:khotest" >"$cap/reserve-mem.txt"

# kho-out.fdt is the KHO FDT kernel 1 handed over, read from RAM at
# /chosen/linux,kho-fdt. debugfs kho/out/fdt is only a prefix of it: 7.3 sizes
# that blob once at kho_init(), before later kho_add_subtree() calls (memblock
# at late_initcall) grow the FDT. Check the prefix matches.
set -- $(fdtget -t x "$cap/dtb" /chosen linux,kho-fdt)
khofdt=$(printf '0x%x' $(((0x$1 << 32) | 0x$2)))
ram_cut "$cap/kho-out.fdt" "$khofdt" 8
fdtsize=$(fdt_size "$cap/kho-out.fdt")
ram_cut "$cap/kho-out.fdt" "$khofdt" "$fdtsize"
dbgsize=$(stat -c %s "$cap/kho-out/fdt.debugfs")
head -c "$dbgsize" "$cap/kho-out.fdt" | cmp -s - "$cap/kho-out/fdt.debugfs" ||
	die "KHO FDT at $khofdt in RAM does not start with debugfs kho/out/fdt"
[ "$dbgsize" -eq "$fdtsize" ] ||
	echo "capture: note: debugfs kho/out/fdt shows $dbgsize of the FDT's $fdtsize bytes"

cat >"$cap/README" <<TXT
Linux 7.3 KHO handover captured on QEMU arm64 virt (1 GiB at $RAM_BASE), one run:
kernel 1 -> park stub (RAM saved here) -> kernel 2 booted on the same handover.

dtb                      DTB kernel 1 built for the next stage (x0 = $x0 at entry);
                         /chosen linux,kho-fdt and linux,kho-scratch point into RAM
ram@$RAM_BASE.bin     all guest RAM at the moment of the handover (loaded at $RAM_BASE)
kho-out.fdt              the KHO FDT kernel 1 handed over (from RAM at linux,kho-fdt)
kho-out/fdt.debugfs      kernel 1's /sys/kernel/debug/kho/out/fdt: a prefix of kho-out.fdt
                         (7.3 sizes that debugfs blob before later sub-blobs are added)
kho-out/sub_fdts/*       kernel 1's debugfs copies of the sub-blobs (LUO is serialised
                         only at reboot, so its RAM copy is the authoritative one)
kho-out/scratch_*        kernel 1's scratch areas (debugfs)
firmware.dtb             kernel 1's /sys/firmware/fdt (the DTB QEMU passed)
memblock-reserved.txt    kernel 2's /sys/kernel/debug/memblock/reserved (same run)
memblock-reserved-1.txt  kernel 1's memblock reserved list
reserve-mem.txt          the reserve_mem region 'khotest': "0x<start> 0x<end> reserve_mem:khotest"
registers.txt            QEMU 'info registers' at the stub's entry
console.log              the whole console log
TXT
echo "capture: $(du -sh "$cap" | cut -f1) in $cap (DTB at $x0, KHO FDT at $khofdt)"
[ $rc -eq 0 ] || die "the run itself failed (see above)"
