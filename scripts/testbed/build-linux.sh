#!/bin/sh
# Build the test bed's arm64 Linux kernel out of tree from the unmodified
# linux-source-7.3 tree: allnoconfig + configs/linux/kho.config. The result is
# cached per kernel version and fragment hash, so a second run does nothing:
#
#   $KHOFW_CACHE/linux/<version>-<fragment sha256 12>/Image
#   $KHOFW_CACHE/linux/<version>-<fragment sha256 12>/build/   (kept for modules)
#
# Prints the Image path on stdout; build progress goes to stderr.
# KHOT_LINUX_FRAGMENT overrides the fragment, KHOFW_JOBS the -j level (3).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${KHOFW_CACHE:-$HOME/.cache/khofw}
frag=${KHOT_LINUX_FRAGMENT:-$top/configs/linux/kho.config}
jobs=${KHOFW_JOBS:-3}

"$here/deps.sh"
src=$("$top/scripts/linux-src.sh")
ver=$(basename "$src" | sed 's/^linux-source-//')
sha=$(sha256sum "$frag" | cut -c1-12)
out=$cache/linux/$ver-$sha
if [ -f "$out/Image" ]; then
	echo "$out/Image"
	exit 0
fi

mkdir -p "$out/build"
# Two builds of the same kernel at once would share one build dir: serialise.
exec 9>"$out/.lock"
flock 9
if [ -f "$out/Image" ]; then
	echo "$out/Image"
	exit 0
fi

kmake() {
	make -C "$src" O="$out/build" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- "$@"
}

echo "linux: configuring $ver (allnoconfig + $(basename "$frag")) in $out/build" >&2
kmake -s KCONFIG_ALLCONFIG="$frag" allnoconfig >&2

# Kconfig drops an option silently when a dependency is missing: check them all.
bad=0
for opt in $(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$/\1/p' "$frag"); do
	if ! grep -qx "$opt=y" "$out/build/.config"; then
		echo "linux: $opt=y requested but the final .config has:" \
			"$(grep "^$opt=\|^# $opt is not set" "$out/build/.config" || echo absent)" >&2
		bad=1
	fi
done
for opt in $(sed -n 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1/p' "$frag"); do
	if grep -q "^$opt=" "$out/build/.config"; then
		echo "linux: $opt requested off but the final .config has it on" >&2
		bad=1
	fi
done
[ "$bad" -eq 0 ] || { echo "linux: configuration check failed" >&2; exit 1; }

echo "linux: building Image and modules with -j$jobs" >&2
start=$(date +%s)
kmake -j"$jobs" Image modules >&2
echo "linux: built in $(( $(date +%s) - start ))s" >&2
cp "$out/build/arch/arm64/boot/Image" "$out/Image.tmp"
mv "$out/Image.tmp" "$out/Image"
echo "$out/Image"
