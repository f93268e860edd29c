# Bytes a linked image holds from one archive, summed from its GNU ld map file:
#   awk -v lib=build/aarch64/libkho.a -f scripts/map-size.awk khofw.map
# prints "text data bss" (text includes .rodata). Sections dropped by
# --gc-sections are listed before the memory map and are not counted.
function hex(s, v, i) {
	v = 0
	s = tolower(substr(s, 3))
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
/^Linker script and memory map/ { on = 1; next }
!on { next }
/^\.[A-Za-z_.]/ { out = $1 }
out != ".text" && out != ".rodata" && out != ".data" && out != ".bss" { next }
{
	for (i = 3; i <= NF; i++) {
		if (index($i, lib "(") != 1 || $(i - 1) !~ /^0x/ || $(i - 2) !~ /^0x/)
			continue
		if (out == ".bss")
			b += hex($(i - 1))
		else if (out == ".data")
			d += hex($(i - 1))
		else
			t += hex($(i - 1))
	}
}
END { printf "%d %d %d\n", t, d, b }
