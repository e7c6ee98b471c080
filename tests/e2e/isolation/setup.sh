#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vlan_gre_relay's topology, the AGW's slice s1 shaped: its GRE uplink 'core' has a
# rate of 200 Mbit/s (its scheduler), the network endpoint a contract of 100 Mbit/s.
set -euo pipefail
. "$SRC/lib.sh"
AGW_SLICE=none AGW_START=no "$SRC/vlan_gre_relay/setup.sh"
cat >>"$E2E_DIR/agw.conf" <<CONF
rate = 200M
[slice s1]
endpoint terminals = vlan port=access vid=10
endpoint network = gre port=core remote=198.51.100.2 key=7001 shape_rate=100000000
CONF
start_gwcore agw agw "$E2E_DIR/agw.conf"
