#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the topology of description.txt. Needs root. Env: BUILD, SRC (tests/e2e), E2E_DIR.
set -euo pipefail
. "$SRC/lib.sh"

vlan_objs 10 200
add_namespaces term agw sep srv
veth_pair term t0 agw a0
veth_pair agw a1 sep s1
veth_pair sep s2 srv v0
# The GRE link carries 1514-byte inner frames + 42 bytes of outer headers.
nsx agw ip link set a1 mtu 1600
nsx sep ip link set s1 mtu 1600

vlan_end_hosts
gwcore_ports agw a0 a1
gwcore_ports sep s1 s2

{ gwcore_conf_head agw agw; cat <<CONF; } >"$E2E_DIR/agw.conf"
[port access]
dev = net_af_packet0,iface=a0
[port core]
dev = net_af_packet1,iface=a1
ipv4 = 198.51.100.1/24
tap = gwc-core
mtu = 1600
CONF
# AGW_SLICE=none: the AGW starts empty (the manager scenario creates the slice).
if [ "${AGW_SLICE:-static}" != none ]; then
	cat >>"$E2E_DIR/agw.conf" <<CONF
[slice s1]
endpoint terminals = vlan port=access vid=10
endpoint network = gre port=core remote=198.51.100.2 key=7001
CONF
fi

sep_conf s1:7001:200 >"$E2E_DIR/sep.conf"

# AGW_START=no: the AGW's gw-core is left to the caller (the appliance scenario's launcher).
[ "${AGW_START:-yes}" = no ] || start_gwcore agw agw "$E2E_DIR/agw.conf"
start_gwcore sep sep "$E2E_DIR/sep.conf"
