#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# guest.sh DIR: the test's VM guest in DIR, made from Debian packages (once; kept):
#   vmlinuz    the kernel of Debian's linux-image-amd64 (apt-get download; not installed)
#   initrd.gz  a busybox-static initramfs whose /init loads virtio-net (the modules of
#              that same kernel package), names its two NICs "in" and "out"
#              (10.1.0.254/24, 10.2.0.254/24), routes between them and says so on the
#              console; it never reboots, so one "guest: up" line per boot
#   bootImage.img  a raw disk that boots the same (a FAT file system with SYSLINUX as
#              its boot loader: seed 001 Figure 4's bootImage)
set -euo pipefail
out=$1
[ -s "$out/vmlinuz" ] && [ -s "$out/initrd.gz" ] && [ -s "$out/bootImage.img" ] && exit 0
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$pkg" ] || { echo "guest.sh: no kernel package behind linux-image-amd64" >&2; exit 1; }
(cd "$work" && apt-get download "$pkg" >/dev/null) || {
	echo "guest.sh: apt-get download $pkg failed (Debian's archive unreachable?)" >&2
	exit 1
}
dpkg-deb -x "$work"/"$pkg"_*.deb "$work/k"
kver=${pkg#linux-image-}
mods=$work/k/lib/modules/$kver/kernel
ir=$work/ir
mkdir -p "$ir/bin" "$ir/proc" "$ir/sys" "$ir/dev" "$ir/lib/modules"
cp /bin/busybox "$ir/bin/busybox"
for c in sh ip insmod sleep cat echo mount; do ln -s busybox "$ir/bin/$c"; done
order="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net"
for m in $order; do
	f=$(find "$mods" -name "$m.ko" | head -1)
	[ -n "$f" ] || { echo "guest.sh: $m.ko not in $pkg" >&2; exit 1; }
	cp "$f" "$ir/lib/modules/"
done
cat >"$ir/init" <<SH
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in $order; do insmod /lib/modules/\$m.ko; done
i=0
while [ ! -e /sys/class/net/eth1 ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
ip link set lo up
ip link set eth0 name in
ip link set eth1 name out
ip addr add 10.1.0.254/24 dev in
ip addr add 10.2.0.254/24 dev out
ip link set in up
ip link set out up
echo 1 > /proc/sys/net/ipv4/ip_forward
echo "guest: up, routing between in and out"
while :; do sleep 3600; done
SH
chmod +x "$ir/init"
(cd "$ir" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$out/initrd.gz"
cp "$work/k/boot/vmlinuz-$kver" "$out/vmlinuz"
# the disk: SYSLINUX boots the kernel and initramfs from a FAT file system that fills it
rm -f "$out/bootImage.img.tmp"
truncate -s 48M "$out/bootImage.img.tmp"
mkfs.vfat -n AGWGUEST "$out/bootImage.img.tmp" >/dev/null
syslinux --install "$out/bootImage.img.tmp"
printf 'DEFAULT guest\nPROMPT 0\nTIMEOUT 1\nLABEL guest\n  KERNEL vmlinuz\n  INITRD initrd.gz\n  APPEND console=ttyS0 quiet\n' \
	>"$work/syslinux.cfg"
for f in "$out/vmlinuz" "$out/initrd.gz" "$work/syslinux.cfg"; do
	mcopy -i "$out/bootImage.img.tmp" "$f" "::$(basename "$f")"
done
mv "$out/bootImage.img.tmp" "$out/bootImage.img"
