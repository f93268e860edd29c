#!/bin/sh
# /init of the Linux KHO test bed initramfs. Driven by the kernel command line:
#
#   khotest.stage=1   fill the reserve_mem region 'khotest' and a LUO-preserved
#                     memfd with test patterns, then kexec into stage 2
#   khotest.stage=2   verify both byte for byte after the handover, print
#                     PASS:/FAIL: lines and kernel 2's memblock reservations
#   khotest.next=linux|chain|park   what stage 1 kexecs: this kernel again
#                     (default), the park stub with this kernel chained behind
#                     it, or the park stub alone
#   khotest.dump=1    print the KHO debugfs blobs (gzip+base64) between markers
#   khotest.khotool=1 check khotool on the live system: --live-out in stage 1,
#                     --live in stage 2 (khotool-live.sh guest)
#
# Stage 1 passes khotest.rmem= and khotest.pfnhash= on to stage 2. Every path
# ends in poweroff, so QEMU exits.
export PATH=/bin
# The host cannot run arm64 busybox to create the applet links: do it here.
/bin/busybox --install -s /bin

RMEM_NAME=khotest
RMEM_SEED=0x6b686f2d726d656d
LUO_SESSION=khotest
LUO_TOKEN=0x1a
LUO_SIZE=0x200000
LUO_SEED=0x6b686f2d6d656d66
KHO=/sys/kernel/debug/kho

failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }
verdict() { # PASS-TEXT FAIL-TEXT COMMAND...: report how COMMAND went
	_p=$1 _f=$2
	shift 2
	if "$@"; then pass "$_p"; else fail "$_f"; fi
}
param() {
	for w in $(cat /proc/cmdline); do
		case $w in "khotest.$1="*) echo "${w#*=}"; return ;; esac
	done
	echo "$2"
}
finish() {
	echo "khotest: stage $stage done, failed=$failed"
	poweroff -f
	sleep 10
}
# Binary files go out gzip+base64 between markers; the host decodes them.
dump_bin() {
	[ -r "$2" ] || { echo "khotest: cannot dump $2"; return; }
	echo "----- khotest-dump $1 base64-gzip -----"
	gzip -9c "$2" | base64
	echo "----- khotest-dump-end $1 -----"
}
dump_txt() {
	echo "----- khotest-dump $1 text -----"
	cat "$2"
	echo "----- khotest-dump-end $1 -----"
}
dump_kho() { # DIR-ON-HOST KHO-DEBUGFS-DIR
	for f in "$2"/fdt "$2"/sub_fdts/*; do
		[ -f "$f" ] && dump_bin "$1/${f#"$2"/}" "$f"
	done
	for f in "$2"/scratch_phys "$2"/scratch_len; do
		[ -f "$f" ] && dump_txt "$1/${f#"$2"/}" "$f"
	done
}
rmem_prop() { # DIR PROP: a property of region $RMEM_NAME in a memblock KHO FDT
	khot-fdt "$1/sub_fdts/memblock" "/$RMEM_NAME" "$2"
}

stage1() {
	[ -r $KHO/out/fdt ] || { fail "no $KHO/out/fdt: KHO is not enabled (kho=on)"; return; }
	if ! start=$(rmem_prop $KHO/out start) || ! size=$(rmem_prop $KHO/out size); then
		fail "reserve_mem '$RMEM_NAME' missing from the outgoing memblock FDT"
		return
	fi
	echo "khotest: reserve_mem '$RMEM_NAME' at $start size $size"
	khot-mem fill "$start" "$size" $RMEM_SEED || { fail "fill reserve_mem region"; return; }
	# The helper leaves a holder process with the session fd; write to a file,
	# not a pipe, so nothing waits on that process.
	khot-luo preserve $LUO_SESSION $LUO_TOKEN $LUO_SIZE $LUO_SEED >/tmp/luo.out 2>&1
	rc=$?
	cat /tmp/luo.out
	[ $rc -eq 0 ] || { fail "preserve memfd with LUO"; return; }
	pfnhash=$(sed -n 's/.*pfnhash=\(0x[0-9a-f]*\).*/\1/p' /tmp/luo.out)

	if [ "$(param dump 0)" = 1 ]; then
		dump_kho kho-out $KHO/out
		dump_bin firmware-fdt /sys/firmware/fdt
		dump_txt memblock-reserved-1 /sys/kernel/debug/memblock/reserved
		dump_txt memblock-memory-1 /sys/kernel/debug/memblock/memory
		dump_txt iomem-1 /proc/iomem
	fi

	[ "$(param khotool 0)" = 1 ] && khotool-live.sh guest out
	next=$(param next linux)
	cmdline="$(sed 's/khotest\.stage=1/khotest.stage=2/' /proc/cmdline) khotest.rmem=$start khotest.pfnhash=$pfnhash"
	echo "khotest: kexec ($next) with: $cmdline"
	case $next in
	linux) khot-kexec -d -e -i /khot/initrd.cpio.gz -c "$cmdline" /khot/Image ;;
	chain) khot-kexec -d -e -s /khot/park.bin -i /khot/initrd.cpio.gz -c "$cmdline" /khot/Image ;;
	park) khot-kexec -d -e -i /khot/initrd.cpio.gz -c "$cmdline" /khot/park.bin ;;
	*) fail "unknown khotest.next=$next"; return ;;
	esac
	fail "kexec into $next returned"
}

