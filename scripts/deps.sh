#!/bin/sh
# Install the Debian packages listed in the given files that are missing.
# Only the system's own (bookworm) sources are used; nothing is added to them.
set -eu
missing=
for f in "$@"; do
	for p in $(grep -v '^#' "$f"); do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
if [ "$(id -u)" != 0 ]; then
	echo "deps: need root to install:$missing" >&2
	exit 1
fi
apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >&2
