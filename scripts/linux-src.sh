#!/bin/sh
# Unpack Debian's linux-source-7.3 (from trixie-backports, fetched with an isolated apt
# configuration) into the cache, once, and print the source tree's path.
# The tree is used unmodified: libfdt is compiled from scripts/dtc/libfdt, and the
# test bed kernel is built out of tree from it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${KHOFW_CACHE:-$HOME/.cache/khofw}
deb=$("$here/debfetch.sh" trixie-backports linux-source-7.3)
ver=$(basename "$deb" | sed 's/^linux-source-7.3_\([^_]*\)_.*/\1/')
dst=$cache/src/linux-source-$ver
if [ ! -f "$dst/.done" ]; then
	echo "unpacking linux-source $ver into $dst" >&2
	rm -rf "$dst.tmp" && mkdir -p "$dst.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dst.tmp" ./usr/src
	tarball=$(ls "$dst.tmp"/usr/src/linux-source-7.3.tar.*)
	tar -xf "$tarball" -C "$dst.tmp"
	rm -rf "$dst" && mv "$dst.tmp/linux-source-7.3" "$dst" && rm -rf "$dst.tmp"
	touch "$dst/.done"
fi
ln -sfn "$(basename "$dst")" "$cache/src/linux-7.3"
echo "$dst"
