#!/bin/sh
# khotool map: the SVG renders (rsvg-convert) to a picture that is not blank, is
# drawn to scale, gives every shape a hover title, stays a few hundred shapes for
# a 4 GiB machine with 10 000 preserved blocks (every block counted once, alone or
# in a density band), and shows what the DT and the options add.
. "$(dirname "$0")/lib/common.sh"

command -v rsvg-convert >/dev/null || { echo "$0: rsvg-convert is required (make deps)" >&2; exit 1; }
PNGSTAT=$BUILD/host/test/pngstat
if [ ! -x "$PNGSTAT" ] || [ test/py-free/tool/pngstat.c -nt "$PNGSTAT" ]; then
	${CC:-cc} -O2 -o "$PNGSTAT" test/py-free/tool/pngstat.c -lz ||
		{ echo "$0: cannot build $PNGSTAT" >&2; exit 1; }
fi

# flat FILE: the SVG on one line (titles hold a newline), for grep.
flat() {
	tr '\n' ' ' <"$1"
}

# has_title FILE TEXT: FILE holds a shape whose title is TEXT (newline as space).
has_title() {
	flat "$1" | grep -qF "<title>$2</title>" || t_fail "no shape titled '$2'"
}

# band_sum FILE KIND: ranges of KIND in density bands plus single shapes of KIND.
band_sum() {
	flat "$1" | grep -o "<title>[0-9]* $2 ranges, each\|<title>$2[: ]" |
		awk '{ n += ($1 ~ /^<title>[0-9]/) ? substr($1, 8) : 1 } END { print n + 0 }'
}

# render SVG: rsvg-convert it to SVG.png and print pngstat's first line.
render() {
	rsvg-convert -o "$1.png" "$1" 2>"$TMP/rsvg.err" ||
		t_fail "rsvg-convert failed: $(head -c 300 "$TMP/rsvg.err")"
	"$PNGSTAT" "$1.png" | head -n 1
}

# ------------------------------------------------ a 4 GiB machine, 10k blocks

# RAM: 1 GiB at 0x40000000 (the image, sparse) and 3 GiB at 0x880000000 (no bytes
# needed: nothing there is read). 2500 + 7500 order-0 blocks scattered, apart.
B=0x40000000 P=4096
HI=0x880000000
"$MKHANDOVER" -a v4 -b "$B" -s 0x40000000 -o "$TMP/big.img" -d "$TMP/big.dtb" \
	-x "$HI:0xc0000000" -r ramoops:0x40c00000:0x301000 -m 7.3.4:1 \
	-S 0x44000000:0x4000000 -S 0x920000000:0x10000000 \
	-N 2500:0x48000000:0x80000000 -N 7500:0x880000000:0x920000000 ||
	{ echo "$0: mkhandover failed" >&2; exit 1; }
D=$TMP/big.dtb
fdtput -c "$D" /reserved-memory /reserved-memory/linux,cma /reserved-memory/tf-a@40000000
fdtput -t x "$D" /reserved-memory '#address-cells' 2
fdtput -t x "$D" /reserved-memory '#size-cells' 2
fdtput -t s "$D" /reserved-memory/linux,cma compatible shared-dma-pool
fdtput "$D" /reserved-memory/linux,cma reusable
fdtput -t x "$D" /reserved-memory/linux,cma reg 9 0x30000000 0 0x10000000
fdtput "$D" /reserved-memory/tf-a@40000000 no-map
fdtput -t x "$D" /reserved-memory/tf-a@40000000 reg 0 0x40000000 0 0x200000
fdtput -t x "$D" /chosen linux,initrd-start 0 0x46000000
fdtput -t x "$D" /chosen linux,initrd-end 0 0x47800000
DTB_SIZE=$(peek_be32 "$D" 4)
OPTS="--kernel 0x44200000:0x1c00000 --dtb-addr 0x47c00000 --firmware 0x7ff00000:0x100000"
# Preserved ranges: 10000 scattered blocks, apart from each other and the rest:
# the KHO FDT and blob pages (where handover_info finds them) and ramoops, merged
# where they touch.
B=0x40000000
handover_info big
own=$({
	echo "$KFDT $((KFDT + P))"
	while read -r _n _p _s; do echo "$((_p / P * P)) $((_p / P * P + P))"; done <"$BLOBS"
	echo "$((0x40c00000)) $((0x40f01000))"
} | merge preserved | wc -l)
RANGES=$((10000 + own))

