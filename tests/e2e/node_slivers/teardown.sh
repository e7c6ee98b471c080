#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Always runs, even after a failed setup: the manager, the HTTP server, any container
# the manager left (its pid files), gw-core, the namespaces (the containers' too).
. "$SRC/lib.sh"
for f in "$E2E_DIR"/nsl/*/pid; do
	[ -f "$f" ] && kill -9 "$(cut -d' ' -f1 "$f")" 2>/dev/null
done
# the containers' namespaces of this run only: "agw-" and their run directory's name
for d in "$E2E_DIR"/nsl/*-*/; do
	[ -d "$d" ] || continue
	n=agw-$(basename "$d" | tr -d -)
	ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$n" 2>/dev/null
done
[ -f "$E2E_DIR/http.pid" ] && kill "$(cat "$E2E_DIR/http.pid")" 2>/dev/null && rm -f "$E2E_DIR/http.pid"
stop_gwcores
delete_namespaces
