#!/bin/sh
# khotool diff: two handovers that differ in one known way (built from the same
# generator arguments plus one change) must differ in exactly that line; the same
# arguments twice give identical handovers (exit 0, no output).
. "$(dirname "$0")/lib/common.sh"

layout 0x40000000
X=$((B + 0x1c00000)) # free RAM of the layout

# diff_of A B: khotool diff on handovers A and B.
diff_of() {
	kt diff --a-dtb "$TMP/$1.dtb" --a-ram "$TMP/$1.img@$B" \
		--b-dtb "$TMP/$2.dtb" --b-ram "$TMP/$2.img@$B"
}

# expect_diff A B LINE...: exit 1, the two header lines and exactly these lines.
expect_diff() {
	_a=$1 _b=$2
	shift 2
	kt_expect_rc 1
	{
		echo "--- a: $TMP/$_a.dtb"
		echo "+++ b: $TMP/$_b.dtb"
		printf '%s\n' "$@"
	} >"$TMP/want"
	expect_files "diff output" "$TMP/out" "$TMP/want"
}

gen a v4
gen same v4

t_begin "diff: the same handover twice: exit 0, no output"
diff_of a same
kt_expect_rc 0
[ -s "$TMP/out" ] && t_fail "output: $(head -c 300 "$TMP/out")"
[ -s "$TMP/err" ] && t_fail "stderr: $(cat "$TMP/err")"
t_end

t_begin "diff: a block preserved only in b"
gen more v4 -p "$X:0"
diff_of a more
expect_diff a more "+ preserved $(hex "$X") $(hex $((X + P)))"
t_end

t_begin "diff: a block preserved only in a"
diff_of more a
expect_diff more a "- preserved $(hex "$X") $(hex $((X + P)))"
t_end

t_begin "diff: preserved bytes are compared, not blocks (order 1 in a, order 0 in b)"
gen o1 v4 -p "$X:1"
diff_of o1 more
expect_diff o1 more "- preserved $(hex $((X + P))) $(hex $((X + 2 * P)))"
t_end

t_begin "diff: another ABI"
gen v3 v3
diff_of v3 a
expect_diff v3 a "- abi v3" "+ abi v4"
t_end

t_begin "diff: a sub-blob only in b"
gen blob v4 -X "vendor:$X:0x40"
diff_of a blob
expect_diff a blob "+ blob vendor $(hex "$X") size 0x40"
t_end

t_begin "diff: a sub-blob moved"
gen moved v4 -X "vendor:$((X + 0x100)):0x40"
diff_of blob moved
expect_diff blob moved "- blob vendor $(hex "$X") size 0x40" \
	"+ blob vendor $(hex $((X + 0x100))) size 0x40"
t_end

t_begin "diff: a sub-blob with other bytes in place"
handover_info same
md=$(awk '$1 == "kexec-metadata" { print $2 }' "$BLOBS")
poke "$TMP/same.img" $((md - B + 4)) 56 # release 7.3.4 -> 8.3.4
diff_of a same
expect_diff a same "~ blob kexec-metadata bytes differ"
t_end

t_begin "diff: a scratch area only in b (and so a longer scratch array)"
gen scr v4 -S "$((B + 0x3800000)):0x400000"
diff_of a scr
expect_diff a scr "- scratch-array $(hex "$S1") len 0x30" "+ scratch-array $(hex "$S1") len 0x40" \
	"+ scratch $(hex $((B + 0x3800000))) size 0x400000"
t_end

t_begin "diff: an invalid handover is trouble: exit 2, which one and why"
cp "$TMP/a.img" "$TMP/bad.img"
cp "$TMP/a.dtb" "$TMP/bad.dtb"
handover_info a
poke "$TMP/bad.img" $((KFDT - B)) 0 0 0 0
diff_of a bad
kt_expect_rc 2
expect_eq stderr "$(cat "$TMP/err")" "khotool: diff: b: KHO FDT header is invalid (stage: open)"
[ -s "$TMP/out" ] && t_fail "stdout not empty"
t_end

t_begin "diff: plain input options are refused"
kt diff --dtb "$TMP/a.dtb" --ram "$TMP/a.img@$B"
kt_expect_rc 2
expect_grep stderr "$TMP/err" \
	"khotool: diff: --dtb is not an option of this command (give --a-... and --b-...)"
t_end

t_begin "diff: both handovers are required"
kt diff --a-dtb "$TMP/a.dtb" --a-ram "$TMP/a.img@$B"
kt_expect_rc 2
expect_grep stderr "$TMP/err" "khotool: diff: --b-dtb FILE is required"
t_end

t_done
