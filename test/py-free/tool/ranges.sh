#!/bin/sh
# khotool ranges: one range per line (or a JSON array) and nothing else; the
# expected ranges are computed from the generator's inputs and the handover's
# bytes (read with fdtget), as in show.sh.
. "$(dirname "$0")/lib/common.sh"

command -v jq >/dev/null || { echo "$0: jq is required (make deps)" >&2; exit 1; }

layout 0x40000000

for abi in v1-512 v4; do
	gen "$abi" "$abi"
	handover_info "$abi"
	t_begin "ranges $abi: preserved lines are the map's blocks, merged"
	kt ranges --dtb "$TMP/$abi.dtb" --ram "$TMP/$abi.img@$B"
	kt_expect_rc 0
	blocks "$abi" | merge preserved >"$TMP/want"
	awk '$3 == "preserved"' "$TMP/out" >"$TMP/got"
	expect_files "preserved lines" "$TMP/got" "$TMP/want"
	t_end
done

t_begin "ranges: only range lines, each '0x<start> 0x<end> <kind>'"
grep -v '^0x[0-9a-f]* 0x[0-9a-f]* [a-z:-]*$' "$TMP/out" >"$TMP/bad"
[ -s "$TMP/bad" ] && t_fail "other lines: $(head -c 300 "$TMP/bad")"
[ -s "$TMP/out" ] || t_fail "no output"
t_end

t_begin "ranges: scratch lines are the areas, less the scratch array"
{
	printf '0x%x 0x%x scratch-array\n' "$S1" $((S1 + 48))
	printf '0x%x 0x%x scratch\n' $((S1 + 48)) $((S1 + S1_SIZE))
	printf '0x%x 0x%x scratch\n' "$S2" $((S2 + S2_SIZE))
} >"$TMP/want"
grep ' scratch' "$TMP/out" >"$TMP/got"
expect_files "scratch lines" "$TMP/got" "$TMP/want"
t_end

t_begin "ranges: one blob line per sub-blob, where fdtget finds it"
while read -r n p s; do
	printf '0x%x 0x%x blob:%s\n' "$p" $((p + s)) "$n"
done <"$BLOBS" | sort >"$TMP/want"
grep ' blob:' "$TMP/out" | sort >"$TMP/got"
expect_files "blob lines" "$TMP/got" "$TMP/want"
t_end

t_begin "ranges --json: an array holding the same ranges as the text"
cp "$TMP/out" "$TMP/text"
kt ranges --dtb "$TMP/v4.dtb" --ram "$TMP/v4.img@$B" --json
kt_expect_rc 0
expect_eq type "$(jq -r type "$TMP/out" 2>&1)" array
jq -r '.[] | "\(.start) \(.end) \(.kind)"' "$TMP/out" >"$TMP/got"
expect_files "ranges" "$TMP/got" "$TMP/text"
t_end

t_begin "ranges: an invalid handover exits 1 with the error, nothing on stdout"
cp "$TMP/v4.img" "$TMP/bad.img"
poke "$TMP/bad.img" $((KFDT - B)) 0 0 0 0
kt ranges --dtb "$TMP/v4.dtb" --ram "$TMP/bad.img@$B"
kt_expect_rc 1
expect_eq stderr "$(cat "$TMP/err")" "khotool: ranges: KHO FDT header is invalid (stage: open)"
[ -s "$TMP/out" ] && t_fail "stdout not empty"
t_end

t_done
