#!/bin/sh
# Send commands to a QEMU human monitor listening on a unix socket and print
# its replies. Each argument is one command line; they run in order, and the
# script returns once QEMU has processed them all (it closes the connection
# after the last one).
#
#   qemu-mon.sh SOCKET 'stop' 'pmemsave 0x40000000 0x1000 "/tmp/x"' 'cont'
set -eu
sock=$1
shift
for c in "$@"; do printf '%s\n' "$c"; done |
	socat -t 600 - "UNIX-CONNECT:$sock" | tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'
