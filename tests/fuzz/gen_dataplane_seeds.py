#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Seeds of fuzz_dataplane (tests/fuzz/dataplane-seeds/), made with scapy and
python3-cryptography so that they reach every stage of the harness's gw-core (its
topology is in fuzz_dataplane.c): tests/fuzz/gen_dataplane_seeds.py DIR

An input is a sequence of frames, each: one byte (bits 0-1: port a/b/c = 0/1/2; bit 7:
rx as a two-mbuf chain), the length (2 bytes, little endian), the frame."""
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.all import ARP, ICMP, IP, UDP, Dot1Q, Ether, GRE, Raw

A, B, C = 0, 1, 2
TERM = "02:00:00:00:00:01"
SRV = "02:00:00:00:00:02"
PORT_B_MAC = "02:0f:00:00:00:02"    # fuzz_dataplane.c gives port b this MAC
ROUTER_MAC = "02:0f:00:00:00:5a"    # and the slice router this one
ESP_KEY = bytes(range(16)) + b"\xa0\xa1\xa2\xa3"   # AES-GCM-128 key + salt, SPI 0x1001


def rec(port, frame, chain=False):
    b = bytes(frame)
    return struct.pack("<BH", port | (0x80 if chain else 0), len(b)) + b


def trailer(app, terminal):
    return struct.pack(">IIBBHI", app, terminal, 0, 1, 16, 0x41475754)


def esp_in(inner, seq=1):
    spi = 0x1001
    iv = struct.pack(">Q", seq)
    body = bytes(inner)
    pad = (-(len(body) + 2)) % 4
    pt = body + bytes(range(1, pad + 1)) + bytes([pad, 4])
    aad = struct.pack(">II", spi, seq)
    ct = AESGCM(ESP_KEY[:16]).encrypt(ESP_KEY[16:] + iv, pt, aad)
    esp = aad + iv + ct
    return (Ether(dst=PORT_B_MAC, src="02:00:00:00:00:b2") /
            IP(src="198.51.100.2", dst="198.51.100.1") / UDP(sport=40001, dport=4500) /
            Raw(esp))


def main(d):
    os.makedirs(d, exist_ok=True)
    icmp = IP(src="10.0.0.1", dst="10.0.0.2") / ICMP() / Raw(b"x" * 32)
    seeds = {
        "vlan": [rec(A, Ether(dst=SRV, src=TERM) / Dot1Q(vlan=10) / icmp)],
        "vlan-both-ways": [rec(A, Ether(dst=SRV, src=TERM) / Dot1Q(vlan=10) / icmp),
                           rec(B, Ether(dst=PORT_B_MAC, src="02:00:00:00:00:b2") /
                               IP(src="198.51.100.2", dst="198.51.100.1") /
                               GRE(key_present=1, key=7001, proto=0x6558) /
                               Ether(dst=TERM, src=SRV) / icmp)],
        "gre-csum": [rec(B, Ether(dst=PORT_B_MAC, src="02:00:00:00:00:b2") /
                         IP(src="198.51.100.2", dst="198.51.100.1") /
                         GRE(chksum_present=1, key_present=1, key=7001, proto=0x6558) /
                         Ether(dst=TERM, src=SRV) / icmp)],
        "untagged-c": [rec(C, Ether(dst="ff:ff:ff:ff:ff:ff", src="02:00:00:00:00:c1") /
                           icmp)],
        "qinq": [rec(A, Ether(dst=SRV, src=TERM) / Dot1Q(vlan=20) / Dot1Q(vlan=5) / icmp)],
        "trailer": [rec(A, Ether(dst=SRV, src=TERM) /
                        IP(src="10.2.0.7", dst="10.2.0.1") / UDP(sport=5000, dport=53) /
                        Raw(b"q" * 20 + trailer(42, 7)))],
        "trailer-reappend": [rec(A, Ether(dst=SRV, src=TERM) /
                                 IP(src="10.2.0.7", dst="10.2.0.1") / UDP(sport=5000, dport=53) /
                                 Raw(b"q" * 20 + trailer(42, 7))),
                             rec(A, Ether(dst=TERM, src=SRV) / Dot1Q(vlan=20) /
                                 IP(src="10.2.0.1", dst="10.2.0.7") / UDP(sport=53, dport=5000) /
                                 Raw(b"r" * 1400), chain=True)],
        "esp-in": [rec(B, esp_in(IP(src="10.1.0.200", dst="10.1.0.10") / ICMP() /
                                 Raw(b"e" * 24)))],
        "esp-out": [rec(A, Ether(dst=ROUTER_MAC, src=SRV) / Dot1Q(vlan=300) /
                        IP(src="10.1.0.10", dst="10.1.0.200") / ICMP() / Raw(b"o" * 24))],
        "arp-router": [rec(A, Ether(dst="ff:ff:ff:ff:ff:ff", src=SRV) / Dot1Q(vlan=300) /
                           ARP(op=1, hwsrc=SRV, psrc="10.1.0.10", pdst="10.1.0.200"))],
        "arp-port": [rec(B, Ether(dst="ff:ff:ff:ff:ff:ff", src="02:00:00:00:00:b2") /
                         ARP(op=1, hwsrc="02:00:00:00:00:b2", psrc="198.51.100.2",
                             pdst="198.51.100.1"))],
        "icmp-port": [rec(B, Ether(dst=PORT_B_MAC, src="02:00:00:00:00:b2") /
                          IP(src="198.51.100.2", dst="198.51.100.1") / ICMP())],
        "jumbo-chain": [rec(A, Ether(dst="ff:ff:ff:ff:ff:ff", src=SRV) / Dot1Q(vlan=20) /
                            IP(src="10.0.0.1", dst="10.0.0.2") / Raw(b"j" * 3000), chain=True)],
    }
    for name, recs in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(b"".join(recs))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__),
                                                            "dataplane-seeds"))
