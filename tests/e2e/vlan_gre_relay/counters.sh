#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Send a counted burst of pings and check the endpoint counters hop by hop, and
# that no drop counter moved at either gateway. Prints "COUNTERS OK" or what differs.
set -u
. "$SRC/lib.sh"
n=50
snap() { "$BUILD/bin/gwcctl" -s "$1" stats; }
b_agw=$(snap "$E2E_DIR/agw.sock"); b_sep=$(snap "$E2E_DIR/sep.sock")
nsx term ping -q -c $n -i 0.02 -W 2 203.0.113.2 >/dev/null
# counters settle when the replies are in; nothing else is in flight
a_agw=$(snap "$E2E_DIR/agw.sock"); a_sep=$(snap "$E2E_DIR/sep.sock")
/usr/bin/python3 - "$n" <<PY
import json, sys
n = int(sys.argv[1])
ba, bs = json.loads('''$b_agw'''), json.loads('''$b_sep''')
aa, as_ = json.loads('''$a_agw'''), json.loads('''$a_sep''')
def ep(d, name):
    return {e["name"]: e for e in d["slices"][0]["endpoints"]}[name]
def delta(b, a, e, k):
    return ep(a, e)[k] - ep(b, e)[k]
bad = []
term_rx = delta(ba, aa, "terminals", "rx_pkts")
if not n <= term_rx <= n + 4:
    bad.append("agw terminals rx %d, expected %d (+ARP)" % (term_rx, n))
pairs = [(("agw", "network", "tx_pkts"), ("sep", "gre", "rx_pkts")),
         (("sep", "gre", "tx_pkts"), ("agw", "network", "rx_pkts")),
         (("agw", "terminals", "rx_pkts"), ("agw", "network", "tx_pkts")),
         (("sep", "gre", "rx_pkts"), ("sep", "vlan", "tx_pkts")),
         (("sep", "vlan", "rx_pkts"), ("sep", "gre", "tx_pkts")),
         (("agw", "network", "rx_pkts"), ("agw", "terminals", "tx_pkts"))]
snaps = {"agw": (ba, aa), "sep": (bs, as_)}
for (g1, e1, k1), (g2, e2, k2) in pairs:
    x, y = delta(*snaps[g1], e1, k1), delta(*snaps[g2], e2, k2)
    if x != y:
        bad.append("%s.%s.%s %d != %s.%s.%s %d" % (g1, e1, k1, x, g2, e2, k2, y))
for g, (b, a) in snaps.items():
    for r, v in a["drops"].items():
        if v != b["drops"][r]:
            bad.append("%s drop %s moved by %d" % (g, r, v - b["drops"][r]))
print("COUNTERS OK (%d pings, %d frames each way per hop)" % (n, term_rx) if not bad else "COUNTERS BAD: " + "; ".join(bad))
PY
