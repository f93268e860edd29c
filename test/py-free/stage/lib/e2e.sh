# Shared by the stage's end-to-end tests (sourced): the test bed's kernel and
# initramfs, mkpayload, a QEMU run judged by the guest's PASS/FAIL lines, and the
# checks that the kernel really accepted a hand-over.
#
#   e2e_run NAME MACHINE STAGE PAYLOAD   boot; $log is the console log
#   check DESCRIPTION COMMAND...         one assertion
#   e2e_kho_accepted                     KHO found, reserve_mem revived (log)
#   e2e_buffers_reserved                 RSV_NIT covers both firmware buffers
#   e2e_done                             summary; exit status
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
export BUILD=$build
tb=$top/scripts/testbed
. "$tb/lib.sh"
stage_bin=$build/${STAGE_CONFIG:-qemu_virt_arm64}/khofw.bin
mkpayload=$build/host/mkpayload
out=$build/stage-e2e
mkdir -p "$out"
fails=0
test_name=$(basename "$0" .sh)

# The firmware buffers of dts/qemu-virt-arm64.dts: NAME:ADDR:SIZE:SEED.
E2E_LOG=log:0x70000000:0x100000:0x6b686f66776c6f67
E2E_DMA=dma:0x70200000:0x3000:0x6b686f6677646d61
E2E_APPEND="console=ttyAMA0 panic=-1 kho=on reserve_mem=1M:4K:khofw_log khotest.stage=fw khotest.fw=$E2E_LOG,$E2E_DMA"

for f in "$stage_bin" "$mkpayload"; do
	[ -x "$f" ] || [ -f "$f" ] || { echo "$test_name: $f missing (make stage)" >&2; exit 1; }
done

tb_image() { "$tb/build-linux.sh"; }
tb_initrd() { "$tb/build-initramfs.sh" "$1"; }

# Debian bookworm's arm64 kernel (linux-image-arm64 and the package it depends
# on), downloaded, not installed; its vmlinuz is a plain Image.
debian_image() {
	meta=$("$top/scripts/debfetch.sh" bookworm linux-image-arm64 arm64)
	pkg=$(dpkg-deb -f "$meta" Depends | sed 's/ .*//')
	deb=$("$top/scripts/debfetch.sh" bookworm "$pkg" arm64)
	dir=${KHOFW_CACHE:-$HOME/.cache/khofw}/debian-kernel/$pkg
	if [ ! -f "$dir/Image" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" ./boot
		cp "$dir"/boot/vmlinuz-* "$dir/Image"
	fi
	echo "$dir/Image"
}

check() {
	d=$1
	shift
	if "$@"; then echo "   ok:   $d"; else echo "   FAIL: $d"; fails=$((fails + 1)); fi
}

e2e_run() {
	name=$1 machine=$2
	log=$build/testbed/$name.log
	echo "== $test_name: $name ($machine)"
	if ! "$tb/qemu-run.sh" -n "$name" -M "$machine" -t 120 "$3" "$4"; then
		fails=$((fails + 1))
	fi
	grep "khofw: \(firmware buffer\|payload \|scratch area\|kernel \|hand-over\)" "$log" |
		sed 's/^/         /' || true
}

e2e_kho_accepted() {
	check "kernel logged 'KHO: found kexec handover data'" \
		grep -q "KHO: found kexec handover data" "$log"
	check "kernel revived reserve_mem 'khofw_log' from KHO" \
		grep -q "Revived memory reservation 'khofw_log' from KHO" "$log"
}

e2e_buffers_reserved() {
	rsv=$out/$name.memblock-reserved.txt
	if tb_extract "$log" memblock-reserved "$rsv"; then
		check "RSV_NIT covers the log buffer" tb_covered "$rsv" 0x70000000 0x70100000 RSV_NIT
		# 12 KiB -> get_order() 2 -> 16 KiB preserved
		check "RSV_NIT covers all 4 DMA pages" tb_covered "$rsv" 0x70200000 0x70204000 RSV_NIT
	else
		check "kernel printed its memblock reserved list" false
	fi
}

e2e_done() {
	if [ $fails -ne 0 ]; then
		echo "== $test_name: FAILED ($fails)"
		exit 1
	fi
	echo "== $test_name: PASS"
}
