#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# restart.sh manager: kill -9 the manager and start it again from its database.
# restart.sh gw-core: stop the AGW's gw-core and start it again (empty); the manager
# must notice and re-program it. Prints "RESTART <what> OK" once the slice is back.
set -u
. "$SRC/lib.sh"
case "$1" in
manager)
	kill -9 "$(cat "$E2E_DIR/manager.pid")"
	wait_until 10 sh -c "! kill -0 $(cat "$E2E_DIR/manager.pid") 2>/dev/null" || exit 1
	: >"$E2E_DIR/manager.log"
	start_manager "$E2E_DIR/manager.conf" || exit 1
	;;
gw-core)
	kill "$(cat "$E2E_DIR/agw.pid")"
	wait_until 15 sh -c "! kill -0 $(cat "$E2E_DIR/agw.pid") 2>/dev/null" || exit 1
	start_gwcore agw agw "$E2E_DIR/agw.conf" || exit 1
	;;
esac
# the slice is in gw-core again (at once after a manager restart; within a few
# monitor periods after a gw-core restart)
wait_until 20 sh -c "'$BUILD/bin/gwcctl' -s '$E2E_DIR/agw.sock' slice.list slice=s1 | grep -q VL1.net" &&
	echo "RESTART $1 OK"
