#!/bin/sh
# make qemu: boot the test bed's Linux 7.3 through the khofw stage in QEMU, with
# firmware-made KHO state (the first end-to-end scenario), on this terminal.
# The guest checks the hand-over and powers off; Ctrl-A X leaves QEMU earlier.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
export BUILD=$build
tb=$top/scripts/testbed
. "$top/test/py-free/stage/lib/e2e.sh"
image=$(tb_image)
initrd=$(tb_initrd "$image")
"$mkpayload" -k "$image" -i "$initrd" -c "$E2E_APPEND" -o "$out/qemu.payload"
exec qemu-system-aarch64 -M "${QEMU_MACHINE:-virt}" -cpu cortex-a57 -m 1G -nographic \
	-nic none -no-reboot -kernel "$stage_bin" -initrd "$out/qemu.payload"
