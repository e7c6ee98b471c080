#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# gw-core with one access port; node ports added by the checks (description.txt).
# Needs root. Env: BUILD, SRC (tests/e2e), E2E_DIR.
set -euo pipefail
. "$SRC/lib.sh"

add_namespaces term srv agw node
veth_pair term t0 agw a0
veth_pair srv v0 agw a1
veth_pair node e1 agw n1
veth_pair node e2 agw n2
veth_pair node e3 agw n3
vlan_objs 10 200
routed_end_hosts
# the node sliver stand-in: a router between its two vports
nsx node ip addr add 10.1.0.254/24 dev e1
nsx node ip addr add 10.2.0.254/24 dev e2
kernel_host node e1
kernel_host node e2
nsx node sysctl -q -w net.ipv4.ip_forward=1
gwcore_ports agw a0 a1 n1 n2 n3

{ gwcore_conf_head agw agw; cat <<CONF; } >"$E2E_DIR/agw.conf"
[port access]
dev = net_af_packet0,iface=a0
[port server]
dev = net_af_packet1,iface=a1
[slice A]
endpoint term = vlan port=access vid=10
[slice B]
endpoint srv = vlan port=server vid=200
CONF
start_gwcore agw agw "$E2E_DIR/agw.conf"
