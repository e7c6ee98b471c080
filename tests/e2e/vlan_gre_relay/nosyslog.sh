#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# gw-core logs to stderr only. DPDK 22.11's default log stream also copies every line to
# syslog(3): under systemd or the agw launcher (both keep stderr) each line reached the
# journal twice, and with no /dev/log each line cost a failed connect().
# A throwaway gw-core on net_null ports runs under strace; a slice is added and removed
# over its control socket (two log lines). Those lines must be on its stderr, and no
# line may go to syslog: no send() carrying one (a host with /dev/log) and no connect()
# to /dev/log after EAL's own openlog() at start (a host without).
# Prints "NOSYSLOG OK lines=N" or what failed.
set -u
. "$SRC/lib.sh"
d="$E2E_DIR/nosyslog"
sock="$E2E_DIR/nosyslog.sock"
mkdir -p "$d"
if ! command -v strace >/dev/null; then
	echo "NOSYSLOG FAILED: strace is missing (tools/deps.sh installs it)"
	exit 1
fi
{
	gwcore_conf_head nosyslog agw
	printf '[port a]\ndev = net_null0,no-rx=1\ntap = none\n'
} >"$d/gwc.conf"
strace -f -qq -s 256 -e trace=connect,sendto,sendmsg -o "$d/trace" \
	"$BUILD/bin/gw-core" -c "$d/gwc.conf" >"$d/out" 2>"$d/err" &
tracer=$!
cleanup() {
	pkill -INT -f "gw-core -c $d/gwc.conf" 2>/dev/null
	wait_until 10 sh -c "! kill -0 $tracer" || kill -9 $tracer 2>/dev/null
	pkill -9 -f "gw-core -c $d/gwc.conf" 2>/dev/null
}
trap cleanup EXIT
# up, or gone (as start_gwcore waits)
wait_until 30 sh -c "'$BUILD/bin/gwcctl' -s '$sock' ping || ! kill -0 $tracer" || true
if ! "$BUILD/bin/gwcctl" -s "$sock" ping >/dev/null 2>&1; then
	echo "NOSYSLOG FAILED: gw-core did not start: $(tail -3 "$d/err" | tr '\n' ' ')"
	exit 1
fi
g() { "$BUILD/bin/gwcctl" -s "$sock" -n e2e "$@" >/dev/null; }
g slice.add name=quiet && g slice.del name=quiet || { echo "NOSYSLOG FAILED: gwcctl"; exit 1; }
cleanup
trap - EXIT
lines=$(grep -c "slice quiet: .* by e2e" "$d/err")
connects=$(grep -c 'connect(.*"/dev/log"' "$d/trace")
sends=$(grep -E 'send(to|msg)\(' "$d/trace" | grep -c "slice quiet")
if [ "$lines" -ne 2 ]; then
	echo "NOSYSLOG FAILED: $lines of the 2 log lines on stderr"
elif [ "$connects" -gt 1 ] || [ "$sends" -ne 0 ]; then
	echo "NOSYSLOG FAILED: syslog: $connects connect() to /dev/log, $sends lines sent"
else
	echo "NOSYSLOG OK lines=$lines"
fi
