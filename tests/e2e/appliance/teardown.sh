#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Always runs: stop the launcher (its processes with it) and the SEP's gw-core.
. "$SRC/lib.sh"
stop_gwcores
delete_namespaces
