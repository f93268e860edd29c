# Shell functions shared by the test bed scripts (sourced, POSIX sh + awk).
# Callers set BUILD (absolute) first, and TB_DIR (scripts/testbed) to use
# tb_host_tool.

# tb_extract LOG NAME OUT: write the blob that /init dumped between
# "----- khotest-dump NAME <kind> -----" markers to OUT (decoding base64-gzip).
tb_extract() {
	tr -d '\r' <"$1" | awk -v n="$2" '
		$0 == "----- khotest-dump-end " n " -----" { on = 0 }
		on { print }
		$1 == "-----" && $2 == "khotest-dump" && $3 == n { on = 1; kind = $4 }
		END { if (kind == "") exit 1 }' >"$3.tmp" || { rm -f "$3.tmp"; return 1; }
	if tr -d '\r' <"$1" | grep -q "^----- khotest-dump $2 base64-gzip -----\$"; then
		base64 -d <"$3.tmp" | gzip -dc >"$3"
		rm -f "$3.tmp"
	else
		mv "$3.tmp" "$3"
	fi
}

# tb_awk_hex: awk source of hex(s), which turns "0x1f" into 31, and tohex(v),
# the reverse (exact below 2^53; mawk's printf %x stops at 32 bits).
tb_awk_hex='function hex(s,   i, c, v) {
	s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (!c) return -1
		v = v * 16 + c - 1
	}
	return v
}
function tohex(v,   s) {
	s = ""
	do { s = substr("0123456789abcdef", v % 16 + 1, 1) s; v = int(v / 16) } while (v > 0)
	return "0x" s
}'

# tb_covered RESERVED START END [FLAG]: succeed if [START, END) lies inside the
# union of the regions of a memblock debugfs list ("N: 0xA..0xB node FLAGS",
# B inclusive), counting only regions whose flags include FLAG if given.
tb_covered() {
	awk -v s="$2" -v e="$3" -v f="${4:-}" "$tb_awk_hex"'
		{ sub(/:$/, "", $1); split($2, r, /\.\./)
		  if (f != "" && index("|" $4 "|", "|" f "|") == 0) next
		  n++; b[n] = hex(r[1]); t[n] = hex(r[2]) + 1 }
		END {
			cur = hex(s); stop = hex(e)
			do { moved = 0
			     for (i = 1; i <= n; i++)
				if (b[i] <= cur && t[i] > cur) { cur = t[i]; moved = 1 }
			} while (moved && cur < stop)
			exit !(cur >= stop)
		}' "$1"
}

# tb_kernel_log LOG N: the console lines of the Nth kernel booted in LOG.
tb_kernel_log() {
	tr -d '\r' <"$1" | awk -v want="$2" '/Booting Linux on physical CPU/ { k++ } k == want'
}

# tb_host_tool NAME: build $TB_DIR/NAME.c (scripts/testbed) for the host into
# $BUILD/testbed/host/NAME when missing or older than its source; print the path.
tb_host_tool() {
	_src=$TB_DIR/$1.c
	_bin=$BUILD/testbed/host/$1
	if [ ! -x "$_bin" ] || [ -n "$(find "$_src" -newer "$_bin")" ]; then
		mkdir -p "$BUILD/testbed/host"
		gcc -O2 -Wall -Wextra -o "$_bin" "$_src" >&2 || return 1
	fi
	echo "$_bin"
}

# tb_le64 FILE NODE PROP: a native (little-endian) u64 property of a KHO FDT.
tb_le64() {
	fdtget -t bx "$1" "$2" "$3" | awk "$tb_awk_hex"'
		NF != 8 { exit 1 }
		{ v = 0; for (i = 8; i >= 1; i--) v = v * 256 + hex($i); print tohex(v) }'
}

# tb_memblock FILE [FLAG]: a memblock debugfs list as "0x<start> 0x<end> FLAGS"
# lines (end exclusive), only the regions whose flags include FLAG if given.
tb_memblock() {
	awk -v f="${2:-}" "$tb_awk_hex"'
		{ split($2, r, /\.\./)
		  if (f != "" && index("|" $4 "|", "|" f "|") == 0) next
		  print tohex(hex(r[1])), tohex(hex(r[2]) + 1), $4 }' "$1"
}

# tb_uncovered A B: print the ranges of A ("0x<start> 0x<end> ..." lines, end
# exclusive) that are not inside the union of the ranges of B; fail if any.
tb_uncovered() {
	awk "$tb_awk_hex"'
		NR == FNR { if ($1 ~ /^0x/) { n++; b[n] = hex($1); t[n] = hex($2) }; next }
		$1 ~ /^0x/ {
			cur = hex($1); stop = hex($2)
			do { moved = 0
			     for (i = 1; i <= n; i++)
				if (b[i] <= cur && t[i] > cur) { cur = t[i]; moved = 1 }
			} while (moved && cur < stop)
			if (cur < stop) { print; bad = 1 }
		}
		END { exit bad }' "$2" "$1"
}
