# Shared by U-Boot's end-to-end tests (sourced, after the stage's lib/e2e.sh for
# check, tb_extract, tb_covered and e2e_done). U-Boot (built by
# scripts/uboot/build.sh) goes to QEMU as a kernel: QEMU passes it the DT in x0,
# and the initrd it gets is its boot script (a legacy script image), which the
# bootcmd of u-boot/configs/qemu_arm64_defconfig.kho sources.
#
#   ub_script OUT            script image OUT from U-Boot commands on stdin
#   ub_pattern OUT ADDR SIZE SEED   the test pattern of a buffer at ADDR
#   ub_run NAME SCRIPT [FILE@ADDR ...]   boot U-Boot with files placed in RAM
#                                    by QEMU's loader; $log is the console log
out=$build/uboot-e2e
mkdir -p "$out"
# UBOOT_ARM64: a directory with u-boot.bin and mkimage built elsewhere.
ub64=${UBOOT_ARM64:-$("$top/scripts/uboot/build.sh" qemu_arm64_defconfig aarch64-linux-gnu-)}
ub_pattern_bin=$build/host/ub-pattern
[ -x "$ub_pattern_bin" ] || { echo "$test_name: $ub_pattern_bin missing" >&2; exit 1; }

ub_script() {
	cat >"$1.txt"
	"$ub64/mkimage" -A arm64 -O linux -T script -C none -d "$1.txt" "$1" >/dev/null
}

ub_pattern() { "$ub_pattern_bin" "$@"; }

ub_run() {
	name=$1 script=$2
	shift 2
	loaders=
	for f in "$@"; do
		loaders="$loaders -device loader,file=${f%@*},addr=${f##*@},force-raw=on"
	done
	log=$build/testbed/$name.log
	echo "== $test_name: $name"
	KHOT_QEMU="qemu-system-aarch64 -cpu cortex-a57$loaders" \
		"$tb/qemu-run.sh" -n "$name" -t 120 "$ub64/u-boot.bin" "$script" ||
		fails=$((fails + 1))
	grep "^kho: \|^incoming: \|^preserve: \|^outgoing: " "$log" | tr -d '\r' |
		sed 's/^/         /' || true
}

# Hex sum of two numbers, for addresses.
ub_hex() { printf '0x%x' $(($1)); }
