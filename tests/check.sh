#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make check: unit tests (CUnit), the fuzz harnesses for CHECK_FUZZ_SECONDS each (20),
# then end-to-end scenarios (netns, root). Always runs all three, then prints one
# closing line "check: N passed, M failed" over all tests.
set -uo pipefail
BUILD=${1:-build}
ulog=$(mktemp) elog=$(mktemp) flog=$(mktemp)
trap 'rm -f "$ulog" "$elog" "$flog"' EXIT

tests/unit/run.sh "$BUILD" 2>&1 | tee "$ulog"
urc=${PIPESTATUS[0]}
tests/fuzz/run.sh "$BUILD" "${CHECK_FUZZ_SECONDS:-20}" 2>&1 | tee "$flog"
frc=${PIPESTATUS[0]}
BUILD=$(cd "$BUILD" && pwd) tests/e2e/run.sh 2>&1 | tee "$elog"
erc=${PIPESTATUS[0]}

# CUnit's summary row: "tests  TOTAL  RAN  PASSED  FAILED  INACTIVE", once per run
read -r ut ur up uf < <(awk '$1 == "tests" && NF >= 5 {t += $2; r += $3; p += $4; f += $5}
			      END {print t + 0, r + 0, p + 0, f + 0}' "$ulog")
ep=$(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$elog")
ef=$(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$elog")
fp=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$flog")
ff=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$flog")
up=${up:-0} uf=${uf:-0} ep=${ep:-0} ef=${ef:-0} fp=${fp:-0} ff=${ff:-0}
# A runner that died without its summary counts as one failure.
[ "$urc" -ne 0 ] && [ "$uf" -eq 0 ] && uf=1
[ "$erc" -ne 0 ] && [ "$ef" -eq 0 ] && ef=1
[ "$frc" -ne 0 ] && [ "$ff" -eq 0 ] && ff=1
echo
echo "unit: $up passed, $uf failed; fuzz: $fp passed, $ff failed; e2e: $ep passed, $ef failed"
echo "check: $((up + fp + ep)) passed, $((uf + ff + ef)) failed"
[ "$urc" -eq 0 ] && [ "$frc" -eq 0 ] && [ "$erc" -eq 0 ]
