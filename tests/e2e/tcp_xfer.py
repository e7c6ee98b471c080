#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Bounded TCP transfer for end-to-end tests.
  tcp_xfer.py recv PORT OUTFILE TIMEOUT   accept one connection, write sha256 and byte count
                                          to OUTFILE and send the same line back
  tcp_xfer.py send HOST PORT BYTES TIMEOUT  send BYTES pseudo-random bytes, print their sha256;
                                          exit 1 unless the receiver's line matches (the
                                          replies reached this application)
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
    line = "%s %d\n" % (h.hexdigest(), n)
    with open(out, "w") as f:
        f.write(line)
    c.sendall(line.encode())
    c.close()


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
    reply = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        reply += b
    s.close()
    dt = time.time() - t0
    mine = "%s %d" % (h.hexdigest(), size)
    if reply.decode(errors="replace").strip() != mine:
        print("the receiver's digest differs: %r" % reply, file=sys.stderr)
        sys.exit(1)
    print(mine)
    print("sent %d bytes in %.2f s (%.1f Mbit/s)" % (size, dt, size * 8 / dt / 1e6), file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1] == "recv":
        recv(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
    else:
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
