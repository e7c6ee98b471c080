#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Bounded TCP transfer for end-to-end tests.
  tcp_xfer.py recv PORT OUTFILE TIMEOUT   accept one connection, write sha256 and byte count
  tcp_xfer.py send HOST PORT BYTES TIMEOUT  send BYTES pseudo-random bytes, print their sha256
"""
import hashlib, random, socket, sys, time


def recv(port, out, timeout):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(1)
    s.settimeout(timeout)
    c, _ = s.accept()
    c.settimeout(timeout)
    h, n = hashlib.sha256(), 0
    while True:
        b = c.recv(65536)
        if not b:
            break
        h.update(b)
        n += len(b)
    with open(out, "w") as f:
        f.write("%s %d\n" % (h.hexdigest(), n))


def send(host, port, size, timeout):
    rnd = random.Random(2010)
    h = hashlib.sha256()
    s = socket.create_connection((host, port), timeout=timeout)
    t0, left = time.time(), size
    while left > 0:
        b = rnd.randbytes(min(65536, left))
        s.sendall(b)
        h.update(b)
        left -= len(b)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()
    dt = time.time() - t0
    print("%s %d" % (h.hexdigest(), size))
    print("sent %d bytes in %.2f s (%.1f Mbit/s)" % (size, dt, size * 8 / dt / 1e6), file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1] == "recv":
        recv(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
    else:
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
