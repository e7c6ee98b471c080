#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The agw launcher of this scenario. Each subcommand but 'start' prints one verdict line.
#   launcher.sh start          start agw in the AGW namespace; wait until 'agw status' is 0
#   launcher.sh status-ok      'agw status' exits 0 with gw-core and manager running
#   launcher.sh twice          a second launcher on the same run_dir is refused (exit 1)
#   launcher.sh kill NAME      kill -9 NAME; it must come back with a new pid, restarts+1
#   launcher.sh kill9          kill -9 the launcher itself: its children get SIGTERM
#                              (PR_SET_PDEATHSIG) and stop, none is left; a new launcher
#                              brings both back, and the new manager puts s1 back
#                              into the new gw-core
#   launcher.sh stop           'agw stop': manager stopped before gw-core, nothing left
#   launcher.sh badstart       a broken gw-core config: agw exits 1 naming the key
#   launcher.sh ikeversion     ike = yes while dpkg reports another strongSwan than the
#                              plugin was built against: agw refuses to start anything
set -u
. "$SRC/lib.sh"
CONF=$E2E_DIR/appliance.conf
AGW=$BUILD/bin/agw


# Processes of the AGW namespace that are ours (the SEP's gw-core lives elsewhere).
left() { ip netns pids "$(ns agw)" 2>/dev/null | xargs -r ps -o comm= -p | grep -E '^(agw|gw-core|agw-manager)$'; }

case "$1" in
start)
	start_launcher || exit 1
	;;
status-ok)
	out=$("$AGW" -c "$CONF" status)
	rc=$?
	if [ $rc -eq 0 ] && echo "$out" | grep -Eq '^  gw-core +running +[0-9]+' &&
		echo "$out" | grep -Eq '^  manager +running +[0-9]+ .*listening on http://127.0.0.1:18741/RPC2'; then
		echo "STATUS OK gw-core=$(agw_field gw-core pid) manager=$(agw_field manager pid)"
	else
		echo "STATUS BAD rc=$rc: $out"
	fi
	;;
twice)
	out=$(timeout 10 "$AGW" -c "$CONF" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && echo "$out" | grep -q "another launcher is running (pid $(cat "$E2E_DIR/launcher.pid")"; then
		echo "TWICE OK refused"
	else
		echo "TWICE BAD rc=$rc: $out"
	fi
	;;
kill)
	name=$2
	pid=$(agw_field "$name" pid)
	n=$(agw_field "$name" restarts)
	kill -9 "$pid"
	# state and pid from one reading of the status file (two readings could straddle
	# the launcher's update: "running" from before the death, pid 0 from after it)
	back() {
		local sp
		sp=$(agw_field "$name" state,pid)
		[ "${sp%%,*}" = running ] && [ "$sp" != "running,$pid" ]
	}
	if wait_until 30 back && [ "$(agw_field "$name" restarts)" -eq $((n + 1)) ]; then
		echo "RESTARTED $name restarts=$((n + 1)) delay=$(agw_field "$name" restart_delay_ms)ms" \
			"last_exit=$(agw_field "$name" last_exit | tr ' ' _)"
	else
		echo "KILL BAD $name: $("$AGW" -c "$CONF" status)"
	fi
	;;
kill9)
	lpid=$(cat "$E2E_DIR/launcher.pid")
	gw=$(agw_field gw-core pid)
	mgr=$(agw_field manager pid)
	kill -9 "$lpid"
	gone() { ! kill -0 "$gw" 2>/dev/null && ! kill -0 "$mgr" 2>/dev/null && [ -z "$(left)" ]; }
	if ! wait_until 20 gone; then
		echo "KILL9 BAD: after the launcher's death these are left: $(left | tr '\n' ' ')"
		exit 0
	fi
	: >"$E2E_DIR/relaunch.log"
	if ! start_launcher >>"$E2E_DIR/relaunch.log" 2>&1; then
		echo "KILL9 BAD: a new launcher did not bring the appliance up"
		exit 0
	fi
	# the new manager reloads s1 from SQLite and programs the new gw-core with it
	if ! wait_until 20 sh -c "'$BUILD/bin/gwcctl' -s '$E2E_DIR/agw.sock' slice.list slice=s1 | grep -q VL1.net"; then
		echo "KILL9 BAD: slice s1 is not back in the new gw-core"
		exit 0
	fi
	echo "KILL9 OK children stopped with the launcher; new gw-core=$(agw_field gw-core pid)" \
		"manager=$(agw_field manager pid), s1 back in gw-core"
	;;
stop)
	gw=$(agw_field gw-core pid)
	mgr=$(agw_field manager pid)
	out=$("$AGW" -c "$CONF" stop 2>&1)
	rc=$?
	"$AGW" -c "$CONF" status >/dev/null
	st=$?
	order=$(grep -E '^agw: (manager|gw-core) stopped' "$E2E_DIR/launcher.log" | tail -2 | cut -d' ' -f2 | tr '\n' ,)
	if [ $rc -eq 0 ] && [ $st -eq 3 ] && [ -z "$(left)" ] && ! kill -0 "$gw" 2>/dev/null &&
		! kill -0 "$mgr" 2>/dev/null && [ "$order" = "manager,gw-core," ]; then
		echo "STOP OK ($out) order=$order status=3"
	else
		echo "STOP BAD stop rc=$rc status rc=$st order=$order left=$(left | tr '\n' ' '): $out"
	fi
	;;
badstart)
	sed 's/^\[pool\]$/[pool]\nmbufz = 8191/' "$E2E_DIR/agw.conf" >"$E2E_DIR/bad-gw.conf"
	sed -e 's/^gw_core_conf = .*/gw_core_conf = bad-gw.conf/' -e 's/^run_dir = .*/run_dir = run-bad/' \
		"$CONF" >"$E2E_DIR/bad.conf"
	out=$(timeout 60 ip netns exec "$(ns agw)" "$AGW" -c "$E2E_DIR/bad.conf" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && echo "$out" | grep -q "^\[gw-core\] .*unknown key 'mbufz'" &&
		echo "$out" | grep -q "^agw: gw-core exited (exit 1) before it was ready" &&
		! echo "$out" | grep -q "starting manager" && [ -z "$(left)" ]; then
		echo "BADSTART OK rc=1"
	else
		echo "BADSTART BAD rc=$rc: $out"
	fi
	;;
ikeversion)
	# a dpkg-query that reports strongswan-libcharon 5.9.13-1 installed
	mkdir -p "$E2E_DIR/fakebin"
	printf '#!/bin/sh\necho "ii  5.9.13-1"\n' >"$E2E_DIR/fakebin/dpkg-query"
	chmod +x "$E2E_DIR/fakebin/dpkg-query"
	sed -e 's/^run_dir = .*/run_dir = run-ike/' "$CONF" >"$E2E_DIR/ike.conf"
	printf 'ike = yes\nike_plugin = %s\n' "$BUILD/lib/libstrongswan-kernel-agw.so" |
		sed -i '/^\[agw\]$/r /dev/stdin' "$E2E_DIR/ike.conf"
	out=$(PATH=$E2E_DIR/fakebin:$PATH timeout 60 ip netns exec "$(ns agw)" "$AGW" \
		-c "$E2E_DIR/ike.conf" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && echo "$out" | grep -q "the installed strongSwan is 5.9.13 .*built against" &&
		! echo "$out" | grep -q "starting" && [ -z "$(left)" ]; then
		echo "IKEVERSION OK rc=1"
	else
		echo "IKEVERSION BAD rc=$rc: $out"
	fi
	;;
esac
