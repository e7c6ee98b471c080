# SPDX-License-Identifier: BSD-3-Clause
"""Open vSwitch with DPDK as make bench's peer (BENCH_PEERS=ovs; issue 24): the VLAN and
GRE cases on the same pcap, one PMD core, in the same run as gw-core.

OVS 3.1 from Debian (openvswitch-switch-dpdk, installed here when missing) runs from a
private directory without systemd: its own ovsdb-server and ovs-vswitchd-dpdk. Facts
established on this machine: OVS adds --in-memory to DPDK's arguments, which DPDK refuses
beside --no-huge, so the EAL arguments are given whole in dpdk-extra; the input port is
added last, after the flows and the tunnel's neighbour, or its first frames are lost to
failed upcalls; userspace GRE needs a second bridge holding the local IP (br-phy) and
tnl/neigh/set. The rate and cycles are read from dpif-netdev/pmd-stats-show (cleared
after a warm-up); one short run with the output port on a pcap file checks the first
frame OVS sends against what gw-core sends.
"""
import os
import re
import shutil
import signal
import subprocess
import time

VSWITCHD = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"
SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
CASES = ("vid-rewrite", "gre-encap", "gre-decap")
AGW_IP, REMOTE, NH, AGW_MAC = "198.51.100.1", "198.51.100.2", "02:00:00:00:00:99", "02:00:00:00:0b:0b"
NETNS = "agw-bench-ovs"   # OVS's bridges are kernel interfaces: kept off the host's network


def ensure_installed():
    """Install Debian's openvswitch-switch-dpdk when it is missing (root, Debian's archive)."""
    if os.access(VSWITCHD, os.X_OK):
        return
    print("bench: installing openvswitch-switch-dpdk (the OVS-DPDK peer) ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    r = subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends",
                        "openvswitch-switch-dpdk"], capture_output=True, text=True, env=env)
    if r.returncode != 0 or not os.access(VSWITCHD, os.X_OK):
        raise RuntimeError("apt-get install openvswitch-switch-dpdk failed: " + r.stderr[-300:])


def nsx(*cmd):
    return ["ip", "netns", "exec", NETNS] + list(cmd)


class Ovs:
    """One private ovsdb-server + ovs-vswitchd-dpdk in directory 'd', in network
    namespace NETNS (made anew, deleted by close())."""

    def __init__(self, d):
        self.d = d
        os.makedirs(d, exist_ok=True)
        subprocess.run(["ip", "netns", "del", NETNS], capture_output=True)
        subprocess.run(["ip", "netns", "add", NETNS], check=True)
        self.env = dict(os.environ, OVS_RUNDIR=d, OVS_LOGDIR=d, OVS_DBDIR=d)
        self.db = "unix:" + os.path.join(d, "db.sock")
        subprocess.run(["ovsdb-tool", "create", os.path.join(d, "conf.db"), SCHEMA], check=True,
                       env=self.env, capture_output=True)
        subprocess.run(nsx("ovsdb-server", "-vconsole:off", "--remote=punix:" + os.path.join(d, "db.sock"),
                        "--pidfile=" + os.path.join(d, "ovsdb-server.pid"), "--detach",
                        "--log-file=" + os.path.join(d, "ovsdb.log"), os.path.join(d, "conf.db")),
                       check=True, env=self.env)
        self.vsctl("--no-wait", "init")
        self.vsctl("--no-wait", "set", "Open_vSwitch", ".", "other_config:dpdk-init=true",
                   "other_config:dpdk-extra=--no-huge --legacy-mem -m 1024 "
                   "--file-prefix=agw-bench-ovs --no-pci",
                   "other_config:dpdk-lcore-mask=0x1", "other_config:pmd-cpu-mask=0x2")
        subprocess.run(nsx(VSWITCHD, self.db, "-vconsole:off",
                           "--pidfile=" + os.path.join(d, "ovs-vswitchd.pid"), "--detach",
                           "--log-file=" + os.path.join(d, "vswitchd.log")),
                       check=True, env=self.env)
        deadline = time.time() + 30
        while self.vsctl("get", "Open_vSwitch", ".", "dpdk_initialized").strip() != "true":
            if time.time() > deadline:
                raise RuntimeError("ovs-vswitchd did not initialise DPDK:\n" + self.log())
            time.sleep(0.2)   # poll interval of a bounded wait

    def log(self):
        try:
            return open(os.path.join(self.d, "vswitchd.log")).read()[-2000:]
        except OSError:
            return ""

    def vsctl(self, *args):
        return subprocess.run(["ovs-vsctl", "--db=" + self.db] + list(args), check=True,
                              env=self.env, capture_output=True, text=True).stdout

    def ofctl(self, *args):
        subprocess.run(["ovs-ofctl"] + list(args), check=True, env=self.env, capture_output=True)

    def appctl(self, *args):
        ctl = [f for f in os.listdir(self.d) if f.startswith("ovs-vswitchd") and f.endswith(".ctl")]
        return subprocess.run(["ovs-appctl", "-t", os.path.join(self.d, ctl[0])] + list(args),
                              check=True, env=self.env, capture_output=True, text=True).stdout

    def close(self):
        for name in ("ovs-vswitchd.pid", "ovsdb-server.pid"):
            try:
                pid = int(open(os.path.join(self.d, name)).read())
            except (OSError, ValueError):
                continue
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            for _ in range(100):   # bounded wait for it to go
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
            else:
                os.kill(pid, signal.SIGKILL)
        subprocess.run(["ip", "netns", "del", NETNS], capture_output=True)


