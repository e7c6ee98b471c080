#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vlan_gre_relay's topology with no AGW gw-core, then the agw launcher in the AGW's
# namespace with gw-core and agw-manager (XML-RPC on 127.0.0.1:18741 in that namespace).
set -euo pipefail
. "$SRC/lib.sh"
AGW_SLICE=none AGW_START=no "$SRC/vlan_gre_relay/setup.sh"
hash=$(echo "e2e-secret-pw" | "$BUILD/bin/agw-manager" --hash-password)
cat >"$E2E_DIR/appliance.conf" <<CONF
[agw]
gw_core_conf = agw.conf
bin_dir = $BUILD/bin
run_dir = run
start_timeout_ms = 30000
stop_timeout_ms = 5000
restart_delay_ms = 200
restart_delay_max_ms = 2000
stable_ms = 60000
[manager]
listen = 127.0.0.1:18741
user = snc
password_hash = $hash
db = $E2E_DIR/agw.db
gw_core_socket = $E2E_DIR/agw.sock
uplink_port = core
access_port = access
gre_remote = 198.51.100.2
gw_core_check_ms = 200
CONF
"$SCEN/launcher.sh" start
