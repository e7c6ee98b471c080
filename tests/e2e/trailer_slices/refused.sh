#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# refused.sh forged|untagged: a connection that must not reach a server.
#   forged:   mal (terminal 8) claims terminal 7 with its own key, to app b's port 5002;
#             gw-core must count trailer_bad_tag.
#   untagged: the terminal connects to port 5003, which no app selects; with no default
#             slice on the access port gw-core must count no_slice.
# Prints "REFUSED <reason> +N" when the connection failed, nothing arrived and the drop
# counter grew; else "ACCEPTED" and what happened.
set -u
. "$SRC/lib.sh"
case $1 in
forged) from=mal port=5002 srv=srvb reason=trailer_bad_tag ;;
untagged) from=term port=5003 srv=srva reason=no_slice ;;
*) echo "usage: refused.sh forged|untagged" >&2; exit 2 ;;
esac
drops() { "$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" stats |
	/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['drops'].get('$reason', 0))"; }
before=$(drops)
rm -f "$E2E_DIR/recv-$1.txt"
nsx $srv /usr/bin/python3 "$SRC/tcp_xfer.py" recv $port "$E2E_DIR/recv-$1.txt" 6 2>/dev/null &
rpid=$!
wait_until 10 nsx $srv sh -c "ss -ltn | grep -q ':$port '" || { echo "no listener"; exit 1; }
if nsx $from /usr/bin/python3 "$SRC/tcp_xfer.py" send 10.2.0.10 $port 100000 3 2>/dev/null; then
	connected=yes
else
	connected=no
fi
wait $rpid 2>/dev/null
after=$(drops)
if [ $connected = no ] && [ ! -s "$E2E_DIR/recv-$1.txt" ] && [ "$after" -gt "$before" ]; then
	echo "REFUSED $reason +$((after - before))"
else
	echo "ACCEPTED: connected=$connected received=[$(cat "$E2E_DIR/recv-$1.txt" 2>/dev/null)]" \
		"$reason $before -> $after"
fi
