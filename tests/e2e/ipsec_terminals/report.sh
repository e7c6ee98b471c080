#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make demo, second part: an IPsec terminal in its slice, as the operator (agwctl on the
# AGW) and the terminal user (swanctl on the terminal) see it. Slice s2 was created by
# the manager from etc/specs/agw-ipsec.xml (setup.sh); term2 runs Debian's charon with
# the stock kernel-libipsec plugin.
set -u
. "$SRC/lib.sh"
ctl() {
	echo "\$ agwctl $*"
	AGW_URL=http://127.0.0.1:18741/RPC2 AGW_PASSWORD=e2e-secret-pw \
		nsx agw "$BUILD/bin/agwctl" "$@"
	echo
}
turi=unix://$E2E_DIR/term2.vici
echo
echo "================ demo: an IPsec terminal joins its slice ================"
echo "\$ agw -c appliance.conf status      # gw-core, charon (kernel-agw), agw-manager"
"$BUILD/bin/agw" -c "$E2E_DIR/appliance.conf" status
echo
ctl resources
ctl status s2
echo "---- on the terminal (term2, 192.0.3.12): its swanctl.conf ----"
sed 's/secret = .*/secret = "..."/' "$E2E_DIR/term2-swanctl.conf"
# the checks left term2 with a wrong key (dpd_psk.sh): start its charon again as configured
ip netns pids "$(ns term2)" | xargs -r kill -9
wait_until 10 sh -c "[ -z \"\$(ip netns pids $(ns term2))\" ]"
"$SCEN/charon.sh" term2 >/dev/null
echo
echo "\$ swanctl --initiate --child agw"
nsx term2 swanctl --initiate --child agw --timeout 20 --uri "$turi" | grep -E 'established|completed|IKE_SA'
echo
echo "\$ ip -4 addr show    # the virtual IP from the slice's pool"
nsx term2 ip -4 -o addr show | awk '{print "  " $2, $4}'
echo
echo "\$ ping -c 5 10.1.0.10    # the slice's server, beyond the AGW's GRE and the SEP's VLAN"
nsx term2 ping -q -c 5 -i 0.2 -W 2 10.1.0.10 | tail -2
echo
echo "\$ (terminal) send 10 MiB over TCP to the server"
"$SCEN/xfer.sh" term2 srv2
echo
echo "---- on the AGW ----"
echo "\$ swanctl --list-sas    # charon's view (the manager loaded the connection)"
swanctl --list-sas --uri "unix://$E2E_DIR/agw.vici" --ike "s2/VL1.term/term2@s2" | head -12
echo
echo "\$ gwcctl sa.list slice=s2    # the SAs kernel-agw handed to gw-core, which does ESP"
"$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" sa.list slice=s2 | python3 -c '
import json, sys
for s in json.load(sys.stdin)["sas"]:
    print("  %-3s spi %s  %-10s %8d packets %10d bytes" % (s["dir"], s["spi"], s["alg"],
          s["packets"], s["bytes"]))'
echo
ctl stats s2
