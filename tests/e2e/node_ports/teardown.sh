#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Always runs, even after a failed setup: stop gw-cores, delete the namespaces.
. "$SRC/lib.sh"
stop_gwcores
delete_namespaces
