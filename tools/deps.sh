#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what AGW needs to build, test and benchmark, from Debian's archive only.
# Idempotent: with everything present it installs nothing and exits 0 at once.
#   tools/deps.sh           install what is missing
#   tools/deps.sh --check   exit 1 (and name them) if packages are missing
set -eu

PKGS=(
	build-essential pkg-config make
	dpdk dpdk-dev libdpdk-dev          # data plane, dpdk-testpmd (bench ceiling)
	libjson-c-dev                      # gw-core control socket encoding
	libcunit1-dev                      # unit tests
	libpcap-dev                        # net_pcap benchmarks
	python3 python3-scapy              # independent test vectors and bench pcaps
	python3-cryptography               # independent ESP test vectors (AES-GCM, AES-CBC)
	librte-crypto-ipsec-mb23           # ESP: crypto_aesni_mb (intel-ipsec-mb), CPU crypto
	librte-crypto-openssl23            # ESP: crypto_openssl, the lookaside fallback
	iproute2 nftables ethtool iputils-ping procps   # end-to-end netns topology
	clang llvm libbpf-dev linux-libc-dev            # tc BPF VLAN tagger on the terminal
	libglib2.0-dev                     # agw-trailer: config (GKeyFile)
	libfuzzer-14-dev                   # libFuzzer for the trailer codec harness (clang -fsanitize=fuzzer)
	libxmlrpc-core-c3-dev              # manager: XML-RPC server (Abyss) and agwctl's client
	libxml2-dev                        # manager: slice-spec parser
	libsqlite3-dev sqlite3             # manager: desired state (sqlite3: operators' inspection)
	libcrypt-dev libssl-dev            # manager: password hashes (crypt), Base64 (OpenSSL)
	libsystemd-dev                     # sd_notify readiness (agw launcher, systemd units)
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ "${1:-}" = "--check" ]; then
	if [ ${#missing[@]} -gt 0 ]; then
		echo "deps: missing Debian packages: ${missing[*]} (run tools/deps.sh as root)" >&2
		exit 1
	fi
	exit 0
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages: ${missing[*]}; run 'sudo tools/deps.sh'" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "deps: done" >&2
