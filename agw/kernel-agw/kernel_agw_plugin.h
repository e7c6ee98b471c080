/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Copyright (C) 2026 AGW developers
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup kernel_agw kernel_agw
 * @ingroup cplugins
 *
 * kernel-agw: a kernel-ipsec backend that hands the SAs charon negotiates to AGW's
 * gw-core data plane over its control socket (docs/ike.md), instead of to the kernel.
 * Loaded into Debian's unmodified charon; kernel-netlink stays the kernel-net provider.
 *
 * @defgroup kernel_agw_plugin kernel_agw_plugin
 * @{ @ingroup kernel_agw
 */

#ifndef KERNEL_AGW_PLUGIN_H_
#define KERNEL_AGW_PLUGIN_H_

#include <library.h>
#include <plugins/plugin.h>

typedef struct kernel_agw_plugin_t kernel_agw_plugin_t;

/**
 * The kernel-agw plugin: provides the "kernel-ipsec" feature.
 */
struct kernel_agw_plugin_t {

	/**
	 * implements plugin interface
	 */
	plugin_t plugin;
};

/**
 * Create the plugin (called by charon's plugin loader through its name,
 * kernel_agw_plugin_create).
 *
 * @return			the plugin; never NULL
 */
plugin_t *kernel_agw_plugin_create(void);

#endif /** KERNEL_AGW_PLUGIN_H_ @}*/
