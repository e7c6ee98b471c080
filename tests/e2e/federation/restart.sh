#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# kill -9 domA's manager and start it again: it must come back with the federated slice
# (its slivers, and the federation record the 2.0 replies are built from) from SQLite.
# Prints "RESTART OK" when the new process answers.
set -u
. "$SRC/lib.sh"
n=${1:-agwa}
old=$(cat "$E2E_DIR/mgr-$n.pid")
kill -9 "$old"
wait_until 10 sh -c "! kill -0 $old 2>/dev/null" || { echo "RESTART BAD: $old lives"; exit 1; }
rm -f "$E2E_DIR/mgr-$n.pid"
gen=1
while [ -f "$E2E_DIR/mgr-$n-$gen.log" ]; do gen=$((gen + 1)); done
start_manager "$E2E_DIR/mgr-$n.conf" "mgr-$n-$gen" || { echo "RESTART BAD: no start"; exit 1; }
grep -o 'ready on .*' "$E2E_DIR/mgr-$n-$gen.log" | sed 's/^/RESTART OK /'
