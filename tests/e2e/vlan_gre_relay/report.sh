#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make demo: what crossed which hop, from both gateways' counters.
set -u
agw=$("$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" stats)
sep=$("$BUILD/bin/gwcctl" -s "$E2E_DIR/sep.sock" stats)
/usr/bin/python3 - <<PY
import json
agw, sep = json.loads('''$agw'''), json.loads('''$sep''')
def ep(d, n):
    return {e["name"]: e for e in d["slices"][0]["endpoints"]}[n]
def line(hop, a, b):
    print("  %-44s %10d frames %12d bytes" % (hop, a, b))
print()
print("What crossed which hop (slice s1), from the gateways' own counters:")
t, n = ep(agw, "terminals"), ep(agw, "network")
g, v = ep(sep, "gre"), ep(sep, "vlan")
line("term -> AGW   (VLAN 10, port access)", t["rx_pkts"], t["rx_bytes"])
line("AGW -> SEP-GW (GRE key 7001, port core)", n["tx_pkts"], n["tx_bytes"])
line("SEP-GW in     (GRE key 7001, port domain-a)", g["rx_pkts"], g["rx_bytes"])
line("SEP-GW -> srv (VLAN 200, port domain-b)", v["tx_pkts"], v["tx_bytes"])
line("srv -> SEP-GW (VLAN 200)", v["rx_pkts"], v["rx_bytes"])
line("SEP-GW -> AGW (GRE)", g["tx_pkts"], g["tx_bytes"])
line("AGW -> term   (VLAN 10)", t["tx_pkts"], t["tx_bytes"])
print("  GRE next hop resolved by ARP: AGW %s, SEP-GW %s" % (n.get("nexthop_mac"), g.get("nexthop_mac")))
for name, d in (("AGW", agw), ("SEP-GW", sep)):
    drops = {k: v for k, v in d["drops"].items() if v}
    print("  %s drops: %s;  exception path: %s" % (name, drops or "none", d["exception"]))
PY
