#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""SNC/VNM stand-in for the manager scenario: Python's standard xmlrpc.client, a client
we did not write. Each subcommand prints one verdict line (... OK / ... BAD: why).

  snc.py create-run        CreateSlice s1 from etc/specs/agw-vlan-gre.xml, then Run
  snc.py stats N           N pings terminal -> server; Statistics deltas must match
  snc.py drops N           N frames with a multicast source MAC from the terminal: each is
                           a bad_src_mac drop of VL1.term and of the slice in Statistics
  snc.py trailer           CreateSlice+Run 'tr' whose terminal vport is a trailer endpoint
                           (app 42-43 of terminal 7): gw-core has it; DeleteSlice removes it
  snc.py faults            documented fault codes; bad credentials refused; no change
  snc.py status            s1 and its slivers are executed
  snc.py stalled           gw-core stopped (SIGSTOP) for 2 s: Status keeps answering at
                           once (the monitor blocks on gw-core without the registry lock);
                           after SIGCONT the slice is back in gw-core
  snc.py concurrent K R    K clients, R create/run/delete rounds each, on their own slices
  snc.py stop-delete       Stop s1 (gw-core loses it), DeleteSlice s1 (SEARCHFAILED after)
  snc.py hostile           nesting of 10^4 and 10^5 arrays, a billion-laughs DOCTYPE, an
                           entity in a spec, malformed and non-call bodies, unknown methods,
                           extra and missing arguments, ".." ids, big headers and bodies:
                           each refused with its documented code; the manager lives on,
                           its memory bounded, and nothing changed
  snc.py police            s1's link is policed at 100 Mbit/s (etc/specs/agw-vlan-gre.xml):
                           iperf3 UDP at 300 Mbit/s from the terminal for 3 s; the server
                           receives 85-105 Mbit/s, VL1.net's conforming bytes in
                           Statistics come to the contract (+ its burst), the rest is
                           violating and counted as 'policed' drops
  snc.py shape             a shaped link (VID 393, key 8393): both its gw-core endpoints
                           shaped at 100 Mbit/s, their ports at port_capacity (10G),
                           the scheduler's counters in Statistics; a wfq link's
                           endpoints weighted by its bandwidth; DeleteSlice frees the
                           pipes
  snc.py kill-run          gw-core stopped (SIGSTOP), Run of a new slice sent, gw-core
                           killed (-9) while the Run waits on it, restarted: the slice's
                           state and gw-core agree (executed and programmed, or created
                           and absent), nothing stale in gw-core
  snc.py nodes            node slivers planned and admitted, never run: Figure 4 as printed
                           refused (no [nsliver] boot_image_server here), a Container
                           with a file:// image created with its node plan in Status and
                           its cores in ResourceInfo, its Run UNSUPPORTED (nothing runs),
                           one core over [nsliver] cores REFUSED, DeleteSlice frees them
  snc.py foreign           gw-core holds a slice 'fx' of another client: Run of the
                           manager's 'fx' is ALREADYEXISTS naming it, and leaves it as it
                           was (no endpoint added, the slivers created); DeleteSlice does
                           not remove it. Then 'fy' runs and is deleted: gw-core holds it,
                           then not
  snc.py principals        gk-a's slice is invisible and untouchable to gk-b and dev, seen
                           by the admin snc; a certificate from another CA gets 403, no
                           credentials 401, plain HTTP no answer
