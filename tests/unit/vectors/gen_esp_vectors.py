#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Independent ESP tunnel-mode packets for gw-core's SA unit tests, written as a C
header. The ESP framing is built here by hand from RFC 4303 (section 2: SPI,
sequence number, IV, payload, padding 1, 2, 3, ..., pad length, next header, ICV),
RFC 4106 (AES-GCM: nonce = salt || IV, AAD = SPI || [ESN high] || sequence number),
RFC 3602 + RFC 4868 (AES-CBC, HMAC-SHA-256-128 over SPI .. ciphertext [|| ESN high])
and RFC 3948 (UDP encapsulation, checksum 0); the cryptography is Debian's
python3-cryptography (OpenSSL), the IPv4 headers scapy's. Nothing is shared with
DPDK's rte_ipsec.

Usage: gen_esp_vectors.py OUT.h

The outbound vectors use the IV gw-core sends (GCM: the 64-bit sequence number,
big-endian, as rte_ipsec makes it; CBC: that number and 8 zero bytes encrypted with
the SA's key) and rte_ipsec's outer IPv4 header (ID = the low
16 bits of the sequence number, no DF, TTL 64, TOS 0), so they compare byte for byte.
MACs are zero in outbound frames: the caller writes them.
"""
import hmac
import hashlib
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.all import Ether, IP, UDP, Raw, raw

AGW = "198.51.100.1"
TERM = "198.51.100.2"
ZERO_MAC = "00:00:00:00:00:00"
AGW_MAC = "02:00:00:00:0b:0b"
TERM_MAC = "02:00:00:00:00:99"

KEY_GCM128 = bytes(range(0x10, 0x20)) + bytes.fromhex("cafebabe")
KEY_GCM256 = bytes(range(0x40, 0x60)) + bytes.fromhex("0badf00d")
KEY_CBC = bytes(range(0x80, 0xa0))
KEY_HMAC = bytes(range(0xa0, 0xc0))


def inner(n=48, src="10.1.0.200", dst="10.1.0.10", ident=7):
    return raw(IP(src=src, dst=dst, id=ident) / UDP(sport=1234, dport=5678) /
               Raw(bytes((i * 7) & 0xff for i in range(n))))


def esp_payload(pt, align, nh=4):
    """inner packet + padding 1, 2, 3 ... + pad length + next header (4: IPv4)."""
    padlen = (-(len(pt) + 2)) % align
    return pt + bytes(range(1, padlen + 1)) + bytes([padlen, nh])


def esp_gcm(key, spi, seq, iv, pt, esn_hi=None, nh=4):
    salt, k = key[-4:], key[:-4]
    aad = struct.pack("!I", spi)
    if esn_hi is not None:
        aad += struct.pack("!I", esn_hi)
    aad += struct.pack("!I", seq)
    ct = AESGCM(k).encrypt(salt + iv, esp_payload(pt, 4, nh), aad)
    return struct.pack("!II", spi, seq) + iv + ct


def esp_cbc(key, ikey, spi, seq, iv, pt, esn_hi=None):
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ct = enc.update(esp_payload(pt, 16)) + enc.finalize()
    body = struct.pack("!II", spi, seq) + iv + ct
    mac_in = body + (struct.pack("!I", esn_hi) if esn_hi is not None else b"")
    return body + hmac.new(ikey, mac_in, hashlib.sha256).digest()[:16]


def outer(esp, src, dst, ident, dmac, smac, natt=None):
    if natt is not None:
        l4 = UDP(sport=natt[0], dport=natt[1], chksum=0) / Raw(esp)
        ip = IP(src=src, dst=dst, id=ident, ttl=64, flags=0, tos=0, proto=17) / l4
    else:
        ip = IP(src=src, dst=dst, id=ident, ttl=64, flags=0, tos=0, proto=50) / Raw(esp)
    return raw(Ether(dst=dmac, src=smac) / ip)


v = {}
p_out = inner()
p_in = inner(200, src="10.1.0.200", dst="10.1.0.10", ident=9)   # terminal -> server
p_srv = inner(100, src="10.1.0.10", dst="10.1.0.200", ident=11)  # server -> terminal
v["inner_out"] = p_out
v["inner_in"] = p_in
v["inner_srv"] = p_srv

# Outbound, first packet (sequence number 1) of each SA: byte-exact with rte_ipsec.
v["gcm128_out"] = outer(esp_gcm(KEY_GCM128, 0x1001, 1, struct.pack("!Q", 1), p_out),
                        AGW, TERM, 1, ZERO_MAC, ZERO_MAC)
v["gcm128_natt_out"] = outer(esp_gcm(KEY_GCM128, 0x1002, 1, struct.pack("!Q", 1), p_out),
                             AGW, TERM, 1, ZERO_MAC, ZERO_MAC, natt=(4500, 40001))
# A server's packet to the terminal as gw-core's first NAT-T packet of SA 0x1002.
v["gcm128_natt_to_term"] = outer(esp_gcm(KEY_GCM128, 0x1002, 1, struct.pack("!Q", 1), p_srv),
                                 AGW, TERM, 1, ZERO_MAC, ZERO_MAC, natt=(4500, 40001))
# CBC: gw-core sends IV = E(k, sequence number || 0^64) (NIST SP 800-38A Appendix C).
ecb = Cipher(algorithms.AES(KEY_CBC), modes.ECB()).encryptor()
v["cbc_out"] = outer(esp_cbc(KEY_CBC, KEY_HMAC, 0x1003, 1,
                             ecb.update(struct.pack("!Q", 1) + bytes(8)), p_out),
                     AGW, TERM, 1, ZERO_MAC, ZERO_MAC)
# ESN: the SA starts at 2^33 - 1, so its first packet is 2^33: high 2, low 0.
v["gcm128_esn_out"] = outer(esp_gcm(KEY_GCM128, 0x1004, 0, struct.pack("!Q", 2 << 32), p_out,
                                    esn_hi=2), AGW, TERM, 0, ZERO_MAC, ZERO_MAC)

# Inbound, as a terminal behind NAT would send them (random-looking IVs).
iv8 = bytes.fromhex("a1b2c3d4e5f60718")
iv16 = bytes.fromhex("00112233445566778899aabbccddeeff")
v["gcm256_natt_in"] = outer(esp_gcm(KEY_GCM256, 0x2001, 5, iv8, p_in), TERM, AGW, 77,
                            AGW_MAC, TERM_MAC, natt=(40001, 4500))
v["gcm256_natt_in_seq3"] = outer(esp_gcm(KEY_GCM256, 0x2001, 3, iv8, p_in), TERM, AGW, 78,
                                 AGW_MAC, TERM_MAC, natt=(40001, 4500))
v["gcm256_natt_in_seq200"] = outer(esp_gcm(KEY_GCM256, 0x2001, 200, iv8, p_in), TERM, AGW,
                                   79, AGW_MAC, TERM_MAC, natt=(40001, 4500))
# The same terminal to a second server, 10.1.0.11 (sequence number 6).
v["gcm256_natt_in_srv2"] = outer(esp_gcm(KEY_GCM256, 0x2001, 6, iv8,
                                         inner(200, src="10.1.0.200", dst="10.1.0.11",
                                               ident=10)),
                                 TERM, AGW, 83, AGW_MAC, TERM_MAC, natt=(40001, 4500))
# A second terminal (10.1.0.201, its SA 0x2011) behind the same NAT, to server A, a
# shorter packet (100 bytes of data) than the first terminal's (200).
v["gcm256_natt_in_t2"] = outer(esp_gcm(KEY_GCM256, 0x2011, 1, iv8,
                                       inner(100, src="10.1.0.201", dst="10.1.0.10",
                                             ident=11)),
                               TERM, AGW, 84, AGW_MAC, TERM_MAC, natt=(40001, 4500))
# Authentic, but its next header says IPv6 (41) inside an IPv4 tunnel SA.
v["gcm256_natt_in_nh41"] = outer(esp_gcm(KEY_GCM256, 0x2001, 7, iv8, p_in, nh=41), TERM, AGW,
                                 82, AGW_MAC, TERM_MAC, natt=(40001, 4500))
v["cbc_in"] = outer(esp_cbc(KEY_CBC, KEY_HMAC, 0x2002, 3, iv16, p_in), TERM, AGW, 80,
                    AGW_MAC, TERM_MAC)
v["gcm128_esn_in"] = outer(esp_gcm(KEY_GCM128, 0x2003, 1, iv8, p_in, esn_hi=1), TERM, AGW,
                           81, AGW_MAC, TERM_MAC)

with open(sys.argv[1], "w") as f:
    f.write("/* Generated by tests/unit/vectors/gen_esp_vectors.py. Do not edit. */\n")
    f.write("#include <stdint.h>\n")
    for name, key in (("key_gcm128", KEY_GCM128), ("key_gcm256", KEY_GCM256),
                      ("key_cbc", KEY_CBC), ("key_hmac", KEY_HMAC)):
        f.write("static const uint8_t %s[%d] = {%s};\n" %
                (name, len(key), ",".join("0x%02x" % x for x in key)))
    for name, b in v.items():
        f.write("static const uint8_t esp_%s[%d] = {" % (name, len(b)))
        f.write(",".join("0x%02x" % x for x in b))
        f.write("};\n")
