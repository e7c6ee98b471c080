#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Rekey under traffic: while term1 sends 60 MiB to srv1, its CHILD_SA is rekeyed three
# times and its IKE_SA three times (swanctl --rekey, one after the other, each waited
# for). Prints "REKEY OK" when the transfer arrived intact, gw-core's SAs of slice s1
# are all new, and the newest inbound SA carried packets.
set -u
. "$SRC/lib.sh"
gwc() { "$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" "$@"; }
in_spis() { gwc sa.list slice=s1 | python3 -c '
import json, sys
print(" ".join(s["spi"] for s in json.load(sys.stdin)["sas"] if s["dir"] == "in"))'; }
uri=unix://$E2E_DIR/term1.vici
before=$(in_spis)
log=$E2E_DIR/term1-charon.log
ike0=$(grep -c 'IKE_SA agw\[[0-9]*\] rekeyed' "$log")
child0=$(grep -c 'closing CHILD_SA agw' "$log")
# swanctl --rekey waits for each exchange to complete
cat >"$E2E_DIR/rekeys.sh" <<SH
set -e
for i in 1 2 3; do
	ip netns exec $(ns term1) swanctl --rekey --child agw --uri $uri >/dev/null
	ip netns exec $(ns term1) swanctl --rekey --ike agw --uri $uri >/dev/null
done
SH
out=$(XFER_DURING="sh $E2E_DIR/rekeys.sh" "$SCEN/xfer.sh" term1 srv1 104857600)
echo "$out"
ike=$(($(grep -c 'IKE_SA agw\[[0-9]*\] rekeyed' "$log") - ike0))
child=$(($(grep -c 'closing CHILD_SA agw' "$log") - child0))
echo "rekeys: IKE_SA $ike, CHILD_SA $child"
case "$out" in "TCP OK"*) ;; *) echo "REKEY FAILED: transfer"; exit 0 ;; esac
[ "$ike" -ge 3 ] && [ "$child" -ge 3 ] || { echo "REKEY FAILED: too few rekeys"; exit 0; }
# charon keeps a rekeyed inbound SA a few seconds (delete_rekeyed_delay), then deletes it
gone() { local a s; a=" $(in_spis) "; for s in $before; do case "$a" in *" $s "*) return 1 ;; esac; done; }
if ! wait_until 30 gone; then
	echo "REKEY FAILED: old SAs still in gw-core: before=[$before] now=[$(in_spis)]"
	exit 0
fi
pk=$(gwc sa.list slice=s1 | python3 -c '
import json, sys
print(sum(s["packets"] for s in json.load(sys.stdin)["sas"] if s["dir"] == "in"))')
[ "$pk" -gt 0 ] || { echo "REKEY FAILED: no packets on the new SAs"; exit 0; }
echo "REKEY OK"
