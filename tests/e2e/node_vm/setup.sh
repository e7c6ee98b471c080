#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# node_slivers' topology, manager and HTTP server, serving the test's VM guest
# (guest.sh) instead of container images (description.txt).
NODE_KIND=vm exec "$SRC/node_slivers/setup.sh"