"""
import base64
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
import xmlrpc.client

URL = os.environ.get("SNC_URL", "https://snc:e2e-secret-pw@127.0.0.1:18740/RPC2")
PKI = os.path.join(os.environ.get("E2E_DIR", "/tmp"), "pki")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
SPEC = open(os.path.join(ROOT, "etc", "specs", "agw-vlan-gre.xml")).read()
NS = os.environ.get("E2E_PREFIX", "agwe2e")
SOCK = os.path.join(os.environ.get("E2E_DIR", "/tmp"), "agw.sock")
GWCCTL = os.path.join(os.environ.get("BUILD", "build"), "bin", "gwcctl")


def tls(cert=None, ca="ca"):
    """A client TLS context trusting the scenario's CA ('ca'), with client certificate
    'cert' (a name of make_pki's) when given."""
    ctx = ssl.create_default_context(cafile=os.path.join(PKI, ca + ".crt"))
    if cert is not None:
        ctx.load_cert_chain(os.path.join(PKI, cert + ".crt"), os.path.join(PKI, cert + ".key"))
    return ctx


def proxy(url=URL, cert=None):
    if not url.startswith("https:"):   # the appliance scenario's manager: tls = no
        return xmlrpc.client.ServerProxy(url)
    return xmlrpc.client.ServerProxy(url, context=tls(cert))


def fault_code(fn, *args):
    try:
        fn(*args)
    except xmlrpc.client.Fault as f:
        return f.faultCode, f.faultString
    return 0, ""


def spec_vid_key(vid, key):
    """SPEC with its terminal VID 'vid' and its GRE key 'key' in place of 10 and 7001."""
    return SPEC.replace('value="10"', 'value="%d"' % vid).replace('value="7001"',
                                                                    'value="%d"' % key)


def gwc_slices():
    import json
    out = subprocess.run([GWCCTL, "-s", SOCK, "slice.list"], capture_output=True, text=True,
                         check=True).stdout
    return {s["name"]: s for s in json.loads(out)["slices"]}


def create_run():
    p = proxy()
    st = p.CreateSlice("s1", SPEC)
    states = {s["name"]: s["state"] for s in st["slivers"]}
    if set(states.values()) != {"created"}:
        return "CREATE BAD: states %s" % states
    if "s1" in gwc_slices():
        return "CREATE BAD: gw-core holds s1 before Run"
    st = p.Run("s1")
    states = {s["name"]: s["state"] for s in st["slivers"]}
    eps = {e["name"]: (e["type"], e.get("vid"), e.get("key")) for e in gwc_slices()["s1"]["endpoints"]}
    want = {"VL1.term": ("vlan", 10, None), "VL1.net": ("gre", None, 7001)}
    if set(states.values()) != {"executed"} or eps != want:
        return "RUN BAD: states %s, gw-core endpoints %s" % (states, eps)
    return "RUN OK %s" % sorted(eps)


def stats(n):
    p = proxy()

    def eps():
        s = p.Statistics("s1")
        return {e["gw_core_endpoint"]: e for sl in s["slivers"] for e in sl["endpoints"]}

    b = eps()
    subprocess.run(["ip", "netns", "exec", NS + "-term", "ping", "-q", "-c", str(n), "-i",
                    "0.02", "-W", "2", "203.0.113.2"], check=True, stdout=subprocess.DEVNULL)
    a = eps()

    def d(ep, k):
        return a[ep][k] - b[ep][k]

    bad = []
    if not n <= d("VL1.term", "rx_pkts") <= n + 4:
        bad.append("VL1.term rx_pkts moved %d, expected %d (+ARP)" % (d("VL1.term", "rx_pkts"), n))
    if d("VL1.term", "rx_pkts") != d("VL1.net", "tx_pkts"):
        bad.append("term rx %d != net tx %d" % (d("VL1.term", "rx_pkts"), d("VL1.net", "tx_pkts")))
    if d("VL1.net", "rx_pkts") != d("VL1.term", "tx_pkts"):
        bad.append("net rx %d != term tx %d" % (d("VL1.net", "rx_pkts"), d("VL1.term", "tx_pkts")))
    if d("VL1.term", "tx_pkts") < n:
        bad.append("only %d replies reached the terminal" % d("VL1.term", "tx_pkts"))
    # 84-byte echo frames: 98 bytes + 4 tag on the access side, 98 inside the slice
    if d("VL1.term", "rx_bytes") < 98 * n:
        bad.append("VL1.term rx_bytes %d < %d" % (d("VL1.term", "rx_bytes"), 98 * n))
    return "STATS OK %d/%d" % (d("VL1.term", "rx_pkts"), d("VL1.term", "tx_pkts")) if not bad \
        else "STATS BAD: " + "; ".join(bad)


# Run in the terminal's namespace: N Ethernet frames from 01:00:5e:00:00:01 on t0 (its tc
# program tags them with VID 10 on the way out).
BAD_SRC = """
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("t0", 0))
f = bytes.fromhex("ffffffffffff01005e0000010800") + bytes(46)
for _ in range(int(sys.argv[1])):
    s.send(f)
"""


def drops(n):
    p = proxy()

    def snap():
        s = p.Statistics("s1")
        eps = {e["gw_core_endpoint"]: e for sl in s["slivers"] for e in sl["endpoints"]}
        return (s["drops"].get("bad_src_mac", 0),
                eps["VL1.term"]["drops"].get("bad_src_mac", 0),
                eps["VL1.net"]["drops"].get("bad_src_mac", 0),
                s["gw_core_drops"]["bad_src_mac"])

    b = snap()
    subprocess.run(["ip", "netns", "exec", NS + "-term", sys.executable, "-c", BAD_SRC, str(n)],
                   check=True)
    deadline = time.monotonic() + 5      # the frames are in flight for a moment
    while True:
        got = tuple(x - y for x, y in zip(snap(), b))
        if got == (n, n, 0, n) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    if got != (n, n, 0, n):
        return "DROPS BAD: bad_src_mac deltas (slice, VL1.term, VL1.net, gw-core) %s, " \
               "expected %s" % (got, (n, n, 0, n))
    return "DROPS OK bad_src_mac %d" % n


TRL_KEY = "5a" * 32


def gwc_keys():
    import json
    out = subprocess.run([GWCCTL, "-s", SOCK, "trailer.key.list"], capture_output=True,
                         text=True, check=True).stdout
    return {t["terminal"]: (t["owner"], t["required"]) for t in json.loads(out)["terminals"]}


def trailer():
    """A trailer terminal vport with the terminal's key and reappend: programmed (endpoint and key),
    the key never in Status or Statistics, both gone with the slice."""
    p = proxy()
    spec = SPEC.replace('<param key="type" value="vlan"/>', '<param key="type" value="trailer"/>') \
               .replace('<param key="vid" value="10"/>',
                        '<param key="app" value="42"/><param key="terminal" value="7"/>'
                        '<param key="terminal_key" value="%s"/>'
                        '<param key="reappend" value="yes"/>' % TRL_KEY) \
               .replace('value="7001"', 'value="7777"')
    log = os.path.join(os.environ.get("E2E_DIR", "/tmp"), "agw.log")

    def key_sets():
        with open(log) as f:
            return f.read().count("trailer key of terminal 7 ")
    p.CreateSlice("tr", spec)
    keys_created = gwc_keys()
    p.Run("tr")
    eps = {e["name"]: e for e in gwc_slices()["tr"]["endpoints"]}
    keys_run = gwc_keys()
    # another slice changing leaves terminal 7's key alone (no second set)
    sets = key_sets()
    p.CreateSlice("tr2", SPEC.replace('value="7001"', 'value="7778"')
                  .replace('<param key="vid" value="10"/>', '<param key="vid" value="11"/>'))
    p.Run("tr2")
    p.DeleteSlice("tr2")
    resets = key_sets() - sets
    t = eps.get("VL1.term", {})
    got = (t.get("type"), t.get("port"), t.get("terminal"), t.get("app_lo"), t.get("app_hi"),
           t.get("reappend"))
    st = p.Status("tr")
    leak = TRL_KEY in repr(st) or TRL_KEY in repr(p.Statistics("tr")) or \
        TRL_KEY in repr(p.Status("all"))
    vp = [v for s in st["slivers"] if s["name"] == "VL1" for v in s["vports"]
          if v["name"] == "term"][0]
    p.DeleteSlice("tr")
    gone = "tr" not in gwc_slices()
    keys_gone = gwc_keys()
    bad = []
    if got != ("trailer", "access", 7, 42, 42, True) or vp.get("app_lo") != 42 or \
            vp.get("reappend") is not True or not gone:
        bad.append("gw-core %s, Status %s, removed %s" % (got, vp, gone))
    if 7 in keys_created or keys_run.get(7) != ("manager", True) or 7 in keys_gone or resets:
        bad.append("keys: created %s, running %s, deleted %s, set again %d times by "
                   "another slice" % (keys_created, keys_run, keys_gone, resets))
    if leak or vp.get("terminal_key") != "set (tag required)":
        bad.append("the key is shown (%s) or not reported as set (%s)" % (leak, vp))
    if bad:
        return "TRAILER BAD: " + "; ".join(bad)
    return "TRAILER OK %s key %s" % (got, keys_run.get(7))


def faults():
    p = proxy()
    before = p.Status("all")
    cases = [
        ("not XML", lambda: p.CreateSlice("x1", "<slice-design>"), 1),
        ("VID in use", lambda: p.CreateSlice("x2", SPEC), 24),
        ("slice exists", lambda: p.CreateSlice("s1", SPEC), 17),
        ("Run twice", lambda: p.Run("s1"), 7),
        ("Stop unknown sliver", lambda: p.Stop("s1", ["nope"]), 12),
        ("unknown slice", lambda: p.Status("nope"), 12),
        ("bad slice id", lambda: p.CreateSlice("a b", SPEC), 1),
        ("Delete with no names", lambda: p.Delete("s1", []), 1),
    ]
    bad = []
    for what, fn, code in cases:
        got, msg = fault_code(fn)
        if got != code:
            bad.append("%s: fault %d (%s), wanted %d" % (what, got, msg, code))
    try:
        proxy(URL.replace("e2e-secret-pw", "wrong")).Status("all")
        bad.append("wrong password accepted")
    except xmlrpc.client.ProtocolError as e:
        if e.errcode != 401:
            bad.append("wrong password: HTTP %d" % e.errcode)
    try:
        proxy("https://127.0.0.1:18740/RPC2").Status("all")
        bad.append("no credentials accepted")
    except xmlrpc.client.ProtocolError as e:
        if e.errcode != 401:
            bad.append("no credentials: HTTP %d" % e.errcode)
    if p.Status("all") != before:
        bad.append("a refused call changed the state")
    return "FAULTS OK (%d cases)" % len(cases) if not bad else "FAULTS BAD: " + "; ".join(bad)


def status():
    st = proxy().Status("s1")
    states = {s["name"]: s["state"] for s in st["slivers"]}
    if set(states.values()) != {"executed"}:
        return "STATUS BAD: %s" % states
    return "STATUS OK %s" % sorted(states)


def stalled():
    pid = int(open(os.path.join(os.environ["E2E_DIR"], "agw.pid")).read())
    worst, n = 0.0, 0
    os.kill(pid, signal.SIGSTOP)
    try:
        # The monitor checks gw-core every 200 ms; its next ping then waits for the
        # control timeout (5 s). Status must not wait with it.
        end = time.time() + 2.0
        while time.time() < end and n < 10000:
            t0 = time.time()
            proxy().Status("s1")
            worst = max(worst, time.time() - t0)
            n += 1
    finally:
        os.kill(pid, signal.SIGCONT)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if "s1" in gwc_slices():
                break
        except subprocess.CalledProcessError:
            pass
        time.sleep(0.2)   # poll interval of a bounded wait
    else:
        return "STALLED BAD: s1 not back in gw-core after SIGCONT"
    if worst >= 1.0:
        return "STALLED BAD: a Status call waited %.2f s while gw-core was stalled" % worst
    return "STALLED OK %d Status calls, the slowest %.3f s" % (n, worst)


def concurrent(k, rounds):
    errors = []

    def client(i):
        p = proxy()
        spec = spec_vid_key(300 + i, 8000 + i)
        try:
            for r in range(rounds):
                sid = "c%d" % i
                p.CreateSlice(sid, spec)
                p.Run(sid)
                if r % 2 == 0:
                    p.Stop(sid)
                p.DeleteSlice(sid)
            p.CreateSlice("keep%d" % i, spec)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append("client %d: %s" % (i, e))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(k)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    p = proxy()
    ids = sorted(s["slice_id"] for s in p.Status("all")["slices"])
    want = sorted(["s1"] + ["keep%d" % i for i in range(k)])
    if ids != want:
        errors.append("slices %s, wanted %s" % (ids, want))
    g = gwc_slices()
    if sorted(g) != ["s1"]:
        errors.append("gw-core holds %s, wanted only s1 (keep* are created, not run)" % sorted(g))
    for i in range(k):
        p.DeleteSlice("keep%d" % i)
    return "CONCURRENT OK %d clients x %d rounds" % (k, rounds) if not errors \
        else "CONCURRENT BAD: " + "; ".join(errors[:5])


def stop_delete():
    p = proxy()
    p.Stop("s1")
    if "s1" in gwc_slices():
        return "STOP BAD: gw-core still holds s1"
    r = p.DeleteSlice("s1")
    code, _ = fault_code(p.Status, "s1")
    if r.get("state") != "non-existing" or code != 12:
        return "DELETE BAD: %s, Status fault %d" % (r, code)
    return "DELETE OK"


def post(body, headers=None, auth="snc:e2e-secret-pw", cert=None, ca="ca"):
    """POST 'body' to /RPC2 over HTTPS: (HTTP status, body text); (0, why) if the
    connection failed."""
    import http.client
    h = {"Content-Type": "text/xml"}
    if auth is not None:
        h["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    h.update(headers or {})
    c = http.client.HTTPSConnection("127.0.0.1", 18740, timeout=30, context=tls(cert, ca))
    try:
        c.request("POST", "/RPC2", body=body.encode() if isinstance(body, str) else body,
                  headers=h)
        r = c.getresponse()
        return r.status, r.read().decode(errors="replace")
    except (OSError, http.client.HTTPException) as e:
        return 0, repr(e)
    finally:
        c.close()


def post_headers_only(body, auth="snc:e2e-secret-pw"):
    """Send only the headers of a POST of 'body' (its Content-Length) and read the
    answer: a body over the limit must be refused before it is read. HTTP status."""
    import socket
    s = tls().wrap_socket(socket.create_connection(("127.0.0.1", 18740), timeout=30),
                          server_hostname="127.0.0.1")
    try:
        s.sendall(("POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
                   "Authorization: Basic %s\r\nContent-Length: %d\r\n\r\n"
                   % (base64.b64encode(auth.encode()).decode(), len(body))).encode())
        head = s.recv(4096).decode(errors="replace")
        return int(head.split()[1]) if head.startswith("HTTP/") else 0
    except (OSError, ValueError, IndexError):
        return 0
    finally:
        s.close()


def call_xml(method, *values):
    return ("<?xml version='1.0'?><methodCall><methodName>%s</methodName><params>%s</params>"
            "</methodCall>" % (method, "".join("<param><value>%s</value></param>" % v
                                               for v in values)))


def fault_of(text):
    """The faultCode of a methodResponse, or None for a result."""
    try:
        xmlrpc.client.loads(text)
    except xmlrpc.client.Fault as f:
        return f.faultCode
    return None


def manager_rss_kb():
    pid = open(os.path.join(os.environ["E2E_DIR"], "manager.pid")).read().strip()
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def hostile():
    p = proxy()
    before = p.Status("all")
    rss0 = manager_rss_kb()
    bad = []

    def nest(n):
        return "<array><data><value>" * n + "<i4>1</i4>" + "</value></data></array>" * n

    laughs = "<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">" + "".join(
        "<!ENTITY %s \"%s\">" % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10) for i in range(8)) \
        + "]>"
    ent_spec = ('<?xml version="1.0"?><!DOCTYPE s [<!ENTITY e "X">]><slice-design>'
                '<slicespec class="&e;"/></slice-design>')
    cases = [
        # (what, body, headers, HTTP status wanted, fault code wanted or None)
        ("10^4 nested arrays", call_xml("Status", nest(10 ** 4)), None, 200, 1),
        ("10^5 nested arrays", call_xml("Status", nest(10 ** 5)), None, 413, None),
        ("billion laughs", "<?xml version='1.0'?>" + laughs + call_xml("Status", "&i;")
         .replace("<?xml version='1.0'?>", ""), None, 200, 1),
        ("entity in a spec", call_xml("CreateSlice", "<string>x9</string>",
                                      "<string>%s</string>" % xmlrpc.client.escape(ent_spec)),
         None, 200, 1),
        ("not XML", "<methodCall><methodName>Status", None, 200, 1),
        ("not a call", "<?xml version='1.0'?><foo/>", None, 200, 1),
        ("unknown method", call_xml("Shutdown"), None, 200, 1),
        ("xmlrpc-c's own fault", call_xml("system.methodHelp", "<string>Nope</string>"), None,
         200, 1),
        ("system.shutdown", call_xml("system.shutdown", "<string>x</string>"), None, 200, 13),
        ("extra arguments", call_xml("ResourceInfo", "<string>x</string>", "<i4>1</i4>"),
         None, 200, 1),
        ("missing argument", call_xml("CreateSlice", "<string>x9</string>"), None, 200, 1),
        ("'..' as slice id", call_xml("Status", "<string>..</string>"), None, 200, 1),
        ("'.' creates", call_xml("CreateSlice", "<string>.</string>",
                                 "<string>%s</string>" % xmlrpc.client.escape(SPEC)),
         None, 200, 1),
        ("a 2 MB string", call_xml("Status", "<string>" + "a" * (2 << 20) + "</string>"),
         None, 413, None),
        ("20001 array items", call_xml("Run", "<string>s1</string>",
                                       "<array><data>" + "<value>x</value>" * 20001
                                       + "</data></array>"), None, 200, 1),
        ("8 KB Authorization", call_xml("Status"), {"Authorization": "Basic " + "A" * 8192},
         431, None),
        ("100 KB of headers", call_xml("Status"), {"X-Pad": "p" * 100000}, 431, None),
    ]
    for what, body, hdrs, status, code in cases:
        if status == 413:
            got, text = post_headers_only(body), ""
            post(body, hdrs)   # and the whole of it, which the manager must survive
        else:
            got, text = post(body, hdrs)
        if got != status:
            bad.append("%s: HTTP %s (%s), wanted %d" % (what, got, text[:80], status))
        elif code is not None and fault_of(text) != code:
            bad.append("%s: fault %s, wanted %d (%s)" % (what, fault_of(text), code, text[:160]))
    # the manager is alive, unchanged and its memory did not balloon
    if p.Status("all") != before:
        bad.append("a refused call changed the state")
    rss1 = manager_rss_kb()
    if rss1 > rss0 + 64 * 1024:
        bad.append("manager RSS grew from %d to %d KiB" % (rss0, rss1))
    return "HOSTILE OK (%d cases, RSS %d -> %d KiB)" % (len(cases), rss0, rss1) if not bad \
        else "HOSTILE BAD: " + "; ".join(bad)


