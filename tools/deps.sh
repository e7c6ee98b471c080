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
	strace                             # e2e: what gw-core sends to syslog (none)
	openssl                            # e2e: the test CA and certificates (openssl req)
	iperf3                             # e2e: traffic above a policing contract
	busybox-static util-linux tar      # node slivers: e2e container images; unshare, tar (nsliver/)
	qemu-system-x86 qemu-utils cpio    # node slivers: VMs (QEMU, qemu-img overlays); the e2e guest's initramfs
	syslinux syslinux-common mtools dosfstools   # the e2e guest's boot disk (Figure 4's bootImage)
	clang llvm libbpf-dev linux-libc-dev            # tc BPF VLAN tagger on the terminal
	libglib2.0-dev                     # agw-trailer: config (GKeyFile)
	libfuzzer-14-dev                   # libFuzzer for the trailer codec harness (clang -fsanitize=fuzzer)
	libxmlrpc-core-c3-dev              # manager: XML-RPC registry; agwctl's client (libcurl)
	libmicrohttpd-dev libgnutls28-dev  # manager: HTTP(S) server, client certificates
	libxml2-dev                        # manager: slice-spec parser
	libsqlite3-dev sqlite3             # manager: desired state (sqlite3: operators' inspection)
	libcrypt-dev libssl-dev            # manager: password hashes (crypt), Base64 (OpenSSL)
	libsystemd-dev                     # sd_notify readiness (agw launcher, systemd units)
	charon-systemd strongswan-swanctl  # IKEv2: Debian's charon (our kernel-ipsec plugin loads into it)
	libstrongswan-standard-plugins     # charon: openssl crypto
	libcharon-extra-plugins            # kernel-libipsec: the terminals' charon in end-to-end tests
	dpkg-dev                           # apt-get source strongswan (the plugin's headers)
	# strongSwan's ./configure with Debian's flags (tools/strongswan-src.sh) checks for these:
	bison flex gperf libcap-dev libcurl4-openssl-dev libgcrypt20-dev libgmp-dev libldap2-dev
	libnm-dev libpam0g-dev libtss2-dev libiptc-dev
)

# strongSwan's headers come from Debian's source package (Debian ships none): the
# archive's deb-src entries must be enabled. Added once, in a file of our own.
SRC_LIST=/etc/apt/sources.list.d/agw-src.sources
need_src=0
if ! apt-cache showsrc strongswan 2>/dev/null | grep -q '^Version:'; then
	need_src=1
fi

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
	if [ $need_src -eq 1 ]; then
		echo "deps: no deb-src entry gives strongSwan's source (run tools/deps.sh as root)" >&2
		exit 1
	fi
	exit 0
fi

[ ${#missing[@]} -eq 0 ] && [ $need_src -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages: ${missing[*]:-none}; deb-src entries needed: $need_src; run 'sudo tools/deps.sh'" >&2
	exit 1
fi

if [ $need_src -eq 1 ]; then
	echo "deps: enabling Debian's deb-src entries in $SRC_LIST (strongSwan headers)" >&2
	cat >"$SRC_LIST" <<'SRC'
# Added by AGW's tools/deps.sh: 'apt-get source strongswan' gives the headers the
# kernel-ipsec plugin compiles against (Debian ships no strongSwan -dev package).
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt-get update -q >/dev/null
	[ ${#missing[@]} -eq 0 ] && { echo "deps: done" >&2; exit 0; }
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "deps: done" >&2
