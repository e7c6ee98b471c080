#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make demo: the node-sliver scene. A SlowPath_VM booted in a slice's path (the test's
# guest; TCG here) and traffic crossing it, one line per step, as the SNC sees it.
set -u
echo
echo "================ demo: a VM node sliver in the slice's path ================"
NODE_KIND=vm /usr/bin/python3 "$SRC/node_slivers/nodes.py" demo || exit 1
echo
