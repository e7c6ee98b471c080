/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Copyright (C) 2026 AGW developers
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kernel_agw_plugin.h"
#include "kernel_agw_ipsec.h"
#include "version.h"

#include <daemon.h>

typedef struct private_kernel_agw_plugin_t private_kernel_agw_plugin_t;

/**
 * Private data of the kernel-agw plugin.
 */
struct private_kernel_agw_plugin_t {

	/**
	 * Public interface.
	 */
	kernel_agw_plugin_t public;
};

METHOD(plugin_t, get_name, char*,
	private_kernel_agw_plugin_t *this)
{
	return "kernel-agw";
}

METHOD(plugin_t, get_features, int,
	private_kernel_agw_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK(kernel_ipsec_register, kernel_agw_ipsec_create),
			PLUGIN_PROVIDE(CUSTOM, "kernel-ipsec"),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, destroy, void,
	private_kernel_agw_plugin_t *this)
{
	free(this);
}

/*
 * Described in header.
 */
plugin_t *kernel_agw_plugin_create()
{
	private_kernel_agw_plugin_t *this;

	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.destroy = _destroy,
			},
		},
	);
	DBG1(DBG_KNL, "kernel-agw: built against strongSwan %s (Debian source %s, "
		 "binary %s)", AGW_SS_UPSTREAM, AGW_SS_SOURCE, AGW_SS_BINARY);
	return &this->public.plugin;
}
