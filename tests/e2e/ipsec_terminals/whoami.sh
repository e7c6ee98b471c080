#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Both servers have address 10.1.0.10; each terminal must reach the one of its slice.
# Prints "term1->srv1 term2->srv2" when each did.
set -u
. "$SRC/lib.sh"
for s in srv1 srv2; do
	nsx $s /usr/bin/python3 "$SCEN/whoami.py" serve $s 5002 30 &
done
for s in srv1 srv2; do
	wait_until 10 nsx $s sh -c "ss -ltn | grep -q ':5002 '" || { echo "$s did not listen"; exit 1; }
done
out=""
for t in 1 2; do
	a=$(nsx term$t /usr/bin/python3 "$SCEN/whoami.py" ask 10.1.0.10 5002 10 2>&1)
	out="$out term$t->${a#I am }"
done
echo $out
for s in srv1 srv2; do
	ip netns pids "$(ns $s)" | xargs -r kill 2>/dev/null
done
wait 2>/dev/null
