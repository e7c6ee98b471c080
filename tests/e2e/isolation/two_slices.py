#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Two slices on one uplink (description.txt): two_slices.py isolated|none|live.

isolated / none: slice A floods its terminal-to-server direction with 150 Mbit/s of UDP
(iperf3) for 9 s. Meanwhile slice B pings its server for 3 s (50 a second), then runs
TCP for 4 s. 'isolated' runs with A policed to 25 Mbit/s and B shaped to 50 Mbit/s, as
configured; 'none' takes both off first (endpoint.police, endpoint.shape) and puts them
back after. Prints one line of figures, "ISO OK ..." when the run shows what it must:
isolated, A delivers 25 Mbit/s +-5 % and B keeps >= 95 % of its 50 Mbit/s with its RTT
p99 under ISO_RTT_P99_MS (15 ms: isolated it is about 1 ms, but a 2-vCPU VM stalls a
few pings for 5-10 ms now and then; behind A's flood it is about 60 ms); none, B loses
throughput or RTT to A's flood (the damage isolation prevents). Rates are of L2 frames (a 1400-byte UDP payload is a
1442-byte frame, a 1448-byte TCP segment a 1514-byte one).

live: B sends 40 Mbit/s of UDP (below its contract) while A floods; after 1.5 s A's
contract goes to 10 Mbit/s (endpoint.police). Checks A's conforming rate over the
100-600 ms after the change, and that none of B's frames was dropped in gw-core.
"""
import json
import os
import subprocess
import sys
import time

BUILD = os.environ["BUILD"]
E2E = os.environ["E2E_DIR"]
PREFIX = os.environ.get("E2E_PREFIX", "agwe2e")
RTT_P99_MS = float(os.environ.get("ISO_RTT_P99_MS", "15"))


def ns(n):
    return "%s-%s" % (PREFIX, n)


def gwcctl(*args):
    cmd = [os.path.join(BUILD, "bin/gwcctl"), "-s", os.path.join(E2E, "agw.sock"),
           "-n", "config"] + list(args)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    if out.returncode != 0:
        raise SystemExit("ISO BAD: gwcctl %s: %s" % (" ".join(args), out.stderr.strip()))
    return out.stdout


def endpoints(*args):
    """gw-core's endpoint stats ('stats' with 'args'), by (slice, endpoint) name."""
    return {(sl["name"], e["name"]): e for sl in json.loads(gwcctl("stats", *args))["slices"]
            for e in sl["endpoints"]}


def ep(slice_, name):
    e = endpoints("slice=" + slice_).get((slice_, name))
    if e is None:
        raise SystemExit("ISO BAD: no endpoint %s.%s" % (slice_, name))
    return e


def isolate(on):
    gwcctl("endpoint.police", "slice=A", "name=network",
           "police_rate=%d" % (25000000 if on else 0))
    if on:
        gwcctl("endpoint.shape", "slice=B", "name=network", "shape_rate=50000000")
    else:
        gwcctl("endpoint.shape", "slice=B", "name=network")


def server(n, port):
    p = subprocess.Popen(["ip", "netns", "exec", ns(n), "iperf3", "-s", "-1", "-J", "-p",
                          str(port)], stdout=subprocess.PIPE, text=True)
    deadline = time.time() + 10
    while time.time() < deadline:
        ss = subprocess.run(["ip", "netns", "exec", ns(n), "ss", "-ltn"],
                            capture_output=True, text=True).stdout
        if ":%d " % port in ss:
            return p
        time.sleep(0.1)   # poll interval of a bounded wait
    p.kill()
    raise SystemExit("ISO BAD: iperf3 did not listen in %s" % n)


