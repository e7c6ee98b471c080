#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vlan_gre_relay's topology with no AGW gw-core, then the agw launcher in the AGW's
# namespace with gw-core and agw-manager (XML-RPC on 127.0.0.1:18741 in that namespace).
set -euo pipefail
. "$SRC/lib.sh"
AGW_SLICE=none AGW_START=no "$SRC/vlan_gre_relay/setup.sh"
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
CONF
manager_section 18741 >>"$E2E_DIR/appliance.conf"
"$SCEN/launcher.sh" start
