#!/bin/sh
# Run one libFuzzer harness and summarise it: executions, coverage, time.
#   run.sh HARNESS SECONDS JOBS [libFuzzer options...]
# New corpus entries go to $BUILD/fuzz/corpus/HARNESS (the committed seeds in
# test/py-free/fuzz/seeds/HARNESS are only read); a crash leaves its input in
# $BUILD/fuzz/artifacts/HARNESS/ and makes this script fail.
set -u
h=$1 secs=$2 jobs=$3
shift 3
BUILD=${BUILD:-build}
top=$(pwd)
bin=$top/$BUILD/fuzz/bin/fuzz_$h
corpus=$top/$BUILD/fuzz/corpus/$h
art=$top/$BUILD/fuzz/artifacts/$h
seeds=$top/test/py-free/fuzz/seeds/$h
log=$top/$BUILD/fuzz/$h.log

mkdir -p "$corpus" "$art"
rm -f "$art"/fuzz-*.log
[ -d "$seeds" ] || seeds=
if [ "$jobs" -gt 1 ]; then
	set -- "$@" -jobs="$jobs" -workers="$jobs"
fi
echo "== fuzz $h: ${secs} s, $jobs job(s)"
start=$(date +%s)
# libFuzzer writes the logs of -jobs into its working directory.
(cd "$art" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$art/" "$@" "$corpus" $seeds) >"$log" 2>&1
rc=$?
end=$(date +%s)
logs="$log $(ls "$art"/fuzz-*.log 2>/dev/null)"
# shellcheck disable=SC2086
execs=$(cat $logs | awk '/^stat::number_of_executed_units/ {n += $2} END {print n + 0}')
# shellcheck disable=SC2086
cov=$(cat $logs | grep -E '^#[0-9]+' | grep -o 'cov: [0-9]* ft: [0-9]*' | tail -n 1)
echo "   $execs executions in $((end - start)) s, $cov, corpus $(ls "$corpus" | wc -l) files"
if [ $rc -ne 0 ]; then
	# shellcheck disable=SC2086
	tail -n 40 $logs
	echo "fuzz $h: FAILED (exit $rc); inputs in $art/"
	exit 1
fi
