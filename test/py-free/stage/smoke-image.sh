#!/bin/sh
# The stage file itself, without running it: an arm64 Image header that QEMU
# and kexec_file_load() accept (branch, text_offset 0, image_size covering bss
# and pools, flags LE | 4K | anywhere, magic), and an ELF whose only dynamic
# relocations are R_AARCH64_RELATIVE (what start.S applies).
. "$(dirname "$0")/lib/smoke.sh"
log=/dev/null
cross=aarch64-linux-gnu-

u64() { od -An -v -t u8 -j "$1" -N 8 "$stage_bin" | tr -d ' '; }
u32() { od -An -v -t u4 -j "$1" -N 4 "$stage_bin" | tr -d ' '; }
check() { # DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@"; then echo "   ok:   $d"; else
		echo "   FAIL: $d"
		fails=$((fails + 1))
	fi
}

echo "-- Image header of $stage_bin"
od -An -t x1 -N 64 "$stage_bin" | sed 's/^/   | /'
code0=$(u32 0)
text_offset=$(u64 8)
image_size=$(u64 16)
flags=$(u64 24)
magic=$(u32 56)
file_size=$(wc -c <"$stage_bin")
image_end=$(printf '%d' "0x$(${cross}nm "$stage_elf" | sed -n 's/ [A-Za-z] __image_end$//p')")
vectors=$(printf '%d' "0x$(${cross}nm "$stage_elf" | sed -n 's/ [A-Za-z] arm64_vectors$//p')")
echo "   code0 $(printf 0x%08x "$code0") text_offset $text_offset image_size $image_size" \
	"flags $(printf 0x%x "$flags") file $file_size bytes"

check "code0 is a branch (B)" test $((code0 & 0xfc000000)) -eq $((0x14000000))
check "text_offset 0" test "$text_offset" -eq 0
check "flags: LE, 4 KiB pages, anywhere (0xa)" test "$flags" -eq 10
check "magic ARM\\x64 at 0x38" test "$magic" -eq $((0x644d5241))
check "image_size >= file size" test "$image_size" -ge "$file_size"
check "image_size = the ELF's __image_end (bss, stack, pools)" test "$image_size" -eq "$image_end"
check "image_size is whole pages" test $((image_size % 4096)) -eq 0
check "vectors 2 KiB aligned" test $((vectors % 2048)) -eq 0

echo "-- ELF $stage_elf"
check "position-independent executable, entry 0" \
	sh -c "${cross}readelf -h '$stage_elf' | grep -q 'DYN (Position-Independent' &&
		${cross}readelf -h '$stage_elf' | grep -q 'Entry point address: *0x0$'"
relocs=$(${cross}readelf -rW "$stage_elf" | grep -c '^[0-9a-f]\{16\} ' || true)
others=$(${cross}readelf -rW "$stage_elf" | grep '^[0-9a-f]\{16\} ' |
	grep -vc 'R_AARCH64_RELATIVE' || true)
echo "   $relocs dynamic relocations, $others not R_AARCH64_RELATIVE"
check "only R_AARCH64_RELATIVE relocations" test "$others" -eq 0
check "one relocation section, .rela.dyn" \
	test "$(${cross}readelf -SW "$stage_elf" | grep -c ' RELA ')" -eq 1
check "no interpreter" sh -c "! ${cross}readelf -lW '$stage_elf' | grep -q INTERP"
${cross}size "$stage_elf" | sed 's/^/   | /'
smoke_done
