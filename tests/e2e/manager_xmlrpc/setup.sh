#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vlan_gre_relay's topology with an empty AGW, plus agw-manager on 127.0.0.1:18740.
set -euo pipefail
. "$SRC/lib.sh"
AGW_SLICE=none "$SRC/vlan_gre_relay/setup.sh"
{ manager_section 18740 tls; principal_sections; printf '\n[nsliver]\nrun_dir = %s\ncache_dir = %s\n' \
	"$E2E_DIR/nsl" "$E2E_DIR/cache"; } >"$E2E_DIR/manager.conf"
start_manager "$E2E_DIR/manager.conf"
