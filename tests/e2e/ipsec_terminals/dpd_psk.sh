#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# term2 vanishes (kill -9 of its charon): the AGW's DPD (dpd_delay 2 s, dpd_action
# clear) removes its SAs and endpoint from gw-core. Then term2 comes back with a wrong
# PSK: it gets no tunnel and gw-core gets nothing. Prints "DPD OK" and "PSK OK".
set -u
. "$SRC/lib.sh"
gwc() { "$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" "$@"; }
n_sas() { gwc sa.list slice=s2 | grep -c '"spi"'; }
n_eps() { gwc slice.list slice=s2 | grep -c '"name": "ike-'; }
empty() { [ "$(n_sas)" = 0 ] && [ "$(n_eps)" = 0 ]; }
[ "$(n_sas)" -ge 2 ] || { echo "DPD FAILED: term2 had no SAs to start with"; exit 0; }
ip netns pids "$(ns term2)" | xargs -r kill -9   # its charon, and so its TUN device
if wait_until 60 empty; then echo "DPD OK"; else echo "DPD FAILED: $(n_sas) SAs left"; exit 0; fi
PSK_term2=0x77726f6e672d6b6579 "$SCEN/charon.sh" term2 || { echo "PSK FAILED: charon"; exit 0; }
if nsx term2 swanctl --initiate --child agw --timeout 15 --uri "unix://$E2E_DIR/term2.vici" \
	>"$E2E_DIR/initiate-wrong-psk.log" 2>&1; then
	echo "PSK FAILED: a tunnel with the wrong key"; exit 0
fi
grep -q 'MAC mismatched\|N(AUTH_FAILED)' "$E2E_DIR/agw-charon.log" ||
	{ echo "PSK FAILED: the AGW did not refuse authentication"; exit 0; }
if empty; then echo "PSK OK"; else echo "PSK FAILED: gw-core has $(n_sas) SAs of s2"; fi
