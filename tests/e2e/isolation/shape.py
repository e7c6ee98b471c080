#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Shaping end to end: shape.py RATE_MBIT [live]. Floods the shaped endpoint with
300 Mbit/s of UDP (iperf3) for 3 s while ping measures the RTT, and checks the delivered
rate against RATE_MBIT (+-5 %, the slice's L2 bytes: a 1400-byte UDP payload is a
1442-byte frame), the excess counted as queue_full, nothing policed. 'live': first sets
the contract to RATE_MBIT with endpoint.shape, as the config's owner.
Prints "SHAPE OK ..." or "SHAPE BAD: ..."."""
import json
import os
import subprocess
import sys
import time

BUILD = os.environ["BUILD"]
E2E = os.environ["E2E_DIR"]


def ns(n):
    out = subprocess.run(["bash", "-c", ". \"$SRC/lib.sh\"; ns %s" % n],
                         capture_output=True, text=True)
    return out.stdout.strip()


def gwcctl(*args, owner=None):
    cmd = [os.path.join(BUILD, "bin/gwcctl"), "-s", os.path.join(E2E, "agw.sock")]
    if owner:
        cmd += ["-n", owner]
    out = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=10)
    return out.returncode, out.stdout + out.stderr


def network_ep():
    _, out = gwcctl("stats", "slice=s1")
    for sl in json.loads(out)["slices"]:
        for ep in sl["endpoints"]:
            if ep["name"] == "network":
                return ep
    raise SystemExit("SHAPE BAD: no endpoint s1.network in gw-core's stats")


def main():
    rate = float(sys.argv[1])
    srv, term = ns("srv"), ns("term")
    if len(sys.argv) > 2 and sys.argv[2] == "live":
        rc, out = gwcctl("endpoint.shape", "slice=s1", "name=network",
                         "shape_rate=%d" % int(rate * 1e6), owner="config")
        if rc != 0:
            return "SHAPE BAD: endpoint.shape refused: " + out.strip()
    before = network_ep()
    server = subprocess.Popen(["ip", "netns", "exec", srv, "iperf3", "-s", "-1", "-J",
                               "-p", "5202"], stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            ss = subprocess.run(["ip", "netns", "exec", srv, "ss", "-ltn"],
                                capture_output=True, text=True).stdout
            if ":5202 " in ss:
                break
            time.sleep(0.1)   # poll interval of a bounded wait
        client = subprocess.Popen(["ip", "netns", "exec", term, "iperf3", "-c", "203.0.113.2",
                                   "-p", "5202", "-u", "-b", "300M", "-l", "1400", "-t", "4",
                                   "-J"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        time.sleep(0.5)       # let the flood fill the queue before ping samples it
        ping = subprocess.run(["ip", "netns", "exec", term, "ping", "-c", "20", "-i", "0.1",
                               "-W", "1", "203.0.113.2"], capture_output=True, text=True,
                              timeout=30)
        cout, cerr = client.communicate(timeout=60)
        sout, _ = server.communicate(timeout=30)
    finally:
        for p in (server,):
            if p.poll() is None:
                p.kill()
    after = network_ep()
    try:
        # the whole seconds of the server's intervals: its summary also counts the time
        # before the first datagram
        ivs = [iv["sum"] for iv in json.loads(sout)["intervals"]]
        full = sorted(iv["bits_per_second"] for iv in ivs if iv["seconds"] > 0.9)
        got = full[len(full) // 2] / 1e6
    except (ValueError, KeyError) as e:
        return "SHAPE BAD: iperf3 said nothing usable (%s): %s" % (e, cerr[-200:])
    l2 = got * 1442 / 1400
    rtts = sorted(float(x.split("time=")[1].split()[0])
                  for x in ping.stdout.splitlines() if "time=" in x)
    bad = []
    if not rate * 0.95 <= l2 <= rate * 1.05:
        bad.append("delivered %.1f Mbit/s of L2 frames, contract %.0f" % (l2, rate))
    sched_b, sched_a = before.get("sched", {}), after.get("sched")
    if sched_a is None:
        bad.append("no 'sched' counters on s1.network: %s" % after)
    else:
        qfull = after["drops"].get("queue_full", 0) - before["drops"].get("queue_full", 0)
        if qfull == 0 or sched_a["dropped_pkts"] - sched_b.get("dropped_pkts", 0) != qfull:
            bad.append("queue_full %d, sched dropped %d" % (qfull, sched_a["dropped_pkts"]))
    if after["drops"].get("policed", 0) != 0:
        bad.append("frames policed on a shaped endpoint")
    # ping shares the flooded queue with the flood (the slice delays itself: most of its
    # requests meet a full queue); the replies that came waited at most the queue (64
    # frames of 1442 bytes at the contract)
    p99 = rtts[-1] if rtts else 0.0
    bound = 64 * 1442 * 8 / (rate * 1e6) * 1000 + 5
    if rtts and p99 > bound:
        bad.append("ping RTT max %.1f ms over the queue's bound %.1f ms" % (p99, bound))
    if bad:
        return "SHAPE BAD: " + "; ".join(bad)
    return ("SHAPE OK %.0f Mbit/s contract: delivered %.1f Mbit/s (L2), queue_full %d, "
            "ping under load %d of 20 replies, max %.2f ms (bound %.1f)"
            % (rate, l2, qfull, len(rtts), p99, bound))


if __name__ == "__main__":
    print(main())
