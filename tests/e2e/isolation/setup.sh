#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two slices share the AGW's GRE uplink (description.txt). Needs root.
# Env: BUILD, SRC (tests/e2e), E2E_DIR.
set -euo pipefail
. "$SRC/lib.sh"

add_namespaces terma termb agw far srva srvb
veth_pair terma ta0 agw a0
veth_pair termb tb0 agw a2
veth_pair agw a1 far f1
veth_pair far f0 srva sa0
veth_pair far f2 srvb sb0
# The GRE link carries 1514-byte inner frames + 42 bytes of outer headers.
nsx agw ip link set a1 mtu 1600
nsx far ip link set f1 mtu 1600
# The uplink itself: 100 Mbit/s with 20 ms of buffer (the kernel's tbf on the AGW's side;
# gw-core's af_packet port goes through the qdisc: qdisc_bypass=0)
nsx agw tc qdisc add dev a1 root tbf rate 100mbit burst 32kb limit 250000

for h in terma:ta0:10.1.0.1 srva:sa0:10.1.0.2 termb:tb0:10.2.0.1 srvb:sb0:10.2.0.2; do
	IFS=: read -r n i a <<<"$h"
	nsx "$n" ip addr add "$a/24" dev "$i"
	kernel_host "$n" "$i"
done
gwcore_ports agw a0 a1 a2
gwcore_ports far f0 f1 f2

# AGW: slice A (terminal A's port, GRE key 7001) policed to 25 Mbit/s; slice B (GRE key
# 7002) shaped to 50 Mbit/s by the uplink's scheduler at the uplink's 100 Mbit/s.
{ gwcore_conf_head agw agw; cat <<CONF; } >"$E2E_DIR/agw.conf"
[port access-a]
dev = net_af_packet0,iface=a0
[port access-b]
dev = net_af_packet2,iface=a2
[port core]
dev = net_af_packet1,iface=a1,qdisc_bypass=0
ipv4 = 198.51.100.1/24
tap = gwc-core
mtu = 1600
rate = 100M
[slice A]
endpoint terminals = port port=access-a
endpoint network = gre port=core remote=198.51.100.2 key=7001 police_rate=25000000
[slice B]
endpoint terminals = port port=access-b
endpoint network = gre port=core remote=198.51.100.2 key=7002 shape_rate=50000000
CONF
# The far end: the same slices from GRE to the servers' ports, no isolation.
{ gwcore_conf_head far agw; cat <<CONF; } >"$E2E_DIR/far.conf"
[port server-a]
dev = net_af_packet0,iface=f0
[port server-b]
dev = net_af_packet2,iface=f2
[port core]
dev = net_af_packet1,iface=f1
ipv4 = 198.51.100.2/24
tap = gwc-core
mtu = 1600
[slice A]
endpoint servers = port port=server-a
endpoint network = gre port=core remote=198.51.100.1 key=7001
[slice B]
endpoint servers = port port=server-b
endpoint network = gre port=core remote=198.51.100.1 key=7002
CONF
start_gwcore agw agw "$E2E_DIR/agw.conf"
start_gwcore far far "$E2E_DIR/far.conf"
