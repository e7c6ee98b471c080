#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Always runs, even after a failed setup: stop gw-cores, delete the namespaces and the
# test's cgroup (its processes first go back to the root cgroup).
. "$SRC/lib.sh"
stop_gwcores
delete_namespaces
if [ -f "$E2E_DIR/cgroup" ]; then
	cg=$(cat "$E2E_DIR/cgroup")
	for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do
		kill -9 "$p" 2>/dev/null || true
	done
	rmdir "$cg" 2>/dev/null || true
fi
