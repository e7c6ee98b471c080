#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run every libFuzzer harness for a bounded time: tests/fuzz/run.sh BUILD [SECONDS]
# (default 20 each). Seeds: the generated corpora in BUILD/gen and the inputs that once
# failed (tests/fuzz/NAME-regress/, each named for the bug). New inputs go to a
# scratch directory; a crash is kept as BUILD/fuzz/crash-* and fails the run.
# Prints "fuzz: N passed, M failed" last.
set -uo pipefail
BUILD=$1
SECS=${2:-20}
passed=0
failed=0
for t in trailer:trl-corpus; do
	name=${t%%:*}
	seeds=$BUILD/gen/${t#*:}
	bin=$BUILD/fuzz/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "   FAIL $name: $bin is not built (make $bin)"
		failed=$((failed + 1))
		continue
	fi
	work=$(mktemp -d "/tmp/agw-fuzz-$name.XXXXXX")
	echo "== fuzz $name (${SECS}s, seeds $seeds)"
	if "$bin" -max_total_time="$SECS" -print_final_stats=1 -artifact_prefix="$BUILD/fuzz/" \
		"$work" "$seeds" "$(dirname "$0")/$name-regress" >"$work.log" 2>&1; then
		passed=$((passed + 1))
		echo "   ok   $name: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$work.log")," \
			"corpus $(ls "$work" | wc -l) new inputs"
	else
		failed=$((failed + 1))
		echo "   FAIL $name (log follows; the input is in $BUILD/fuzz/)"
		grep -E 'ERROR|SUMMARY|^    #[0-9]|Test unit written' "$work.log" | head -20 | sed 's/^/   | /'
		tail -5 "$work.log" | sed 's/^/   | /'
	fi
	rm -rf "$work" "$work.log"
done
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
