#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# dpdk_image.sh OUT.tar: a container image whose program is Debian's dpdk-testpmd (with
# the libraries it and the virtio PMD load, and busybox for its shell), for a Container
# with attach=vhost-user: testpmd io between virtio-user ports on the node's sockets.
set -euo pipefail
out=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/lib" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
	"$root/run/agw" "$root/var/run"
cp /bin/busybox "$root/bin/busybox"
for c in sh mount mkdir cat echo sleep; do ln -s busybox "$root/bin/$c"; done
cp /usr/bin/dpdk-testpmd "$root/bin/"
# the drivers a shared DPDK loads as plugins: the virtio PMD and the ring mempool
virtio=$(find /usr/lib -name 'librte_net_virtio.so*' -type f | head -1)
ring=$(find /usr/lib -name 'librte_mempool_ring.so*' -type f | head -1)
[ -n "$virtio" ] && [ -n "$ring" ] || { echo "dpdk_image.sh: no virtio PMD or ring mempool (Debian's dpdk)" >&2; exit 1; }
cp -L "$virtio" "$root/lib/librte_net_virtio.so"
cp -L "$ring" "$root/lib/librte_mempool_ring.so"
for f in /usr/bin/dpdk-testpmd "$virtio" "$ring"; do
	ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
done | sort -u | while read -r l; do
	cp --parents -L "$l" "$root"
done
tar -C "$root" -cf "$out" .
