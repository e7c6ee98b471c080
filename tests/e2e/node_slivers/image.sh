#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# image.sh DIR: the test's container images in DIR, from Debian's busybox-static:
#   fwd.tar       a router between interfaces "in" (10.1.0.254/24) and "out"
#                 (10.2.0.254/24): /fwd.sh, then sleeps
#   fwd.tar.sha256  its SHA-256
#   big.tar       over the manager's 32 MiB image limit
#   dpdk.tar      dpdk-testpmd and what it loads (dpdk_image.sh), for attach=vhost-user
#   notimage.tar  not a tar archive
set -euo pipefail
out=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$out" "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for c in sh ip sysctl sleep cat echo ping; do ln -s busybox "$root/bin/$c"; done
cat >"$root/fwd.sh" <<'SH'
#!/bin/sh
ip addr add 10.1.0.254/24 dev in
ip addr add 10.2.0.254/24 dev out
echo 1 > /proc/sys/net/ipv4/ip_forward
echo "fwd: routing between in and out"
while :; do sleep 3600; done
SH
chmod +x "$root/fwd.sh"
tar -C "$root" -cf "$out/fwd.tar" .
sha256sum "$out/fwd.tar" | cut -d' ' -f1 >"$out/fwd.tar.sha256"
head -c $((33 * 1024 * 1024)) /dev/zero >"$out/big.tar"
"$(dirname "$0")/dpdk_image.sh" "$out/dpdk.tar"
echo "this is not a tar archive" >"$out/notimage.tar"
