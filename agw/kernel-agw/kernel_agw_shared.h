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
 * @defgroup kernel_agw_shared_i kernel_agw_shared
 * @{ @ingroup kernel_agw
 */

#ifndef KERNEL_AGW_SHARED_H_
#define KERNEL_AGW_SHARED_H_

#include <library.h>
#include <threading/mutex.h>

#include <json-c/json.h>

#include "gwc_client.h"

typedef struct kernel_agw_shared_t kernel_agw_shared_t;

/**
 * What the kernel_ipsec_t implementation does on the connection's events. Both are
 * called with the plugin's mutex held.
 */
typedef struct {

	/**
	 * gw-core was (re)connected: bring what it holds of ours in line with charon's
	 * SAs (after a gw-core restart, install them again).
	 */
	void (*resync)(void *data);

	/**
	 * A poll while connected: read counters, raise expiries, retry pending SAs.
	 *
	 * @return		FALSE when there was nothing to poll (then gw-core is pinged,
	 *				so that a restart is noticed while idle)
	 */
	bool (*poll)(void *data);

} kernel_agw_shared_cb_t;

/**
 * The plugin's connection to gw-core's control socket (docs/control-socket.md), kept
 * apart from the kernel_ipsec_t methods as VPP's kernel_vpp_shared.c keeps its
 * transport: it connects (options charon.plugins.kernel-agw.socket, client, timeout),
 * reconnects when a call finds gw-core gone, calls the resync callback after every
 * (re)connect, and runs the poller (poll_interval ms).
 *
 * Threads: the caller holds the plugin's mutex for every method; the poller takes it.
 */
struct kernel_agw_shared_t {

	/**
	 * Send one request to gw-core, connecting (and resyncing) first when needed.
	 *
	 * @param op		the operation ("sa.add")
	 * @param args		its arguments, or NULL; always consumed
	 * @param res		on success, the result (a new reference), or NULL
	 * @param e			on failure, what gw-core or the transport said
	 * @return			0; -1 refused by gw-core; -2 gw-core unreachable
	 */
	int (*call)(kernel_agw_shared_t *this, const char *op, json_object *args,
				json_object **res, struct gwc_conn_err *e);

	/**
	 * @return			TRUE while connected
	 */
	bool (*is_connected)(kernel_agw_shared_t *this);

	/**
	 * @return			our client name at gw-core (the owner of what we add)
	 */
	const char *(*get_client)(kernel_agw_shared_t *this);

	/**
	 * Remove everything of ours from gw-core, if connected (no reconnect).
	 */
	void (*flush)(kernel_agw_shared_t *this);

	/**
	 * Connect once (a missing gw-core is logged, not fatal) and start the poller.
	 */
	void (*start)(kernel_agw_shared_t *this);

	/**
	 * Close the connection and free this object.
	 */
	void (*destroy)(kernel_agw_shared_t *this);
};

/**
 * Create the connection object (not connected yet).
 *
 * @param mutex		the plugin's mutex, borrowed (the poller takes it)
 * @param cb		the plugin's callbacks, copied
 * @param data		passed to the callbacks
 * @return			the object, or NULL on out of memory
 */
kernel_agw_shared_t *kernel_agw_shared_create(mutex_t *mutex, kernel_agw_shared_cb_t cb,
											  void *data);

#endif /** KERNEL_AGW_SHARED_H_ @}*/
