#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# app_xfer.sh APP MODE: 10 MiB over TCP from the terminal's application APP (a: a process
# in the app-a cgroup, to port 5001; b: any process, to port 5002) to its server, with the
# terminal's agw-trailer in MODE (every | flow-start). Prints "APP a OK ..." when the
# digests match at both ends, the bytes went through APP's slice and not the other one,
# and the tool's counters fit MODE; else "APP a FAIL" and why.
set -u
. "$SRC/lib.sh"
app=$1 mode=$2 size=10485760
case $app in
a) port=5001 srv=srva slice=apps-a other=apps-b ;;
b) port=5002 srv=srvb slice=apps-b other=apps-a ;;
*) echo "usage: app_xfer.sh a|b every|flow-start" >&2; exit 2 ;;
esac
tool() { nsenter --net=/run/netns/"$(ns term)" "$BUILD/bin/agw-trailer" "$@"; }
tool attach -c "$E2E_DIR/term-$mode.conf" >/dev/null || { echo "APP $app FAIL: attach"; exit 1; }
b_gw=$("$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" stats)
b_tool=$(tool status -i t0 --json)

rm -f "$E2E_DIR/recv-$app.txt"
nsx $srv /usr/bin/python3 "$SRC/tcp_xfer.py" recv $port "$E2E_DIR/recv-$app.txt" 120 &
rpid=$!
wait_until 10 nsx $srv sh -c "ss -ltn | grep -q ':$port '" || { echo "APP $app FAIL: no listener"; exit 1; }
send=(ip netns exec "$(ns term)" /usr/bin/python3 "$SRC/tcp_xfer.py" send 10.2.0.10 $port $size 120)
if [ "$app" = a ]; then
	# the sender joins the application's cgroup before it opens its socket
	sent=$(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$(cat "$E2E_DIR/cgroup")" "${send[@]}")
else
	sent=$("${send[@]}")
fi
wait $rpid
got=$(cat "$E2E_DIR/recv-$app.txt" 2>/dev/null)
a_gw=$("$BUILD/bin/gwcctl" -s "$E2E_DIR/agw.sock" stats)
a_tool=$(tool status -i t0 --json)

/usr/bin/python3 - "$app" "$mode" "$size" "$slice" "$other" "$sent" "$got" <<PY
import json, sys
app, mode, size, slice_, other, sent, got = sys.argv[1:]
size = int(size)
bg, ag = json.loads('''$b_gw'''), json.loads('''$a_gw''')
bt, at = json.loads('''$b_tool''')["counters"], json.loads('''$a_tool''')["counters"]
def term_rx(d, s):
    sl = {x["name"]: x for x in d["slices"]}[s]
    return {e["name"]: e for e in sl["endpoints"]}["term"]["rx_bytes"]
bad = []
if not sent or sent != got:
    bad.append("digests: sent [%s] received [%s]" % (sent, got))
mine = term_rx(ag, slice_) - term_rx(bg, slice_)
theirs = term_rx(ag, other) - term_rx(bg, other)
if mine < size:
    bad.append("%s took %d bytes from the terminal, < %d" % (slice_, mine, size))
if theirs > 65536:
    bad.append("%s took %d bytes during app %s's transfer" % (other, theirs, app))
d = {k: at[k] - bt[k] for k in at}
if d["tagged"] != d["tagged_auth"]:
    bad.append("tool: %d tagged but %d with a tag" % (d["tagged"], d["tagged_auth"]))
if mode == "every" and d["tagged"] < size // 1436:
    bad.append("tool: every packet mode tagged only %d packets" % d["tagged"])
if mode == "flow-start" and not (1 <= d["tagged"] <= 3 and d["flow_known"] >= size // 1436):
    bad.append("tool: flow-start mode tagged %d, flow_known %d" % (d["tagged"], d["flow_known"]))
# apps-a's endpoint re-appends trailers toward the terminal (the server's ACKs: how
# many depends on how the server's kernel coalesces them); the tool takes every one off
reapp = ag["trailer"]["reappended"] - bg["trailer"]["reappended"]
if app == "a" and (reapp < 100 or d["stripped"] != reapp):
    bad.append("tool: stripped %d of the %d trailers gw-core re-appended"
               % (d["stripped"], reapp))
if app == "b" and d["stripped"] != 0:
    bad.append("tool: stripped %d trailers on app b's flows (no reappend)" % d["stripped"])
if d["too_big"] or d["gso"] or d["error"] or d["strip_error"]:
    bad.append("tool: too_big %d gso %d error %d" % (d["too_big"], d["gso"], d["error"]))
if bad:
    print("APP %s FAIL: %s" % (app, "; ".join(bad)))
else:
    print("APP %s OK %s: %d bytes in %s, %d in %s; tool tagged %d (auth %d), flow_known %d, "
          "stripped %d" % (app, sent, mine, slice_, theirs, other, d["tagged"], d["tagged_auth"],
                           d["flow_known"], d["stripped"]))
PY
