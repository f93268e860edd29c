#!/bin/sh
# Install the host packages listed in scripts/testbed/packages.txt that are
# missing, from the system's own apt sources (bookworm). Quiet when nothing is
# missing, so it can run before every test bed step.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
missing=
for p in $(grep -v '^#' "$here/packages.txt"); do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "testbed-deps: installing$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "testbed-deps: need root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A stale package index is the usual reason an install fails: refresh once.
apt-get install -y --no-install-recommends $missing >&2 ||
	{ apt-get update >&2 && apt-get install -y --no-install-recommends $missing >&2; }
