#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# kill -9 the AGW's gw-core while both terminals ping their servers. The agw launcher
# starts it again; gw-core re-creates slice s1 from its config file, the manager
# re-creates slice s2's endpoints, and kernel-agw re-installs every SA. Prints
# "RESTART OK" when traffic flows again in both slices, gw-core has the same SPIs as
# before, and charon made no new IKE_SA.
set -u
. "$SRC/lib.sh"
gwc() { "$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" "$@"; }
spis() { gwc sa.list "slice=$1" 2>/dev/null | python3 -c '
import json, sys
print(" ".join(sorted(s["spi"] + s["dir"] for s in json.load(sys.stdin)["sas"])))'; }
log=$E2E_DIR/agw-charon.log
established() { grep -c 'IKE_SA s[12][^[]*\[[0-9]*\] established' "$log"; }
# The rekey scenario before this one leaves the old inbound SA until charon deletes it;
# were it deleted while gw-core restarts, the sets compared below would differ. Start
# when each slice holds as many inbound SAs as outbound ones.
balanced() {
	local s l
	for s in s1 s2; do
		l=" $(spis $s) "
		[ "$(grep -o 'in ' <<<"$l" | wc -l)" = "$(grep -o 'out ' <<<"$l" | wc -l)" ] || return 1
	done
}
wait_until 30 balanced ||
	{ echo "RESTART FAILED: a rekey's old SAs stayed: s1 [$(spis s1)], s2 [$(spis s2)]"; exit 0; }
b1=$(spis s1)
b2=$(spis s2)
[ -n "$b1" ] && [ -n "$b2" ] || { echo "RESTART FAILED: no SAs to start with: s1=[$b1] s2=[$b2]"; exit 0; }
ike0=$(established)
for t in 1 2; do
	nsx "term$t" ping -i 0.05 -c 100 -W 1 10.1.0.10 >"$E2E_DIR/ping-restart-$t.log" 2>&1 &
done
pid=$(agw_field gw-core pid)
kill -9 "$pid" || { echo "RESTART FAILED: no gw-core to kill"; exit 0; }
back() { local sp; sp=$(agw_field gw-core state,pid); [ "${sp%%,*}" = running ] && [ "$sp" != "running,$pid" ]; }
wait_until 30 back || { echo "RESTART FAILED: the launcher did not restart gw-core"; exit 0; }
same() { [ "$(spis s1)" = "$b1" ] && [ "$(spis s2)" = "$b2" ]; }
wait_until 20 same ||
	{ echo "RESTART FAILED: SAs not re-installed: s1 [$b1] -> [$(spis s1)], s2 [$b2] -> [$(spis s2)]"; exit 0; }
wait
# the first packets after the restart wait for ARP; then the tunnels work
for t in 1 2; do
	if ! nsx "term$t" ping -c 3 -W 2 10.1.0.10 | grep -q ' [23] received'; then
		echo "RESTART FAILED: no traffic from term$t after re-installation"; exit 0
	fi
done
ike=$(($(established) - ike0))
[ "$ike" -eq 0 ] || { echo "RESTART FAILED: $ike new IKE_SAs"; exit 0; }
grep -q "re-installed" "$log" || { echo "RESTART FAILED: plugin did not say it re-installed"; exit 0; }
echo "RESTART OK (launcher restarted gw-core; during it term1 got" \
	"$(grep -o '[0-9]* received' "$E2E_DIR/ping-restart-1.log"), term2" \
	"$(grep -o '[0-9]* received' "$E2E_DIR/ping-restart-2.log") of 100)"
