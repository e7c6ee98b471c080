#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Manager benchmark: XML-RPC CreateSlice+Run latency (p50, p99) and 1000 slices
created, run and deleted end to end, against a real gw-core (net_null ports) and a real
agw-manager, with Python's xmlrpc.client on one keep-alive connection.
Issue 3 targets: p50 < 20 ms; 1000 slices < 30 s. With PRESENT, that many slices are
created and run first and stay (issue 24: p50 < 5 ms with 10,000 present).
  mgr_bench.py BUILD_DIR [N_SLICES [PRESENT]]"""
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_bench import wait_ready  # noqa: E402 - beside this file

build = sys.argv[1] if len(sys.argv) > 1 else "build"
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
present = int(sys.argv[3]) if len(sys.argv) > 3 else 0
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
spec_t = open(os.path.join(root, "etc", "specs", "agw-vlan-gre.xml")).read()
# BENCH_MGR_CLIENT=c: the calls made by tools/bench/mgr_client.c (xmlrpc-c, libcurl)
# instead of Python's xmlrpc.client, whose own CPU is about a third of the total here.
CLIENT = os.environ.get("BENCH_MGR_CLIENT", "python")


def report(lat, t_up, total, client):
    p50, p99 = statistics.median(lat), lat[int(len(lat) * 0.99) - 1]
    print("manager (%s): CreateSlice+Run latency p50 %.2f ms, p99 %.2f ms with %d slices "
          "present (target p50 < 20 ms; < 5 ms with 10000 present)" % (client, p50, p99,
                                                                       present))
    print("manager (%s): %d slices created+run in %.1f s, all deleted after %.1f s total "
          "(target 1000 in < 3 s)" % (client, n, t_up, total))


d = tempfile.mkdtemp(prefix="agw-mgr-bench.")
procs = []
try:
    with open(os.path.join(d, "gwc.conf"), "w") as f:
        f.write("[eal]\nlcores = 0-1\nfile_prefix = agw-mgr-bench-%d\nmemory_mb = 256\n"
                "[gw-core]\ncontrol_socket = %s/gwc.sock\nidle_sleep_us = 100\n"
                "[port access]\ndev = net_null0,no-rx=1\n[port core]\ndev = net_null1,no-rx=1\n"
                "ipv4 = 198.51.100.1/24\n" % (os.getpid(), d))
        # VIDs for more slices than one port's 4094
        for k in range(2, 2 + (n + present) // 4094):
            f.write("[port p%d]\ndev = net_null%d,no-rx=1\n" % (k, k))
    ports = ["access", "core"] + ["p%d" % k for k in range(2, 2 + (n + present) // 4094)]
    pw = "bench-password"
    with socket.socket() as s:      # a free port: a manager left running keeps its own
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    h = subprocess.run([os.path.join(build, "bin", "agw-manager"), "--hash-password"],
                       input=pw + "\n", capture_output=True, text=True, check=True).stdout.strip()
    with open(os.path.join(d, "agw.conf"), "w") as f:
        f.write("[manager]\nlisten = 127.0.0.1:%d\ntls = no\nuser = snc\npassword_hash = %s\n"
                "db = %s/agw.db\ngw_core_socket = %s/gwc.sock\nuplink_port = core\n"
                "port_capacity = 0\n" % (port, h, d, d))
    def start(name, args):
        """Start 'name' (its output in d/NAME.log) and return its Popen and log's path."""
        log = os.path.join(d, name + ".log")
        procs.append(subprocess.Popen(args, stdout=open(log, "w"), stderr=subprocess.STDOUT))
        return procs[-1], log

    # each waited for with a deadline: one that exits first (a stale process holding its
    # file prefix or port) stops the bench, named, with the end of its log
    gwc, log = start("gw-core", [os.path.join(build, "bin", "gw-core"), "-c",
                                 os.path.join(d, "gwc.conf")])
    wait_ready("gw-core did not start", gwc,
               lambda: os.path.exists(os.path.join(d, "gwc.sock")), log, 30)
    mgr, log = start("manager", [os.path.join(build, "bin", "agw-manager"), "-c",
                                 os.path.join(d, "agw.conf")])
    p = xmlrpc.client.ServerProxy("http://snc:%s@127.0.0.1:%d/RPC2" % (pw, port))

    def connected():
        try:
            return p.ResourceInfo()["gw_core"]["connected"]
        except (ConnectionError, OSError):
            return False
    wait_ready("the manager was not ready", mgr, connected, log, 30)

    def spec(i):
        return spec_t.replace('value="10"', 'value="%d"' % (1 + i % 4094)) \
                     .replace('value="7001"', 'value="%d"' % (10000 + i)) \
                     .replace('value="access"', 'value="%s"' % ports[i // 4094])

    def run_c_client():
        specs = os.path.join(d, "specs")
        with open(specs, "w") as f:
            f.write("".join(spec(i) + "\0" for i in range(n)))
        out = subprocess.run([os.path.join(build, "bench", "mgr_client"),
                              "http://127.0.0.1:%d/RPC2" % port, "snc", pw, specs, str(n)],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError("mgr_client: " + out.stderr.strip())
        lines = [ln.split() for ln in out.stdout.splitlines()]
        got = {k: float(v) for k, v in lines if k != "lat"}
        report(sorted(float(v) for k, v in lines if k == "lat"), got["up"], got["total"],
               "xmlrpc-c client")

    t0 = time.perf_counter()
    for i in range(present):
        p.CreateSlice("p%d" % i, spec(n + i))
        p.Run("p%d" % i)
        if (i + 1) % 1000 == 0:
            print("  ... %d slices present (%.0f s)" % (i + 1, time.perf_counter() - t0),
                  file=sys.stderr)

    if CLIENT == "c":
        run_c_client()
    else:
        lat = []
        t0 = time.perf_counter()
        for i in range(n):
            a = time.perf_counter()
            p.CreateSlice("b%d" % i, spec(i))
            p.Run("b%d" % i)
            lat.append((time.perf_counter() - a) * 1000)
            if (i + 1) % 250 == 0:
                print("  ... %d slices created and running" % (i + 1), file=sys.stderr)
        t_up = time.perf_counter() - t0
        for i in range(n):
            p.DeleteSlice("b%d" % i)
        report(sorted(lat), t_up, time.perf_counter() - t0, "Python xmlrpc.client")
finally:
    for pr in reversed(procs):
        pr.terminate()
        try:
            pr.wait(10)
        except subprocess.TimeoutExpired:
            pr.kill()
    shutil.rmtree(d, ignore_errors=True)
