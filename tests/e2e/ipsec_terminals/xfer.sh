#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# xfer.sh TERM SRV [BYTES]: BYTES (default 10 MiB) over TCP from TERM's virtual IP to
# SRV (10.1.0.10) through the IPsec tunnel and the slice; prints "TCP OK <sha256> <bytes>"
# when what arrived is what was sent. XFER_DURING=CMD runs CMD while the transfer runs.
set -u
. "$SRC/lib.sh"
term=$1 srv=$2 size=${3:-10485760}
rm -f "$E2E_DIR/recv-$srv.txt"
nsx "$srv" /usr/bin/python3 "$SRC/tcp_xfer.py" recv 5001 "$E2E_DIR/recv-$srv.txt" 120 &
rpid=$!
wait_until 10 nsx "$srv" sh -c "ss -ltn | grep -q ':5001 '" || { echo "receiver did not listen"; exit 1; }
nsx "$term" /usr/bin/python3 "$SRC/tcp_xfer.py" send 10.1.0.10 5001 "$size" 120 >"$E2E_DIR/sent-$srv.txt" &
spid=$!
if [ -n "${XFER_DURING:-}" ]; then
	sh -c "$XFER_DURING" || echo "XFER_DURING failed: $XFER_DURING"
fi
wait $spid || { echo "send failed"; exit 1; }
wait $rpid
sent=$(cat "$E2E_DIR/sent-$srv.txt")
got=$(cat "$E2E_DIR/recv-$srv.txt" 2>/dev/null)
if [ -n "$got" ] && [ "$got" = "$sent" ]; then
	echo "TCP OK $got"
else
	echo "TCP MISMATCH sent=[$sent] received=[$got]"
fi
