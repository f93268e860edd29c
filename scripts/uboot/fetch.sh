#!/bin/sh
# Download Debian trixie's U-Boot source (source package u-boot, 2025.01) with an
# isolated apt configuration, unpack it once into the cache and print the path of
# the pristine tree. The system's apt sources are never touched. The tree stays
# unmodified: scripts/uboot/build.sh copies it before applying u-boot/.
#
#   scripts/uboot/fetch.sh        -> $KHOFW_CACHE/src/u-boot-<version>
set -eu
suite=trixie
want=${UBOOT_DEB_VERSION:-2025.01}
cache=${KHOFW_CACHE:-$HOME/.cache/khofw}
D=$cache/apt-$suite-src
L=$D/lists
mkdir -p "$cache/src"
. "$(dirname "$0")/../lib/apt-iso.sh"

apt_iso_init "$D" "$L" deb-src "$suite"
apt_iso_update

# The Sources index names the pool directory and the files of each version.
idx=$(ls "$L"/*_"$suite"_main_source_Sources* | head -n 1)
case $idx in
*.lz4) cat_idx="lz4cat" ;; *.xz) cat_idx="xzcat" ;; *.gz) cat_idx="zcat" ;; *) cat_idx="cat" ;;
esac
rec=$($cat_idx "$idx" | awk -v want="$want" '
	/^Package: / { pkg = $2 } /^$/ { if (pkg == "u-boot" && ok) { print buf; done = 1; exit } buf = ""; ok = 0; next }
	{ buf = buf $0 "\n" }
	/^Version: / { if (pkg == "u-boot" && index($2, want) == 1) ok = 1 }
	END { if (!done && pkg == "u-boot" && ok) print buf }')
[ -n "$rec" ] || { echo "fetch: no u-boot $want in $suite's Sources" >&2; exit 1; }
ver=$(printf '%s' "$rec" | sed -n 's/^Version: //p')
dir=$(printf '%s' "$rec" | sed -n 's/^Directory: //p')
dst=$cache/src/u-boot-$ver
if [ -f "$dst/.done" ]; then echo "$dst"; exit 0; fi

# Checksums-Sha256 lines: " sha size name", tarballs only (the .dsc is not needed).
dl=$cache/debs/u-boot-src
mkdir -p "$dl"
printf '%s' "$rec" | awk '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 }
	on && $3 ~ /\.tar\./ && $3 !~ /\.asc$/ { print $1, $3 }' | while read -r sum name; do
	if [ ! -f "$dl/$name" ] || ! echo "$sum  $dl/$name" | sha256sum -c --quiet - 2>/dev/null; then
		echo "downloading $name" >&2
		/usr/lib/apt/apt-helper download-file \
			"http://deb.debian.org/debian/$dir/$name" "$dl/$name" "SHA256:$sum" >&2
	fi
done

echo "unpacking u-boot $ver into $dst" >&2
rm -rf "$dst.tmp" && mkdir -p "$dst.tmp"
orig=$(ls "$dl"/u-boot_"${ver%-*}".orig.tar.* | head -n 1)
tar -xf "$orig" -C "$dst.tmp"
top=$(ls "$dst.tmp")
mv "$dst.tmp/$top" "$dst.tmp/tree"
deb=$(ls "$dl"/u-boot_"$ver".debian.tar.* | head -n 1)
tar -xf "$deb" -C "$dst.tmp/tree"
# Debian's own patches, as the package build applies them.
if [ -f "$dst.tmp/tree/debian/patches/series" ]; then
	(cd "$dst.tmp/tree" && grep -v '^#' debian/patches/series | grep . | while read -r p _; do
		patch -s -p1 < "debian/patches/$p"
	done)
fi
rm -rf "$dst" && mv "$dst.tmp/tree" "$dst" && rm -rf "$dst.tmp"
touch "$dst/.done"
echo "$dst"
