#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Kill gw-core (-9) under a running VM and start it again: the manager re-adds the
# vhost-user ports, QEMU reconnects by itself, traffic resumes, and the guest never
# rebooted (same QEMU pid, one "guest: up" line on its console).
set -u
. "$SRC/lib.sh"
N="/usr/bin/python3 $SCEN/nodes.py"
qpid=$(NODE_KIND=vm $N pid)
kill -9 "$(cat "$E2E_DIR/agw.pid")"
wait_until 10 sh -c "! kill -0 $(cat "$E2E_DIR/agw.pid") 2>/dev/null"
start_gwcore agw agw "$E2E_DIR/agw.conf" || exit 1
wait_until 60 nsx term ping -c 1 -W 1 10.2.0.2 || { echo "no traffic after gw-core's restart"; exit 1; }
boots=$(grep -c "guest: up" "$E2E_DIR"/nsl/*/console.log)
now=$(NODE_KIND=vm $N pid)
if [ "$now" = "$qpid" ] && [ "$boots" = 1 ]; then
	echo "GWCORE RESTART OK qemu $qpid, 1 boot"
else
	echo "GWCORE RESTART BAD: qemu $qpid -> $now, $boots boots"
fi
