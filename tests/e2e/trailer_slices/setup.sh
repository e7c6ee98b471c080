#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the topology of description.txt. Needs root and a cgroup v2 hierarchy.
# Env: BUILD, SRC (tests/e2e), E2E_DIR.
set -euo pipefail
. "$SRC/lib.sh"

cg_root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -z "$cg_root" ]; then
	echo "trailer_slices: no cgroup v2 file system is mounted: app 1001 is selected by" \
		"cgroup. Mount one (mount -t cgroup2 none /sys/fs/cgroup/unified)." >&2
	exit 1
fi
cg="$cg_root/${E2E_PREFIX}-app-a"
mkdir -p "$cg"
echo "$cg" >"$E2E_DIR/cgroup"

vlan_objs 100 200
add_namespaces term mal rtr agw sep srva srvb
veth_pair term t0 rtr r0
veth_pair mal m0 rtr r2
veth_pair rtr r1 agw a0
veth_pair agw a2 srva va0
veth_pair agw a1 sep s1
veth_pair sep s2 srvb vb0
nsx agw ip link set a1 mtu 1600
nsx sep ip link set s1 mtu 1600

# The terminals: room for the 24-byte trailer under the path's 1500 bytes; the MSS the
# terminal advertises leaves room for the 16 bytes apps-a's endpoint re-appends toward it.
nsx term ip addr add 10.1.0.1/24 dev t0
nsx term ip link set t0 mtu 1476
nsx term ip route add default via 10.1.0.254 advmss 1420
kernel_host term t0
nsx mal ip addr add 10.3.0.1/24 dev m0
nsx mal ip link set m0 mtu 1476
nsx mal ip route add default via 10.3.0.254
kernel_host mal m0

# The router. Its neighbour 10.2.0.10 (either server: one address, one MAC) is static:
# ARP, untagged and trailer-less, would need a default slice.
srv_mac=02:00:00:00:0a:0a
nsx rtr ip addr add 10.1.0.254/24 dev r0
nsx rtr ip addr add 10.3.0.254/24 dev r2
nsx rtr ip addr add 10.2.0.1/24 dev r1
nsx rtr sysctl -q -w net.ipv4.ip_forward=1
kernel_host rtr r1
nsx rtr ip neigh replace 10.2.0.10 lladdr $srv_mac dev r1 nud permanent
rtr_mac=$(nsx rtr cat /sys/class/net/r1/address)

for s in srva:va0:100 srvb:vb0:200; do
	IFS=: read -r n i vid <<<"$s"
	nsx $n ip link set $i address $srv_mac
	nsx $n ip addr add 10.2.0.10/24 dev $i
	nsx $n ip route add 10.1.0.0/24 via 10.2.0.1
	nsx $n ip route add 10.3.0.0/24 via 10.2.0.1
	nsx $n ip neigh replace 10.2.0.1 lladdr "$rtr_mac" dev $i nud permanent
	kernel_host $n $i
	vlan_host $n $i "$E2E_DIR/vlan$vid.o"
done
gwcore_ports agw a0 a1 a2
gwcore_ports sep s1 s2

{ gwcore_conf_head agw agw; cat <<CONF; } >"$E2E_DIR/agw.conf"
[port access]
dev = net_af_packet0,iface=a0
[port vlana]
dev = net_af_packet1,iface=a2
[port core]
dev = net_af_packet2,iface=a1
ipv4 = 198.51.100.1/24
tap = gwc-core
mtu = 1600
[slice apps-a]
endpoint term = trailer port=access app=1001 terminal=7 reappend=yes
endpoint net = vlan port=vlana vid=100
[slice apps-b]
endpoint term = trailer port=access app=1002 terminal=7
endpoint net = gre port=core remote=198.51.100.2 key=9002
CONF

sep_conf apps-b:9002:200 >"$E2E_DIR/sep.conf"

start_gwcore agw agw "$E2E_DIR/agw.conf"
start_gwcore sep sep "$E2E_DIR/sep.conf"

# Terminal keys at the AGW (required: trailers of 7 and 8 must carry a valid tag).
key7=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
key8=f0e0d0c0b0a090807060504030201000f1e1d1c1b1a191817161514131211100
"$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" trailer.key.set terminal=7 key=$key7 required=yes
"$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" trailer.key.set terminal=8 key=$key8 required=yes
(umask 077; echo $key7 >"$E2E_DIR/term.key"; echo $key8 >"$E2E_DIR/mal.key")

for mode in every flow-start; do
	cat >"$E2E_DIR/term-$mode.conf" <<CONF
[trailer]
interface = t0
terminal = 7
key_file = $E2E_DIR/term.key
mode = $mode
[app a]
id = 1001
cgroup = $cg
[app b]
id = 1002
dst_port = tcp/5002
CONF
done
# mal claims terminal 7 with its own key (terminal 8's).
cat >"$E2E_DIR/mal.conf" <<CONF
[trailer]
interface = m0
terminal = 7
key_file = $E2E_DIR/mal.key
[app b]
id = 1002
dst_port = tcp/5002
CONF
nsenter --net=/run/netns/"$(ns term)" "$BUILD/bin/agw-trailer" attach -c "$E2E_DIR/term-every.conf"
nsenter --net=/run/netns/"$(ns mal)" "$BUILD/bin/agw-trailer" attach -c "$E2E_DIR/mal.conf"
