#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Always runs: as node_slivers' (QEMU's pid is in the same pid files).
exec "$SRC/node_slivers/teardown.sh"