t_begin "map: 4 GiB, 10k blocks: the SVG renders to a picture that is not blank"
kt map --svg "$TMP/big.svg" $OPTS --dtb "$D" --ram "$TMP/big.img@$B"
kt_expect_rc 0
[ -s "$TMP/out" ] && t_fail "stdout not empty"
set -- $(render "$TMP/big.svg")
[ "${1:-0}" -ge 1000 ] || t_fail "width ${1:-?}"
[ "$(stat -c %s "$TMP/big.svg.png")" -gt 20000 ] || t_fail "PNG under 20000 bytes"
[ "${3:-0}" -gt 40 ] || t_fail "only ${3:-0} colours"
[ "${4:-0}" -gt $((${1:-0} * ${2:-0} / 10)) ] || t_fail "only ${4:-0} pixels not white"
t_end

t_begin "map: every colour of the legend shows in the picture"
colours=$(grep -o '<rect x="[0-9.]*" y="[0-9.]*" width="14" height="14" fill="#[0-9a-f]*"' \
	"$TMP/big.svg" | sed 's/.*#//')
[ "$(echo $colours | wc -w)" -ge 10 ] || t_fail "legend colours: $colours"
"$PNGSTAT" "$TMP/big.svg.png" $colours | awk 'NR > 1 && $2 < 20 { print }' >"$TMP/bad"
[ -s "$TMP/bad" ] && t_fail "legend colours (almost) absent: $(cat "$TMP/bad")"
t_end

t_begin "map: 10k preserved ranges cost a few hundred shapes"
n=$(grep -c '<rect' "$TMP/big.svg")
[ "$n" -lt 400 ] || t_fail "$n rect elements"
t_end

t_begin "map: each preserved range is counted once, alone or in a band ($RANGES)"
expect_eq "preserved ranges drawn" "$(band_sum "$TMP/big.svg" preserved)" "$RANGES"
t_end

t_begin "map: every shape in a row has a hover title"
grep '<rect' "$TMP/big.svg" | grep -v '/>' | grep -v '<title>' >"$TMP/bad"
[ -s "$TMP/bad" ] && t_fail "untitled: $(head -n 2 "$TMP/bad")"
t_end

# Rows share one scale: the widest bank (3 GiB) spans the 1160-pixel bar from x 20.
t_begin "map: drawn to scale (the scratch area at 0x920000000 in the 3 GiB bank)"
got=$(flat "$TMP/big.svg" | grep -o '<rect x="[0-9.]*" y="[0-9.]*" width="[0-9.]*"[^>]*><title>scratch 0x920000000-' |
	sed 's/<rect x="\([0-9.]*\)" y="[0-9.]*" width="\([0-9.]*\)".*/\1 \2/')
want=$(awk -v off=$((0x920000000 - 0x880000000)) -v size=$((0x10000000)) -v bank=$((3 << 30)) \
	'BEGIN { printf "%.2f %.2f", 20 + off * 1160 / bank, size * 1160 / bank }')
expect_eq "x and width" "$got" "$want"
t_end

t_begin "map: CMA, firmware, initrd, kernel and DTB from the DT and the options"
has_title "$TMP/big.svg" "CMA: linux,cma 0x930000000-0x940000000 (256 MiB)"
has_title "$TMP/big.svg" "firmware (no-map): tf-a@40000000 0x40000000-0x40200000 (2 MiB)"
has_title "$TMP/big.svg" "firmware (no-map): --firmware 0x7ff00000-0x80000000 (1 MiB)"
has_title "$TMP/big.svg" "initrd 0x46000000-0x47800000 (24 MiB)"
has_title "$TMP/big.svg" "kernel 0x44200000-0x45e00000 (28 MiB)"
has_title "$TMP/big.svg" "DTB $(hex 0x47c00000)-$(hex $((0x47c00000 + DTB_SIZE))) ($DTB_SIZE B)"
t_end

t_begin "map: one row per RAM bank, in address order, ends labelled"
grep -o 'RAM bank [0-9]*: [0-9a-fx-]*' "$TMP/big.svg" >"$TMP/got"
printf 'RAM bank 0: 0x40000000-0x80000000\nRAM bank 1: 0x880000000-0x940000000\n' >"$TMP/want"
expect_files "rows" "$TMP/got" "$TMP/want"
for a in 0x40000000 0x80000000 0x880000000 0x940000000; do
	grep -q ">$a</text>" "$TMP/big.svg" || t_fail "no label $a"
