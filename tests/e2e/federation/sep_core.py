#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The SEP core of seed 000, played with Python's standard xmlrpc.client (a client we
did not write) over TLS with client certificate sep-core.example.org. It sends Common
API 2.0 commands (one struct each, docs/common-api.md) to the three managers of the
federation scenario. Each subcommand prints one verdict line (... OK / ... BAD: why).

  sep_core.py federate     CreateSlice to the gateway with the inter-domain link's VLAN ID
                           and GRE key open; then to domA and domB with the values it
                           returned; Run on all three; gw-core endpoints checked
  sep_core.py stats N      N pings terminal -> server; Statistics 2.0 of the three: every
                           interface on the path moved by at least N both ways
  sep_core.py status       Status 2.0: statuses executed; the extension and domX's
                           encrypted (base64) structure come back as they were sent
  sep_core.py second       a second federation domC <-> domB through the gateway with the
                           first's VID on domC's port: accepted; the same VID toward domA
                           again: VLAN_UNAVAILABLE naming it; nothing left of either
  sep_core.py resources    ResourceInfo 2.0 of the gateway: the VID in use missing from
                           domain-a's free VIDs, its bandwidth reserved, the peers
  sep_core.py add-delete   Add 2.0 to domA: two terminals on VIDs 11, 12 and a link
                           between them; Run of just those; gw-core holds them; Delete
                           2.0 of them: gone from gw-core and from the record
  sep_core.py forbidden    gatekeeper gk-b: domA's slice is not its own (SEARCHFAILED), and
                           it may not speak for domA (FORBIDDEN); the slice is untouched
  sep_core.py faults       command_version 1.0, missing members, a VID already taken:
                           each its documented fault, nothing created
  sep_core.py delete       Stop and DeleteSlice on the three: no slice left in any gw-core
                           or manager
  sep_core.py demo         make demo's federation scene: the same steps, one line each
