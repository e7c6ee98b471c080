#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the topology of description.txt. Needs root. Env: BUILD, SRC (tests/e2e), E2E_DIR.
set -euo pipefail
. "$SRC/lib.sh"

vlan_objs 200 300
add_namespaces term1 term2 agw sep srv1 srv2
veth_pair term1 t0 agw a0
veth_pair term2 t0 agw a2
veth_pair agw a1 sep s1
veth_pair sep s2 srv1 v0
veth_pair sep s3 srv2 v0
for l in "agw a0" "agw a2" "agw a1" "sep s1" "term1 t0" "term2 t0"; do
	# shellcheck disable=SC2086
	nsx ${l% *} ip link set ${l#* } mtu 1600
done

nsx term1 ip addr add 192.0.2.11/24 dev t0
nsx term2 ip addr add 192.0.3.12/24 dev t0
kernel_host term1 t0
kernel_host term2 t0
for s in srv1:200 srv2:300; do
	nsx "${s%:*}" ip addr add 10.1.0.10/24 dev v0
	kernel_host "${s%:*}" v0
	vlan_host "${s%:*}" v0 "$E2E_DIR/vlan${s#*:}.o"
done
gwcore_ports agw a0 a1 a2
gwcore_ports sep s1 s2 s3

{ gwcore_conf_head agw agw; cat <<CONF; } >"$E2E_DIR/agw.conf"
[port acc1]
dev = net_af_packet0,iface=a0
ipv4 = 192.0.2.1/24
tap = gwc-acc1
mtu = 1600
[port acc2]
dev = net_af_packet1,iface=a2
ipv4 = 192.0.3.1/24
tap = gwc-acc2
mtu = 1600
[port core]
dev = net_af_packet2,iface=a1
ipv4 = 198.51.100.1/24
tap = gwc-core
mtu = 1600
[ipsec]
crypto = ${AGW_CRYPTO:-auto}
[slice s1]
endpoint network = gre port=core remote=198.51.100.2 key=7001
endpoint ipsec = ipsec port=acc1 ts_remote=10.1.0.192/26 l3_addr=10.1.0.1
CONF

sep_conf s1:7001:200 s2:7002:300 >"$E2E_DIR/sep.conf"

start_gwcore sep sep "$E2E_DIR/sep.conf"

# The AGW is the appliance: the agw launcher runs gw-core, then charon (IKE reaches it
# on gw-core's TAPs; kernel-agw hands its SAs to gw-core), then agw-manager (XML-RPC on
# 127.0.0.1:18741 inside the AGW namespace). Slice s1 is configured by hand (gw-core's
# config file, a swanctl file); slice s2 is the manager's, created over XML-RPC (its
# gw-core endpoints, and its charon connection, key and pool through VICI).
"$SCEN/charon.sh" agw
"$SCEN/pki.sh"
{ cat <<CONF; manager_section 18741 | sed 's/^access_port = .*/access_port = acc2/'
[agw]
gw_core_conf = agw.conf
bin_dir = $BUILD/bin
run_dir = run
ike = yes
strongswan_conf = agw-strongswan.conf
ike_plugin = $BUILD/lib/libstrongswan-kernel-agw.so
start_timeout_ms = 30000
stop_timeout_ms = 5000
restart_delay_ms = 200
restart_delay_max_ms = 2000
CONF
cat <<CONF; } >"$E2E_DIR/appliance.conf"
vici_socket = $E2E_DIR/agw.vici
ike_id = agw.example
ike_dpd_delay_s = 2
ike_cert = $E2E_DIR/pki/agw.crt
ike_key = $E2E_DIR/pki/agw.key
ike_cacert = $E2E_DIR/pki/ca.crt
CONF
start_launcher
"$SCEN/charon.sh" agw load
nsx agw "$SCEN/snc_ike.py" create-run
for t in 1 2; do
	"$SCEN/charon.sh" "term$t"
done
for t in 1 2; do
	nsx "term$t" swanctl --initiate --child agw --timeout 20 \
		--uri "unix://$E2E_DIR/term$t.vici" >"$E2E_DIR/initiate-term$t.log" 2>&1 || {
		cat "$E2E_DIR/initiate-term$t.log" >&2
		exit 1
	}
done