def client(n, dst, port, args):
    return subprocess.Popen(["ip", "netns", "exec", ns(n), "iperf3", "-c", dst, "-p", str(port),
                             "-J"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def median_rate(out, frame, payload):
    """Median of the server's whole-second intervals, as L2 Mbit/s."""
    ivs = [iv["sum"] for iv in json.loads(out)["intervals"]]
    r = sorted(iv["bits_per_second"] for iv in ivs if iv["seconds"] > 0.9)
    return r[len(r) // 2] / 1e6 * frame / payload if r else 0.0


def ping(n, dst, count):
    out = subprocess.run(["ip", "netns", "exec", ns(n), "ping", "-c", str(count), "-i", "0.02",
                          "-W", "1", dst], capture_output=True, text=True, timeout=60).stdout
    rtts = sorted(float(x.split("time=")[1].split()[0]) for x in out.splitlines()
                  if "time=" in x)
    return rtts


def flood_run():
    sa, sb = server("srva", 5301), server("srvb", 5302)
    procs = [sa, sb]
    try:
        fa = client("terma", "10.1.0.2", 5301, ["-u", "-b", "150M", "-l", "1400", "-t", "9"])
        procs.append(fa)
        time.sleep(1)     # A's flood is on before B measures
        rtts = ping("termb", "10.2.0.2", 150)
        tb = client("termb", "10.2.0.2", 5302, ["-t", "4"])
        procs.append(tb)
        tb.communicate(timeout=60)
        fa.communicate(timeout=60)
        a_out, _ = sa.communicate(timeout=30)
        b_out, _ = sb.communicate(timeout=30)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    a = median_rate(a_out, 1442, 1400)
    b = median_rate(b_out, 1514, 1448)
    p99 = rtts[min(len(rtts) - 1, int(len(rtts) * 0.99))] if rtts else float("inf")
    p50 = rtts[len(rtts) // 2] if rtts else float("inf")
    return a, b, rtts, p50, p99


def isolated_or_none(mode):
    if mode == "none":
        isolate(False)
    try:
        a, b, rtts, p50, p99 = flood_run()
    finally:
        if mode == "none":
            isolate(True)
    fig = ("A %.1f Mbit/s, B TCP %.1f Mbit/s, B ping %d/150 replies p50 %.2f ms p99 %.2f ms"
           % (a, b, len(rtts), p50, p99))
    open(os.path.join(E2E, "iso-%s.txt" % mode), "w").write(fig + "\n")
    bad = []
    if mode == "isolated":
        if not 25 * 0.95 <= a <= 25 * 1.05:
            bad.append("A delivered %.1f Mbit/s, contract 25" % a)
        if b < 50 * 0.95:
            bad.append("B kept %.1f Mbit/s of its 50" % b)
        if len(rtts) < 148 or p99 > RTT_P99_MS:
            bad.append("B's ping: %d/150, p99 %.2f ms (bound %.1f)" % (len(rtts), p99, RTT_P99_MS))
    else:
        try:
            iso = open(os.path.join(E2E, "iso-isolated.txt")).read().strip()
        except OSError:
            iso = "(no isolated run)"
        if b >= 50 * 0.8 and p99 <= 2 * RTT_P99_MS and len(rtts) >= 148:
            bad.append("no damage without isolation")
        fig += "; isolated: " + iso
    return ("ISO BAD (%s): %s; %s" % (mode, "; ".join(bad), fig)) if bad \
        else "ISO OK (%s) %s" % (mode, fig)


def conform(samples, t0, t1):
    """Mbit/s of A's conforming bytes between t0 and t1 (seconds) from (t, bytes)."""
    inside = [s for s in samples if t0 <= s[0] <= t1]
    if len(inside) < 2:
        return 0.0
    return (inside[-1][1] - inside[0][1]) * 8 / (inside[-1][0] - inside[0][0]) / 1e6


def both():
    """(A's conforming bytes, B's drop counters by reason) from one stats call."""
    eps = endpoints()
    return eps[("A", "network")]["police"]["conform_bytes"], eps[("B", "network")]["drops"]


# B's drops this close after the change (s) are the change's; a drop elsewhere is a stall
# of the VM (its worker or iperf3 held for 15 ms fills B's 50 Mbit/s queue): counted, but
# only drops spread over several samples fail the check then
LIVE_WINDOW = 0.3
LIVE_STALLS = 2


def live():
    b_before = ep("B", "network")["drops"]
    sa, sb = server("srva", 5301), server("srvb", 5302)
    procs = [sa, sb]
    samples, b_samples = [], []
    try:
        fa = client("terma", "10.1.0.2", 5301, ["-u", "-b", "150M", "-l", "1400", "-t", "4"])
        fb = client("termb", "10.2.0.2", 5302, ["-u", "-b", "40M", "-l", "1400", "-t", "4"])
        procs += [fa, fb]
        start = time.time()
        changed = None
        while time.time() - start < 3.5:
            now = time.time() - start
            if changed is None and now >= 1.5:
                gwcctl("endpoint.police", "slice=A", "name=network", "police_rate=10000000")
                changed = time.time() - start
            conf, b_now = both()
            t = time.time() - start
            samples.append((t, conf))
            b_samples.append((t, sum(b_now.values())))
            time.sleep(0.01)   # the sampling period
        fa.communicate(timeout=60)
        fb.communicate(timeout=60)
        sa.communicate(timeout=30)
        b_out, _ = sb.communicate(timeout=30)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        gwcctl("endpoint.police", "slice=A", "name=network", "police_rate=25000000")
    before = conform(samples, changed - 0.6, changed - 0.1)
    after = conform(samples, changed + 0.1, changed + 0.6)
    b_after = ep("B", "network")["drops"]
    b_drops = {k: b_after.get(k, 0) - b_before.get(k, 0) for k in b_after
               if b_after.get(k, 0) != b_before.get(k, 0)}
    lost = json.loads(b_out)["end"]["sum"].get("lost_packets", -1)
    bad = []
    if not 25 * 0.9 <= before <= 25 * 1.1:
        bad.append("A conformed %.1f Mbit/s before the change (25)" % before)
    if not 10 * 0.85 <= after <= 10 * 1.15:
        bad.append("A conformed %.1f Mbit/s 100-600 ms after it (10)" % after)
    # B's drops by sample: at the change (the sample before it to LIVE_WINDOW after), or
    # in separate stalls elsewhere
    at_change, stalls = 0, 0
    for (t0, d0), (t1, d1) in zip(b_samples, b_samples[1:]):
        if d1 > d0:
            if t1 >= changed and t0 <= changed + LIVE_WINDOW:
                at_change += d1 - d0
            else:
                stalls += 1
    b_fig = "none" if not b_drops else "%s: %d within %.1f s of the change, the rest in %d " \
        "samples elsewhere" % (b_drops, at_change, LIVE_WINDOW, stalls)
    if b_drops and (at_change or stalls > LIVE_STALLS):
        bad.append("B's frames dropped in gw-core")
    fig = ("A conforming %.1f -> %.1f Mbit/s (100-600 ms after the change, %d samples); "
           "B's UDP lost %d datagrams end to end; dropped in gw-core: %s" % (
               before, after, len(samples), lost, b_fig))
    return ("LIVE BAD: " + "; ".join(bad) + "; " + fig) if bad else "LIVE OK " + fig


if __name__ == "__main__":
    print(live() if sys.argv[1] == "live" else isolated_or_none(sys.argv[1]))