done
t_end

t_begin "map --log: renders; each range still drawn once; small ranges wider"
kt map --log --svg "$TMP/log.svg" $OPTS --dtb "$D" --ram "$TMP/big.img@$B"
kt_expect_rc 0
set -- $(render "$TMP/log.svg")
[ "${3:-0}" -gt 40 ] || t_fail "only ${3:-0} colours"
expect_eq "preserved ranges drawn" "$(band_sum "$TMP/log.svg" preserved)" "$RANGES"
# width of the DTB's shape: the minimum pixel to scale, several with log widths
dtbw() {
	flat "$1" | grep -o 'width="[0-9.]*" height="[0-9.]*" fill="#[0-9a-f]*"><title>DTB ' |
		sed 's/width="\([0-9.]*\)".*/\1/'
}
awk -v a="$(dtbw "$TMP/big.svg")" -v b="$(dtbw "$TMP/log.svg")" \
	'BEGIN { exit !(a + 0 <= 1.01 && b + 0 >= 4) }' ||
	t_fail "DTB width $(dtbw "$TMP/big.svg") to scale, $(dtbw "$TMP/log.svg") with --log"
t_end

# ------------------------------------------------ the reference handover

layout 0x40000000
gen ref v4

t_begin "map: the reference handover: one bank, renders, to stdout with --svg -"
kt map --svg - --dtb "$TMP/ref.dtb" --ram "$TMP/ref.img@$B"
kt_expect_rc 0
cp "$TMP/out" "$TMP/ref.svg"
expect_eq rows "$(grep -c 'RAM bank [0-9]*:' "$TMP/ref.svg")" 1
set -- $(render "$TMP/ref.svg")
[ "${3:-0}" -gt 40 ] || t_fail "only ${3:-0} colours"
t_end

t_begin "map: names from the DT are escaped: the SVG stays well-formed"
cp "$TMP/ref.dtb" "$TMP/esc.dtb"
fdtput -c "$TMP/esc.dtb" /reserved-memory '/reserved-memory/a<b&c'
fdtput -t x "$TMP/esc.dtb" /reserved-memory '#address-cells' 2
fdtput -t x "$TMP/esc.dtb" /reserved-memory '#size-cells' 2
fdtput -t x "$TMP/esc.dtb" '/reserved-memory/a<b&c' reg 0 0x43800000 0 0x100000
kt map --svg "$TMP/esc.svg" --dtb "$TMP/esc.dtb" --ram "$TMP/ref.img@$B"
kt_expect_rc 0
render "$TMP/esc.svg" >/dev/null
has_title "$TMP/esc.svg" "reserved-memory: a&lt;b&amp;c 0x43800000-0x43900000 (1 MiB)"
t_end

t_begin "map: an invalid handover: exit 1 and no picture"
cp "$TMP/ref.img" "$TMP/bad.img"
handover_info ref
poke "$TMP/bad.img" $((KFDT - B)) 0 0 0 0
kt map --svg "$TMP/bad.svg" --dtb "$TMP/ref.dtb" --ram "$TMP/bad.img@$B"
kt_expect_rc 1
[ -e "$TMP/bad.svg" ] && t_fail "a picture was written"
t_end

t_begin "map: --svg is required; an unwritable FILE is exit 2"
kt map --dtb "$TMP/ref.dtb" --ram "$TMP/ref.img@$B"
kt_expect_rc 2
expect_grep stderr "$TMP/err" "khotool: map: --svg FILE is required"
kt map --svg "$TMP/none/x.svg" --dtb "$TMP/ref.dtb" --ram "$TMP/ref.img@$B"
kt_expect_rc 2
expect_grep stderr "$TMP/err" "khotool: map: $TMP/none/x.svg: No such file or directory"
t_end

t_begin "map: --kernel and --firmware need ADDR:SIZE"
kt map --svg "$TMP/k.svg" --kernel 0x40000000 --dtb "$TMP/ref.dtb" --ram "$TMP/ref.img@$B"
kt_expect_rc 2
expect_grep stderr "$TMP/err" "khotool: map: --kernel 0x40000000: expected ADDR:SIZE"
kt map --svg "$TMP/k.svg" --firmware 0x40000000:0 --dtb "$TMP/ref.dtb" --ram "$TMP/ref.img@$B"
kt_expect_rc 2
expect_grep stderr "$TMP/err" "khotool: map: --firmware 0x40000000:0: expected ADDR:SIZE"
t_end

t_done
