#!/bin/sh
# /init of the Linux KHO test bed initramfs. Driven by the kernel command line:
#
#   khotest.stage=1   fill the reserve_mem region 'khotest' and a LUO-preserved
#                     memfd with test patterns, then kexec into stage 2
#   khotest.stage=2   verify both byte for byte after the handover, print
#                     PASS:/FAIL: lines and kernel 2's memblock reservations
#   khotest.next=linux|chain|park|uboot   what stage 1 kexecs: this kernel again
#                     (default), the park stub with this kernel chained behind
#                     it, the park stub alone, or U-Boot (/khot/u-boot.bin, with
#                     /khot/uboot.img, its boot script first, as the initrd)
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
rmem_prop() { # DIR PROP [NAME]: a property of region NAME ($RMEM_NAME) in a memblock KHO FDT
	khot-fdt "$1/sub_fdts/memblock" "/${3:-$RMEM_NAME}" "$2"
}

# An initramfs of this root (what this kernel booted with, but /khot/initrd.cpio.gz),
# for the kernel after next: busybox cpio over the root file system only.
self_initrd() {
	(cd / && find . -xdev ! -path ./tmp/\* ! -path ./khot/initrd.cpio.gz | cpio -o -H newc 2>/dev/null) |
		gzip >/tmp/self.cpio.gz && echo /tmp/self.cpio.gz
}

# Break this kernel's outgoing hand-over on purpose (khotest.corrupt=): slot 3 of
# the radix tree's root (keys of 2^63 and up: never used) points back at the root
# (cycle) or far outside RAM (outside). The kernel does not check; the stage must.
corrupt_handover() { # cycle|outside
	root=$(khot-fdt $KHO/out/fdt / "#u64") ||
		{ fail "no preserved-memory-map in $KHO/out/fdt"; return 1; }
	case $1 in
	cycle) val=$root ;;
	outside) val=0x10000000000 ;;
	*) fail "unknown khotest.corrupt=$1"; return 1 ;;
	esac
	echo "khotest: corrupting the hand-over ($1): root $root slot 3 = $val"
	khot-mem poke $((root + 24)) $val
}

# kexec into the khofw stage with the next kernel in a payload container (kernel
# 1: the inner initramfs; later hops: this root again). The stage adds its own
# firmware log, handed over as reserve_mem 'khofw_log'.
kexec_khofw() { # CMDLINE
	initrd=/khot/initrd.cpio.gz
	[ -f $initrd ] || initrd=$(self_initrd) || { fail "pack this root"; return; }
	mkpayload -k /khot/Image -i $initrd -c "$1" -o /tmp/payload.bin ||
		{ fail "mkpayload"; return; }
	corrupt=$(param corrupt)
	[ -z "$corrupt" ] || corrupt_handover "$corrupt" || return
	stub=
	[ "$(param park 0)" = 1 ] && stub="-s /khot/park.bin"
	khot-time kexec
	khot-kexec -d -e $stub -i /tmp/payload.bin \
		-c "console=ttyAMA0 $(param stageargs | tr , ' ')" /khot/khofw.bin
	fail "kexec into khofw returned"
}

