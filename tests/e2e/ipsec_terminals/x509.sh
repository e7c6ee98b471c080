#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# X.509 terminals: the operator admits carol@s2 with 'agwctl add-terminal ... --cert'
# (no secret); term2 comes back as carol@s2 with a certificate from the CA in the AGW's
# [manager] ike_cacert and reaches srv2 through slice s2 (a virtual IP from its pool,
# SAs in gw-core). The same identity with a certificate from another CA gets no tunnel
# and leaves nothing in gw-core. RemoveTerminal ends it. Prints "X509 OK" or
# "X509 FAILED: why". Runs last: term2 is left as carol@s2, without a tunnel.
set -u
. "$SRC/lib.sh"
gwc() { "$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" "$@"; }
agwctl() {
	nsx agw env AGW_URL=http://127.0.0.1:18741/RPC2 AGW_PASSWORD=e2e-secret-pw \
		"$BUILD/bin/agwctl" "$@"
}
n_sas() { gwc sa.list slice=s2 | grep -c '"spi"'; }
no_sas() { [ "$(n_sas)" = 0 ]; }
initiate() {
	nsx term2 swanctl --initiate --child agw --timeout 15 --uri "unix://$E2E_DIR/term2.vici" \
		>"$E2E_DIR/initiate-x509-$1.log" 2>&1
}
fail() { echo "X509 FAILED: $*"; exit 0; }

out=$(agwctl add-terminal s2 VL1 term carol@s2 --cert 2>&1) || fail "add-terminal: $out"
agwctl status s2 | grep -q 'terminal carol@s2' || fail "agwctl status does not list carol@s2"

# a certificate for carol@s2 from another CA: refused, nothing in gw-core
ip netns pids "$(ns term2)" | xargs -r kill -9
wait_until 60 no_sas || fail "term2's earlier SAs stay in gw-core"   # DPD takes them
log_at=$(wc -l <"$E2E_DIR/agw-charon.log")
CERT_term2=rogue "$SCEN/charon.sh" term2 || fail "charon with the rogue certificate"
initiate rogue && fail "a tunnel with a certificate from another CA"
tail -n +"$((log_at + 1))" "$E2E_DIR/agw-charon.log" |
	grep -q "no trusted ECDSA public key found for 'carol@s2'" || fail "the AGW did not refuse the rogue certificate"
[ "$(n_sas)" = 0 ] || fail "gw-core has $(n_sas) SAs of s2 after the rogue certificate"

# the real one
ip netns pids "$(ns term2)" | xargs -r kill -9
CERT_term2=carol "$SCEN/charon.sh" term2 || fail "charon with carol's certificate"
initiate carol || fail "initiate: $(tail -3 "$E2E_DIR/initiate-x509-carol.log")"
grep -q "authentication of 'agw.example' with ECDSA.* successful" \
	"$E2E_DIR/initiate-x509-carol.log" || fail "term2 did not check the AGW's certificate"
nsx term2 ip addr show | grep -q 'inet 10\.1\.0\.19[3-9]/32' || fail "no virtual IP from s2's pool"
nsx term2 ping -c 3 -W 2 10.1.0.10 >/dev/null || fail "no ping to srv2"
[ "$(n_sas)" -ge 2 ] || fail "gw-core has no SAs of s2"
out=$(agwctl remove-terminal s2 VL1 term carol@s2 2>&1) || fail "remove-terminal: $out"
wait_until 20 no_sas || fail "SAs left after RemoveTerminal"
echo "X509 OK"
