#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run end-to-end scenarios: tests/e2e/run.sh [--demo] [SCENARIO...] (default: all).
# Each scenario: setup.sh, then every line of 'checks', then teardown.sh (always).
# Needs root (ip netns, veth, nftables, tc); without it, says so loudly and fails
# unless E2E_ALLOW_SKIP=1. Prints "e2e: N passed, M failed" last.
set -uo pipefail
SRC=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$(cd "$SRC/../.." && pwd)/build}
export SRC BUILD
. "$SRC/lib.sh"

demo=0
if [ "${1:-}" = "--demo" ]; then
	demo=1
	shift
fi

if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
	echo "************************************************************" >&2
	echo "e2e: SKIPPED: end-to-end tests need root (ip netns, veth, tc)" >&2
	echo "************************************************************" >&2
	[ "${E2E_ALLOW_SKIP:-0}" = 1 ] && exit 0
	exit 1
fi

scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
	for d in "$SRC"/*/; do
		[ -f "$d/checks" ] && scenarios+=("$(basename "$d")")
	done
fi

passed=0
failed=0
for s in "${scenarios[@]}"; do
	SCEN="$SRC/$s"
	E2E_DIR=$(mktemp -d "/tmp/agw-e2e-$s.XXXXXX")
	export SCEN E2E_DIR
	echo "== e2e $s"
	delete_namespaces   # leftovers of a run that was killed
	if ! "$SCEN/setup.sh" >"$E2E_DIR/setup.log" 2>&1; then
		echo "   FAIL setup (log follows)"
		sed 's/^/   | /' "$E2E_DIR/setup.log"
		for f in "$E2E_DIR"/*.log; do
			[ "$f" = "$E2E_DIR/setup.log" ] || sed "s#^#   | $(basename "$f"): #" "$f" | tail -20
		done
		failed=$((failed + 1))
		"$SCEN/teardown.sh" >/dev/null 2>&1
		rm -rf "$E2E_DIR"
		continue
	fi
	while IFS= read -r line; do
		case "$line" in '#'* | '') continue ;; esac
		n=${line%%::*}
		rest=${line#*::}
		want=${rest##*::}
		rest=${rest%::*}
		re=${rest##*::}
		cmd=${rest%::*}
		if [ "$n" = host ]; then
			out=$(timeout 180 sh -c "$cmd" 2>&1)
		else
			out=$(timeout 180 ip netns exec "$(ns "$n")" sh -c "$cmd" 2>&1)
		fi
		if printf '%s\n' "$out" | grep -Eq -- "$re"; then got=YES; else got=NO; fi
		if [ "$got" = "$want" ]; then
			passed=$((passed + 1))
			echo "   ok   [$n] $cmd  =~ /$re/ ($want)"
		else
			failed=$((failed + 1))
			echo "   FAIL [$n] $cmd  =~ /$re/ (wanted $want)"
			printf '%s\n' "$out" | tail -15 | sed 's/^/   | /'
		fi
	done <"$SCEN/checks"
	if [ $demo = 1 ] && [ -x "$SCEN/report.sh" ] && ! "$SCEN/report.sh"; then
		failed=$((failed + 1))   # a demo scene that breaks is a failure, not a traceback
		echo "   FAIL [$s] the demo's report ($SCEN/report.sh) failed"
	fi
	"$SCEN/teardown.sh" >/dev/null 2>&1
	if [ $failed -ne 0 ]; then
		for f in "$E2E_DIR"/*.log; do
			echo "   -- $(basename "$f") (last lines)"
			tail -15 "$f" | sed 's/^/   | /'
		done
	fi
	rm -rf "$E2E_DIR"
done
echo "e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