def configure(o, case, pcap, out_dev):
    """Bridges, ports and flows for 'case'; the pcap input port last."""
    o.vsctl("add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=netdev")
    if case == "vid-rewrite":
        o.vsctl("add-port", "br0", "out", "--", "set", "Interface", "out", "type=dpdk",
                "options:dpdk-devargs=" + out_dev, "ofport_request=2")
        o.ofctl("del-flows", "br0")
        o.ofctl("add-flow", "br0", "in_port=1,dl_vlan=10,actions=mod_vlan_vid:20,output:2")
        in_br = "br0"
    else:
        # the underlay: br-phy holds the AGW's address and MAC and the physical port
        o.vsctl("add-br", "br-phy", "--", "set", "bridge", "br-phy", "datapath_type=netdev",
                "other_config:hwaddr=" + AGW_MAC)
        o.vsctl("add-port", "br-phy", "phy", "--", "set", "Interface", "phy", "type=dpdk",
                "options:dpdk-devargs=" + (out_dev if case == "gre-encap" else
                                           "net_null1,no-rx=1"), "ofport_request=2")
        o.vsctl("add-port", "br0", "gre0", "--", "set", "Interface", "gre0", "type=gre",
                "options:remote_ip=" + REMOTE, "options:key=7001", "ofport_request=3")
        subprocess.run(nsx("ip", "addr", "add", AGW_IP + "/24", "dev", "br-phy"), check=True)
        subprocess.run(nsx("ip", "link", "set", "br-phy", "up"), check=True)
        o.appctl("ovs/route/add", REMOTE + "/24", "br-phy")
        o.appctl("tnl/neigh/set", "br-phy", REMOTE, NH)
        o.ofctl("del-flows", "br0")
        if case == "gre-encap":
            o.ofctl("add-flow", "br0", "in_port=1,dl_vlan=10,actions=strip_vlan,output:3")
            in_br = "br0"
        else:
            o.vsctl("add-port", "br0", "out", "--", "set", "Interface", "out", "type=dpdk",
                    "options:dpdk-devargs=" + out_dev, "ofport_request=4")
            o.ofctl("add-flow", "br0", "in_port=3,tun_id=7001,actions=mod_vlan_vid:20,output:4")
            in_br = "br-phy"
    o.vsctl("add-port", in_br, "in", "--", "set", "Interface", "in", "type=dpdk",
            "options:dpdk-devargs=net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap, "ofport_request=1")


def fresh(tmp, name):
    """A new OVS (installed first if need be) in directory tmp/name, emptied."""
    ensure_installed()
    d = os.path.join(tmp, name)
    shutil.rmtree(d, ignore_errors=True)
    return Ovs(d)


def pmd_stats(o):
    out = o.appctl("dpif-netdev/pmd-stats-show")
    pmd = out.split("main thread:")[0]
    pkts = int(re.search(r"packets received: (\d+)", pmd).group(1))
    m = re.search(r"avg cycles per packet: ([\d.]+)", pmd)
    return pkts, float(m.group(1)) if m else 0.0


def run_ovs(case, pcap, tmp, secs):
    """OVS-DPDK on 'case' with 'pcap' for 'secs' s: (packets/s, cycles/packet)."""
    o = fresh(tmp, "ovs")
    try:
        configure(o, case, pcap, "net_null0,no-rx=1")
        time.sleep(1.0)   # warm-up: the first upcalls, the flow caches
        o.appctl("dpif-netdev/pmd-stats-clear")
        t0 = time.time()
        time.sleep(secs)
        pkts, cyc = pmd_stats(o)
        return pkts / (time.time() - t0), cyc
    finally:
        o.close()


def check_ovs(case, pcap, tmp):
    """One short run with the output on a pcap: the first frame of the case's kind that
    OVS sent, checked as gw-core's would be (tag 20 and the frame otherwise as it came
    in; GRE key 7001 to the remote's next hop around the untagged frame).
    @return a line saying what was checked; raises RuntimeError when it is wrong."""
    from scapy.all import GRE, IP, Dot1Q, Ether, rdpcap
    out = os.path.join(tmp, "ovs-out.pcap")
    o = fresh(tmp, "ovs-check")
    try:
        configure(o, case, pcap, "net_pcap1,tx_pcap=" + out)
        time.sleep(1.0)
    finally:
        o.close()
    sent, given = rdpcap(out, count=200), rdpcap(pcap)
    if case == "gre-encap":
        got = [p for p in sent if IP in p and p[IP].proto == 47]
    else:
        got = [p for p in sent if Dot1Q in p]
    if not got:
        raise RuntimeError("OVS %s: no frame of the case among the %d it sent" % (case, len(sent)))
    f = got[0]
    if case == "vid-rewrite":
        src = [p for p in given if p.src == f.src][0]
        ok = f[Dot1Q].vlan == 20 and bytes(f[Dot1Q].payload) == bytes(src[Dot1Q].payload)
    elif case == "gre-encap":
        inner = f[GRE].payload
        src = [p for p in given if p.src == inner.src][0]
        ok = (f.dst == NH and f[IP].dst == REMOTE and f[GRE].key == 7001 and
              bytes(inner)[:12] == bytes(src)[:12] and bytes(inner)[12:] == bytes(src)[16:])
    else:
        src = [p for p in given if p[GRE].payload.src == f.src][0]
        inner = src[GRE].payload
        ok = f[Dot1Q].vlan == 20 and bytes(f[Dot1Q].payload) == bytes(inner)[14:] and \
            f.dst == inner.dst
    if not ok:
        raise RuntimeError("OVS %s: its first frame is not what gw-core sends: %r" % (case, f))
    return "OVS's output checked: %s" % Ether(bytes(f)).summary()
