#!/bin/sh
# qemu-run.sh hook for the rejection tests: at the park stub (kernel 1 has
# kexec'd, the stage has not run yet) dump RAM, let the stub start the stage,
# wait until the stage stops (policy halt, or khofw.stop before the kernel),
# dump RAM again and quit QEMU. Dumps: $DUMP_DIR/before.bin, after.bin.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mon=$here/../../../../scripts/testbed/qemu-mon.sh
"$mon" "$KHOT_MONITOR" stop "pmemsave 0x40000000 0x40000000 \"$DUMP_DIR/before.bin\"" cont >/dev/null
printf g >"$KHOT_CONSOLE_IN"
i=0
until tr -d '\r' <"$KHOT_LOG" | grep -Eq 'khofw: (halted|khofw.stop: halted|panic)'; do
	i=$((i + 1))
	[ $i -lt 300 ] || break
	sleep 0.1
done
sleep 0.3
"$mon" "$KHOT_MONITOR" stop "pmemsave 0x40000000 0x40000000 \"$DUMP_DIR/after.bin\"" quit >/dev/null || true