"""
import copy
import datetime
import json
import os
import ssl
import subprocess
import sys
import xmlrpc.client

E2E = os.environ.get("E2E_DIR", "/tmp")
PKI = os.path.join(E2E, "pki")
NS = os.environ.get("E2E_PREFIX", "agwe2e")
GWCCTL = os.path.join(os.environ.get("BUILD", "build"), "bin", "gwcctl")
URLS = {"domA": "https://127.0.0.1:18741/RPC2", "sep": "https://127.0.0.1:18742/RPC2",
        "domB": "https://127.0.0.1:18743/RPC2"}
SOCKS = {"domA": "agwa.sock", "sep": "sep.sock", "domB": "agwb.sock"}
SLICE = "federation-h1"
ENCRYPTED = xmlrpc.client.Binary(b"\x00\x01opaque domain structure of domX\xff")
EXTENSION = {"vendor": "agw-e2e", "blob": xmlrpc.client.Binary(b"\x10\x20\x30"),
             "when": xmlrpc.client.DateTime(datetime.datetime(2026, 12, 6, 1, 2, 3)),
             "list": [1, "two", True, 2.5], "text": "  spaces kept  "}


def proxy(where, cert="sep-core.example.org"):
    ctx = ssl.create_default_context(cafile=os.path.join(PKI, "ca.crt"))
    ctx.load_cert_chain(os.path.join(PKI, cert + ".crt"), os.path.join(PKI, cert + ".key"))
    return xmlrpc.client.ServerProxy(URLS[where], context=ctx, allow_none=True)


def command(structure=None, src="domA", slice_id=SLICE):
    c = {"command_version": "2.0", "src_infra_name": src, "src_slice_id": slice_id,
         "developer": {"developer_name": "hitachi01"}}
    if structure is not None:
        c["slice_structure"] = structure
    return c


def fault(fn, *args):
    try:
        fn(*args)
    except xmlrpc.client.Fault as f:
        return f.faultCode, f.faultString
    return 0, ""


def structure(vid=None, key=None, gw_ip=None, a_if="gwA", b_if="gwB", a_dom="domA",
              link="LS01", term_vid=10):
    """Seed 000's slice structure: domA (terminal on VLAN 10) and domB (server on VLAN
    200), joined by inter-domain link LS01 through the gateway; domX encrypted."""
    def neg(t, **kv):
        d = {"virtual_link_type": t}
        d.update({k: v for k, v in kv.items() if v is not None})
        return d

    def domain(name, ifname, negotiation, node, vid_access, proto):
        return {
            "dst_infra_name": name,
            "domain_interfaces": [{"logical_interface_name": ifname,
                                   "information_for_link_negotiation": negotiation}],
            "domain_structure": {
                "virtual_nodes": [{"node_id": node, "parent_component_id": name,
                                   "node_type": "Terminal",
                                   "node_interfaces": [{"logical_interface_name": "if0"}]}],
                "virtual_links": [{"virtual_link_name": "ln-" + node,
                                   "parent_component_id": name, "link_type": proto,
                                   "resource_information": {"bandwidth": "100M"},
                                   "virtual_link_interfaces": [
                                       {"interface_name": "e1", "resource_information":
                                        {"type": "vlan", "port": "access",
                                         "vid": vid_access}},
                                       {"interface_name": "e2"}]}],
                "binds": [{"name_of_bind_information": "b1", "parent_component_id": name,
                           "bind_information": [
                               {"resource_name": "ln-" + node, "interface_name": "e1"},
                               {"resource_name": node, "interface_name": "if0"}]},
                          {"name_of_bind_information": "b2", "parent_component_id": name,
                           "bind_information": [
                               {"resource_name": "ln-" + node, "interface_name": "e2"},
                               {"resource_name": name, "interface_name": ifname}]}],
                "extension": EXTENSION}}

    b_if_info = {"interface_name": "b"}
    if gw_ip is not None:
        b_if_info["resource_information"] = {"ip_address": gw_ip}
    return {
        "domains": [
            domain(a_dom, a_if, neg("vlan", vlan_id=vid), "term", term_vid, "802.3,802.1Q"),
            domain("domB", b_if, neg("gre", gre_key=key, ip_address="198.51.100.3"), "srv",
                   200, "802.3,802.1Q,GRE"),
            {"dst_infra_name": "domX", "domain_interfaces": [],
             "domain_structure": ENCRYPTED}],
        "inter_domain_virtual_links": [
            {"virtual_link_name": link, "virtual_link_interfaces": [
                {"interface_name": "a", "resource_information": {"bandwidth": "100M"}},
                b_if_info]}],
        "inter_domain_binds": [
            {"name_of_bind_information": "ib1", "bind_information": [
                {"resource_name": a_dom, "interface_name": a_if},
                {"resource_name": link, "interface_name": "a"}]},
            {"name_of_bind_information": "ib2", "bind_information": [
                {"resource_name": "domB", "interface_name": b_if},
                {"resource_name": link, "interface_name": "b"}]}],
        "extension": EXTENSION}


def dom(st, name):
    return [d for d in st["domains"] if d["dst_infra_name"] == name][0]


def gwc(where, what="slice.list"):
    out = subprocess.run([GWCCTL, "-s", os.path.join(E2E, SOCKS[where]), what],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def endpoints(where, slice_id=SLICE):
    for s in gwc(where)["slices"]:
        if s["name"] == slice_id:
            return {e["name"]: (e["type"], e.get("port"), e.get("vid"), e.get("key"),
                                e.get("remote")) for e in s["endpoints"]}
    return {}


def say(verbose, text):
    if verbose:
        print(text, flush=True)


def federate(slice_id=SLICE, verbose=False):
    sep = proxy("sep")
    r = sep.CreateSlice(command(structure(), slice_id=slice_id))
    if r.get("return_code") != 0:
        return "FEDERATE BAD: gateway return_code %r" % r.get("return_code")
    st = r["slice_structure"]
    vid = dom(st, "domA")["domain_interfaces"][0]["information_for_link_negotiation"].get("vlan_id")
    key = dom(st, "domB")["domain_interfaces"][0]["information_for_link_negotiation"].get("gre_key")
    ls = st["inter_domain_virtual_links"][0]
    gw_ip = ls["virtual_link_interfaces"][1].get("resource_information", {}).get("ip_address")
    if not isinstance(vid, int) or not 100 <= vid <= 4094 or not isinstance(key, int) or \
            gw_ip != "198.51.100.2" or ls.get("virtual_link_status") != "created":
        return "FEDERATE BAD: gateway chose vid %r key %r ip %r status %r" % (
            vid, key, gw_ip, ls.get("virtual_link_status"))
    say(verbose, "SEP core -> gateway  CreateSlice %s, LS01's VLAN ID and GRE key open: "
        "gateway chose VID %d toward domA, GRE key %d toward domB, its end %s" %
        (slice_id, vid, key, gw_ip))
    # the values the gateway chose go to the domains (seed 000 section 5)
    fixed = structure(vid=vid, key=key, gw_ip=gw_ip)
    for d in ("domA", "domB"):
        r = proxy(d).CreateSlice(command(fixed, slice_id=slice_id))
        di = dom(r["slice_structure"], d)
        if di.get("domain_status") != "created" or \
                di["domain_interfaces"][0].get("interface_status") != "created":
            return "FEDERATE BAD: %s answered %s" % (d, di)
        say(verbose, "SEP core -> %s     CreateSlice %s with those values: domain_status %s, "
            "interface %s %s" % (d, slice_id, di["domain_status"],
                                 di["domain_interfaces"][0]["logical_interface_name"],
                                 di["domain_interfaces"][0]["information_for_link_negotiation"]))
    for d in ("sep", "domA", "domB"):
        proxy(d).Run(command(slice_id=slice_id))
    say(verbose, "SEP core -> all      Run %s: executed in the gateway, domA and domB" % slice_id)
    want = {
        "domA": {"ln-term.e1": ("vlan", "access", 10, None, None),
                 "ln-term.e2": ("vlan", "core", vid, None, None)},
        "sep": {"LS01.a": ("vlan", "domain-a", vid, None, None),
                "LS01.b": ("gre", "domain-b", None, key, "198.51.100.3")},
        "domB": {"ln-srv.e1": ("vlan", "access", 200, None, None),
                 "ln-srv.e2": ("gre", "core", None, key, "198.51.100.2")},
    }
    for d, w in want.items():
        got = endpoints(d, slice_id)
        if got != w:
            return "FEDERATE BAD: %s's gw-core holds %s, want %s" % (d, got, w)
    return "FEDERATE OK vid=%d key=%d" % (vid, key)


def iface_stats(where, slice_id=SLICE):
    """{interface: (rx_pkts, tx_pkts)} of every interface this AGW reports counters for."""
    st = proxy(where).Statistics(command(slice_id=slice_id))["slice_structure"]
    out = {}
    for d in st.get("domains", []):
        for i in d.get("domain_interfaces", []):
            if "statistical_data" in i:
                out[d["dst_infra_name"] + "." + i["logical_interface_name"]] = (
                    i["statistical_data"]["rx_pkts"], i["statistical_data"]["tx_pkts"])
    for l in st.get("inter_domain_virtual_links", []):
        for i in l["virtual_link_interfaces"]:
            if "statistical_data" in i:
                out[l["virtual_link_name"] + "." + i["interface_name"]] = (
                    i["statistical_data"]["rx_pkts"], i["statistical_data"]["tx_pkts"])
    return out


def stats(n):
    before = {w: iface_stats(w) for w in ("domA", "sep", "domB")}
    subprocess.run(["ip", "netns", "exec", NS + "-term", "ping", "-q", "-c", str(n), "-i",
                    "0.02", "-W", "2", "203.0.113.2"], check=True, stdout=subprocess.DEVNULL)
    after = {w: iface_stats(w) for w in ("domA", "sep", "domB")}
    want = {"domA": ["domA.gwA"], "sep": ["LS01.a", "LS01.b"], "domB": ["domB.gwB"]}
    bad, seen = [], []
    for w, names in want.items():
        for k in names:
            if k not in after[w]:
                bad.append("%s: no statistical_data for %s (%s)" % (w, k, sorted(after[w])))
                continue
            drx = after[w][k][0] - before[w][k][0]
            dtx = after[w][k][1] - before[w][k][1]
            seen.append("%s:%d/%d" % (k, drx, dtx))
            if drx < n or dtx < n:
                bad.append("%s %s moved rx %d tx %d, want >= %d" % (w, k, drx, dtx, n))
    return "STATS OK " + " ".join(seen) if not bad else "STATS BAD: " + "; ".join(bad)


def status():
    r = proxy("domA").Status(command())
    st = r["slice_structure"]
    a = dom(st, "domA")
    bad = []
    if r.get("return_code") != 0 or r.get("src_slice_id") != SLICE:
        bad.append("header %s" % {k: v for k, v in r.items() if k != "slice_structure"})
    nodes = {n["node_id"]: n.get("node_status") for n in a["domain_structure"]["virtual_nodes"]}
    links = {l["virtual_link_name"]: l.get("link_status")
             for l in a["domain_structure"]["virtual_links"]}
    if nodes != {"term": "executed"} or links != {"ln-term": "executed"}:
        bad.append("statuses %s %s" % (nodes, links))
    if a["domain_interfaces"][0].get("interface_status") != "executed":
        bad.append("interface_status %s" % a["domain_interfaces"][0].get("interface_status"))
    x = dom(st, "domX")["domain_structure"]
    if not isinstance(x, xmlrpc.client.Binary) or x.data != ENCRYPTED.data:
        bad.append("domX's encrypted structure came back as %r" % (x,))
    for where, ext in (("slice", st.get("extension")),
                       ("domA", a["domain_structure"].get("extension"))):
        if ext is None or ext["blob"].data != EXTENSION["blob"].data or \
                str(ext["when"]) != str(EXTENSION["when"]) or \
                ext["list"] != EXTENSION["list"] or ext["text"] != EXTENSION["text"] or \
                ext["vendor"] != EXTENSION["vendor"]:
            bad.append("%s extension came back as %r" % (where, ext))
    # the VNode form sees the same slice
    v = proxy("domA").Status(SLICE)
    if sorted(s["name"] for s in v["slivers"]) != ["gwA", "ln-term", "term"]:
        bad.append("VNode Status slivers %s" % [s["name"] for s in v["slivers"]])
    return "STATUS OK" if not bad else "STATUS BAD: " + "; ".join(bad)


def second():
    sep = proxy("sep")
    vid = endpoints("sep")["LS01.a"][2]
    bad = []
    # domC <-> domB, domC's VLAN fixed to the VID domA has on another port: accepted
    r = sep.CreateSlice(command(structure(vid=vid, a_if="gwC", a_dom="domC", link="LS02"),
                                src="domC", slice_id="federation-c1"))
    got = dom(r["slice_structure"], "domC")["domain_interfaces"][0][
        "information_for_link_negotiation"].get("vlan_id")
    if got != vid:
        bad.append("domC's interface got VID %r, asked %d" % (got, vid))
    sep.Run(command(src="domC", slice_id="federation-c1"))
    eps = endpoints("sep", "federation-c1")
    if eps.get("LS02.a") != ("vlan", "domain-c", vid, None, None):
        bad.append("gateway's LS02.a is %s" % (eps.get("LS02.a"),))
    # the same VID toward domA again: refused, naming it; nothing created
    code, msg = fault(sep.CreateSlice, command(structure(vid=vid, link="LS03"),
                                               slice_id="federation-a2"))
    if code != 24 or str(vid) not in msg or "domain-a" not in msg:
        bad.append("same VID toward domA: %d %s" % (code, msg))
    if fault(sep.Status, command(slice_id="federation-a2"))[0] != 12:
        bad.append("federation-a2 exists after its refusal")
    sep.DeleteSlice(command(src="domC", slice_id="federation-c1"))
    if endpoints("sep", "federation-c1"):
        bad.append("federation-c1 left in the gateway's gw-core")
    return "SECOND OK vid=%d" % vid if not bad else "SECOND BAD: " + "; ".join(bad)


def resources():
    r = proxy("sep").ResourceInfo({"command_version": "2.0", "src_infra_name": "domA"})
    ri = r.get("resource_information", {})
    ports = {p["name"]: p for p in ri.get("ports", [])}
    peers = {p["dst_infra_name"]: p for p in ri.get("peers", [])}
    vid = endpoints("sep")["LS01.a"][2]
    bad = []
    if r.get("return_code") != 0 or "slice_structure" in r:
        bad.append("header %s" % sorted(r))
    free = ports.get("domain-a", {}).get("vids_free", [])
    if str(vid) in free or any(x.startswith("%d-" % vid) for x in free) or not free:
        bad.append("domain-a's free VIDs %s include VID %d in use" % (free, vid))
    if ports.get("domain-a", {}).get("reserved_bps") != 100000000:
        bad.append("domain-a reserved %s" % ports.get("domain-a"))
    if sorted(peers) != ["domA", "domB", "domC"] or \
            peers["domB"].get("ip_address") != "198.51.100.2" or \
            peers["domB"].get("virtual_link_type") != "gre":
        bad.append("peers %s" % peers)
    return "RESOURCES OK free %s" % free if not bad else "RESOURCES BAD: " + "; ".join(bad)


def add_delete():
    a = proxy("domA")
    extra = {"domains": [{"dst_infra_name": "domA", "domain_structure": {
        "virtual_nodes": [{"node_id": n, "parent_component_id": "domA", "node_type": "Terminal",
                           "node_interfaces": [{"logical_interface_name": "if0"}]}
                          for n in ("t2", "t3")],
        "virtual_links": [{"virtual_link_name": "l23", "parent_component_id": "domA",
                           "link_type": "802.3,802.1Q",
                           "resource_information": {"bandwidth": "10M"},
                           "virtual_link_interfaces": [
                               {"interface_name": "e1", "resource_information": {"vid": 11}},
                               {"interface_name": "e2", "resource_information": {"vid": 12}}]}],
        "binds": [{"name_of_bind_information": "b%d" % i, "parent_component_id": "domA",
                   "bind_information": [{"resource_name": "l23", "interface_name": "e%d" % i},
                                        {"resource_name": n, "interface_name": "if0"}]}
                  for i, n in ((1, "t2"), (2, "t3"))]}}]}
    bad = []
    r = a.Add(command(extra))
    links = {l["virtual_link_name"]: l.get("link_status")
             for l in dom(r["slice_structure"], "domA")["domain_structure"]["virtual_links"]}
    if links != {"ln-term": "executed", "l23": "created"}:
        bad.append("after Add: links %s" % links)
    a.Run(command(extra))
    eps = endpoints("domA")
    if eps.get("l23.e1") != ("vlan", "access", 11, None, None) or \
            eps.get("l23.e2") != ("vlan", "access", 12, None, None) or len(eps) != 4:
        bad.append("after Run: gw-core holds %s" % eps)
    r = a.Delete(command(extra))
    ds = dom(r["slice_structure"], "domA")["domain_structure"]
    if [n["node_id"] for n in ds["virtual_nodes"]] != ["term"] or \
            [l["virtual_link_name"] for l in ds["virtual_links"]] != ["ln-term"] or \
            len(ds["binds"]) != 2:
        bad.append("after Delete: the record holds %s" % ds)
    if sorted(endpoints("domA")) != ["ln-term.e1", "ln-term.e2"]:
        bad.append("after Delete: gw-core holds %s" % endpoints("domA"))
    return "ADDDELETE OK" if not bad else "ADDDELETE BAD: " + "; ".join(bad)


def forbidden():
    gk = proxy("domA", cert="gk-b.example.org")
    bad = []
    code, msg = fault(gk.DeleteSlice, command(src="domB"))
    if code != 12:
        bad.append("gk-b deleting domA's slice as domB: %d %s" % (code, msg))
    code, msg = fault(gk.DeleteSlice, command(src="domA"))
    if code != 3 or "domA" not in msg:
        bad.append("gk-b speaking for domA: %d %s" % (code, msg))
    if len(endpoints("domA")) != 2:
        bad.append("domA's slice changed: %s" % endpoints("domA"))
    return "FORBIDDEN OK" if not bad else "FORBIDDEN BAD: " + "; ".join(bad)


def faults():
    a = proxy("domA")
    bad = []
    vid = endpoints("domA")["ln-term.e2"][2]
    cases = [
        ("version 1.0", dict(command(structure()), command_version="1.0"), 13, "2.0"),
        ("no src_slice_id", {k: v for k, v in command(structure()).items()
                             if k != "src_slice_id"}, 1, "src_slice_id"),
        ("no developer", {k: v for k, v in command(structure(), slice_id="f2").items()
                          if k != "developer"}, 1, "developer_name"),
        ("no structure", command(slice_id="f2"), 1, "slice_structure"),
        ("bad slice id", command(structure(), slice_id="../x"), 1, "slice id"),
        ("VID taken", command(structure(vid=vid, term_vid=11), slice_id="f2"), 24,
         "VID %d on port 'core'" % vid),
        ("nothing here", command(structure(a_dom="domZ", a_if="gwZ", vid=5), slice_id="f2"),
         12, "nothing for this AGW"),
    ]
    for what, cmd, want, text in cases:
        code, msg = fault(a.CreateSlice, cmd)
        if code != want or text not in msg:
            bad.append("%s: %d %s" % (what, code, msg))
    if fault(a.Status, command(slice_id="f2"))[0] != 12:
        bad.append("f2 exists after the refusals")
    return "FAULTS OK" if not bad else "FAULTS BAD: " + "; ".join(bad)


def delete():
    bad = []
    for d in ("domA", "sep", "domB"):
        p = proxy(d)
        p.Stop(command())
        if endpoints(d):
            bad.append("%s's gw-core still holds the slice after Stop" % d)
        r = p.DeleteSlice(command())
        if r.get("slice_status") != "non-existing" or r.get("return_code") != 0:
            bad.append("%s DeleteSlice answered %s" % (d, r))
        if fault(p.Status, command())[0] != 12:
            bad.append("%s still has the slice" % d)
        if gwc(d)["slices"]:
            bad.append("%s's gw-core holds %s" % (d, [s["name"] for s in gwc(d)["slices"]]))
    return "DELETE OK" if not bad else "DELETE BAD: " + "; ".join(bad)


def demo():
    slice_id = "federation-demo"
    r = federate(slice_id, verbose=True)
    if not r.startswith("FEDERATE OK"):
        return r
    # one first, unreported: ARP on both sides
    subprocess.run(["ip", "netns", "exec", NS + "-term", "ping", "-q", "-c", "1", "-W", "2",
                    "203.0.113.2"], capture_output=True)
    out = subprocess.run(["ip", "netns", "exec", NS + "-term", "ping", "-q", "-c", "10", "-i",
                          "0.05", "-W", "2", "203.0.113.2"], capture_output=True, text=True)
    print("terminal (domA, VID 10) ping server (domB, VID 200): " +
          [l for l in out.stdout.splitlines() if "received" in l][0], flush=True)
    print("Statistics 2.0 (rx/tx packets): " + ", ".join(
        "%s %s" % (w, " ".join("%s %d/%d" % (k, v[0], v[1])
                               for k, v in sorted(iface_stats(w, slice_id).items())))
        for w in ("domA", "sep", "domB")), flush=True)
    for d in ("domA", "sep", "domB"):
        proxy(d).DeleteSlice(command(slice_id=slice_id))
    return "SEP core -> all      DeleteSlice %s: non-existing; gw-cores hold %s" % (
        slice_id, [s["name"] for d in ("domA", "sep", "domB") for s in gwc(d)["slices"]])


def main():
    cmd = sys.argv[1]
    try:
        if cmd == "stats":
            print(stats(int(sys.argv[2])))
        else:
            print({"federate": federate, "status": status, "second": second,
                   "forbidden": forbidden, "faults": faults, "delete": delete,
                   "resources": resources, "add-delete": add_delete,
                   "demo": demo}[cmd]())
    except xmlrpc.client.Fault as f:
        print("%s BAD: fault %d %s" % (cmd.upper(), f.faultCode, f.faultString))


if __name__ == "__main__":
    main()
