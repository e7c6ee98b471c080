#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# gw-core with ports access and server, agw-manager on 127.0.0.1:18750 with [nsliver],
# an HTTP server on 127.0.0.1:18751 serving the container images (description.txt), or
# with NODE_KIND=vm the VM guest (node_vm: QEMU, and Debian's archive once for the
# guest's kernel, kept in $BUILD/guest). Needs root. Env: BUILD, SRC (tests/e2e),
# E2E_DIR.
set -euo pipefail
. "$SRC/lib.sh"
vm=${NODE_KIND:-}
[ "$vm" = vm ] && "$SRC/node_vm/guest.sh" "$BUILD/guest"

add_namespaces term srv agw far
veth_pair term t0 agw a0
veth_pair srv v0 agw a1
veth_pair far f0 agw a2   # the manager's uplink "core" (seed 001 Figure 4's GRE link)
vlan_objs 10 200
routed_end_hosts
gwcore_ports agw a0 a1 a2

{ gwcore_conf_head agw agw; cat <<CONF; } >"$E2E_DIR/agw.conf"
[port access]
dev = net_af_packet0,iface=a0
[port server]
dev = net_af_packet1,iface=a1
[port core]
dev = net_af_packet2,iface=a2
ipv4 = 198.51.100.1/24
tap = none
CONF
start_gwcore agw agw "$E2E_DIR/agw.conf"

if [ "$vm" = vm ]; then
	mkdir -p "$E2E_DIR/www"
	cp "$BUILD/guest/vmlinuz" "$BUILD/guest/initrd.gz" "$BUILD/guest/bootImage.img" \
		"$E2E_DIR/www/"
else
	"$SRC/node_slivers/image.sh" "$E2E_DIR/www"
fi
(cd "$E2E_DIR/www" && exec /usr/bin/python3 -m http.server --bind 127.0.0.1 18751) \
	>"$E2E_DIR/http.log" 2>&1 &
echo $! >"$E2E_DIR/http.pid"
wait_until 10 grep -q "Serving HTTP" "$E2E_DIR/http.log"

{ manager_section 18750; cat <<CONF; } >"$E2E_DIR/manager.conf"

[nsliver]
run_dir = $E2E_DIR/nsl
cache_dir = $E2E_DIR/cache
gwcore_netns = $(ns agw)
boot_image_server = 127.0.0.1:18751
image_max_mib = $([ "$vm" = vm ] && echo 256 || echo 32)
stop_timeout_ms = 2000
start_timeout_s = 300
CONF
start_manager "$E2E_DIR/manager.conf"
