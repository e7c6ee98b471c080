#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Always runs: stop the manager and the gw-cores, delete the namespaces.
. "$SRC/lib.sh"
stop_gwcores
delete_namespaces
