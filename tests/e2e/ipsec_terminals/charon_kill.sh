#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# kill -9 the AGW's charon while term1 pings its server. What the terminals see and
# what is left, in order:
#   - the launcher starts charon again; kernel-agw, on its first connection to gw-core,
#     removes every SA and endpoint of the dead charon ("removed N stale objects"):
#     gw-core holds no SA of slice s1 and no terminal endpoint of s2;
#   - the terminals' IKE_SAs are gone with the old charon, their ESP is dropped as
#     no_sa (counted) until they negotiate again: a terminal with DPD
#     (dpd_action = restart) does so by itself; here term1 re-initiates as DPD would;
#   - the manager loads s2's connections into the new charon (docs/ike.md), so both
#     terminals get a tunnel on their first try, and traffic flows again.
# Prints "CHARON KILL OK" with the seconds from the kill until term1's ping passes.
set -u
. "$SRC/lib.sh"
gwc() { "$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" "$@"; }
n_sas() { gwc sa.list "slice=$1" 2>/dev/null | grep -c '"spi"'; }
n_ike_eps() { gwc slice.list slice=s2 | grep -c '"name": "ike-'; }
no_sa() { gwc stats | python3 -c 'import json, sys; print(json.load(sys.stdin)["drops"].get("no_sa", 0))'; }
log=$E2E_DIR/agw-charon.log
[ "$(n_sas s1)" -ge 2 ] && [ "$(n_ike_eps)" -ge 1 ] ||
	{ echo "CHARON KILL FAILED: no tunnels to start with"; exit 0; }
stale0=$(grep -c 'removed [0-9]* stale objects' "$log")
nsx term1 ping -i 0.05 -c 400 -W 1 10.1.0.10 >"$E2E_DIR/ping-charon-kill.log" 2>&1 &
pingpid=$!
pid=$(agw_field charon pid)
t0=$SECONDS
kill -9 "$pid" || { echo "CHARON KILL FAILED: no charon to kill"; exit 0; }
back() { local sp; sp=$(agw_field charon state,pid); [ "${sp%%,*}" = running ] && [ "$sp" != "running,$pid" ]; }
wait_until 30 back || { echo "CHARON KILL FAILED: the launcher did not restart charon"; exit 0; }
flushed() { [ "$(grep -c 'removed [0-9]* stale objects' "$log")" -gt "$stale0" ] &&
	[ "$(n_sas s1)" = 0 ] && [ "$(n_ike_eps)" = 0 ]; }
wait_until 20 flushed ||
	{ echo "CHARON KILL FAILED: stale state in gw-core: s1 $(n_sas s1) SAs, s2 $(n_ike_eps) terminal endpoints"; exit 0; }
drops0=$(no_sa)
# term1's ESP, on the SAs that died with charon, is dropped and counted
dropped() { [ "$(no_sa)" -gt "$drops0" ]; }
wait_until 10 dropped || { echo "CHARON KILL FAILED: term1's ESP was not counted as no_sa"; exit 0; }
# s2's connections are back in charon (the manager), s1's we load as setup did
wait_until 20 sh -c "swanctl --list-conns --uri unix://$E2E_DIR/agw.vici | grep -q '^s2/'" ||
	{ echo "CHARON KILL FAILED: the manager did not reload s2's connections"; exit 0; }
"$SCEN/charon.sh" agw load || { echo "CHARON KILL FAILED: s1's connection"; exit 0; }
for t in 1 2; do
	nsx "term$t" swanctl --terminate --ike agw --uri "unix://$E2E_DIR/term$t.vici" >/dev/null 2>&1
	nsx "term$t" swanctl --initiate --child agw --timeout 20 --uri "unix://$E2E_DIR/term$t.vici" \
		>"$E2E_DIR/reinit-$t.log" 2>&1 || { echo "CHARON KILL FAILED: term$t cannot re-initiate"; exit 0; }
done
pinged() { nsx term1 ping -c 1 -W 1 10.1.0.10; }
wait_until 20 pinged || { echo "CHARON KILL FAILED: no traffic after re-initiation"; exit 0; }
secs=$((SECONDS - t0))
nsx term2 ping -c 3 -W 2 10.1.0.10 | grep -q ' [23] received' ||
	{ echo "CHARON KILL FAILED: term2 has no traffic"; exit 0; }
kill "$pingpid" 2>/dev/null
wait "$pingpid" 2>/dev/null
echo "CHARON KILL OK (stale SAs and endpoints removed; terminals' ESP counted no_sa;" \
	"back after re-initiation, ${secs}s from the kill)"
