#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Which server answered? Bounded in time.
  whoami.py serve NAME PORT TIMEOUT   answer every connection with "I am NAME" until TIMEOUT s
  whoami.py ask HOST PORT TIMEOUT     print the answer of HOST:PORT
"""
import socket, sys, time

if sys.argv[1] == "serve":
    name, port, timeout = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(8)
    end = time.time() + timeout
    while time.time() < end:
        s.settimeout(max(0.1, end - time.time()))
        try:
            c, _ = s.accept()
        except socket.timeout:
            break
        c.sendall(("I am %s\n" % name).encode())
        c.close()
else:
    host, port, timeout = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    c = socket.create_connection((host, port), timeout=timeout)
    print(c.recv(100).decode().strip())
