#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Ping through the node ports while a third port is added and removed five times; every
# ping must come back (the workers' poll lists change under them).
G="$BUILD/bin/gwcctl -s $E2E_DIR/agw.sock -n nsl"
ip netns exec agwe2e-term ping -c 100 -i 0.02 -W 2 10.2.0.2 >"$E2E_DIR/churn.ping" 2>&1 &
p=$!
i=0
while [ $i -lt 5 ]; do
	$G port.add name=churn dev=net_af_packet_ch,iface=n3 >/dev/null || { echo "add $i failed"; exit 1; }
	$G port.del name=churn >/dev/null || { echo "del $i failed"; exit 1; }
	i=$((i + 1))
done
wait $p
if grep -q " 100 received" "$E2E_DIR/churn.ping"; then echo "CHURN OK"; else cat "$E2E_DIR/churn.ping"; fi
