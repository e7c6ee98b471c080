#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The manager again with [nsliver] restart = yes and restart_max = 2, then nodes.py
# restart-backoff (the container killed three times behind the manager's back).
set -u
. "$SRC/lib.sh"
for f in "$E2E_DIR"/manager*.pid; do
	pid=$(cat "$f")
	kill "$pid" 2>/dev/null && wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
done
sed -i 's/^\[nsliver\]$/[nsliver]\nrestart = yes\nrestart_max = 2/' "$E2E_DIR/manager.conf"
start_manager "$E2E_DIR/manager.conf" manager3 || exit 1
/usr/bin/python3 "$SCEN/nodes.py" restart-backoff
