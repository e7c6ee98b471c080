#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build description.txt's topology. Needs root. Env: BUILD, SRC (tests/e2e), E2E_DIR.
set -euo pipefail
. "$SRC/lib.sh"

vlan_objs 10 200
add_namespaces term agwa sep agwb srv domc
veth_pair term t0 agwa a0
veth_pair agwa a1 sep s1
veth_pair sep s2 agwb b1
veth_pair agwb b0 srv v0
veth_pair sep s3 domc c1
# The GRE link carries 1514-byte inner frames + 42 bytes of outer headers.
nsx sep ip link set s2 mtu 1600
nsx agwb ip link set b1 mtu 1600

vlan_end_hosts
gwcore_ports agwa a0 a1
gwcore_ports sep s1 s2 s3
gwcore_ports agwb b0 b1

{ gwcore_conf_head agwa agw; cat <<CONF; } >"$E2E_DIR/agwa.conf"
[port access]
dev = net_af_packet0,iface=a0
[port core]
dev = net_af_packet1,iface=a1
CONF
{ gwcore_conf_head sep sep-gw; cat <<CONF; } >"$E2E_DIR/sep.conf"
[port domain-a]
dev = net_af_packet0,iface=s1
[port domain-b]
dev = net_af_packet1,iface=s2
ipv4 = 198.51.100.2/24
tap = gwc-domb
mtu = 1600
[port domain-c]
dev = net_af_packet2,iface=s3
CONF
{ gwcore_conf_head agwb agw; cat <<CONF; } >"$E2E_DIR/agwb.conf"
[port access]
dev = net_af_packet0,iface=b0
[port core]
dev = net_af_packet1,iface=b1
ipv4 = 198.51.100.3/24
tap = gwc-core
mtu = 1600
CONF
start_gwcore agwa agwa "$E2E_DIR/agwa.conf"
start_gwcore sep sep "$E2E_DIR/sep.conf"
start_gwcore agwb agwb "$E2E_DIR/agwb.conf"

# One manager per domain, TLS; principals sep-core (all three domains) and gk-b (domB).
make_pki "$E2E_DIR/pki" sep-core.example.org gk-b.example.org
hash=$(echo "e2e-secret-pw" | "$BUILD/bin/agw-manager" --hash-password)
manager_conf() {   # NAME PORT DOMAIN [KEY=VALUE]: the head every manager shares
	cat <<CONF
[manager]
listen = 127.0.0.1:$2
user = snc
password_hash = $hash
tls_cert = $E2E_DIR/pki/server.crt
tls_key = $E2E_DIR/pki/server.key
tls_client_ca = $E2E_DIR/pki/ca.crt
db = $E2E_DIR/$1.db
gw_core_socket = $E2E_DIR/$1.sock
gw_core_check_ms = 200
uplink_port = core
access_port = access
CONF
	[ -z "$3" ] || echo "domain_name = $3"
	[ -z "${4:-}" ] || echo "$4"
	cat <<CONF

[principal sep-core]
cert_name = sep-core.example.org
domains = domA,domB,domC

[principal gk-b]
cert_name = gk-b.example.org
domains = domB
CONF
}
manager_conf agwa 18741 domA >"$E2E_DIR/mgr-agwa.conf"
{ manager_conf sep 18742 ""; cat <<CONF; } >"$E2E_DIR/mgr-sep.conf"

[peer domA]
port = domain-a
link_type = vlan

[peer domB]
port = domain-b
link_type = gre
remote = 198.51.100.3
local_address = 198.51.100.2

[peer domC]
port = domain-c
link_type = vlan
CONF
# a wrong default remote: domB must take the gateway's address from the negotiation
manager_conf agwb 18743 domB "gre_remote = 198.51.100.9" >"$E2E_DIR/mgr-agwb.conf"
for n in agwa sep agwb; do
	start_manager "$E2E_DIR/mgr-$n.conf" "mgr-$n"
done
