#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every CUnit suite: tests/unit/run.sh BUILD_DIR. First the suites that share EAL
# lcores 0-1, then each SUITE_LCORES suite of suites.def alone with the lcores it names
# (more workers than CPUs). Exit status 0 only when every run passed.
set -uo pipefail
BUILD=${1:-build}
rc=0
"$BUILD/bin/unit-tests" || rc=1
while IFS='|' read -r name lcores; do
	echo "unit-tests: suite $name with EAL lcores $lcores"
	"$BUILD/bin/unit-tests" "$lcores" "$name" || rc=1
done < <(sed -n 's/^SUITE_LCORES(\([a-z_]*\), [a-z_]*, "\(.*\)")$/\1|\2/p' \
	"$(dirname "$0")/suites.def")
exit $rc
