#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make demo: what an operator sees. Start the appliance with the agw launcher (a fresh
# database), create a slice from the example spec over XML-RPC, run it, send terminal
# traffic through it, show its status and statistics, remove it, stop the appliance.
set -u
. "$SRC/lib.sh"
CONF=$E2E_DIR/appliance.conf
ctl() {
	echo "\$ agwctl $*"
	AGW_URL=http://127.0.0.1:18741/RPC2 AGW_PASSWORD=e2e-secret-pw \
		nsx agw "$BUILD/bin/agwctl" "$@"
	echo
}
echo
echo "================ demo: the AGW appliance ================"
rm -f "$E2E_DIR"/agw.db*
: >"$E2E_DIR/launcher.log"
echo "\$ agw -c appliance.conf &      # gw-core first, agw-manager once gw-core is ready"
"$SCEN/launcher.sh" start || exit 1
grep '^agw:' "$E2E_DIR/launcher.log"
echo
echo "\$ agw -c appliance.conf status"
"$BUILD/bin/agw" -c "$CONF" status
echo
ctl resources
ctl create "$SRC/../../etc/specs/agw-vlan-gre.xml" demo
ctl run demo
echo "\$ (terminal 203.0.113.1, VID 10) ping -c 20 203.0.113.2   # the server, behind the SEP"
nsx term ping -q -c 20 -i 0.05 -W 2 203.0.113.2 | tail -2
echo
echo "\$ (terminal) send 10 MiB over TCP to the server"
"$SRC/vlan_gre_relay/xfer.sh"
echo
ctl status demo
ctl stats demo
ctl delete demo
echo "\$ agw -c appliance.conf stop"
"$BUILD/bin/agw" -c "$CONF" stop
