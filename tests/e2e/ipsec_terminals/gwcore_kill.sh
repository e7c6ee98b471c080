#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# kill -9 the AGW's gw-core while term1 pings srv1, start it again (what the launcher
# does), and see the plugin re-install the SAs: prints "RESTART OK" when traffic flows
# again, gw-core has the same SPIs as before, and charon made no new IKE_SA.
set -u
. "$SRC/lib.sh"
gwc() { "$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" "$@"; }
spis() { gwc sa.list slice=s1 2>/dev/null | python3 -c '
import json, sys
print(" ".join(sorted(s["spi"] + s["dir"] for s in json.load(sys.stdin)["sas"])))'; }
log=$E2E_DIR/agw-charon.log
before=$(spis)
ike0=$(grep -c 'IKE_SA s1\[[0-9]*\] established' "$log")
nsx term1 ping -i 0.05 -c 100 -W 1 10.1.0.10 >"$E2E_DIR/ping-restart.log" 2>&1 &
ppid=$!
pkill -9 -f "^$BUILD/bin/gw-core -c $E2E_DIR/agw.conf" ||
	{ echo "RESTART FAILED: no gw-core to kill"; exit 0; }
wait_until 10 sh -c "! pgrep -f '^$BUILD/bin/gw-core -c $E2E_DIR/agw.conf'"
# as the launcher does: try again if DPDK finds the dead process's memory not yet free
for try in 1 2 3; do
	start_gwcore agw agw "$E2E_DIR/agw.conf" 2>"$E2E_DIR/restart-$try.log" && break
	[ "$try" = 3 ] && { cat "$E2E_DIR/restart-$try.log"; echo "RESTART FAILED: gw-core did not start"; exit 0; }
done
wait_until 20 sh -c "[ \"\$($(declare -f gwc spis); spis)\" = \"$before\" ]" ||
	{ echo "RESTART FAILED: SAs not re-installed: before=[$before] now=[$(spis)]"; exit 0; }
wait $ppid
# the first packets after the restart wait for ARP; then the tunnel works
if ! nsx term1 ping -c 3 -W 2 10.1.0.10 | grep -q ' [23] received'; then
	echo "RESTART FAILED: no traffic after re-installation"; exit 0
fi
ike=$(($(grep -c 'IKE_SA s1\[[0-9]*\] established' "$log") - ike0))
[ "$ike" -eq 0 ] || { echo "RESTART FAILED: $ike new IKE_SAs"; exit 0; }
grep -q "re-installed" "$log" || { echo "RESTART FAILED: plugin did not say it re-installed"; exit 0; }
echo "RESTART OK ($(grep -o '[0-9]* received' "$E2E_DIR/ping-restart.log") of 100 during the restart)"