def police():
    import json
    p = proxy()

    def net():
        s = p.Statistics("s1", "VL1")
        return {e["vport"]: e for e in s["slivers"][0]["endpoints"]}["net"]

    b = net()
    if b.get("police_rate") != 100000000:
        return "POLICE BAD: VL1.net is not policed at 100 Mbit/s: %s" % b
    srv = subprocess.Popen(["ip", "netns", "exec", NS + "-srv", "iperf3", "-s", "-1", "-J",
                            "-p", "5201"], stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            ss = subprocess.run(["ip", "netns", "exec", NS + "-srv", "ss", "-ltn"],
                                capture_output=True, text=True).stdout
            if ":5201 " in ss:
                break
            time.sleep(0.1)   # poll interval of a bounded wait
        t0 = time.time()
        cli = subprocess.run(["ip", "netns", "exec", NS + "-term", "iperf3", "-c", "203.0.113.2",
                              "-u", "-b", "300M", "-l", "1400", "-t", "3", "-J"],
                             capture_output=True, text=True, timeout=60)
        elapsed = time.time() - t0
        out, _ = srv.communicate(timeout=30)
    finally:
        if srv.poll() is None:
            srv.kill()
    a = net()
    try:
        rx = json.loads(out)["end"]["sum_received"]   # "sum" of a UDP server has 0 bytes
        got_mbps = rx["bits_per_second"] / 1e6
        sent = json.loads(cli.stdout)["end"]["sum"]["packets"]
    except (ValueError, KeyError) as e:
        return "POLICE BAD: iperf3 said nothing usable (%s): %s %s" % (e, cli.stderr[-200:], out[-200:])
    dq = {k: a["police"][k] - b.get("police", {}).get(k, 0) for k in a["police"]}
    dpol = a["drops"].get("policed", 0) - b["drops"].get("policed", 0)
    conform_mbps = dq["conform_bytes"] * 8 / 1e6 / 3.0
    bad = []
    if not 85 <= got_mbps <= 105:
        bad.append("the server received %.1f Mbit/s" % got_mbps)
    if not 95 <= conform_mbps <= 110:
        bad.append("conforming bytes make %.1f Mbit/s over 3 s" % conform_mbps)
    if dq["violate_pkts"] == 0 or dpol != dq["violate_pkts"]:
        bad.append("violating %d, policed drops %d" % (dq["violate_pkts"], dpol))
    if dq["exceed_pkts"] != 0:
        bad.append("%d exceeding (PIR = CIR)" % dq["exceed_pkts"])
    return ("POLICE OK server %.1f Mbit/s of %d packets sent; conforming %.1f Mbit/s; "
            "%d policed" % (got_mbps, sent, conform_mbps, dpol)) if not bad \
        else "POLICE BAD: " + "; ".join(bad) + " (iperf3 ran %.1f s)" % elapsed


def shape():
    """A shaped link through the manager: its gw-core endpoints get shape_rate and the
    ports the manager's port_capacity (10G) as their rate; Statistics carries the
    scheduler's counters; a wfq link's endpoints get its bandwidth as their reservation;
    DeleteSlice frees the pipes."""
    import json
    spec = spec_vid_key(393, 8393)
    p = proxy()
    bad = []

    def gw_status():
        out = subprocess.run([GWCCTL, "-s", SOCK, "status"], capture_output=True, text=True,
                             check=True).stdout
        return {x["name"]: x for x in json.loads(out)["ports"]}

    p.CreateSlice("sh", spec.replace('value="policing"', 'value="shaping"'))
    p.Run("sh")
    eps = {e["vport"]: e for e in p.Statistics("sh", "VL1")["slivers"][0]["endpoints"]}
    for v in ("term", "net"):
        e = eps.get(v, {})
        if e.get("shape_rate") != 100000000 or e.get("shape_burst") != 150000 or \
                "queued_pkts" not in e.get("sched", {}) or "police_rate" in e:
            bad.append("VL1.%s in Statistics: %s" % (v, e))
    ports = gw_status()
    for port in ("access", "core"):
        sc = ports[port].get("sched", {})
        if ports[port].get("rate") != 10000000000 or sc.get("pipes_used") != 1:
            bad.append("gw-core port %s: rate %s, sched %s" % (port, ports[port].get("rate"), sc))
    p.CreateSlice("wq", spec.replace('value="policing"', 'value="wfq"')
                  .replace('value="393"', 'value="394"').replace('value="8393"', 'value="8394"'))
    p.Run("wq")
    eps = {e["vport"]: e for e in p.Statistics("wq", "VL1")["slivers"][0]["endpoints"]}
    if eps.get("net", {}).get("wfq_rate") != 100000000 or "sched" not in eps.get("net", {}):
        bad.append("wfq VL1.net in Statistics: %s" % eps.get("net"))
    if gw_status()["core"].get("sched", {}).get("pipes_used") != 2:
        bad.append("core's pipes with both links running: %s" % gw_status()["core"].get("sched"))
    p.DeleteSlice("wq")
    p.DeleteSlice("sh")
    ports = gw_status()
    if any(ports[x].get("sched", {}).get("pipes_used") != 0 for x in ("access", "core")):
        bad.append("pipes still in use after DeleteSlice: %s" % {
            x: ports[x].get("sched") for x in ("access", "core")})
    return "SHAPE OK: both vports shaped at 100 Mbit/s on ports of 10 Gbit/s, counters in " \
        "Statistics, a wfq link weighted, pipes freed" if not bad else "SHAPE BAD: " + "; ".join(bad)


def kill_run():
    spec = SPEC.replace('value="10"', 'value="392"').replace('value="7001"', 'value="8392"')
    p = proxy()
    p.CreateSlice("mr", spec)
    pid = int(open(os.path.join(os.environ["E2E_DIR"], "agw.pid")).read())
    result = {}

    def run():
        try:
            result["ok"] = p.Run("mr")
        except xmlrpc.client.Fault as f:
            result["fault"] = (f.faultCode, f.faultString)
        except Exception as e:  # noqa: BLE001 - reported below
            result["error"] = repr(e)

    os.kill(pid, signal.SIGSTOP)
    t = threading.Thread(target=run)
    t.start()
    t.join(1.0)                     # bounded: Run must be waiting on the stopped gw-core
    waiting = t.is_alive()
    os.kill(pid, signal.SIGKILL)
    t.join(30)
    restart = subprocess.run([os.path.join(os.environ["SCEN"], "restart.sh"), "gw-core"],
                             capture_output=True, text=True)
    bad = []
    if not waiting:
        bad.append("Run did not wait for the stopped gw-core (%s)" % result)
    if t.is_alive() or not result:
        bad.append("Run did not return after gw-core was killed")
    if "RESTART gw-core OK" not in restart.stdout:
        bad.append("gw-core did not come back: %s %s" % (restart.stdout, restart.stderr))
    # converge: the manager's view and gw-core's agree, within a few monitor periods
    deadline = time.time() + 20
    while time.time() < deadline:
        states = {s["name"]: s["state"] for s in p.Status("mr")["slivers"]}
        link_state = states.get("VL1")
        in_gwc = "mr" in gwc_slices()
        if (link_state == "executed") == in_gwc:
            break
        time.sleep(0.2)   # poll interval of a bounded wait
    else:
        bad.append("manager says VL1 %s, gw-core %s mr" % (link_state,
                                                         "holds" if in_gwc else "lacks"))
    stale = sorted(set(gwc_slices()) - {s["slice_id"] for s in p.Status("all")["slices"]})
    if stale:
        bad.append("gw-core holds slices the manager does not: %s" % stale)
    p.DeleteSlice("mr")
    if "mr" in gwc_slices():
        bad.append("mr left in gw-core after DeleteSlice")
    outcome = "ran" if "ok" in result else "refused %s" % (result.get("fault"),)
    return "KILLRUN OK (Run %s; VL1 %s)" % (outcome, link_state) if not bad \
        else "KILLRUN BAD: " + "; ".join(bad)


def foreign():
    def gwcctl(*args):
        return subprocess.run([GWCCTL, "-s", SOCK, "-n", "other"] + list(args),
                              capture_output=True, text=True)

    p = proxy()
    if gwcctl("slice.add", "name=fx").returncode != 0:
        return "FOREIGN BAD: gwcctl slice.add fx failed"
    try:
        p.CreateSlice("fx", spec_vid_key(77, 7077))
        code, msg = fault_code(p.Run, "fx")
        fx = gwc_slices().get("fx")
        states = {s["state"] for s in p.Status("fx")["slivers"]}
        if code != 17 or "not ours" not in msg or "other" not in msg:
            return "FOREIGN BAD: Run of fx: fault %d (%s), wanted 17 naming 'other'" % (code, msg)
        if fx is None or fx["owner"] != "other" or fx["endpoints"]:
            return "FOREIGN BAD: gw-core's fx changed: %s" % fx
        if states != {"created"}:
            return "FOREIGN BAD: fx's slivers %s after a refused Run" % states
        p.DeleteSlice("fx")
        fx = gwc_slices().get("fx")
        if fx is None or fx["owner"] != "other":
            return "FOREIGN BAD: DeleteSlice of the manager's fx took gw-core's: %s" % fx
        p.CreateSlice("fy", spec_vid_key(78, 7078))
        p.Run("fy")
        eps = sorted(e["name"] for e in gwc_slices().get("fy", {"endpoints": []})["endpoints"])
        if eps != ["VL1.net", "VL1.term"]:
            return "FOREIGN BAD: fy's endpoints in gw-core after Run: %s" % eps
        p.DeleteSlice("fy")
        if "fy" in gwc_slices():
            return "FOREIGN BAD: gw-core still holds fy after DeleteSlice"
    finally:
        gwcctl("slice.del", "name=fx")
        for sid in ("fx", "fy"):
            fault_code(p.DeleteSlice, sid)
    return "FOREIGN OK"


def principals():
    spec = SPEC.replace('value="10"', 'value="391"').replace('value="7001"', 'value="8391"')
    a, b = proxy(cert="gk-a.example.org"), proxy(cert="gk-b.example.org")
    dev = proxy(URL.replace("snc:e2e-secret-pw", "dev:dev-secret-pw"))
    admin = proxy()
    bad = []
    st = a.CreateSlice("pa", spec)
    if st.get("owner") != "gk-a":
        bad.append("owner %r, wanted gk-a" % st.get("owner"))
    for who, p in (("gk-b", b), ("dev", dev)):
        for what, fn, code in (("Status", lambda: p.Status("pa"), 12),
                               ("Run", lambda: p.Run("pa"), 12),
                               ("Statistics", lambda: p.Statistics("pa"), 12),
                               ("Delete", lambda: p.Delete("pa", ["VL1"]), 12),
                               ("DeleteSlice", lambda: p.DeleteSlice("pa"), 12),
                               ("CreateSlice", lambda: p.CreateSlice("pa", spec), 17)):
            got, msg = fault_code(fn)
            if got != code:
                bad.append("%s %s: fault %d (%s), wanted %d" % (who, what, got, msg, code))
        if any(s["slice_id"] == "pa" for s in p.Status("all")["slices"]):
            bad.append("%s sees pa in Status all" % who)
    # a conflict with another principal's slice does not name it (s1 holds VID 10)
    code, msg = fault_code(b.CreateSlice, "pb", SPEC)
    if code != 24 or "'s1'" in msg or "another principal's slice" not in msg:
        bad.append("gk-b's VID conflict with s1: fault %d (%s)" % (code, msg))
    owners = {s["slice_id"]: s["owner"] for s in admin.Status("all")["slices"]}
    if owners.get("pa") != "gk-a" or owners.get("s1") != "snc":
        bad.append("admin sees owners %s" % owners)
    if [s["slice_id"] for s in a.Status("all")["slices"]] != ["pa"]:
        bad.append("gk-a sees %s" % [s["slice_id"] for s in a.Status("all")["slices"]])
    # refused at the door
    got, text = post(call_xml("Status"), auth=None, cert="rogue")
    if got != 403:
        bad.append("certificate from another CA: HTTP %s (%s), wanted 403" % (got, text[:80]))
    got, text = post(call_xml("Status"), auth=None)
    if got != 401:
        bad.append("no credentials: HTTP %s, wanted 401" % got)
    try:
        import urllib.request
        urllib.request.urlopen("http://127.0.0.1:18740/RPC2", data=b"<x/>", timeout=5)
        bad.append("plain HTTP answered")
    except Exception:  # noqa: BLE001 - any failure is the point
        pass
    if a.DeleteSlice("pa").get("state") != "non-existing":
        bad.append("gk-a could not delete its slice")
    return "PRINCIPALS OK" if not bad else "PRINCIPALS BAD: " + "; ".join(bad)


def nodes():
    p = proxy()
    bad = []
    fig4 = open(os.path.join(ROOT, "etc", "specs", "seed001-fig4.xml")).read()
    code, msg = fault_code(p.CreateSlice, "fig4", fig4)
    if code != 1 or "boot_image_server" not in msg or "VN5" not in msg:
        bad.append("Figure 4 without an image server: %d %s" % (code, msg))
    cores = p.ResourceInfo()["node_slivers"]["cores"]

    def spec(cpu):
        return ("<slicespec><sliverdef><nodeSlivers><nodeSliver name=\"fwd\">"
                "<instance type=\"Container\"><resources>"
                "<resource key=\"cpu\" value=\"%d\"/><resource key=\"memory\" value=\"64\"/>"
                "</resources><params><param key=\"bootImage\" value=\"file:///srv/fwd.tar\"/>"
                "<param key=\"command\" value=\"/fwd\"/></params></instance></nodeSliver>"
                "</nodeSlivers></sliverdef></slicespec>" % cpu)

    st = p.CreateSlice("nodes", spec(1))
    node = [s for s in st["slivers"] if s["name"] == "fwd"][0]
    plan = node.get("node_plan", {})
    if node["state"] != "created" or plan.get("flavour") != "container" or \
            plan.get("image") != "file:///srv/fwd.tar" or plan.get("cpus") != 1:
        bad.append("Status of the container: %s" % node)
    ri = p.ResourceInfo()["node_slivers"]
    if ri["cores_reserved"] != 1 or ri["memory_mib_reserved"] != 64:
        bad.append("ResourceInfo node_slivers %s" % ri)
    # its image does not exist: Run refused, saying why, and the sliver stays created
    code, msg = fault_code(p.Run, "nodes")
    if code != 7 or "fwd" not in msg or "did not start" not in msg or "/srv/fwd.tar" not in msg:
        bad.append("Run of a container without its image: %d %s" % (code, msg))
    st = p.Status("nodes")["slivers"]
    if [s["state"] for s in st] != ["created"] or \
            not st[0]["runtime"]["state"].startswith("failed: image file:///srv/fwd.tar"):
        bad.append("the container is reported %s" % st)
    if cores < 64:
        code, msg = fault_code(p.CreateSlice, "nodes2", spec(cores))
        if code != 7 or "[nsliver] cores = %d" % cores not in msg:
            bad.append("over capacity: %d %s" % (code, msg))
        if fault_code(p.Status, "nodes2")[0] != 12:
            bad.append("nodes2 exists after its refusal")
    p.DeleteSlice("nodes")
    if p.ResourceInfo()["node_slivers"]["cores_reserved"] != 0:
        bad.append("cores still reserved after DeleteSlice")
    return "NODES OK %d cores" % cores if not bad else "NODES BAD: " + "; ".join(bad)


def main():
    # subcommand -> (function, how many integer arguments it takes)
    cmds = {"create-run": (create_run, 0), "stats": (stats, 1), "drops": (drops, 1),
            "trailer": (trailer, 0), "faults": (faults, 0), "status": (status, 0),
            "stalled": (stalled, 0), "concurrent": (concurrent, 2),
            "stop-delete": (stop_delete, 0), "hostile": (hostile, 0),
            "principals": (principals, 0), "kill-run": (kill_run, 0), "police": (police, 0),
            "shape": (shape, 0), "nodes": (nodes, 0), "foreign": (foreign, 0)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    fn, nargs = cmds[sys.argv[1]]
    print(fn(*(int(a) for a in sys.argv[2:2 + nargs])))


if __name__ == "__main__":
    main()
