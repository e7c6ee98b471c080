#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""esp_bad.py IFACE PEER PING-COMMAND...: capture the ESP-in-UDP packets term1 sends
to PEER (to UDP 4500, not starting with the non-ESP marker) while PING-COMMAND runs,
then send the last one again unchanged (a replay: by then the AGW has accepted the
original) and once with a sequence number far ahead (its ICV no longer matches: the
sequence number is authenticated). Run inside term1's namespace. Prints what it sent."""
import sys
import threading
from scapy.all import AsyncSniffer, Ether, IP, UDP, Raw, sendp
from scapy.config import conf

conf.verb = 0
iface, peer, ping_cmd = sys.argv[1], sys.argv[2], sys.argv[3:]


def is_esp(p):
    return (UDP in p and p[IP].dst == peer and p[UDP].dport == 4500 and len(bytes(p[UDP].payload)) > 8
            and bytes(p[UDP].payload)[:4] != b"\0\0\0\0")


import subprocess
# capture from before the first packet is sent: AsyncSniffer.start() returns before
# its socket is open, and a packet sent before then would be missed
ready = threading.Event()
sn = AsyncSniffer(iface=iface, lfilter=is_esp, timeout=30, started_callback=ready.set)
sn.start()
if not ready.wait(10):
    print("the capture did not start")
    sys.exit(1)
subprocess.run(ping_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20)
sn.stop()
if not sn.results:
    print("no ESP packet captured")
    sys.exit(1)
p = sn.results[-1]
sendp(p, iface=iface)                     # replay
esp = bytearray(bytes(p[UDP].payload))
seq = int.from_bytes(esp[4:8], "big") + 1000
esp[4:8] = seq.to_bytes(4, "big")
q = p.copy()
q[UDP].remove_payload()
q = Ether(bytes(q[Ether]) )
q[UDP].add_payload(Raw(bytes(esp)))
del q[IP].chksum, q[IP].len, q[UDP].chksum, q[UDP].len
sendp(q, iface=iface)                     # bad ICV
print("sent replay and bad-ICV packets for SPI 0x%08x" % int.from_bytes(esp[0:4], "big"))
