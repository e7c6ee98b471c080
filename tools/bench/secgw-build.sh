#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build DPDK's ipsec-secgw sample application, the ESP benchmark's peer, from Debian's
# source package of the installed DPDK.
#
#   tools/bench/secgw-build.sh OUTDIR
#
# Fetches the source package whose version equals the installed libdpdk-dev's
# (apt-get source --download-only; the deb-src entries come from tools/deps.sh), unpacks
# only examples/ipsec-secgw and examples/common from its upstream tarball, and builds the
# sample with its own Makefile against the installed libdpdk (pkg-config), about 10 s.
#
# One change to the sample, and only this one: its port configuration asks every port
# for RX checksum offload (RTE_ETH_RX_OFFLOAD_CHECKSUM), which no virtual device offers
# (net_pcap, net_null), so it would refuse to start on the benchmark's ports. The sample
# never reads the checksum flags, so asking for none changes nothing it does.
#
# Result: OUTDIR/ipsec-secgw and OUTDIR/version (the source package version). Cached:
# nothing is done when both exist. Exit status 1 with a message on stderr when the
# source cannot be had (no deb-src entry, no network) or the build fails.
set -euo pipefail

out=${1:?usage: $0 OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
[ -x "$out/ipsec-secgw" ] && [ -s "$out/version" ] && exit 0

ver=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null || true)
if [ -z "$ver" ]; then
	echo "secgw-build: libdpdk-dev is not installed (run tools/deps.sh)" >&2
	exit 1
fi
work="$out/src"
rm -rf "$work"
mkdir -p "$work"
echo "secgw-build: fetching Debian source dpdk=$ver for the ipsec-secgw peer (once)" >&2
if ! (cd "$work" && apt-get source -q --download-only "dpdk=$ver" >"$work/apt.log" 2>&1); then
	grep -E '^(E|W): ' "$work/apt.log" | grep -v unsandboxed | head -3 >&2 || true
	echo "secgw-build: apt-get source dpdk=$ver failed; is a deb-src entry enabled? run tools/deps.sh" >&2
	exit 1
fi
orig=$(ls "$work"/dpdk_*.orig.tar.* 2>/dev/null | head -1)
if [ -z "$orig" ]; then
	echo "secgw-build: no upstream tarball in the source package dpdk=$ver" >&2
	exit 1
fi
tar -C "$work" -xf "$orig" --wildcards '*/examples/ipsec-secgw/*' '*/examples/common/*'
app=$(ls -d "$work"/*/examples/ipsec-secgw | head -1)
sed -i 's/\.offloads = RTE_ETH_RX_OFFLOAD_CHECKSUM,/.offloads = 0, \/* AGW bench: see secgw-build.sh *\//' \
	"$app/ipsec-secgw.c"
if ! grep -q 'AGW bench: see secgw-build.sh' "$app/ipsec-secgw.c"; then
	echo "secgw-build: ipsec-secgw.c of dpdk=$ver no longer has the line secgw-build.sh changes" >&2
	exit 1
fi
if ! make -s -C "$app" -j"$(nproc)" >"$work/make.log" 2>&1; then
	tail -5 "$work/make.log" >&2
	echo "secgw-build: building ipsec-secgw failed (log: $work/make.log)" >&2
	exit 1
fi
cp "$app/build/ipsec-secgw-shared" "$out/ipsec-secgw"
echo "$ver" >"$out/version"
rm -f "$work"/dpdk_*.orig.tar.*
echo "secgw-build: built $out/ipsec-secgw (DPDK $ver)" >&2
