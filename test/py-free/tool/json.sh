#!/bin/sh
# khotool show --json: valid JSON (parsed with jq) carrying the same content as the
# text output, and untrusted names escaped so the output stays valid.
. "$(dirname "$0")/lib/common.sh"

command -v jq >/dev/null || { echo "$0: jq is required (make deps)" >&2; exit 1; }

layout 0x40000000

# show_both NAME: text and JSON output of handover NAME.
show_both() {
	"$KHOTOOL" show --dtb "$TMP/$1.dtb" --ram "$TMP/$1.img@$B" >"$TMP/show.txt"
	"$KHOTOOL" show --dtb "$TMP/$1.dtb" --ram "$TMP/$1.img@$B" --json >"$TMP/show.json"
}

# jq_eq WHAT FILTER WANT
jq_eq() {
	expect_eq "$1" "$(jq -r "$2" "$TMP/show.json" 2>&1)" "$3"
}

test_parses() {
	t_begin "json $1: one object with every top-level field, of the right type"
	jq -e 'type == "object"' "$TMP/show.json" >/dev/null || t_fail "not a JSON object"
	jq_eq "types" '[.abi, .compatible, .kho_fdt, .scratch_array, .map_root, .scratch,
		.blobs, .stats, .ranges, .page_size, .ram] | map(type) | join(",")' \
		"string,string,object,object,string,array,array,object,array,number,array"
	jq_eq "keys" 'keys | join(",")' \
		"abi,blobs,compatible,kho_fdt,map_root,page_size,ram,ranges,scratch,scratch_array,stats"
	jq_eq "hex strings" '[.ranges[].start, .ranges[].end, .blobs[].phys, .blobs[].size,
		.scratch[].addr, .scratch[].size, .kho_fdt.phys, .kho_fdt.len]
		| map(test("^0x[0-9a-f]+$")) | all' true
	t_end
}

test_same() {
	t_begin "json $1: ranges, blobs, scratch, ram and stats match the text output"
	jq -r '.ranges[] | "\(.start) \(.end) \(.kind)"' "$TMP/show.json" >"$TMP/got"
	grep -v '^#' "$TMP/show.txt" >"$TMP/want"
	expect_files "ranges" "$TMP/got" "$TMP/want"
	jq -r '.blobs[] | "\(.name) \(.phys) size \(.size)"' "$TMP/show.json" >"$TMP/got"
	header blob <"$TMP/show.txt" >"$TMP/want"
	expect_files "blobs" "$TMP/got" "$TMP/want"
	jq -r '.scratch[] | "\(.addr) size \(.size)"' "$TMP/show.json" >"$TMP/got"
	header scratch <"$TMP/show.txt" >"$TMP/want"
	expect_files "scratch" "$TMP/got" "$TMP/want"
	jq -r '.ram[] | "\(.base) size \(.size)"' "$TMP/show.json" >"$TMP/got"
	header ram <"$TMP/show.txt" >"$TMP/want"
	expect_files "ram" "$TMP/got" "$TMP/want"
	for k in blocks map_pages preserved_bytes; do
		jq_eq "stats.$k" ".stats.$k" "$(header "$(echo $k | tr _ -)" <"$TMP/show.txt")"
	done
	jq_eq abi .abi "$(header abi <"$TMP/show.txt")"
	jq_eq kho_fdt '"\(.kho_fdt.phys) len \(.kho_fdt.len)"' "$(header kho-fdt <"$TMP/show.txt")"
	jq_eq scratch_array '"\(.scratch_array.phys) len \(.scratch_array.len)"' \
		"$(header scratch-array <"$TMP/show.txt")"
	t_end
}

test_expected() {
	t_begin "json $1: preserved ranges are the map's blocks, merged"
	blocks "$1" | merge preserved >"$TMP/want"
	jq -r '.ranges[] | select(.kind == "preserved") | "\(.start) \(.end) \(.kind)"' \
		"$TMP/show.json" >"$TMP/got"
	expect_files "preserved ranges" "$TMP/got" "$TMP/want"
	jq_eq "stats.blocks" .stats.blocks "$(blocks "$1" | wc -l)"
	t_end
}

for abi in v1-512 v1-4k v4; do
	gen "$abi" "$abi"
	handover_info "$abi"
	show_both "$abi"
	test_parses "$abi"
	test_same "$abi"
	test_expected "$abi"
done

# A blob whose name holds a quote, a backslash, a space, a tab and a byte over 0x7f,
# pointing at unpreserved memory (so it also yields a meta range with that label).
ODD=$(printf 'a"b\\c d\te\351f')
ODD_PHYS=$((B + 0x1800000))

t_begin "json: a blob name needing escapes stays valid JSON and keeps its bytes"
gen odd v4 -X "$ODD:$ODD_PHYS:0x100"
show_both odd
jq -e . "$TMP/show.json" >/dev/null 2>"$TMP/jqerr" || t_fail "jq: $(cat "$TMP/jqerr")"
grep -q '[^ -~]' "$TMP/show.json" && t_fail "JSON output is not plain ASCII"
expect_grep "escaped name" "$TMP/show.json" '"name": "a\"b\\c d\te\u00e9f"'
jq_eq "blob range" '.ranges[] | select(.kind | startswith("blob:a")) | "\(.start) \(.end)"' \
	"$(hex "$ODD_PHYS") $(hex $((ODD_PHYS + 0x100)))"
t_end

t_begin "json: the unpreserved blob is a meta range labelled with its name"
jq_eq "meta range" '.ranges[] | select(.kind == "meta") | "\(.start) \(.end)"' \
	"$(hex "$ODD_PHYS") $(hex $((ODD_PHYS + 0x100)))"
jq -r '.ranges[] | select(.kind == "meta") | .label' "$TMP/show.json" >"$TMP/got"
printf 'a"b\\c d\te\303\251f\n' >"$TMP/want" # U+00E9, as jq prints it
expect_files "meta label" "$TMP/got" "$TMP/want"
t_end

t_begin "show: in text, such a name is one field with \\xNN escapes"
expect_grep "blob line" "$TMP/show.txt" \
	"$(hex "$ODD_PHYS") $(hex $((ODD_PHYS + 0x100))) blob:a\"b\\x5cc\\x20d\\x09e\\xe9f"
awk '!/^#/ && NF != 3' "$TMP/show.txt" >"$TMP/bad"
[ -s "$TMP/bad" ] && t_fail "range lines without 3 fields: $(cat "$TMP/bad")"
t_end

t_done
