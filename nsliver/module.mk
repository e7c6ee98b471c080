# SPDX-License-Identifier: BSD-3-Clause
# nsliver/: node slivers (nsl.h). The node plan (nsl_plan.c: resources, params, image
# URL templates) is built into the manager's library (manager/module.mk, NSL_PLAN_SRCS);
# the runtime that starts VMs and containers is the open part of the node-sliver issue.
