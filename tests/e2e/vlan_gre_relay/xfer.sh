#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# 10 MiB over TCP from the terminal to the server through the slice; prints
# "TCP OK <sha256> <bytes>" when what arrived is what was sent.
set -u
. "$SRC/lib.sh"
size=10485760
dst=${XFER_DST:-203.0.113.2}   # the server, as the terminal sees it
rm -f "$E2E_DIR/recv.txt"
nsx srv /usr/bin/python3 "$SRC/tcp_xfer.py" recv 5001 "$E2E_DIR/recv.txt" 120 &
rpid=$!
wait_until 10 nsx srv sh -c "ss -ltn | grep -q ':5001 '" || { echo "receiver did not listen"; exit 1; }
sent=$(nsx term /usr/bin/python3 "$SRC/tcp_xfer.py" send "$dst" 5001 $size 120) || { echo "send failed"; exit 1; }
wait $rpid
got=$(cat "$E2E_DIR/recv.txt" 2>/dev/null)
if [ -n "$got" ] && [ "$got" = "$sent" ]; then
	echo "TCP OK $got"
else
	echo "TCP MISMATCH sent=[$sent] received=[$got]"
fi
