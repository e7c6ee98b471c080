#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A replayed ESP packet and one with a bad ICV reach gw-core: prints "ESP BAD OK
# replay=N auth=M" when the inbound SA of slice s1 counted the replay and the bad ICV
# and the tunnel works on. (The replay is the last ESP packet of a ping; which bit of
# the window's 64-bit block its sequence number takes changes from run to run, and
# DPDK 22.11's own window missed half of them: gw-core keeps its own, gwc_replay.h.)
set -u
. "$SRC/lib.sh"
count() { "$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" sa.list slice=s1 | python3 -c '
import json, sys
sas = [s for s in json.load(sys.stdin)["sas"] if s["dir"] == "in"]
print(sum(s["replay"] for s in sas), sum(s["auth"] for s in sas))'; }
read -r r0 a0 <<<"$(count)"
nsx term1 /usr/bin/python3 "$SCEN/esp_bad.py" t0 192.0.2.1 ping -c 2 -W 2 10.1.0.10 || exit 0
both_counted() { local r a; read -r r a <<<"$(count)"; [ "$a" -gt "$a0" ] && [ "$r" -gt "$r0" ]; }
wait_until 5 both_counted || true
read -r r1 a1 <<<"$(count)"
if [ $((a1 - a0)) -ge 1 ] && [ $((r1 - r0)) -ge 1 ] && nsx term1 ping -c 2 -W 2 10.1.0.10 >/dev/null; then
	echo "ESP BAD OK replay=$((r1 - r0)) auth=$((a1 - a0))"
else
	echo "ESP BAD FAILED replay=$((r1 - r0)) auth=$((a1 - a0))"
fi