# The firmware's buffers as the kernel received them through KHO: the log as
# reserve_mem 'khofw_log' (incoming memblock FDT), the DMA buffer as the first
# dma_alloc_ser entry (page_phys, size). Seeds: khotest.fwlog, khotest.fwdma.
check_fw_kho() {
	verdict "reserve_mem 'khofw_log' revived from KHO" \
		"reserve_mem 'khofw_log' not revived from KHO" \
		logged "Revived memory reservation 'khofw_log' from KHO"
	if start=$(rmem_prop $KHO/in start khofw_log) && size=$(rmem_prop $KHO/in size khofw_log); then
		verdict "firmware log intact ($size bytes at $start)" "firmware log differs" \
			khot-mem verify "$start" "$size" "$(param fwlog)"
	else
		fail "no 'khofw_log' in the incoming memblock FDT"
	fi
	set -- $(od -A n -t x8 -N 16 $KHO/in/sub_fdts/dma-alloc 2>/dev/null)
	if [ $# -eq 2 ]; then
		verdict "firmware DMA buffer intact (0x$2 bytes at 0x$1)" "firmware DMA buffer differs" \
			khot-mem verify "0x$1" "0x$2" "$(param fwdma)"
	else
		fail "no dma-alloc entry in the incoming hand-over"
	fi
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
	[ "$next" = khofw ] || khot-time kexec
	case $next in
	linux) khot-kexec -d -e -i /khot/initrd.cpio.gz -c "$cmdline" /khot/Image ;;
	chain) khot-kexec -d -e -s /khot/park.bin -i /khot/initrd.cpio.gz -c "$cmdline" /khot/Image ;;
	park) khot-kexec -d -e -i /khot/initrd.cpio.gz -c "$cmdline" /khot/park.bin ;;
	khofw) kexec_khofw "$cmdline reserve_mem=1M:4K:khofw_log" ;;
	uboot) khot-kexec -d -e -i /khot/uboot.img -c "$cmdline" /khot/u-boot.bin ;;
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

	hops=$(param hops 1)
	# More hops to go: check the memfd and preserve it again for the next kernel.
	luo=verify
	[ "$hops" -gt 1 ] && luo=carry
	khot-luo $luo $LUO_SESSION $LUO_TOKEN $LUO_SIZE $LUO_SEED >/tmp/luo.out 2>&1
	rc=$?
	cat /tmp/luo.out
	verdict "LUO memfd content intact ($LUO_SIZE bytes, token $LUO_TOKEN)" \
		"LUO memfd not retrieved intact" \
		[ $rc -eq 0 ]
	got=$(sed -n 's/.*pfnhash=\(0x[0-9a-f]*\).*/\1/p' /tmp/luo.out)
	verdict "LUO memfd backed by the same physical pages (pfnhash $got)" \
		"LUO memfd pages differ: pfnhash $got, kernel 1 $(param pfnhash)" \
		same "$got" "$(param pfnhash)"
	[ -n "$(param fwlog)" ] && check_fw_kho
	[ "$(param khotool 0)" = 1 ] && khotool-live.sh guest in

	dump_txt memblock-reserved /sys/kernel/debug/memblock/reserved
	if [ "$(param dump 0)" = 1 ]; then
		dump_kho kho-in $KHO/in
		dump_bin firmware-fdt-2 /sys/firmware/fdt
		dump_txt memblock-memory-2 /sys/kernel/debug/memblock/memory
		dump_txt iomem-2 /proc/iomem
	fi
	if [ "$hops" -gt 1 ] && [ $failed -eq 0 ]; then
		cmdline=$(sed "s/khotest\.hops=[0-9]*/khotest.hops=$((hops - 1))/" /proc/cmdline)
		echo "khotest: $((hops - 1)) more hop(s) through khofw with: $cmdline"
		kexec_khofw "$cmdline"
	fi
}

# khotest.dmamod=PHYS:SIZE:SEED,...: load khofw_dma.ko (test/py-free/linux; the
# test adds it to the initramfs as /khot/khofw_dma.ko), which restores the
# firmware's DMA allocations and checks them, and report its verdicts as ours.
dma_module() { # EXPECT
	mod=/khot/khofw_dma.ko
	[ -f $mod ] || { fail "$mod is not in the initramfs"; return; }
	insmod $mod expect="$1" || fail "insmod $mod expect=$1 failed"
	dmesg | sed -n -E 's/.*khofw_dma: (PASS|FAIL): (.*)/\1 \2/p' >/tmp/dma.verdicts
	[ -s /tmp/dma.verdicts ] || fail "khofw_dma.ko printed no verdict"
	while read -r v text; do
		if [ "$v" = PASS ]; then pass "khofw_dma: $text"; else fail "khofw_dma: $text"; fi
	done </tmp/dma.verdicts
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
	dmamod=$(param dmamod)
	[ -z "$dmamod" ] || dma_module "$dmamod"
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
khot-time userspace
case $stage in
1) stage1 ;;
2) stage2 ;;
fw) stagefw ;;
*) fail "unknown khotest.stage=$stage" ;;
esac
finish
