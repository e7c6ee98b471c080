#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# 'make install' into a scratch prefix: every binary, config, spec and unit is there; the
# units pass systemd-analyze verify (their ExecStart binaries exist); a config the
# operator edited survives a second install (the new one goes beside it as .example).
# Prints "INSTALL OK" or "INSTALL BAD: why".
set -u
ROOT=$(cd "$SRC/../.." && pwd)
d=$E2E_DIR/inst
bad=()
inst() {
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$ROOT" BUILD="$BUILD" \
		PREFIX="$d/usr" SYSCONFDIR="$d/etc" install >"$E2E_DIR/install.log" 2>&1
}
inst || bad+=("make install failed: $(tail -3 "$E2E_DIR/install.log")")
for b in agw gw-core agw-manager agwctl gwcctl agw-trailer; do
	[ -x "$d/usr/bin/$b" ] || bad+=("no $b")
done
for f in agw.conf gw-core.conf sep-gw.conf trailer.conf specs/agw-vlan-gre.xml specs/seed001-fig4.xml; do
	[ -f "$d/etc/agw/$f" ] || bad+=("no etc/agw/$f")
done
for u in agw agw-gw-core agw-manager; do
	f=$d/usr/lib/systemd/system/$u.service
	if [ ! -f "$f" ]; then
		bad+=("no $u.service")
	elif grep -q '@[A-Z]*@' "$f"; then
		bad+=("$u.service has an unsubstituted @VAR@")
	fi
done
if command -v systemd-analyze >/dev/null; then
	out=$(systemd-analyze verify "$d"/usr/lib/systemd/system/*.service 2>&1) ||
		bad+=("systemd-analyze verify: $out")
else
	echo "install.sh: systemd-analyze missing: units NOT verified" >&2
	bad+=("systemd-analyze missing")
fi
grep -q "^ExecStart=$d/usr/bin/agw -c $d/etc/agw/agw.conf run$" \
	"$d/usr/lib/systemd/system/agw.service" || bad+=("agw.service ExecStart")
echo "; edited by the operator" >>"$d/etc/agw/agw.conf"
inst || bad+=("second make install failed")
grep -q "edited by the operator" "$d/etc/agw/agw.conf" || bad+=("edited agw.conf overwritten")
[ -f "$d/etc/agw/agw.conf.example" ] || bad+=("no agw.conf.example beside the kept config")
if [ ${#bad[@]} -eq 0 ]; then
	echo "INSTALL OK"
else
	printf 'INSTALL BAD: %s\n' "${bad[*]}"
fi
