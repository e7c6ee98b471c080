#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The SNC's side of the node_slivers and node_vm scenarios (description.txt), over the
VNode API. NODE_KIND=vm: VN is a SlowPath_VM booting the test's guest (node_vm/guest.sh)
instead of a Container.
  nodes.py run              CreateSlice "ns" (the container in the path) and Run it
  nodes.py pid              the container's pid as Status reports it (or "none")
  nodes.py runtime          the container's runtime state as Status reports it
  nodes.py gone PID         after the container's process was killed behind the manager's
                            back: Status says created/failed, the monitor stopped it
  nodes.py stop-run         Stop (nothing of it left), Run (running again)
  nodes.py delete           DeleteSlice: run directory, namespace, gw-core ports gone
  nodes.py bad              bad images: each Run refused, nothing left running
  nodes.py bad-vm           a VM whose kernel is not there: Run refused, nothing left
  nodes.py demo             make demo's node-sliver scene
  nodes.py fig4             seed 001 Figure 4 as printed: VN5 boots its bootImage disk
  nodes.py dpdk             a Container with attach=vhost-user: testpmd io on its sockets
  nodes.py restart-backoff  (a manager with [nsliver] restart = yes) killed twice, restarted
                            twice with back-off, the third time left failed
Prints one line, "... OK ..." or "... BAD: why"."""
import json
import os
import subprocess
import sys
import time
import xmlrpc.client

URL = "http://snc:e2e-secret-pw@127.0.0.1:18750/RPC2"
E2E = os.environ["E2E_DIR"]
BUILD = os.environ["BUILD"]
VM = os.environ.get("NODE_KIND") == "vm"
SHA = "" if VM else open(os.path.join(E2E, "www", "fwd.tar.sha256")).read().strip()


def spec(image="fwd.tar", sha=SHA, command="/bin/sh /fwd.sh", kernel="vmlinuz", cpumode="",
         attach=""):
    if VM:
        instance, memory = "SlowPath_VM", 256
        params = ('<param key="kernel" value="http://{bootImageServer}/%s"/>'
                  '<param key="initrd" value="http://{bootImageServer}/initrd.gz"/>'
                  '<param key="cmdline" value="console=ttyS0 quiet"/>' % kernel)
    else:
        instance, memory = "Container", 64
        params = '<param key="bootImage" value="http://{bootImageServer}/%s"/>' % image
        if sha:
            params += '<param key="bootImage_sha256" value="%s"/>' % sha
        params += '<param key="command" value="%s"/>' % command
        if attach:
            params += '<param key="attach" value="%s"/>' % attach
    link = ('<linkSliver name="%s"><vports><vport name="a"><params>%s</params></vport>'
            '<vport name="b"><params>%s</params></vport></vports><resources>'
            '<resource key="bandwidth" value="100M"/>'
            '<resource key="protocol" value="802.3,802.1Q,IPv4"/></resources></linkSliver>')
    vlan = ('<param key="type" value="vlan"/><param key="port" value="%s"/>'
            '<param key="vid" value="%d"/>')
    return ('<slicespec class="agw-e2e"><sliverdef><linkSlivers>' +
            link % ("L1", vlan % ("access", 10), "") +
            link % ("L2", "", vlan % ("server", 200)) +
            '</linkSlivers><nodeSlivers>'
            '<nodeSliver name="T"><vports><vport name="p0"/></vports>'
            '<instance type="Terminal"/></nodeSliver>'
            '<nodeSliver name="NET" type="_super"><vports><vport name="p0"/></vports>'
            '</nodeSliver>'
            '<nodeSliver name="VN"><vports><vport name="in"/><vport name="out"/></vports>'
            '<instance type="%s"><resources><resource key="cpu" value="1"/>'
            '<resource key="memory" value="%d"/>%s</resources><params>' % (
                instance, memory,
                '<resource key="cpumode" value="%s"/>' % cpumode if cpumode else "") +
            params +
            '</params></instance></nodeSliver></nodeSlivers></sliverdef><structure>'
            '<bind><vport slivername="T" portname="p0"/><vport slivername="L1" portname="a"/></bind>'
            '<bind><vport slivername="L1" portname="b"/><vport slivername="VN" portname="in"/></bind>'
            '<bind><vport slivername="VN" portname="out"/><vport slivername="L2" portname="a"/></bind>'
            '<bind><vport slivername="L2" portname="b"/><vport slivername="NET" portname="p0"/></bind>'
            '</structure></slicespec>')


def proxy():
    return xmlrpc.client.ServerProxy(URL, allow_none=True)


def fault(fn, *args):
    try:
        fn(*args)
    except xmlrpc.client.Fault as f:
        return f.faultCode, f.faultString
    return 0, ""


def vn(slice_id="ns"):
    st = proxy().Status(slice_id)
    return [s for s in st["slivers"] if s["name"] == "VN"][0]


def gwc(op, *args):
    out = subprocess.run([BUILD + "/bin/gwcctl", "-s", E2E + "/agw.sock", op] + list(args),
                         capture_output=True, text=True, timeout=20).stdout
    return json.loads(out)


def node_ports():
    return [p["name"] for p in gwc("status")["ports"] if p["name"].startswith("nsl-")]


def netns():
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [l.split()[0] for l in out.splitlines() if l.startswith("agw-")]


def alive(pid):
    """Does process 'pid' run (a zombie, not yet reaped by init, does not)?"""
    try:
        stat = open("/proc/%d/stat" % int(pid)).read()
    except (OSError, ValueError):
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def poll(cond, secs=15):
    end = time.time() + secs
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def run():
    p = proxy()
    bad = []
    p.CreateSlice("ns", spec())
    st = p.Run("ns")
    states = {s["name"]: s["state"] for s in st["slivers"]}
    if states != {"L1": "executed", "L2": "executed", "T": "executed", "NET": "executed",
                  "VN": "executed"}:
        bad.append("states %s" % states)
    rt = vn()["runtime"]
    if rt.get("state") != "running" or rt.get("pid", 0) <= 0 or \
            rt.get("flavour") != ("vm" if VM else "container") or \
            (VM and rt.get("accel") not in ("kvm", "tcg")):
        bad.append("runtime %s" % rt)
    ifs = sorted(v.get("interface", "") for v in rt.get("vports", []))
    if ifs != ["in", "out"] and not VM:
        bad.append("interfaces %s" % ifs)
    ports = node_ports()
    if len(ports) != 2 or sorted(v["gwcore_port"] for v in rt.get("vports", [])) != sorted(ports):
        bad.append("gw-core node ports %s" % ports)
    slices = sorted(s["name"] for s in gwc("slice.list")["slices"])
    if slices != ["ns/L1", "ns/L2"]:
        bad.append("gw-core slices %s (a node sliver separates its links' bridges)" % slices)
    if not poll(lambda: all(p["link_up"] for p in gwc("status")["ports"]
                            if p["name"] in ports)):
        bad.append("node ports' links not up")
    # the guest's own word that it routes (Run answers once its NICs are attached, a
    # moment before its init has set their addresses)
    if VM and not poll(lambda: "guest: up" in open(rt.get("console", "/dev/null")).read(), 60):
        bad.append("the guest never said it was up")
    return ("RUN OK pid %d%s" % (rt.get("pid", 0), " accel " + rt.get("accel", "") if VM else "")
            if not bad else "RUN BAD: " + "; ".join(bad))


def gone(pid):
    bad = []
    # Status never says executed once the process is gone
    if not poll(lambda: vn()["state"] == "created"):
        bad.append("still reported %s" % vn()["state"])
    if not poll(lambda: vn()["runtime"]["state"].startswith("failed: its process (pid %s) ended"
                                                            % pid)):
        bad.append("runtime %s" % vn()["runtime"])
    if not poll(lambda: node_ports() == []):
        bad.append("gw-core still has node ports %s" % node_ports())
    if not poll(lambda: netns() == []):
        bad.append("namespaces left %s" % netns())
    if ("guest: up" if VM else "fwd: routing") not in \
            open(vn()["runtime"].get("console", "/dev/null")).read():
        bad.append("no console log")
    return "GONE OK" if not bad else "GONE BAD: " + "; ".join(bad)


def stop_run():
    p = proxy()
    bad = []
    p.Run("ns", ["VN"])
    pid = vn()["runtime"].get("pid", 0)
    p.Stop("ns", ["VN"])
    v = vn()
    if v["state"] != "created" or v["runtime"]["state"] != "stopped":
        bad.append("after Stop: %s %s" % (v["state"], v["runtime"]))
    if alive(pid) or netns() or node_ports():
        bad.append("after Stop: pid %d alive %s, netns %s, ports %s" % (
            pid, alive(pid), netns(), node_ports()))
    p.Run("ns", ["VN"])
    if vn()["runtime"]["state"] != "running" or len(node_ports()) != 2:
        bad.append("Run again: %s %s" % (vn()["runtime"], node_ports()))
    if VM and not poll(lambda: "guest: up" in open(vn()["runtime"]["console"]).read(), 60):
        bad.append("the guest never said it was up after Run again")
    return "STOPRUN OK" if not bad else "STOPRUN BAD: " + "; ".join(bad)


def delete():
    p = proxy()
    bad = []
    rt = vn()["runtime"]
    p.DeleteSlice("ns")
    if alive(rt.get("pid", 0)):
        bad.append("process %d left" % rt["pid"])
    if netns() or node_ports() or gwc("slice.list")["slices"]:
        bad.append("left: netns %s ports %s slices %s" % (netns(), node_ports(),
                                                          gwc("slice.list")["slices"]))
    left = os.listdir(os.path.join(E2E, "nsl")) if os.path.isdir(os.path.join(E2E, "nsl")) else []
    if left:
        bad.append("run directories left %s" % left)
    return "DELETE OK" if not bad else "DELETE BAD: " + "; ".join(bad)


def bad_images():
    p = proxy()
    bad = []
    cases = [("nosuch.tar", "", "HTTP 404"),
             ("big.tar", "", "larger than 32 MiB"),
             ("notimage.tar", "", "not a root file system tar archive"),
             ("fwd.tar", "0" * 64, "not bootImage_sha256"),
             ("fwd.tar", SHA, "/nosuch")]
    for image, sha, want in cases:
        cmd = "/nosuch" if want == "/nosuch" else "/bin/sh /fwd.sh"
        p.CreateSlice("bad", spec(image, sha, cmd))
        code, msg = fault(p.Run, "bad")
        v = vn("bad")
        if code != 7 or want not in msg:
            bad.append("%s: Run gave %d %s" % (image, code, msg))
        elif v["state"] != "created" or not v["runtime"]["state"].startswith("failed: "):
            bad.append("%s: Status %s %s" % (image, v["state"], v["runtime"]))
        if netns() or node_ports() or gwc("slice.list")["slices"]:
            bad.append("%s: left netns %s ports %s" % (image, netns(), node_ports()))
        p.DeleteSlice("bad")
    return "BAD IMAGES OK" if not bad else "BAD IMAGES BAD: " + "; ".join(bad)


def bad_vm():
    p = proxy()
    bad = []
    p.CreateSlice("bad", spec(kernel="nosuch"))
    code, msg = fault(p.Run, "bad")
    v = vn("bad")
    if code != 7 or "HTTP 404" not in msg:
        bad.append("Run gave %d %s" % (code, msg))
    elif v["state"] != "created" or not v["runtime"]["state"].startswith("failed: "):
        bad.append("Status %s %s" % (v["state"], v["runtime"]))
    if netns() or node_ports() or gwc("slice.list")["slices"]:
        bad.append("left: netns %s ports %s" % (netns(), node_ports()))
    p.DeleteSlice("bad")
    return "BAD VM OK" if not bad else "BAD VM BAD: " + "; ".join(bad)


def fig4():
    """Seed 001 Figure 4 exactly as printed: VN5 boots its bootImage from the image server."""
    p = proxy()
    bad = []
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
    p.CreateSlice("fig4", open(os.path.join(root, "etc", "specs", "seed001-fig4.xml")).read())
    p.Run("fig4", ["VN5"])
    v = [s for s in p.Status("fig4")["slivers"] if s["name"] == "VN5"][0]
    rt = v["runtime"]
    if v["state"] != "executed" or rt["state"] != "running" or \
            v["node_plan"]["image"] != "http://127.0.0.1:18751/bootImage.img":
        bad.append("VN5 %s %s %s" % (v["state"], rt, v["node_plan"]))
    elif not poll(lambda: "guest: up" in open(rt["console"]).read(), 120):
        bad.append("VN5's disk did not boot the guest")
    # cpumode=dedicated: pinned to cores no gw-core worker runs on, and held
    workers = set(c for w in gwc("status")["workers"] for c in w["cpus"])
    cpus = rt.get("cpus", "")
    if not cpus or any(int(c) in workers for c in cpus.replace("-", ",").split(",")):
        bad.append("VN5's dedicated cores %r (gw-core's workers on %s)" % (cpus, workers))
    affinity = open("/proc/%d/status" % rt.get("pid", 0)).read().split("Cpus_allowed_list:")[1]
    if affinity.split()[0] != cpus:
        bad.append("QEMU may run on CPUs %s, not %s" % (affinity.split()[0], cpus))
    if len(os.sched_getaffinity(0)) - len(workers) <= 1:   # none left for a second one
        p.CreateSlice("ded2", spec(cpumode="dedicated").replace("L1", "M1").replace(
            "L2", "M2").replace('value="10"', 'value="11"').replace('value="200"', 'value="201"'))
        code, msg = fault(p.Run, "ded2", ["VN"])
        if code != 7 or "dedicated cores" not in msg or "0 are free" not in msg:
            bad.append("a second dedicated VM: %d %s" % (code, msg))
        p.DeleteSlice("ded2")
    pid = rt.get("pid", 0)
    p.DeleteSlice("fig4")
    if alive(pid) or node_ports():
        bad.append("left: pid %d, ports %s" % (pid, node_ports()))
    return "FIG4 OK VN5 booted its disk" if not bad else "FIG4 BAD: " + "; ".join(bad)


def restart_backoff():
    """With [nsliver] restart = yes, restart_max = 2: a container killed behind the manager's
    back runs again (1 s, then 2 s later); the third time it is left failed."""
    p = proxy()
    bad = []
    p.CreateSlice("ns", spec())
    p.Run("ns")
    pids = [vn()["runtime"]["pid"]]
    for k in (1, 2):
        os.kill(pids[-1], 9)
        seen = {}

        def again():   # one Status reading: running, with a pid not seen before
            seen["rt"] = vn()["runtime"]
            return seen["rt"].get("state") == "running" and seen["rt"].get("pid") not in pids

        if not poll(again, 20):
            bad.append("not restarted after kill %d: %s" % (k, seen.get("rt")))
            break
        pids.append(seen["rt"]["pid"])
    if not bad:
        os.kill(pids[-1], 9)
        if not poll(lambda: vn()["state"] == "created" and "not restarted: 2 restarts in a row"
                    in vn()["runtime"]["state"], 20):
            bad.append("after the third kill: %s %s" % (vn()["state"], vn()["runtime"]))
        time.sleep(3)   # longer than the next back-off would be: it stays down
        if vn()["state"] != "created" or netns() or node_ports():
            bad.append("restarted past restart_max: %s" % vn()["runtime"])
    p.DeleteSlice("ns")
    return "RESTART BACKOFF OK pids %s" % pids if not bad else \
        "RESTART BACKOFF BAD: " + "; ".join(bad)


TESTPMD = ("/bin/sh -c 'mount -t sysfs sys /sys; exec /bin/dpdk-testpmd -l 0-1 --no-huge "
           "-m 256 --no-pci --no-shconf -d /lib/librte_mempool_ring.so -d /lib/librte_net_virtio.so "
           "--vdev net_virtio_user0,path=/run/agw/in.sock "
           "--vdev net_virtio_user1,path=/run/agw/out.sock -- --forward-mode=io "
           "--nb-cores=1 --total-num-mbufs=8192 --auto-start --stats-period 1'")


def dpdk():
    """A Container with attach=vhost-user: dpdk-testpmd io between virtio-user ports on
    the node's sockets (/run/agw/in.sock, out.sock), no kernel interface in between. It
    bridges, so the terminal and the server meet in 10.3.0.0/24 (TTL 64)."""
    p = proxy()
    bad = []
    for h, a in (("term", "10.3.0.1/24 dev t0"), ("srv", "10.3.0.2/24 dev v0")):
        subprocess.run(["ip", "-n", "agwe2e-" + h, "addr", "replace"] + a.split(),
                       capture_output=True)
    p.CreateSlice("dp", spec("dpdk.tar", "", TESTPMD, attach="vhost-user").replace(
        'name="L1"', 'name="D1"').replace('name="L2"', 'name="D2"').replace(
        'slivername="L1"', 'slivername="D1"').replace('slivername="L2"', 'slivername="D2"'))
    try:
        return dpdk_run(p, bad)
    finally:   # the later checks reuse its VIDs
        try:
            p.DeleteSlice("dp")
        except xmlrpc.client.Fault:
            pass


def dpdk_run(p, bad):
    p.Run("dp")
    v = vn("dp")
    rt = v["runtime"]
    socks = sorted(x.get("socket", "") for x in rt.get("vports", []))
    if v["state"] != "executed" or rt.get("state") != "running" or \
            socks != ["/run/agw/in.sock", "/run/agw/out.sock"]:
        bad.append("VN %s %s" % (v["state"], rt))
    ports = {q["name"]: q for q in gwc("status")["ports"]}
    mine = [x["gwcore_port"] for x in rt.get("vports", [])]
    if any(not ports.get(x, {}).get("link_up") for x in mine) or \
            any(not ports.get(x, {}).get("dev", "").startswith("net_vhost") for x in mine):
        bad.append("gw-core ports %s" % [ports.get(x) for x in mine])
    out = subprocess.run(["ip", "netns", "exec", "agwe2e-term", "ping", "-c", "5", "-W", "2",
                          "10.3.0.2"], capture_output=True, text=True).stdout
    if " 5 received" not in out or "ttl=64" not in out:
        bad.append("ping through testpmd: %s" % out.splitlines()[-2:])
    after = {q["name"]: q for q in gwc("status")["ports"]}
    if any(after[x]["rx_pkts"] < 5 or after[x]["tx_pkts"] < 5 for x in mine):
        bad.append("node ports' counters %s" % [(x, after[x]["rx_pkts"], after[x]["tx_pkts"])
                                                for x in mine])
    pid = rt.get("pid", 0)
    p.DeleteSlice("dp")
    if alive(pid) or node_ports():
        bad.append("left: pid %d alive %s, ports %s" % (pid, alive(pid), node_ports()))
    return "DPDK OK testpmd %d" % pid if not bad else "DPDK BAD: " + "; ".join(bad)


def demo():
    """make demo: a node sliver booted in a slice and traffic crossing it, one line a step."""
    p = proxy()
    kind = "SlowPath_VM (QEMU)" if VM else "Container"
    p.CreateSlice("demo", spec())
    print("SNC -> AGW  CreateSlice demo: terminal (VID 10) - L1 - VN (%s) - L2 - server "
          "(VID 200)" % kind, flush=True)
    t = time.time()
    p.Run("demo")
    rt = vn("demo")["runtime"]
    print("SNC -> AGW  Run demo: answered in %.1f s: VN %s, pid %s%s, vports %s" % (
        time.time() - t, rt["state"], rt.get("pid"), ", accel " + rt["accel"] if VM else "",
        ", ".join("%s=%s (gw-core port %s)" % (
            v["vport"], v.get("interface") or v.get("socket") or "vhost-user NIC " + v["mac"],
            v["gwcore_port"]) for v in rt.get("vports", []))), flush=True)
    word = "guest: up" if VM else "fwd: routing"
    poll(lambda: word in open(rt["console"]).read(), 60)
    print("VN console: " + [l for l in open(rt["console"]).read().splitlines() if word in l][0],
          flush=True)
    # this node sliver's MACs are new to the terminal and the server (a node's MACs come
    # from its slice, node and vport names): forget the checks' node, then one ping for ARP
    for h in ("term", "srv"):
        subprocess.run(["ip", "-n", "agwe2e-" + h, "neigh", "flush", "all"], capture_output=True)
    subprocess.run(["ip", "netns", "exec", "agwe2e-term", "ping", "-q", "-c", "1", "-W", "2",
                    "10.2.0.2"], capture_output=True)
    out = subprocess.run(["ip", "netns", "exec", "agwe2e-term", "ping", "-c", "10", "-i", "0.05",
                          "-W", "2", "10.2.0.2"], capture_output=True, text=True).stdout
    ttl = sorted(set(l.split("ttl=")[1].split()[0] for l in out.splitlines() if "ttl=" in l))
    print("terminal 10.1.0.1 ping server 10.2.0.2 through VN: %s, TTL %s (one router: VN)" % (
        [l for l in out.splitlines() if "received" in l][0], ",".join(ttl)), flush=True)
    ports = {q["name"]: q for q in gwc("status")["ports"]}
    print("gw-core node ports: " + ", ".join(
        "%s %s rx %d tx %d" % (v["gwcore_port"], "up" if ports[v["gwcore_port"]]["link_up"]
                               else "down", ports[v["gwcore_port"]]["rx_pkts"],
                               ports[v["gwcore_port"]]["tx_pkts"]) for v in rt["vports"]),
          flush=True)
    p.DeleteSlice("demo")
    return "SNC -> AGW  DeleteSlice demo: VN pid %s %s; gw-core ports %s, slices %s" % (
        rt["pid"], "still running" if alive(rt["pid"]) else "gone", node_ports(),
        [x["name"] for x in gwc("slice.list")["slices"]])


def main():
    cmds = {"run": run, "pid": lambda: vn()["runtime"].get("pid", "none"),
            "runtime": lambda: json.dumps(vn()["runtime"]), "gone": gone,
            "stop-run": stop_run, "delete": delete, "bad": bad_images, "bad-vm": bad_vm,
            "demo": demo, "fig4": fig4, "dpdk": dpdk, "restart-backoff": restart_backoff}
    print(cmds[sys.argv[1]](*sys.argv[2:]))


if __name__ == "__main__":
    main()