logged() { dmesg | grep -q "$1"; }
same() { [ -n "$1" ] && [ "$1" = "$2" ] && [ "$1" = "${3-$1}" ]; }

stage2() {
	want=$(param rmem)
	verdict "kernel 2 found the kexec handover data" \
		"kernel 2 did not find kexec handover data" \
		logged 'KHO: found kexec handover data'
	verdict "reserve_mem '$RMEM_NAME' revived from KHO" \
		"reserve_mem '$RMEM_NAME' not revived from KHO" \
		logged "Revived memory reservation '$RMEM_NAME' from KHO"

	if ! start=$(rmem_prop $KHO/in start) || ! size=$(rmem_prop $KHO/in size); then
		fail "reserve_mem '$RMEM_NAME' missing from the incoming memblock FDT"
		return
	fi
	out=$(rmem_prop $KHO/out start)
	echo "khotest: reserve_mem '$RMEM_NAME': kernel 1 $want, incoming FDT $start, kernel 2 $out, size $size"
	verdict "reserve_mem '$RMEM_NAME' kept its address $want" \
		"reserve_mem '$RMEM_NAME' moved: kernel 1 $want, kernel 2 $out" \
		same "$want" "$start" "$out"
	verdict "reserve_mem '$RMEM_NAME' content intact ($size bytes at $start)" \
		"reserve_mem '$RMEM_NAME' content differs" \
		khot-mem verify "$start" "$size" $RMEM_SEED

	khot-luo verify $LUO_SESSION $LUO_TOKEN $LUO_SIZE $LUO_SEED >/tmp/luo.out 2>&1
	rc=$?
	cat /tmp/luo.out
	verdict "LUO memfd content intact ($LUO_SIZE bytes, token $LUO_TOKEN)" \
		"LUO memfd not retrieved intact" \
		[ $rc -eq 0 ]
	got=$(sed -n 's/.*pfnhash=\(0x[0-9a-f]*\).*/\1/p' /tmp/luo.out)
	verdict "LUO memfd backed by the same physical pages (pfnhash $got)" \
		"LUO memfd pages differ: pfnhash $got, kernel 1 $(param pfnhash)" \
		same "$got" "$(param pfnhash)"
	[ "$(param khotool 0)" = 1 ] && khotool-live.sh guest in

	dump_txt memblock-reserved /sys/kernel/debug/memblock/reserved
	if [ "$(param dump 0)" = 1 ]; then
		dump_kho kho-in $KHO/in
		dump_bin firmware-fdt-2 /sys/firmware/fdt
		dump_txt memblock-memory-2 /sys/kernel/debug/memblock/memory
		dump_txt iomem-2 /proc/iomem
	fi
}

# khotest.stage=fw: booted by the khofw stage. khotest.fw=NAME:ADDR:SIZE:SEED,... are
# the firmware buffers and their pattern seeds; khotest.kho=0 for a kernel without
# KHO (the buffers are then protected by /reserved-memory only);
# khotest.rmemname= the reserve_mem name of the firmware log.
stagefw() {
	if [ "$(param kho 1)" = 1 ]; then
		verdict "the kernel found the kexec handover data" \
			"the kernel did not find kexec handover data" \
			logged 'KHO: found kexec handover data'
		name=$(param rmemname khofw_log)
		verdict "reserve_mem '$name' revived from KHO" \
			"reserve_mem '$name' not revived from KHO" \
			logged "Revived memory reservation '$name' from KHO"
	fi
	for spec in $(param fw | tr , ' '); do
		set -- $(echo "$spec" | tr : ' ')
		verdict "firmware buffer $1 content intact ($3 bytes at $2)" \
			"firmware buffer $1 content differs" \
			khot-mem verify "$2" "$3" "$4"
	done
	cma=$(sed -n 's/^CmaTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
	echo "khotest: CmaTotal ${cma:-none} kB"
	verdict "CMA pool reported (${cma:-0} kB)" "no CMA pool" [ "${cma:-0}" -gt 0 ]
	dump_txt memblock-reserved /sys/kernel/debug/memblock/reserved
	dump_txt iomem /proc/iomem
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp

stage=$(param stage 1)
echo "khotest: stage $stage on $(uname -r)"
case $stage in
1) stage1 ;;
2) stage2 ;;
fw) stagefw ;;
*) fail "unknown khotest.stage=$stage" ;;
esac
finish
