#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run every libFuzzer harness for a bounded time: tests/fuzz/run.sh BUILD [SECONDS]
# (default 20 each). Seeds: the checked-in corpora (tests/fuzz/NAME-seeds/, etc/specs/),
# the generated ones in BUILD/gen and the inputs that once failed
# (tests/fuzz/NAME-regress/, each named for the bug). New inputs go to a scratch
# directory; a crash is kept as BUILD/fuzz/crash-* and fails the run. Prints each
# harness's executions and rate, the total, and "fuzz: N passed, M failed" last.
set -uo pipefail
BUILD=$1
SECS=${2:-20}
passed=0
failed=0
HERE=$(dirname "$0")
export LSAN_OPTIONS=suppressions=$HERE/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
total=0
# NAME:SEED_DIR[,SEED_DIR...]. fuzz_dataplane counts mbufs itself; LeakSanitizer is off
# there and in fuzz_ctl, since it cannot see pointers kept in DPDK's memory (rte_malloc) and takes the
# objects they hold (trailer keys) for leaks.
for t in "trailer:$BUILD/gen/trl-corpus" "spec:$HERE/../../etc/specs,$HERE/spec-seeds" \
	"xmlrpc:$HERE/xmlrpc-seeds" "dataplane:$HERE/dataplane-seeds" "ctl:$HERE/ctl-seeds"; do
	name=${t%%:*}
	envs=()
	case $name in dataplane | ctl) envs=(ASAN_OPTIONS=detect_leaks=0) ;; esac
	IFS=, read -r -a seeds <<<"${t#*:}"
	bin=$BUILD/fuzz/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "   FAIL $name: $bin is not built (make $bin)"
		failed=$((failed + 1))
		continue
	fi
	work=$(mktemp -d "/tmp/agw-fuzz-$name.XXXXXX")
	regress=()
	[ -d "$HERE/$name-regress" ] && regress=("$HERE/$name-regress")
	echo "== fuzz $name (${SECS}s, seeds ${seeds[*]})"
	if env "${envs[@]}" "$bin" -max_total_time="$SECS" -print_final_stats=1 -artifact_prefix="$BUILD/fuzz/" \
		"$work" "${seeds[@]}" "${regress[@]}" >"$work.log" 2>&1; then
		passed=$((passed + 1))
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log")
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work.log")
		total=$((total + ${runs:-0}))
		frames=$(sed -n 's/^fuzz_dataplane: \([0-9]*\) frames$/, \1 frames/p' "$work.log")
		echo "   ok   $name: ${runs:-?} executions, ${rate:-?}/s$frames," \
			"corpus $(ls "$work" | wc -l) new inputs"
	else
		failed=$((failed + 1))
		echo "   FAIL $name (log follows; the input is in $BUILD/fuzz/)"
		grep -E 'ERROR|SUMMARY|^    #[0-9]|Test unit written' "$work.log" | head -20 | sed 's/^/   | /'
		tail -5 "$work.log" | sed 's/^/   | /'
	fi
	rm -rf "$work" "$work.log"
done
echo "fuzz: $total executions in all"
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
