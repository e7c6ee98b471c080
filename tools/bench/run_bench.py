#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""gw-core data-plane benchmark (make bench). Not a test: it prints figures.

For each case (VID rewrite, GRE encap, GRE decap, trailer classify + strip + VLAN push,
ESP decrypt and encrypt with AES-128-GCM) and frame size (64 B, 1372 B on
the wire, FCS included) it builds a pcap with scapy, replays it from memory with
net_pcap (infinite_rx=1) into net_null with one worker lcore, and reads gw-core's
counters over the control socket. In the same run, dpdk-testpmd --forward-mode=io
on the same pcap gives the ceiling. Prints Mpps, Gbps (frame bytes incl. FCS),
cycles per packet (worker TSC / packets) and the ratio to the ceiling.

Usage: run_bench.py BUILD_DIR [SECONDS]
Environment: BENCH_CASES=vid-rewrite,gre-encap  BENCH_SIZES=64 to run a subset;
BENCH_REPEAT=N (default 3) rounds of gw-core, io and macswap per row (medians; the VM's
run-to-run noise is 10-20 %); BENCH_CEILINGS=0 skips the testpmd ceilings (gw-core's own figures only, for quick
comparisons while tuning; no ratio is printed then); BENCH_HUGE=1 runs gw-core, testpmd
and the ipsec-secgw peer on 2 MiB hugepages (512 must be free) instead of 4 KiB pages;
BENCH_BASELINE=DIR (a build directory of another commit, e.g. from
'git worktree add /tmp/base HEAD~1 && make -C /tmp/base') runs that build's gw-core
beside ours in every round on the same pcap (second in odd rounds, first in even ones: use
an even BENCH_REPEAT), and prints its rate and ours as a share of it (an A/B in one run,
rounds interleaved). BENCH_SCALE=0 skips the scaling table (BENCH_CASES=scale runs only it).
BENCH_PEERS=ovs adds Open vSwitch 3.1 with DPDK (Debian's
openvswitch-switch-dpdk, installed when missing; tools/bench/ovs_peer.py) on the VLAN and
GRE rows: same pcap, one PMD core, in every round, its output checked once per row; with
the ceilings, testpmd macswap's rate over OVS's in the same round is printed as the bound
on gw-core's ratio (no forwarder that reads and writes the frame beats macswap).
The ESP rows run, in every round after gw-core, DPDK's ipsec-secgw (the peer) and the ESP
floor (tools/bench/esp_floor.c: rte_ipsec with CPU crypto on the peer's pcap and nothing
else, its output checked once per row); the floor's rate over the peer's bounds gw-core's
ratio over the peer, and gw-core's cycles less the floor's are its own ESP cost. The
scaling table's ESP rows run the floor too, over as many SAs on the row's pcap: its rate
over gw-core's 1-SA rate bounds the row's "rate % of the first". BENCH_ESP_SHUFFLED=1 adds
a row of 10,000 SAs whose packets come in a shuffled order, not the order the SAs were made
(which the core's prefetchers follow), with the floor run twice on it: as on the other
rows, and prefetching each packet's SA as gw-core does (esp_floor -p), the fair bound there.
"""
import hashlib, hmac, json, os, random, re, signal, socket, struct, subprocess, sys, tempfile, time

from scapy.all import Ether, Dot1Q, IP, UDP, GRE, Raw, rdpcap, wrpcap
from scapy.layers.ipsec import ESP, SecurityAssociation

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovs_peer  # noqa: E402 - tools/bench/ovs_peer.py, beside this file

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
SECS = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
DST, NH = "02:00:00:00:00:02", "02:00:00:00:00:99"
CASES = [  # name, targets (64 B, 1372 B) as fractions of the ceiling
    ("vid-rewrite", 0.70, 0.90),
    # the same, leaving through a policed endpoint whose contract (400 Gbit/s) every frame
    # meets: the policing stage's cost is this row's cycles minus vid-rewrite's (issue 22:
    # at most 15 cycles a frame); no target
    ("vid-rewrite-policed", 0.0, 0.0),
    # the same through the port's scheduler (shape_rate 400 Gbit/s on a 400 Gbit/s port,
    # never binding): the shaping stage's cost (issue 22: at most 60 cycles); no target
    ("vid-rewrite-shaped", 0.0, 0.0),
    # rate accuracy: vid-rewrite's frames replayed into an endpoint shaped or policed to
    # 1 or 10 Gbit/s (the port at 40 Gbit/s): what leaves, in the slice's L2 bytes (the
    # frame less FCS and tag), against the contract (issue 22: within +-2 %)
    ("shape-1g", 0.0, 0.0),
    ("shape-10g", 0.0, 0.0),
    ("police-1g", 0.0, 0.0),
    ("police-10g", 0.0, 0.0),
    ("gre-encap", 0.60, 0.90),
    ("gre-decap", 0.60, 0.90),
    ("trailer", 0.60, 0.90),   # docs/trailer.md: classify + strip + VLAN push (no tag)
    ("trailer-auth", 0.0, 0.0),  # the same with an 8-byte tag checked (HMAC-SHA-256); no target
    # ESP, AES-128-GCM-16, tunnel mode (issue: >= 25 Gbps per lcore at 1372 B, no ratio)
    ("esp-decrypt", 0.0, 0.0),   # ESP in from a terminal -> VLAN 20 into the slice
    ("esp-encrypt", 0.0, 0.0),   # VLAN 10 from the slice, to the router MAC -> ESP out
    # a node sliver in the path (issue 20): VLAN 10 -> slice A -> vhost-user -> dpdk-testpmd
    # io on two virtio-user ports -> vhost-user -> slice B -> VLAN 20; targets: >= 5 Gbps at
    # 1372 B and >= 40 % of vid-rewrite's rate (printed under the row)
    ("nsliver-fwd", 0.0, 0.0),
]
NSL_GBPS, NSL_SHARE = 5.0, 0.40
ESP_GBPS = 25.0                  # the per-lcore target at 1372 B, clear frame
ESP_PEER_TARGET = 1.2            # issue 24: gw-core's ESP rate over ipsec-secgw's
ESP_KEY = bytes(range(0x10, 0x20)) + bytes.fromhex("cafebabe")   # AES-128 key + 4-byte salt
AGW_IP, TERM_IP, TERM_VIP = "198.51.100.1", "198.51.100.2", "10.1.0.200"
ROUTER = "02:00:00:00:0a:0a"     # [ipsec] router_mac: the AGW's MAC inside the slice
TRL_KEY = bytes(range(1, 33))
SIZES = [64, 1372]
CEILINGS = os.environ.get("BENCH_CEILINGS", "1") != "0"
HUGE = os.environ.get("BENCH_HUGE", "0") != "0"
# the EAL memory of testpmd and the peer (gw-core's is its config's 'huge'): hugepages,
# whose files are unlinked at exit, or 4 KiB pages
MEM_ARGS = ["--huge-unlink"] if HUGE else ["--no-huge", "-m", "1024"]
FLOWS = 64
CONTRACT = {"shape-1g": 10**9, "shape-10g": 10**10, "police-1g": 10**9, "police-10g": 10**10}
REPEAT = max(1, int(os.environ.get("BENCH_REPEAT", "3")))
BASELINE = os.path.abspath(os.environ["BENCH_BASELINE"]) if os.environ.get("BENCH_BASELINE") else None
PEERS = set(os.environ.get("BENCH_PEERS", "").split(",")) - {""}
OVS_TARGET = {64: 2.5, 1372: 2.0}   # issue 24: gw-core's rate as a multiple of OVS-DPDK's


def inner(size, i, tagged_len):
    """An Ethernet frame of 'size' bytes on the wire (FCS included) once tagged/encapsulated."""
    src = "02:00:00:00:%02x:%02x" % (i >> 8, i & 0xff)
    hdr = Ether(dst=DST, src=src) / IP(src="203.0.113.%d" % (i % 250 + 1), dst="203.0.113.254") / \
        UDP(sport=1024 + i, dport=9)
    pad = max(0, size - 4 - tagged_len - len(hdr))
    return hdr / Raw(b"\x00" * pad)


def frames(case, size):
    out = []
    for i in range(FLOWS):
        if case.startswith("vid-rewrite") or case in CONTRACT or case == "nsliver-fwd":
            f = inner(size, i, 4)
            out.append(Ether(dst=f.dst, src=f.src) / Dot1Q(vlan=10) / f.payload)
        elif case == "trailer":     # untagged IPv4 + a 16-byte trailer in (terminal 7, app 42)
            f = inner(size, i, 16)
            # the trailer ends the UDP payload; scapy computes the lengths and checksums
            f[Raw].load = f[Raw].load + struct.pack(">IIBBHI", 42, 7, 0, 1, 16, 0x41475754)
            out.append(f)
        elif case == "trailer-auth":  # the same with AUTH: a 24-byte trailer, tag by hmac
            f = inner(size, i, 24)
            body = struct.pack(">IIBBHI", 42, 7, 1, 1, 24, 0x41475754)
            ip = f[IP]
            msg = socket.inet_aton(ip.src) + socket.inet_aton(ip.dst) + \
                struct.pack(">BBHHH", 17, 0, ip[UDP].sport, ip[UDP].dport, 0) + body
            tag = hmac.new(TRL_KEY, msg, hashlib.sha256).digest()[:8]
            f[Raw].load = f[Raw].load + tag + body
            out.append(f)
        elif case == "esp-decrypt":  # 'size' is the clear frame gw-core puts on VLAN 20
            f = inner(size, i, 4)
            f[IP].src, f[IP].dst = TERM_VIP, "203.0.113.%d" % (i % 250 + 1)
            sa = bench_sa(0x1001, TERM_IP, AGW_IP)
            out.append(Ether(dst="02:00:00:00:0b:0b", src=NH) /
                       sa.encrypt(IP(bytes(f[IP])), seq_num=i + 1))
        elif case == "esp-encrypt":  # 'size' is the clear frame that comes in on VLAN 10
            f = inner(size, i, 4)
            f[IP].src, f[IP].dst = "203.0.113.%d" % (i % 250 + 1), TERM_VIP
            out.append(Ether(dst=ROUTER, src=f.src) / Dot1Q(vlan=10) / f.payload)
        elif case == "gre-encap":   # VLAN 10 in; the GRE frame out is 42 bytes longer
            f = inner(size, i, 4)
            out.append(Ether(dst=f.dst, src=f.src) / Dot1Q(vlan=10) / f.payload)
        else:                       # GRE in: 'size' is the outer frame
            f = inner(size, i, 42)
            out.append(Ether(dst="02:00:00:00:0b:0b", src=NH) /
                       IP(src="198.51.100.2", dst="198.51.100.1", flags="DF", ttl=64) /
                       GRE(key_present=1, key=7001, proto=0x6558) / f)
    return out


def conf(case, pcap, sock, prefix):
    ip = f"ipv4 = {AGW_IP}/24\ntap = none\nneighbour {TERM_IP} = {NH}\n"
    out_ip = ip if case in ("gre-encap", "esp-encrypt") else ""
    in_ip = ip if case in ("gre-decap", "esp-decrypt") else ""
    if case == "esp-decrypt":   # the ipsec endpoint comes over the control socket
        eps = ["out = vlan port=out vid=20"]
    elif case == "esp-encrypt":
        eps = ["in = vlan port=in vid=10"]
    elif case == "vid-rewrite":
        eps = ["in = vlan port=in vid=10", "out = vlan port=out vid=20"]
    elif case == "nsliver-fwd":   # the node sliver's endpoints come with its ports (NslFwd)
        eps = []
    elif case == "vid-rewrite-policed":
        eps = ["in = vlan port=in vid=10",
               "out = vlan port=out vid=20 police_rate=400000000000"]
    elif case == "vid-rewrite-shaped":
        eps = ["in = vlan port=in vid=10",
               "out = vlan port=out vid=20 shape_rate=400000000000"]
    elif case in CONTRACT:
        eps = ["in = vlan port=in vid=10", "out = vlan port=out vid=20 %s_rate=%d" % (
            case.split("-")[0], CONTRACT[case])]
    elif case.startswith("trailer"):
        eps = ["in = trailer port=in app=42 terminal=7", "out = vlan port=out vid=20"]
    elif case == "gre-encap":
        eps = ["in = vlan port=in vid=10",
               "out = gre port=out remote=198.51.100.2 key=7001 nexthop_mac=%s" % NH]
    else:
        eps = ["in = gre port=in remote=198.51.100.2 key=7001 nexthop_mac=%s" % NH,
               "out = vlan port=out vid=20"]
    ep_lines = "".join("endpoint %s\n" % x for x in eps)
    out_rate = {"vid-rewrite-shaped": "rate = 400G\n", "shape-1g": "rate = 40G\n",
                "shape-10g": "rate = 40G\n"}.get(case, "")
    mac_line = f"mac {DST} = out\n" if any(x.startswith("out ") for x in eps) else ""
    slices = f"[slice bench]\n{ep_lines}{mac_line}"
    if case == "nsliver-fwd":   # two slices with the node sliver between them: NslFwd's
        slices = ""
    return f"""[eal]
lcores = 0-1
huge = {"yes" if HUGE else "no"}
memory_mb = 1024
file_prefix = {prefix}
[gw-core]
control_socket = {sock}
[ipsec]
router_mac = {ROUTER}
[pool]
mbufs = 32767
[port in]
dev = net_pcap0,rx_pcap={pcap},infinite_rx=1
{in_ip}[port out]
dev = net_null0,no-rx=1
mtu = 1600
{out_rate}{out_ip}{slices}"""


def stop(p, sig):
    """Ask process 'p' to stop with 'sig'; kill it if it is still there after 10 s."""
    p.send_signal(sig)
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()


class Ctl:
    """One connection to gw-core's control socket (docs/control-socket.md): what a
    client adds is owned by its name, so the endpoint and its SAs go on one connection."""

    def __init__(self, sock, client=None):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(sock)
        self.buf = b""
        if client:
            self("hello", {"client": client})

    def __call__(self, op, args=None):
        self.s.sendall(json.dumps({"op": op, "args": args or {}}).encode() + b"\n")
        while b"\n" not in self.buf:
            b = self.s.recv(1 << 20)
            if not b:
                raise RuntimeError(f"gw-core closed the control socket during {op}")
            self.buf += b
        line, self.buf = self.buf.split(b"\n", 1)
        r = json.loads(line)
        if not r.get("ok"):
            raise RuntimeError(f"{op}: {r.get('error')}")
        return r["result"]

    def close(self):
        self.s.close()


def ctl(sock, op, args=None):
    c = Ctl(sock)
    try:
        return c(op, args)
    finally:
        c.close()


def wait_ready(what, proc, ready, log, secs):
    """Poll ready() every 0.1 s until it is true. If 'proc' exits first, or 'secs' pass,
    raise naming 'what' (what did not happen), how it ended and the end of its log, the
    file 'log'."""
    deadline = time.time() + secs
    while not ready():
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError("%s (%s); the end of %s:\n%s" % (
                what, "it exited, status %d" % proc.returncode if proc.poll() is not None
                else "not in %d s" % secs, log, open(log).read()[-3000:]))
        time.sleep(0.1)


def bench_sa(spi, src, dst):
    """The bench's AES-128-GCM SA of 'spi', tunnel 'src' to 'dst' (scapy), as gw-core,
    ipsec-secgw and the ESP floor are given it."""
    return SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=ESP_KEY,
                               tunnel_header=IP(src=src, dst=dst))


def esp_setup(case, sock):
    """The terminal's ipsec endpoint and its one SA, as the IKE plugin would add them.
    The inbound SA has no replay window: the pcap repeats its sequence numbers."""
    c = Ctl(sock, "bench-ike")
    dec = case == "esp-decrypt"
    c("endpoint.add", {"slice": "bench", "name": "term", "type": "ipsec",
                       "port": "in" if dec else "out", "ts_remote": TERM_VIP + "/32",
                       "gateway_mac": DST})
    sa = {"slice": "bench", "endpoint": "term", "alg": "aes-gcm-16", "key": ESP_KEY.hex()}
    if dec:
        sa.update(spi=0x1001, dir="in", src=TERM_IP, dst=AGW_IP, replay_window=0)
    else:
        sa.update(spi=0x2002, dir="out", src=AGW_IP, dst=TERM_IP)
    c("sa.add", sa)
    return c


class NslFwd:
    """The node sliver of 'nsliver-fwd': two vhost-user ports added to the running gw-core
    (port.add, as the manager does for a VM), dpdk-testpmd io on two virtio-user ports
    connected to them (the DPDK forwarder a developer would run; a process here, not
    inside a container sliver), and once both links are up slices A (VLAN 10 in, the
    node's first port) and B (its second port, VLAN 20 out). Its testpmd runs on CPU 0, beside gw-core's control thread,
    so that gw-core's worker keeps CPU 1 to itself."""

    def __init__(self, tmp, sock):
        self.c = Ctl(sock, "bench-nsl")
        socks = [os.path.join(tmp, "vn%d.sock" % i) for i in (0, 1)]
        for i, path in enumerate(socks):
            self.c("port.add", {"name": "vn%d" % i, "dev": "net_vhost_vn%d,iface=%s" % (i, path)})
        cmd = ["dpdk-testpmd", "--lcores", "0@0,1@0"] + MEM_ARGS + [
            "--no-pci", "--file-prefix", "agw-bench-vu",
            "--vdev", "net_virtio_user0,path=%s" % socks[0],
            "--vdev", "net_virtio_user1,path=%s" % socks[1],
            "--", "--forward-mode=io",
            # --stats-period: testpmd loops printing its counters; without it, it waits
            # for stdin, finds /dev/null at its end and stops forwarding
            "--nb-cores=1", "--auto-start", "--stats-period", "1"]
        self.log = open(os.path.join(tmp, "testpmd-vu.log"), "w")
        self.p = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
        wait_ready("testpmd on virtio-user did not connect", self.p,
                   lambda: all(x["link_up"] for x in self.c("status")["ports"]
                               if x["name"] in ("vn0", "vn1")), self.log.name, 30)
        for sl, ext, port, vid, vn in (("A", "in", "in", 10, "vn0"), ("B", "out", "out", 20, "vn1")):
            self.c("slice.add", {"name": sl})
            self.c("endpoint.add", {"slice": sl, "name": ext, "type": "vlan", "port": port,
                                    "vid": vid})
            self.c("endpoint.add", {"slice": sl, "name": "vn", "type": "nsliver", "port": vn})
        # DST is static on the way out of each slice (one of the pcap's source MACs is
        # DST: learning must not move it back to 'in')
        self.c("mac.add", {"slice": "A", "mac": DST, "endpoint": "vn"})
        self.c("mac.add", {"slice": "B", "mac": DST, "endpoint": "out"})

    def close(self):
        stop(self.p, signal.SIGINT)
        self.log.close()
        self.c.close()


def run_gwcore(case, pcap, tmp, build=BUILD, cfg_text=None, warm=1.0, setup=None):
    """gw-core on 'pcap' with case's config (or 'cfg_text', a function of the control
    socket's path), 'warm' seconds before measuring: its out port's frames per second,
    the TSC rate, the drops while measuring and a note."""
    sock = os.path.join(tmp, "gwc.sock")
    cfg = os.path.join(tmp, "bench.conf")
    open(cfg, "w").write(conf(case, pcap, sock, "agw-bench") if cfg_text is None
                         else cfg_text(sock))
    # its log to a file: a pipe nobody reads fills (64 KiB) with a large config's lines,
    # and gw-core's control thread then blocks writing its log
    log = os.path.join(tmp, "gw-core.log")
    p = subprocess.Popen([os.path.join(build, "bin", "gw-core"), "-c", cfg],
                         stdout=open(log, "w"), stderr=subprocess.STDOUT, text=True)
    ike = None
    try:
        wait_ready("gw-core did not start", p, lambda: os.path.exists(sock), log, 120)
        if case == "trailer-auth":   # keys exist only on the control socket
            ctl(sock, "trailer.key.set", {"terminal": 7, "key": TRL_KEY.hex(), "required": "yes"})
        if setup is not None:
            ike = setup(sock)
        elif case.startswith("esp"):
            ike = esp_setup(case, sock)
        elif case == "nsliver-fwd":
            ike = NslFwd(tmp, sock)
        time.sleep(warm)   # warm-up: learning, MAC tables growing, caches
        d0 = ctl(sock, "stats")["drops"]
        s0, t0 = ctl(sock, "status"), time.time()
        time.sleep(SECS)
        s1, t1 = ctl(sock, "status"), time.time()
        d1 = ctl(sock, "stats")["drops"]
        drops = {k: d1[k] - d0.get(k, 0) for k in d1 if d1[k] - d0.get(k, 0)}   # while measuring
        note = ""
        if isinstance(ike, NslFwd):
            ike.close()
            ike = None
        if ike is not None:   # the SA must have done the work, without refusals
            sa = ike("sa.list", {"slice": "bench"})["sas"][0]
            note = "SA 0x%x (%s, %s): %d packets in all, refused: %s" % (
                sa["spi"] if isinstance(sa["spi"], int) else int(sa["spi"], 0), sa["dir"],
                sa["alg"], sa["packets"], ", ".join(
                    "%s %d" % (k, sa[k]) for k in ("replay", "auth", "malformed", "selector")
                    if sa.get(k)) or "none")
            ike.close()
        # what left: every port but 'in' and a node sliver's (frames to it come back)
        out0 = sum(x["tx_pkts"] for x in s0["ports"][1:] if not x.get("owner"))
        out1 = sum(x["tx_pkts"] for x in s1["ports"][1:] if not x.get("owner"))
        return (out1 - out0) / (t1 - t0), s1["tsc_hz"], drops, note
    finally:
        stop(p, signal.SIGTERM)


# DPDK's ipsec-secgw sample as the ESP peer (tools/bench/secgw-build.sh): the same SA, key
# and selectors as gw-core's, port 0 the pcap, port 1 net_null; decrypt: port 0 is the
# unprotected side; encrypt: port 1 is. Synchronous CPU crypto, as gw-core does it.
SECGW_CFG = """sp ipv4 in esp protect 4097 pri 1 src {vip}/32 dst 203.0.113.0/24 sport 0:65535 dport 0:65535
sp ipv4 out esp protect 8194 pri 1 src 203.0.113.0/24 dst {vip}/32 sport 0:65535 dport 0:65535
sa in 4097 aead_algo aes-128-gcm aead_key {key} mode ipv4-tunnel src {term} dst {agw} type cpu-crypto
sa out 8194 aead_algo aes-128-gcm aead_key {key} mode ipv4-tunnel src {agw} dst {term} type cpu-crypto
rt ipv4 dst 203.0.113.0/24 port 1
rt ipv4 dst {term}/32 port 1
neigh port 1 {nh}
"""


def peer_frames(case, size):
    """The peer's input: gw-core's, but untagged for encrypt (ipsec-secgw has no VLANs)."""
    out = frames(case, size)
    if case == "esp-encrypt":
        out = [Ether(dst=f.dst, src=f.src) / f[Dot1Q].payload for f in out]
    return out


def secgw_build():
    """The peer's binary and the DPDK source version it came from, or (None, reason)."""
    out = os.path.join(BUILD, "secgw")
    r = subprocess.run([os.path.join(os.path.dirname(os.path.abspath(__file__)), "secgw-build.sh"),
                        out], stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "build failed"
    return os.path.join(out, "ipsec-secgw"), open(os.path.join(out, "version")).read().strip()


class Telemetry:
    """DPDK's telemetry socket of the process started with --file-prefix 'prefix'."""

    def __init__(self, prefix, deadline):
        path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        self.s.recv(1 << 16)   # the greeting: version, pid, max_output_len

    def __call__(self, cmd):
        self.s.send(cmd.encode())
        return json.loads(self.s.recv(1 << 20))

    def close(self):
        self.s.close()


def esp_eal(prefix, pcap, out_dev="net_null0,no-rx=1"):
    """The EAL arguments of the ESP peer and the ESP floor, the same for both: lcore 1,
    port 0 the pcap (infinite_rx), port 1 'out_dev', the aesni_mb cryptodev."""
    return ["-l", "1"] + MEM_ARGS + ["--no-pci", "--file-prefix", prefix,
            "--vdev", f"net_pcap0,rx_pcap={pcap},infinite_rx=1", "--vdev", out_dev,
            "--vdev", "crypto_aesni_mb0"]


def run_secgw(binary, case, pcap, tmp):
    """ipsec-secgw on one lcore: its packets out of port 1 (net_null) per second."""
    cfg = os.path.join(tmp, "secgw.cfg")
    open(cfg, "w").write(SECGW_CFG.format(
        vip=TERM_VIP, term=TERM_IP, agw=AGW_IP, nh=NH if case == "esp-encrypt" else DST,
        key=":".join("%02x" % b for b in ESP_KEY)))
    prefix = "agw-bench-sg"
    cmd = [binary] + esp_eal(prefix, pcap) + ["--", "-p", "0x3", "-P",
           "-u", "0x1" if case == "esp-decrypt" else "0x2", "-l",
           "--config", "(0,0,1),(1,0,1)", "-f", cfg]
    log = open(os.path.join(tmp, "secgw.log"), "w+")
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    tel = None
    try:
        try:
            tel = Telemetry(prefix, time.time() + 30)
        except OSError:
            log.seek(0)
            raise RuntimeError("ipsec-secgw did not start:\n" + log.read()[-2000:])
        opk = lambda: tel("/ethdev/stats,1")["/ethdev/stats"]["opackets"]
        time.sleep(1.0)
        n0, t0 = opk(), time.time()
        time.sleep(SECS)
        n1, t1 = opk(), time.time()
        return (n1 - n0) / (t1 - t0)
    finally:
        if tel is not None:
            tel.close()
        stop(p, signal.SIGTERM)
        log.close()


def run_testpmd(pcap, mode="io", mbufs=32768, small=False):
    """testpmd on 'pcap': port 1's Tx-pps (median of the seconds after the ramp-up).
    'small': mbufs of 384 bytes in 3 GB, for pcaps of a million frames and more (the
    pcap is held in mbufs, one a frame)."""
    mem = MEM_ARGS if not small or HUGE else ["--no-huge", "-m", "3072"]
    cmd = ["dpdk-testpmd", "-l", "0-1"] + mem + ["--no-pci",
           "--file-prefix", "agw-bench-tp", "--vdev", f"net_pcap0,rx_pcap={pcap},infinite_rx=1",
           "--vdev", "net_null0,no-rx=1", "--", "--forward-mode=" + mode, "--nb-cores=1",
           "--total-num-mbufs=%d" % mbufs, "--stats-period", "1", "--auto-start"] + \
        (["--mbuf-size=384"] if small else [])
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         stdin=subprocess.DEVNULL)
    rates, port = [], None
    deadline = time.time() + SECS + (40 if small else 4)   # loading a big pcap takes a while
    try:
        for line in p.stdout:
            m = re.search(r"statistics for port (\d+)", line)
            if m:
                port = int(m.group(1))
            m = re.search(r"Tx-pps:\s+(\d+)", line)
            if m and port == 1:
                rates.append(int(m.group(1)))
                if small and len(rates) >= SECS + 3:
                    break
            if time.time() > deadline:
                break
    finally:
        stop(p, signal.SIGINT)
    rates = sorted(rates[2:]) or sorted(rates)   # skip the ramp-up seconds
    if not rates:
        raise RuntimeError("testpmd printed no Tx-pps for port 1")
    return rates[len(rates) // 2]


PEER = {}


def peer_pcap(case, size, tmp):
    """The ipsec-secgw peer's pcap for a row (built once), or None when the peer cannot be
    built (PEER["version"] then says why)."""
    if "bin" not in PEER:
        PEER["bin"], PEER["version"] = secgw_build()
    if PEER["bin"] is None:
        return None
    pcap = os.path.join(tmp, f"{case}-{size}-peer.pcap")
    if not os.path.exists(pcap):
        wrpcap(pcap, peer_frames(case, size))
    return pcap


def peer_note(gw, peer):
    """The line under an ESP row: the peer's rate and gw-core's over it, round by round
    ('gw' and 'peer': the rounds' rates, the peer run right after gw-core in each)."""
    if PEER.get("bin") is None:
        return "\n  peer ipsec-secgw: NOT MEASURED: " + PEER.get("version", "not run")
    r = [g / p for g, p in zip(gw, peer) if p]
    return "\n  peer ipsec-secgw (DPDK %s, one lcore, cpu-crypto): %.2f Mpps; gw-core %.2fx it %s " \
        "(target >= %.1fx)%s" % (PEER["version"], median(peer) / 1e6, median(r), spread(r),
                                  ESP_PEER_TARGET,
                                  "" if median(r) >= ESP_PEER_TARGET else "  (below target)")


# The ESP floor (tools/bench/esp_floor.c): rte_ipsec with CPU crypto on one SA, between
# the same pcap and net_null on the same core, and nothing else a gateway does. Its rate
# over ipsec-secgw's is the most any gateway built on these libraries can show over the
# peer on this machine, as macswap bounds the OVS rows.
def floor_cmd(case, pcap, out_dev, secs, count=None, sas=None, prefetch=False):
    """'sas': the scaling rows' inbound SAs (SPIs SCALE_SPI on, scale_esp_setup()) instead
    of the peer's one; 'prefetch': each packet's SA prefetched (esp_floor -p)."""
    dec = case == "esp-decrypt"
    spi = "0x%x:%d" % (SCALE_SPI, sas) if sas else "0x1001" if dec else "0x2002"
    return [os.path.join(BUILD, "bench", "esp_floor")] + \
        esp_eal("agw-bench-fl", pcap, out_dev) + ["--"] + (["-p"] if prefetch else []) + [
        "dec" if dec else "enc", ESP_KEY.hex(),
        spi, TERM_IP if dec else AGW_IP, AGW_IP if dec else TERM_IP,
        str(secs)] + ([str(count)] if count else [])


def floor_built():
    return os.access(os.path.join(BUILD, "bench", "esp_floor"), os.X_OK)


def run_floor(case, pcap, sas=None, prefetch=False):
    """The ESP floor's packets out per second on the peer's pcap 'pcap' (or, with 'sas',
    a scaling row's; 'prefetch' as floor_cmd())."""
    r = subprocess.run(floor_cmd(case, pcap, "net_null0,no-rx=1", SECS, sas=sas,
                                 prefetch=prefetch),
                       capture_output=True, text=True, timeout=SECS + 60)
    fig = dict(ln.split() for ln in r.stdout.splitlines() if len(ln.split()) == 2)
    if r.returncode != 0 or "pps" not in fig:
        raise RuntimeError("esp_floor failed: " + (r.stderr.strip()[-500:] or r.stdout))
    if int(fig["failed"]) != 0:
        raise RuntimeError("esp_floor: rte_ipsec refused %s packets of the %s pcap"
                           % (fig["failed"], "scaling row's" if sas else "peer's"))
    return float(fig["pps"])


def check_floor(case, pcap, tmp, sas=None, prefetch=False):
    """Once per row: the floor's first frames (at most 256) written to a pcap and opened
    with scapy; decrypt: each is the inner packet of the input's ESP frame (of its SA by
    SPI, with 'sas' and 'prefetch' as run_floor()); encrypt: each decrypts (its SA, SPI
    0x2002) to the input's IP packet. Returns the line for the row's note."""
    sent = rdpcap(pcap, count=256)
    n = len(sent)
    out = os.path.join(tmp, "floor-out.pcap")
    r = subprocess.run(floor_cmd(case, pcap, f"net_pcap1,tx_pcap={out}", 10, n, sas=sas,
                                 prefetch=prefetch),
                       capture_output=True, text=True, timeout=70)
    if r.returncode != 0:
        raise RuntimeError("esp_floor check failed: " + r.stderr.strip()[-500:])
    got = rdpcap(out)
    if len(got) != n:
        raise RuntimeError("esp_floor check: %d of %d frames out" % (len(got), n))
    if case == "esp-decrypt":
        ok = all(bytes(g[IP]) == bytes(bench_sa(s[ESP].spi, TERM_IP, AGW_IP).decrypt(s[IP]))
                 for g, s in zip(got, sent))
    else:
        sa = bench_sa(0x2002, AGW_IP, TERM_IP)
        ok = all(bytes(sa.decrypt(g[IP])) == bytes(s[IP]) for g, s in zip(got, sent))
    if not ok:
        raise RuntimeError("esp_floor check: its output is not the input's %s" %
                           ("clear packets" if case == "esp-decrypt" else "packets, encrypted"))
    return "ESP floor output checked: %d of %d frames %s" % (
        n, n, "the inner packets" if case == "esp-decrypt" else "decrypt to the input")


def floor_note(gw, peer, fl, hz, above, case, size):
    """The floor's line under an ESP row: its rate, its ratio over ipsec-secgw (the
    bound), gw-core's own cycles above it; a row whose bound is under the target goes
    to 'above'."""
    if not fl:
        return "\n  ESP floor: NOT MEASURED (%s)" % (
            "make %s" % os.path.join(BUILD, "bench", "esp_floor") if not floor_built()
            else "no peer to compare with")
    b = [f / p for f, p in zip(fl, peer) if p]
    own = [hz / g - hz / f for g, f in zip(gw, fl) if g and f]
    line = "\n  ESP floor (rte_ipsec + CPU crypto alone, tools/bench/esp_floor.c): %.2f Mpps, " \
        "%.0f cycles/pkt;\n    floor %.2fx ipsec-secgw %s: the bound on that ratio here; " \
        "gw-core's own cycles over the floor: %.0f" % (
            median(fl) / 1e6, hz / median(fl), median(b), spread(b), median(own))
    if median(b) < ESP_PEER_TARGET:
        above.append("%s %d B: target %.1fx ipsec-secgw, the floor %.2fx" % (
            case, size, ESP_PEER_TARGET, median(b)))
    return line


def hugepages_free():
    """Free 2 MiB pages, 0 when hugetlbfs is not mounted (ppm's test, ppm_eal.c)."""
    if not any(" hugetlbfs " in l for l in open("/proc/mounts")):
        return 0
    for l in open("/proc/meminfo"):
        if l.startswith("HugePages_Free:"):
            return int(l.split()[1])
    return 0


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


def spread(xs):
    """'(lo-hi %)' of a row's per-round ratios, or '' with one round."""
    return "" if len(xs) < 2 else "(%.0f-%.0f)" % (100 * min(xs), 100 * max(xs))

# ---------------------------------------------------------------- scaling (issue 24)
# gw-core's own cycles per frame (gw-core's minus testpmd io's on the same pcap) as what
# it holds grows: VID rewrite over 1 to 4094 slices (one input port carries 4094 VIDs),
# GRE decap over 1 to 16384 slices (their VLANs out over 5 ports), and VID rewrite with
# 10 to 100,000 source MACs learned in one slice. 64-byte frames, frame i to slice
# i mod N. Target: at most 1.5x the first row's own cycles.
SCALE = [("vid-rewrite", "slices", [1, 100, 1000, 4094]),
         ("gre-decap", "slices", [1, 100, 1000, 16384]),
         # 16,384 slices held, the frames to SCALE_BUSY of them: what the slices held cost
         # when the traffic is not spread over all of them (against 1 slice's row)
         ("gre-decap", "held", [16384]),
         ("vid-rewrite", "MACs", [10, 10000, 100000, 1000000]),
         ("esp-decrypt", "SAs", [1, 1000, 10000])] + \
        ([("esp-decrypt", "shuffled", [10000])]
         if os.environ.get("BENCH_ESP_SHUFFLED", "0") != "0" else []) + \
        [("trailer", "flows", [1000, 100000, 1000000])]
TRL_MACS = 1000      # terminals (source MACs) behind the trailer rows' flows
SCALE_BIG = 300000   # pcaps of more frames: mbufs of 384 bytes (the pcap is held in mbufs)
SCALE_OUT_PORTS = 5   # 16384 slices: 4094 VIDs a port
SCALE_BUSY = 64       # the "held" row's slices with traffic, spread over those held


def pcap_write(path, frames_):
    """A pcap (LINKTYPE_ETHERNET) of the byte strings 'frames_', written directly: scapy
    takes minutes for 100,000 frames."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for b in frames_:
            f.write(struct.pack("<IIII", 0, 0, len(b), len(b)))
            f.write(b)


def ip_csum(ip):
    """The 20-byte IPv4 header 'ip' with its checksum (RFC 791) filled in."""
    ip = bytes(ip[:10]) + b"\x00\x00" + bytes(ip[12:20])
    s = sum(struct.unpack(">10H", ip))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return ip[:10] + struct.pack(">H", ~s & 0xffff) + ip[12:]


def ip_udp(i, length):
    """An IPv4 + UDP header of a datagram of 'length' bytes (IPv4 header included)."""
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, length, 0, 0x4000, 64, 17, 0,
                     socket.inet_aton("203.0.113.%d" % (i % 250 + 1)),
                     socket.inet_aton("203.0.113.254"))
    return ip_csum(ip) + struct.pack(">HHHH", 1024 + i % 60000, 9, length - 20, 0)


def mac(n, top=2):
    return bytes([top, (n >> 32) & 0xff, (n >> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff,
                  n & 0xff])


def esp_vip(k):
    """The inner address of terminal 'k' of an ESP scaling row."""
    return "10.%d.%d.%d" % (1 + k // 62500, (k // 250) % 250, k % 250 + 1)


SCALE_SPI = 0x10000   # the ESP scaling rows' first SPI


def scale_esp_setup(n):
    """'n' terminals, each an ipsec endpoint (its /32) and its inbound SA (SPI SCALE_SPI +
    terminal), as the IKE plugin would add them; no replay window (the pcap repeats)."""
    def setup(sock):
        c = Ctl(sock, "bench-ike")
        for k in range(n):
            c("endpoint.add", {"slice": "bench", "name": "t%d" % k, "type": "ipsec",
                               "port": "in", "ts_remote": esp_vip(k) + "/32",
                               "gateway_mac": DST})
            c("sa.add", {"slice": "bench", "endpoint": "t%d" % k, "alg": "aes-gcm-16",
                         "key": ESP_KEY.hex(), "spi": SCALE_SPI + k, "dir": "in",
                         "src": TERM_IP, "dst": AGW_IP, "replay_window": 0})
        return c
    return setup


def scale_frames(case, what, n):
    """64-byte frames (60 captured, FCS left out): 'n' slices, 'n' source MACs or, for
    ESP, the clear frame of 64 bytes from terminal i mod 'n' in its SA."""
    dst = bytes.fromhex(DST.replace(":", ""))
    out = []
    if case == "trailer":
        # each flow's first packet with its trailer (terminal 7, app 42), then each flow's
        # next without one: half the frames classified by the flow table, half learn it.
        # The flows come from TRL_MACS terminals' MACs in every row, so that the rows
        # differ in flows alone (a MAC per flow thrashed the slice's MAC table, whose
        # scaling has rows of its own).
        for tagged in (True, False):
            for i in range(n):
                body = b"\x00\x00" + (struct.pack(">IIBBHI", 42, 7, 0, 1, 16, 0x41475754)
                                       if tagged else b"")
                ip = bytearray(ip_udp(i, 28 + len(body)))
                ip[12:16] = socket.inet_aton("10.%d.%d.%d" % (i >> 16, (i >> 8) & 0xff,
                                                              i & 0xff))
                f = dst + mac(i % TRL_MACS) + b"\x08\x00" + ip_csum(ip) + bytes(ip[20:]) + body
                out.append(f + b"\x00" * (60 - len(f)))
        return out
    if case == "esp-decrypt":
        sas = [bench_sa(SCALE_SPI + k, TERM_IP, AGW_IP) for k in range(n)]
        for i in range(max(64, n)):
            f = inner(64, i, 4)
            f[IP].src, f[IP].dst = esp_vip(i % n), "203.0.113.%d" % (i % 250 + 1)
            out.append(bytes(Ether(dst="02:00:00:00:0b:0b", src=NH) /
                             sas[i % n].encrypt(IP(bytes(f[IP])), seq_num=i // n + 1)))
        if what == "shuffled":   # one fixed order, the same in every run
            random.Random(24).shuffle(out)
        return out
    for i in range(max(64, n)):
        if case == "vid-rewrite":
            vid = (i % n) + 1 if what == "slices" else 10
            hdr = dst + mac(i % n if what == "MACs" else i) + struct.pack(">HHH", 0x8100, vid,
                                                                          0x0800)
        else:   # GRE in, key 10000 + slice; the inner frame fills the rest of the 60 bytes
            if what == "held":   # slice k * (n / SCALE_BUSY), one source MAC each
                k = i % SCALE_BUSY
                gre = struct.pack(">HHI", 0x2000, 0x6558, 10000 + k * (n // SCALE_BUSY))
                inner_ = dst + mac(k) + struct.pack(">H", 0x0800)
            else:
                gre = struct.pack(">HHI", 0x2000, 0x6558, 10000 + i % n)
                inner_ = dst + mac(i) + struct.pack(">H", 0x0800)
            inner_ += b"\x00" * (60 - 14 - 20 - len(gre) - len(inner_))
            ip = ip_csum(struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(gre) + len(inner_), 0,
                                     0x4000, 64, 47, 0, socket.inet_aton("198.51.100.2"),
                                     socket.inet_aton(AGW_IP)))
            out.append(bytes.fromhex("020000000b0b") + bytes.fromhex(NH.replace(":", "")) +
                       struct.pack(">H", 0x0800) + ip + gre + inner_)
            continue
        rest = 60 - len(hdr)
        out.append(hdr + ip_udp(i, rest)[: min(28, rest)] + b"\x00" * max(0, rest - 28))
    return out


def scale_conf(case, what, n, pcap, n_frames):
    """gw-core's config for a scaling row: 'n' slices (or one slice and room for 'n' MACs)."""
    mac_size = 4096 if what in ("slices", "held", "flows") else max(4096, 1 << (4 * n - 1).bit_length())
    flows = max(65536, 1 << (4 * n - 1).bit_length()) if what == "flows" else 65536
    ports = "".join("[port out%d]\ndev = net_null%d,no-rx=1\nmtu = 1600\n" % (k, k)
                    for k in range(SCALE_OUT_PORTS))
    slices = []
    for k in range(n if what in ("slices", "held") else 1):
        vid = (k % 4094) + 1 if what in ("slices", "held") else 10
        out = "vlan port=out%d vid=%d" % (k // 4094, vid)
        if case == "trailer":
            inn = "trailer port=in app=42 terminal=7"
        elif case == "vid-rewrite":
            inn = "vlan port=in vid=%d" % vid
        else:
            inn = "gre port=in remote=198.51.100.2 key=%d nexthop_mac=%s" % (10000 + k, NH)
        slices.append("[slice s%d]\nendpoint in = %s\nendpoint out = %s\nmac %s = out\n" % (
            k, inn, out, DST))
    ip = f"ipv4 = {AGW_IP}/24\ntap = none\n" if case == "gre-decap" else ""
    return lambda sock: f"""[eal]
lcores = 0-1
huge = {"yes" if HUGE else "no"}
memory_mb = {3072 if n_frames > SCALE_BIG else 2048}
file_prefix = agw-bench
[gw-core]
control_socket = {sock}
mac_table_size = {mac_size}
trailer_flows = {flows}
[pool]
mbufs = {max(32767, 2 * n_frames + 16383) if n_frames <= SCALE_BIG else n_frames + 65535}
{"data_room = 384" if n_frames > SCALE_BIG else ""}
[port in]
dev = net_pcap0,rx_pcap={pcap},infinite_rx=1
{ip}{ports}{"".join(slices)}"""


def scale_table(tmp):
    rows = []
    # (what, SAs) -> (the ESP floor's rate on the row's pcap, its output check's line, and
    # on the shuffled row the prefetching floor's rate)
    esp_fl = {}
    for case, what, ns in SCALE:
        for n in ns:
            pcap = os.path.join(tmp, "scale-%s-%s-%d.pcap" % (case, what, n))
            fr = scale_frames(case, what, n)
            pcap_write(pcap, fr)
            nf = len(fr)
            del fr   # a million frames are 200 MB of Python objects
            print(f"bench: scaling {case} {n} {what}: gw-core ...", file=sys.stderr, flush=True)
            if case == "esp-decrypt":
                pps, hz, drops, _ = run_gwcore(case, pcap, tmp, setup=scale_esp_setup(n),
                                               warm=3.0)
                if floor_built():
                    print(f"bench: scaling {case} {n} {what}: ESP floor ...", file=sys.stderr,
                          flush=True)
                    shuf = what == "shuffled"
                    esp_fl[(what, n)] = (run_floor(case, pcap, sas=n),
                                         check_floor(case, pcap, tmp, sas=n, prefetch=shuf),
                                         run_floor(case, pcap, sas=n, prefetch=True)
                                         if shuf else 0)
            else:   # a large MAC table grows in steps of 4x, 100 ms apart at least
                pps, hz, drops, _ = run_gwcore(case, pcap, tmp, cfg_text=scale_conf(
                    case, what, n, pcap, nf), warm=3.0 if nf <= SCALE_BIG else 8.0)
            io = 0
            if CEILINGS:
                print(f"bench: scaling {case} {n} {what}: testpmd io ...", file=sys.stderr,
                      flush=True)
                io = run_testpmd(pcap, mbufs=max(32768, nf + 32768), small=nf > SCALE_BIG)
            rows.append((case, what, n, pps, hz, io, drops))
    print()
    print("Scaling: gw-core's own cycles per 64-byte frame (its cycles minus testpmd io's on the same")
    print("pcap, same run) as slices, MACs, SAs or flows grow; frames spread over them. Target: at most")
    print("1.5x the first row of each group; ESP decrypt: its rate at least 90 % of one SA's (the frame")
    print("is the clear 64 bytes put on the slice's VLAN); trailer: at least 80 % of 1,000 flows' rate")
    print("(half the frames carry a trailer, half are classified by the flow table). Pcaps of more")
    print("than %d frames are held in 384-byte mbufs. 'held': that many slices configured, the" % SCALE_BIG)
    print("frames to %d of them (spread over the table; against the 1-slice row)." % SCALE_BUSY)
    hdr = "%-12s %16s %8s %8s %8s %8s %8s" % ("case", "held", "Mpps", "cyc/pkt", "io cyc",
                                              "own cyc", "own/1st")
    print(hdr)
    print("-" * len(hdr))
    first = {}
    for case, what, n, pps, hz, io, drops in rows:
        cyc = hz / pps if pps else 0
        io_cyc = hz / io if io else 0
        own = cyc - io_cyc if io else 0
        key = (case, {"held": "slices", "shuffled": "SAs"}.get(what, what))
        first.setdefault(key, own)
        rel = own / first[key] if first[key] else 0
        if case in ("esp-decrypt", "trailer"):   # the target is a rate against the first row's
            firstp = first.setdefault((case, "pps"), pps)
            floor = 0.9 if case == "esp-decrypt" else 0.8
            print("%-12s %9d %-6s %8.2f %8.0f %8.0f %8.0f %7.2fx  rate %.0f %% of the first%s" % (
                case, n, what, pps / 1e6, cyc, io_cyc, own, rel, 100 * pps / firstp,
                "  (below %.0f %%)" % (100 * floor) if pps < floor * firstp else ""))
            if case == "esp-decrypt" and (what, n) in esp_fl and firstp:
                fl, chk, fl_pf = esp_fl[(what, n)]
                print("  ESP floor over %d SA%s (rte_ipsec + CPU crypto alone): %.2f Mpps, %.0f %% of"
                      " gw-core's first row:\n    the most that rate can be here%s; %s" % (
                          n, "s" if n > 1 else "", fl / 1e6, 100 * fl / firstp,
                          " (below the target's %.0f %%)" % (100 * floor)
                          if fl < floor * firstp else "", chk))
                if fl_pf:
                    # shuffled, the core's prefetchers cannot guess the next SA: the floor
                    # that prefetches it, as gw-core does, is the bound that means something
                    print("  the same floor prefetching each packet's SA (esp_floor -p): %.2f Mpps,"
                          " the bound with this order;\n    gw-core's share below is of this"
                          " one" % (fl_pf / 1e6))
                    fl = fl_pf
                if n > 1 and esp_fl.get(("SAs", 1), (0,))[0] and fl:
                    # gw-core's share of the floor over n SAs against its share over one
                    # (the restated target, docs/benchmarks.md): what many SAs cost
                    # gw-core beyond what they cost the libraries
                    s1, sn = firstp / esp_fl[("SAs", 1)][0], pps / fl
                    print("  gw-core keeps %.0f %% of the floor over %d SAs, %.0f %% over 1 SA: "
                          "%.2f of its 1-SA share (restated target >= 0.80)%s" % (
                              100 * sn, n, 100 * s1, sn / s1,
                              "  (below)" if round(sn / s1, 2) < 0.8 else ""))
            continue
        print("%-12s %9d %-6s %8.2f %8.0f %8.0f %8.0f %7.2fx%s" % (
            case, n, what, pps / 1e6, cyc, io_cyc, own, rel,
            "  (above 1.5x)" if rel > 1.5 else ""))
        if drops:
            print("  drops while measuring: %s" % drops)
        if what == "held" and io and own:   # the same pcap with every slice busy
            busy = [r_ for r_ in rows if r_[0] == case and r_[1] == "slices" and r_[2] == n]
            if busy and busy[0][3] and busy[0][5]:
                b_own = busy[0][4] / busy[0][3] - busy[0][4] / busy[0][5]
                print("  %d slices all busy against %d of them (the same pcap and frames): "
                      "%.2fx own cycles" % (n, SCALE_BUSY, b_own / own))
    mem_floor(first.get(("vid-rewrite", "MACs")))


def mem_floor(first_own):
    """What a random cache line costs here (tools/bench/mem_probe.c), the floor under the
    rows whose state no longer fits in the cache; 'first_own': the MAC rows' first own
    cycles. (The ESP rows have a measured floor of their own: esp_floor over as many
    SAs.)"""
    probe = os.path.join(BUILD, "bench", "mem_probe")
    if not os.access(probe, os.X_OK):
        print("memory probe: NOT MEASURED (%s is not built: make %s)" % (probe, probe))
        return
    fig = {}
    for mib in (8, 64):
        out = subprocess.run([probe, str(mib)], capture_output=True, text=True, check=True)
        fig[mib] = {k: float(v) for k, v in (ln.split() for ln in out.stdout.splitlines())}
    print()
    print("This machine (4 KiB pages, TSC cycles): a random 64-byte line read with prefetching")
    print("costs %.0f cycles from 8 MiB (in the L3) and %.0f from 64 MiB (beyond it); one whose"
          % (fig[8]["independent"], fig[64]["independent"]))
    print("address comes from the line before (a dependent look-up), %.0f and %.0f. A row whose"
          % (fig[8]["chained"], fig[64]["chained"]))
    print("frames each touch k lines of state beyond the cache costs at least k x %.0f cycles"
          % fig[64]["independent"])
    if first_own:
        print("more than its first row: a million MACs (a 64 MiB table, a source and a destination")
        print("bucket a frame) at least %.0f more, where 1.5x of the first row allows %.0f."
              % (2 * fig[64]["independent"], 0.5 * first_own))


def main():
    if BASELINE and not os.access(os.path.join(BASELINE, "bin", "gw-core"), os.X_OK):
        sys.exit("bench: BENCH_BASELINE=%s has no bin/gw-core: build that tree first "
                 "(make -C its checkout)" % BASELINE)
    if HUGE and hugepages_free() < 512:
        sys.exit("bench: BENCH_HUGE=1 needs 512 free hugepages (1 GiB) and hugetlbfs mounted: "
                 "echo 1024 > /proc/sys/vm/nr_hugepages; mount -t hugetlbfs nodev /dev/hugepages")
    only = os.environ.get("BENCH_CASES", "").split(",") if os.environ.get("BENCH_CASES") else None
    sizes = [int(x) for x in os.environ["BENCH_SIZES"].split(",")] if os.environ.get("BENCH_SIZES") else SIZES
    rows, ovs_above, esp_above = [], [], []
    with tempfile.TemporaryDirectory(prefix="agw-bench.") as tmp:
        for case, t64, t1372 in CASES:
            if only and case not in only:
                continue
            for size in sizes:
                pcap = os.path.join(tmp, f"{case}-{size}.pcap")
                wrpcap(pcap, frames(case, size))
                # Rounds of gw-core, io and macswap back to back: each ratio is taken
                # within one round, so that the VM's drift between rounds cancels out.
                gw, io, ms, base, drops, note, hz = [], [], [], [], {}, "", 0
                sg, sg_pcap = [], peer_pcap(case, size, tmp) if case.startswith("esp") else None
                ovs, ovs_note = [], ""
                fl, fl_on = [], sg_pcap is not None and floor_built()
                if fl_on:
                    print(f"bench: {case} {size} B: ESP floor output check ...", file=sys.stderr,
                          flush=True)
                    fl_note = check_floor(case, sg_pcap, tmp)
                if "ovs" in PEERS and case in ovs_peer.CASES:
                    print(f"bench: {case} {size} B: OVS-DPDK output check ...", file=sys.stderr,
                          flush=True)
                    ovs_note = ovs_peer.check_ovs(case, pcap, tmp) + "\n  "
                for r in range(REPEAT):
                    rn = " (round %d/%d)" % (r + 1, REPEAT) if REPEAT > 1 else ""
                    # A/B: the two builds take turns going first (the second run of a
                    # pair measured about 3 % faster with the same binary on both sides)
                    if BASELINE and r % 2 == 1:
                        print(f"bench: {case} {size} B{rn}: baseline gw-core ...", file=sys.stderr,
                              flush=True)
                        base.append(run_gwcore(case, pcap, tmp, BASELINE)[0])
                    print(f"bench: {case} {size} B{rn}: gw-core ...", file=sys.stderr, flush=True)
                    pps, hz, d, note = run_gwcore(case, pcap, tmp)
                    gw.append(pps)
                    if BASELINE and r % 2 == 0:
                        print(f"bench: {case} {size} B{rn}: baseline gw-core ...", file=sys.stderr,
                              flush=True)
                        base.append(run_gwcore(case, pcap, tmp, BASELINE)[0])
                    for k, v in d.items():
                        drops[k] = drops.get(k, 0) + v
                    if sg_pcap is not None:   # the peer right after gw-core, every round
                        print(f"bench: {case} {size} B{rn}: ipsec-secgw ...", file=sys.stderr,
                              flush=True)
                        sg.append(run_secgw(PEER["bin"], case, sg_pcap, tmp))
                    if fl_on:
                        print(f"bench: {case} {size} B{rn}: ESP floor ...", file=sys.stderr,
                              flush=True)
                        fl.append(run_floor(case, sg_pcap))
                    if "ovs" in PEERS and case in ovs_peer.CASES:
                        print(f"bench: {case} {size} B{rn}: OVS-DPDK ...", file=sys.stderr,
                              flush=True)
                        ovs.append(ovs_peer.run_ovs(case, pcap, tmp, SECS))
                    if CEILINGS:
                        print(f"bench: {case} {size} B{rn}: testpmd io ...", file=sys.stderr, flush=True)
                        io.append(run_testpmd(pcap))
                        print(f"bench: {case} {size} B{rn}: testpmd macswap ...", file=sys.stderr, flush=True)
                        ms.append(run_testpmd(pcap, "macswap"))
                target = t64 if size == 64 else t1372
                if case.startswith("esp"):
                    note += peer_note(gw, sg)
                    if sg_pcap is not None:
                        note += floor_note(gw, sg, fl, hz, esp_above, case, size)
                        if fl_on:
                            note += "\n    " + fl_note
                if ovs:
                    o_tgt = OVS_TARGET.get(size, 2.0)
                    r_ovs = [g / o[0] for g, o in zip(gw, ovs) if o[0]]
                    note += ovs_note + ("OVS-DPDK 3.1, 1 PMD: %.2f Mpps, %.0f cycles/pkt; gw-core %.2fx it %s "
                             "(target >= %.1fx)%s" % (
                                 median([o[0] for o in ovs]) / 1e6,
                                 median([o[1] for o in ovs]), median(r_ovs), spread(r_ovs),
                                 o_tgt,
                                 "" if median(r_ovs) >= o_tgt else
                                 "  (below target)"))
                    # testpmd macswap over OVS, round by round: the most that gw-core (or
                    # any forwarder that reads and writes the frame) can be over OVS here
                    m_ovs = [m / o[0] for m, o in zip(ms, ovs) if o[0]]
                    if m_ovs:
                        note += "\n  testpmd macswap %.2fx OVS-DPDK %s: the bound on that ratio here" % (
                            median(m_ovs), spread(m_ovs))
                        if median(m_ovs) < o_tgt:
                            ovs_above.append("%s %d B: target %.1fx OVS-DPDK, macswap %.2fx" % (
                                case, size, o_tgt, median(m_ovs)))
                if case in CONTRACT:
                    bps = median(gw) * (size - 8) * 8   # the slice's L2 frame: no FCS, no tag
                    note += "contract %g Gbit/s: %.4f Gbit/s of the slice's L2 frames left, " \
                            "%+.2f %% (target +-2 %%)%s" % (
                                CONTRACT[case] / 1e9, bps / 1e9,
                                100 * (bps / CONTRACT[case] - 1),
                                "" if bps > 0.9 * CONTRACT[case] else
                                ": below the contract, the input is slower than it")
                if case == "nsliver-fwd":
                    plain = [r_[2] for r_ in rows if r_[0] == "vid-rewrite" and r_[1] == size]
                    share = median(gw) / median(plain[0]) if plain else 0
                    gbps_ = median(gw) * size * 8 / 1e9
                    note += ("through a node sliver (vhost-user, testpmd io on virtio-user, on "
                             "CPU 0): %.2f Gbps%s, %s of vid-rewrite's rate in this run "
                             "(target >= %.0f %%)%s" % (
                                 gbps_, " (target >= %.0f Gbps)" % NSL_GBPS if size == 1372
                                 else "", "%.0f %%" % (100 * share) if plain else
                                 "n/a (vid-rewrite not run)", 100 * NSL_SHARE,
                                 "  (below target)" if (plain and share < NSL_SHARE) or
                                 (size == 1372 and gbps_ < NSL_GBPS) else ""))
                rows.append((case, size, gw, hz, io, ms, target, drops, note, base))
        if os.environ.get("BENCH_SCALE", "1") != "0" and (only is None or "scale" in only):
            scale_table(tmp)
    if not rows:
        return
    print()
    print("gw-core, 1 worker lcore, net_pcap (infinite_rx) -> net_null; ceilings: dpdk-testpmd io and macswap,")
    print("same pcap, same run. %d round(s) of the three per row: rates are medians, a ratio is the median" % REPEAT)
    print("of the rounds' ratios (lowest-highest in brackets).")
    hdr = "%-12s %6s %8s %8s %8s %11s %13s %7s %12s %6s" % (
        "case", "frame", "Mpps", "Gbps", "cyc/pkt", "io ceiling", "ratio", "target",
        "macswap Mpps", "ratio")
    print(hdr)
    print("-" * len(hdr))
    above = []
    for case, size, gw, hz, io, ms, target, drops, note, base in rows:
        pps = median(gw)
        r_io = [g / c for g, c in zip(gw, io) if c]
        r_ms = [g / c for g, c in zip(gw, ms) if c]
        ratio, gbps = median(r_io) if r_io else 0, pps * size * 8 / 1e9
        if case.startswith("esp"):   # the target is a rate, not a share of the ceiling
            tcol = "%4.0fG" % ESP_GBPS if size == 1372 else "-"
            miss = size == 1372 and gbps < ESP_GBPS
        else:
            tcol, miss = "%4.0f%%" % (100 * target), CEILINGS and ratio < target
            # macswap as a share of io: what a forwarder that reads the frame can reach
            touch = median([m / c for m, c in zip(ms, io) if c]) if io else 0
            if CEILINGS and target and touch < target:
                above.append("%s %d B: target %.0f %%, macswap %.0f %% of io" % (
                    case, size, 100 * target, 100 * touch))
        # without the ceilings (BENCH_CEILINGS=0) their columns say "-", not 0
        io_s = ("%11.2f %5.0f%% %-7s" % (median(io) / 1e6, 100 * ratio, spread(r_io))
                if r_io else "%11s %13s" % ("-", "-"))
        ms_s = "%12.2f %5.0f%%" % (median(ms) / 1e6, 100 * median(r_ms)) if r_ms else \
            "%12s %6s" % ("-", "-")
        print("%-12s %5dB %8.2f %8.2f %8.0f %s %7s %s%s" % (
            case, size, pps / 1e6, gbps, hz / pps if pps else 0, io_s, tcol, ms_s,
            "  (below target)" if miss else ""))
        if base:
            r_b = [g / b for g, b in zip(gw, base) if b]
            print("  baseline %s: %.2f Mpps (%.0f cycles/pkt); this build %.1f %% of it %s" % (
                BASELINE, median(base) / 1e6, hz / median(base) if median(base) else 0,
                100 * median(r_b), spread(r_b)))
        if note:
            print("  " + note)
        if drops:
            print("  drops while measuring: %s" % drops)
    if above:
        print("Targets above the macswap ceiling (no forwarder that reads the frame reaches them on this input):")
        for a in above:
            print("  " + a)
    if ovs_above:
        print("Ratios to OVS-DPDK above the macswap bound (testpmd macswap itself is less than the target")
        print("over OVS on this input and core, so no forwarder that reads the frame reaches them here):")
        for a in ovs_above:
            print("  " + a)
    if esp_above:
        print("Ratios to ipsec-secgw above the ESP floor (rte_ipsec and CPU crypto alone, with no gateway")
        print("logic, are less than the target over ipsec-secgw on this input and core, so no gateway built")
        print("on these libraries reaches them here):")
        for a in esp_above:
            print("  " + a)
    print("Gbps counts the frame on the wire with FCS (the 'frame' column); gre-decap's frame is the outer one,")
    print("an ESP case's the clear frame on the slice's VLAN (the ESP frame is 50 to 53 bytes longer: outer")
    print("IPv4 20, ESP header 8, IV 8, padding 0-3, pad length and next header 2, ICV 16, less the VLAN tag 4).")
    print("ESP: AES-128-GCM-16 on the cryptodev gw-core picked (see its log), tunnel mode, no NAT-T; the")
    print("target is the issue's 25 Gbps per lcore at 1372 B, and %.1fx the rate of the peer, DPDK's" % ESP_PEER_TARGET)
    print("ipsec-secgw sample built from Debian's source package (tools/bench/secgw-build.sh) on the same SA")
    print("and input (untagged for encrypt: it has no VLANs), measured from its port counters (telemetry),")
    print("run right after gw-core in every round (the ratio is the median of the rounds').")
    print("io never reads a packet byte; macswap reads and writes the Ethernet header, the cheapest")
    print("forwarding that touches the frame: the second ceiling for what a data plane must pay.")


if __name__ == "__main__":
    main()
