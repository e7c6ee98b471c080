#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""gw-core's control plane with many IPsec terminals (issue 24): N terminals added over
the control socket as the IKE plugin adds them (an ipsec endpoint with its /32, an
inbound and an outbound SA), timed in blocks, then a tenth of them deleted. The cost of
a terminal should not grow with the terminals present: target, the last block's p50 at
most 1.5x the first's.
  term_bench.py BUILD_DIR [N_TERMINALS [BLOCK]]"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_bench import Ctl, ESP_KEY, esp_vip, wait_ready  # noqa: E402 - beside this file

build = sys.argv[1] if len(sys.argv) > 1 else "build"
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
block = int(sys.argv[3]) if len(sys.argv) > 3 else max(n // 5, 1)
AGW, TERM = "192.0.2.1", "192.0.2.2"

d = tempfile.mkdtemp(prefix="agw-term-bench.")
sock = os.path.join(d, "gwc.sock")
with open(os.path.join(d, "gwc.conf"), "w") as f:
    f.write(f"""[eal]
lcores = 0-1
file_prefix = agw-term-bench
memory_mb = 1024
[gw-core]
control_socket = {sock}
idle_sleep_us = 100
max_sas = {max(16384, 2 * n)}
[port in]
dev = net_null0
ipv4 = {AGW}/24
tap = none
neighbour {TERM} = 02:00:00:00:00:22
[port out]
dev = net_null1
[slice bench]
endpoint out = vlan port=out vid=20
""")
log = open(os.path.join(d, "gw-core.log"), "w")
p = subprocess.Popen([os.path.join(build, "bin", "gw-core"), "-c", os.path.join(d, "gwc.conf")],
                     stdout=log, stderr=subprocess.STDOUT)
try:
    wait_ready("gw-core did not start", p, lambda: os.path.exists(sock), log.name, 60)
    c = Ctl(sock, "bench-ike")
    rows, lat, t_all, t_block = [], [], time.time(), time.time()
    for k in range(n):
        a = time.time()
        c("endpoint.add", {"slice": "bench", "name": "t%d" % k, "type": "ipsec", "port": "in",
                           "ts_remote": esp_vip(k) + "/32", "gateway_mac": "02:00:00:00:00:33"})
        sa = {"slice": "bench", "endpoint": "t%d" % k, "alg": "aes-gcm-16", "key": ESP_KEY.hex()}
        c("sa.add", dict(sa, spi=0x10000 + k, dir="in", src=TERM, dst=AGW))
        c("sa.add", dict(sa, spi=0x20000 + k, dir="out", src=AGW, dst=TERM))
        lat.append(time.time() - a)
        if (k + 1) % block == 0 or k + 1 == n:
            rows.append((k + 1, time.time() - t_block, statistics.median(lat),
                         sorted(lat)[int(0.99 * (len(lat) - 1))]))
            print("bench: %d terminals ..." % (k + 1), file=sys.stderr, flush=True)
            lat, t_block = [], time.time()
    total = time.time() - t_all
    listed = c("sa.list", {"slice": "bench"})["sas"]
    assert len(listed) == 2 * n, "sa.list gives %d SAs, not %d" % (len(listed), 2 * n)
    n_del = max(n // 10, 1)
    a = time.time()
    for k in range(n_del):
        c("endpoint.del", {"slice": "bench", "name": "t%d" % k})
    t_del = time.time() - a
    left = len(c("sa.list", {"slice": "bench"})["sas"])
    assert left == 2 * (n - n_del), "%d SAs left after deleting %d terminals" % (left, n_del)
    print()
    print("gw-core control plane: IPsec terminals (ipsec endpoint + inbound SA + outbound SA each,")
    print("3 control-socket requests) added one by one; target: the last block's p50 at most 1.5x")
    print("the first's (a terminal costs the same however many are present)")
    print("%-12s %10s %12s %12s" % ("terminals", "block s", "p50 ms", "p99 ms"))
    for k, s, p50, p99 in rows:
        print("%-12d %10.2f %12.2f %12.2f" % (k, s, 1000 * p50, 1000 * p99))
    ratio = rows[-1][2] / rows[0][2]
    print("%d terminals in %.1f s; last block's p50 %.2fx the first's%s" % (
        n, total, ratio, "  (above 1.5x)" if ratio > 1.5 else ""))
    print("%d terminals deleted (their SAs with them) in %.2f s, %.2f ms each" % (
        n_del, t_del, 1000 * t_del / n_del))
    c.close()
finally:
    p.terminate()
    p.wait()
    shutil.rmtree(d, ignore_errors=True)
