#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make demo: what an operator sees. The appliance is up (gw-core + manager); create a
# slice from the example spec over XML-RPC, run it, send terminal traffic through it,
# show its status and statistics, then remove it.
set -u
. "$SRC/lib.sh"
ctl() { echo "\$ agwctl $*"; "$SCEN/agwctl.sh" "$@"; echo; }
echo
echo "================ demo: a slice over XML-RPC ================"
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
