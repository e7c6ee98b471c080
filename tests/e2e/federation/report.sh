#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make demo: the federation scene. Two domains (domA: a terminal on VLAN 10; domB: a
# server on VLAN 200) joined through the SEP's gateway by the Common API 2.0, one line
# per step, as the SEP core sees it.
set -u
echo
echo "================ demo: two domains federated through the SEP gateway ================"
/usr/bin/python3 "$SCEN/sep_core.py" demo || exit 1
echo
