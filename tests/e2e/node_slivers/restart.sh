#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Kill the manager (-9) while the container runs; the container must keep its pid and
# forward; the restarted manager reports it running with that pid (re-adopted).
set -u
. "$SRC/lib.sh"
before=$(/usr/bin/python3 "$SCEN/nodes.py" pid)
kill -9 "$(cat "$E2E_DIR/manager.pid")"
wait_until 5 sh -c "! kill -0 $(cat "$E2E_DIR/manager.pid") 2>/dev/null"
[ -d "/proc/$before" ] || { echo "container $before died with the manager"; exit 1; }
nsx term ping -c 2 -W 2 10.2.0.2 | grep -q "2 received" || { echo "no traffic without the manager"; exit 1; }
# a log of its own: the first one says "ready on" already
start_manager "$E2E_DIR/manager.conf" manager2 || exit 1
after=$(/usr/bin/python3 "$SCEN/nodes.py" pid)
state=$(/usr/bin/python3 "$SCEN/nodes.py" runtime)
if [ "$after" = "$before" ] && echo "$state" | grep -q '"state": "running"'; then
	echo "RESTART OK pid $after"
else
	echo "RESTART BAD: before $before after $after: $state"
fi
