# Shared by the stage smoke tests (sourced): boot the stage in QEMU virt
# (AArch64, or what SMOKE_QEMU names) and judge its console log. Each QEMU run
# stops as soon as the log shows what the test waits for, when QEMU exits, or
# after a timeout: the stage halts rather than powering off.
#
#   smoke_qemu NAME SECONDS UNTIL QEMU-ARGS...   console in $out/NAME.log ($log)
#   expect DESCRIPTION REGEX                     the log has a line matching REGEX
#   reject DESCRIPTION REGEX                     it has none
#   smoke_done                                   summary; exit status
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
config=${STAGE_CONFIG:-qemu_virt_arm64}
# The QEMU that boots it (the AArch32 tests set qemu-system-arm -cpu cortex-a15).
qemu=${SMOKE_QEMU:-qemu-system-aarch64 -cpu cortex-a57}
stage_dir=$build/$config
stage_bin=$stage_dir/khofw.bin
stage_elf=$stage_dir/khofw.elf
out=$stage_dir/smoke
mkdir -p "$out"
fails=0
test_name=$(basename "$0" .sh)

[ -f "$stage_bin" ] || { echo "$test_name: $stage_bin missing (make stage)" >&2; exit 1; }

smoke_qemu() {
	name=$1 secs=$2 until=$3
	shift 3
	log=$out/$name.log
	rm -f "$log"
	: >"$log"
	$qemu -display none -monitor none -nic none \
		-no-reboot -serial "file:$log" "$@" </dev/null 2>"$log.err" &
	qpid=$!
	trap 'kill $qpid 2>/dev/null' INT TERM HUP
	start=$(date +%s)
	while kill -0 $qpid 2>/dev/null; do
		if tr -d '\r' <"$log" | grep -Eq -- "$until"; then
			sleep 0.2 # let the rest of the line (a dump) arrive
			break
		fi
		if [ $(($(date +%s) - start)) -ge "$secs" ]; then
			echo "   (timed out after ${secs}s)"
			break
		fi
		sleep 0.1
	done
	kill $qpid 2>/dev/null || true
	wait $qpid 2>/dev/null || true
	trap - INT TERM HUP
	echo "-- $name: $qemu $* ($(($(date +%s) - start))s)"
	if [ -s "$log.err" ]; then
		grep -v "terminating on signal" "$log.err" | sed "s/^/   qemu: /" || true
	fi
}

expect() {
	if tr -d '\r' <"$log" | grep -Eq -- "$2"; then
		echo "   ok:   $1"
	else
		echo "   FAIL: $1 (no line matching '$2' in $log)"
		fails=$((fails + 1))
	fi
}

reject() {
	if tr -d '\r' <"$log" | grep -Eq -- "$2"; then
		echo "   FAIL: $1 (a line matches '$2' in $log)"
		fails=$((fails + 1))
	else
		echo "   ok:   $1"
	fi
}

# Print the log's khofw lines (the dump too), indented, for the record.
show_log() {
	tr -d '\r' <"$log" | sed -n "${1:-1},${2:-40}p" | sed 's/^/   | /'
}

smoke_done() {
	if [ "$fails" -ne 0 ]; then
		echo "== $test_name: FAILED ($fails)"
		exit 1
	fi
	echo "== $test_name: ok"
}
