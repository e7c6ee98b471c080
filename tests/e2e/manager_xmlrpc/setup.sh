#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vlan_gre_relay's topology with an empty AGW, plus agw-manager on 127.0.0.1:18740.
set -euo pipefail
. "$SRC/lib.sh"
AGW_SLICE=none "$SRC/vlan_gre_relay/setup.sh"
hash=$(echo "e2e-secret-pw" | "$BUILD/bin/agw-manager" --hash-password)
cat >"$E2E_DIR/manager.conf" <<CONF
[manager]
listen = 127.0.0.1:18740
user = snc
password_hash = $hash
db = $E2E_DIR/agw.db
gw_core_socket = $E2E_DIR/agw.sock
uplink_port = core
access_port = access
gre_remote = 198.51.100.2
gw_core_check_ms = 200
CONF
start_manager "$E2E_DIR/manager.conf"
