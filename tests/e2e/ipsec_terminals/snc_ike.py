#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The SNC side of slice s2: the manager (XML-RPC, Python's standard xmlrpc.client)
creates it and puts its IPsec terminal into the AGW's charon through VICI. Each
subcommand prints one verdict line (... OK / ... BAD: why) and exits 0, except
create-run, which setup.sh needs: it exits 1 on failure.

  snc_ike.py create-run    CreateSlice s2 from etc/specs/agw-ipsec.xml (port acc2, GRE key
                           7002, terminal term2@s2) and Run it; charon has its connection
  snc_ike.py stats         Statistics of s2 after the 10 MiB transfer: the ipsec vport VL1.term
                           counts its terminal's tunnel (kernel-agw's endpoint) and packets
  snc_ike.py terminals     RemoveTerminal closes term2's tunnel and unloads its connection;
                           bad AddTerminal calls are refused and change nothing; AddTerminal
                           (agwctl add-terminal, key on stdin) lets term2 in again
  snc_ike.py charon        kill -9 of the AGW's charon: the launcher starts it again, the
                           manager loads s2's connection, key and pool again (and again
                           after 'swanctl --load-all' of s1's file unloads them); both
                           terminals reconnect and reach their servers
Runs in the AGW's namespace (the manager listens on its loopback).
"""
import json
import os
import re
import subprocess
import sys
import time
import xmlrpc.client

E2E_DIR = os.environ["E2E_DIR"]
BUILD = os.environ["BUILD"]
SCEN = os.environ.get("SCEN", os.path.dirname(os.path.abspath(__file__)))
NS = os.environ.get("E2E_PREFIX", "agwe2e")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
URL = "http://snc:e2e-secret-pw@127.0.0.1:18741/RPC2"
AGW_VICI = "unix://%s/agw.vici" % E2E_DIR
PSK = "psk:agw-e2e's-shared-key"   # what charon.sh gives the terminals
CONN = "s2/VL1.term/term2@s2"


def sh(*cmd, check=False, timeout=60):
    return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=timeout)


def nsx(ns, *cmd, timeout=60):
    return sh("ip", "netns", "exec", "%s-%s" % (NS, ns), *cmd, timeout=timeout)


def wait(cond, secs):
    end = time.monotonic() + secs
    while True:
        if cond():
            return True
        if time.monotonic() > end:
            return False
        time.sleep(0.2)


def conns():
    out = sh("swanctl", "--list-conns", "--uri", AGW_VICI).stdout
    # the manager's names have dots, which swanctl's listing cannot look up: only the
    # names are right in its output (docs/ike.md)
    return re.findall(r"^(\S+): ", out, re.M)


def s2_sas():
    out = sh(os.path.join(BUILD, "bin", "gwcctl"), "-s", os.path.join(E2E_DIR, "agw.sock"),
             "sa.list", "slice=s2").stdout
    try:
        return len(json.loads(out)["sas"])
    except ValueError:
        return -1


def fault(fn, *args):
    try:
        fn(*args)
    except xmlrpc.client.Fault as f:
        return f.faultCode
    return 0


def initiate(term):
    r = nsx(term, "swanctl", "--initiate", "--child", "agw", "--timeout", "20", "--uri",
            "unix://%s/%s.vici" % (E2E_DIR, term), timeout=40)
    return r.returncode == 0


def ping(term):
    r = nsx(term, "ping", "-c", "3", "-W", "2", "10.1.0.10", timeout=30)
    return re.search(r" [23] received", r.stdout) is not None


def create_run():
    spec = open(os.path.join(ROOT, "etc", "specs", "agw-ipsec.xml")).read()
    spec = (spec.replace('value="access"', 'value="acc2"')
            .replace('value="7101"', 'value="7002"')
            .replace("terminal:alice@example.org", "terminal:term2@s2")
            .replace("psk:change-this-pre-shared-key", PSK))
    p = xmlrpc.client.ServerProxy(URL)
    p.CreateSlice("s2", spec)
    if CONN in conns():
        return "CREATE BAD: charon has the connection before Run"
    st = p.Run("s2")
    vp = [v for s in st["slivers"] if s["name"] == "VL1" for v in s["vports"]
          if v["name"] == "term"][0]
    if vp.get("charon") != "loaded" or vp.get("terminal_ids") != ["term2@s2"]:
        return "CREATE BAD: status of VL1.term: %s" % vp
    if PSK[4:] in json.dumps(st):
        return "CREATE BAD: Run's status shows the PSK"
    if CONN not in conns():
        return "CREATE BAD: charon has %s" % conns()
    return "CREATE OK"


def stats():
    st = xmlrpc.client.ServerProxy(URL).Statistics("s2", ["VL1"])
    eps = {e["vport"]: e for s in st["slivers"] for e in s["endpoints"]}
    term = eps.get("term", {})
    if term.get("terminal_tunnels") != 1:
        return "STATS BAD: VL1.term: %s" % term
    # 10 MiB from term2 in ~1400-byte packets: over 7000 in, and the ACKs out
    if term.get("rx_pkts", 0) < 7000 or term.get("tx_pkts", 0) < 100 or \
            eps.get("net", {}).get("tx_pkts", 0) < 7000:
        return "STATS BAD: %s" % eps
    return "STATS OK rx %d tx %d" % (term["rx_pkts"], term["tx_pkts"])


def terminals():
    p = xmlrpc.client.ServerProxy(URL)
    if s2_sas() < 2:
        return "TERMINALS BAD: term2 had no SAs to start with"
    before = conns()
    bad = [
        ("short key", fault(p.AddTerminal, "s2", "VL1", "term", "eve@s2", "psk:short"), 1),
        ("gre vport", fault(p.AddTerminal, "s2", "VL1", "net", "eve@s2", PSK), 1),
        ("twice", fault(p.AddTerminal, "s2", "VL1", "term", "term2@s2", PSK), 17),
        ("bad auth", fault(p.AddTerminal, "s2", "VL1", "term", "eve@s2", "x509"), 1),
        ("unknown", fault(p.RemoveTerminal, "s2", "VL1", "term", "eve@s2"), 12),
        ("no link", fault(p.RemoveTerminal, "s2", "VL9", "term", "term2@s2"), 12),
    ]
    wrong = ["%s: %d (want %d)" % b for b in bad if b[1] != b[2]]
    if wrong:
        return "TERMINALS BAD: faults " + ", ".join(wrong)
    if conns() != before:
        return "TERMINALS BAD: refused calls changed charon: %s -> %s" % (before, conns())
    p.RemoveTerminal("s2", "VL1", "term", "term2@s2")
    if CONN in conns():
        return "TERMINALS BAD: connection still loaded after RemoveTerminal"
    if not wait(lambda: s2_sas() == 0, 10):
        return "TERMINALS BAD: %d SAs of s2 left in gw-core" % s2_sas()
    if initiate("term2"):
        return "TERMINALS BAD: a removed terminal got a tunnel"
    # back through the operator's CLI, the key on stdin
    env = dict(os.environ, AGW_URL="http://127.0.0.1:18741/RPC2", AGW_PASSWORD="e2e-secret-pw")
    agwctl = os.path.join(BUILD, "bin", "agwctl")
    r = subprocess.run([agwctl, "add-terminal", "s2", "VL1", "term", "term2@s2"], env=env,
                       input=PSK[4:] + "\n", capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        return "TERMINALS BAD: agwctl add-terminal: " + r.stderr
    if CONN not in conns():
        return "TERMINALS BAD: AddTerminal loaded no connection"
    st = subprocess.run([agwctl, "status", "s2"], env=env, capture_output=True, text=True,
                        timeout=30).stdout
    if "terminal term2@s2" not in st or "(charon: loaded)" not in st or PSK[4:] in st:
        return "TERMINALS BAD: agwctl status: " + st
    if not initiate("term2") or not ping("term2"):
        return "TERMINALS BAD: term2 cannot connect after AddTerminal"
    return "TERMINALS OK"


def launcher(name):
    out = sh(os.path.join(BUILD, "bin", "agw"), "-c", os.path.join(E2E_DIR, "appliance.conf"),
             "status", "--json").stdout
    try:
        return [p for p in json.loads(out)["processes"] if p["name"] == name][0]
    except (ValueError, IndexError):
        return {}


def charon():
    pid = launcher("charon").get("pid", 0)
    if pid <= 0:
        return "CHARON BAD: the launcher runs no charon"
    os.kill(pid, 9)
    if not wait(lambda: launcher("charon").get("state") == "running" and
                launcher("charon").get("pid") != pid, 30):
        return "CHARON BAD: the launcher did not restart charon: %s" % launcher("charon")
    if not wait(lambda: CONN in conns(), 15):
        return "CHARON BAD: the manager did not load s2 again: %s" % conns()
    # slice s1 is configured by hand: load its file again (swanctl unloads the manager's
    # connection meanwhile, as it unloads whatever its files lack; the manager repairs it)
    r = sh(os.path.join(SCEN, "charon.sh"), "agw", "load")
    if r.returncode != 0:
        return "CHARON BAD: swanctl --load-all: " + r.stderr[-300:]
    if not wait(lambda: CONN in conns() and "s1" in conns(), 15):
        return "CHARON BAD: after swanctl --load-all charon has %s" % conns()
    for term in ("term1", "term2"):
        # the terminal still holds its IKE_SA with the dead charon (it would find out by
        # DPD): drop it, or swanctl --initiate would reuse it
        nsx(term, "swanctl", "--terminate", "--ike", "agw", "--force", "--uri",
            "unix://%s/%s.vici" % (E2E_DIR, term))
        if not initiate(term) or not ping(term):
            return "CHARON BAD: %s cannot connect again" % term
    return "CHARON OK"


if __name__ == "__main__":
    verdict = {"create-run": create_run, "stats": stats, "terminals": terminals,
               "charon": charon}[sys.argv[1]]()
    print(verdict)
    sys.exit(1 if sys.argv[1] == "create-run" and not verdict.endswith(" OK") else 0)
