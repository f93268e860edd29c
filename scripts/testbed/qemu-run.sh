#!/bin/sh
# Boot the test bed kernel and initramfs in QEMU (arm64 virt, cortex-a57, 1 GiB;
# KHOT_QEMU names another emulator and CPU)
# and judge the run by its console log.
#
#   qemu-run.sh [-n NAME] [-a APPEND] [-t SECONDS] [-x HOOK] KERNEL INITRD
#
#   -n NAME     log to $BUILD/testbed/NAME.log, monitor at $BUILD/testbed/NAME.mon
#   -a APPEND   kernel command line
#   -t SECONDS  kill QEMU after this long (default 180)
#   -M MACHINE  QEMU machine (default virt; virt,virtualization=on starts at EL2)
#   -x HOOK     run the command HOOK (split at spaces) once when the console
#               shows the park stub ("khotest-park: x0="), with KHOT_MONITOR
#               (monitor socket), KHOT_CONSOLE_IN (a FIFO feeding the guest console) and KHOT_LOG
#
# Exit status 0 only if QEMU exited by itself, the log has at least one
# "PASS:" line and no "FAIL:" line. Prints a summary either way.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
name=run append="" timeout=180 hook="" machine=virt
# KHOT_QEMU: the emulator and CPU (AArch32 kernels: qemu-system-arm -cpu cortex-a15).
qemu=${KHOT_QEMU:-qemu-system-aarch64 -cpu cortex-a57}
while getopts n:a:t:x:M: o; do
	case $o in
	n) name=$OPTARG ;;
	a) append=$OPTARG ;;
	t) timeout=$OPTARG ;;
	x) hook=$OPTARG ;;
	M) machine=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { echo "usage: qemu-run.sh [-n NAME] [-a APPEND] [-t S] [-x HOOK] KERNEL INITRD" >&2; exit 2; }
kernel=$1 initrd=$2

"$here/deps.sh"
dir=$build/testbed
mkdir -p "$dir"
log=$dir/$name.log mon=$dir/$name.mon fifo=$dir/$name.in
rm -f "$log" "$mon" "$fifo"
mkfifo "$fifo"
# Hold the FIFO open read-write so QEMU never sees EOF on its console input.
exec 3<>"$fifo"

start=$(date +%s.%N)
$qemu -M "$machine" -m 1G -nographic -nic none -no-reboot \
	-monitor "unix:$mon,server,nowait" \
	-kernel "$kernel" -initrd "$initrd" -append "$append" <&3 >"$log" 2>&1 &
qpid=$!
# Do not leave QEMU behind if this script is interrupted.
trap 'kill $qpid 2>/dev/null' INT TERM HUP

hooked=0 timedout=0
while kill -0 $qpid 2>/dev/null; do
	now=$(date +%s)
	if [ $((now - ${start%.*})) -ge "$timeout" ]; then
		timedout=1
		kill $qpid
		break
	fi
	if [ -n "$hook" ] && [ $hooked -eq 0 ] && grep -q 'khotest-park: x0=' "$log"; then
		hooked=1
		sleep 0.5 # let the stub finish its banner
		KHOT_MONITOR=$mon KHOT_CONSOLE_IN=$fifo KHOT_LOG=$log $hook ||
			echo "qemu-run: hook $hook failed" >>"$log"
	fi
	sleep 0.2
done
wait $qpid 2>/dev/null || true
end=$(date +%s.%N)
exec 3>&-
trap - INT TERM HUP
rm -f "$fifo" "$mon"

secs=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
npass=$(tr -d '\r' <"$log" | grep -c '^PASS: ' || true)
nfail=$(tr -d '\r' <"$log" | grep -c '^FAIL: ' || true)
echo "== $name: QEMU ran ${secs}s, $npass PASS, $nfail FAIL, log $log"
tr -d '\r' <"$log" | grep '^PASS: \|^FAIL: ' | sed 's/^/   /' || true
if [ $timedout -eq 1 ]; then
	echo "== $name: FAILED: timed out after ${timeout}s; last lines:"
	tr -d '\r' <"$log" | tail -n 15 | sed 's/^/   /'
	exit 1
fi
if [ "$npass" -eq 0 ] || [ "$nfail" -ne 0 ]; then
	echo "== $name: FAILED"
	exit 1
fi
echo "== $name: ok"
