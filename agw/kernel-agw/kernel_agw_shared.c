/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Copyright (C) 2026 AGW developers
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kernel_agw_shared.h"

#include <daemon.h>
#include <processing/jobs/callback_job.h>

typedef struct private_kernel_agw_shared_t private_kernel_agw_shared_t;

/**
 * Private data of a kernel_agw_shared_t object.
 */
struct private_kernel_agw_shared_t {

	/** Public interface */
	kernel_agw_shared_t public;

	/** The plugin's mutex (borrowed): held for every call, taken by the poller */
	mutex_t *mutex;

	/** The plugin's callbacks and their data */
	kernel_agw_shared_cb_t cb;
	void *data;

	/** Control connection to gw-core */
	struct gwc_conn conn;

	/** conn is up */
	bool connected;

	/** a failed connect was logged (log once per outage) */
	bool outage_logged;

	/** Options (charon.plugins.kernel-agw.*) */
	char *socket, *client;
	u_int poll_ms, timeout_ms;
};

/**
 * Connect (and resync) when not connected. Returns 0, -2 (unreachable). Mutex held.
 */
static int connect_gwc(private_kernel_agw_shared_t *this)
{
	struct gwc_conn_err e;

	if (this->connected)
	{
		return 0;
	}
	if (gwc_conn_open(&this->conn, this->socket, this->client, this->timeout_ms, &e) != 0)
	{
		if (!this->outage_logged)
		{
			DBG1(DBG_KNL, "kernel-agw: gw-core not reachable at %s: %s (retrying)",
				 this->socket, e.message);
			this->outage_logged = TRUE;
		}
		return -2;
	}
	DBG1(DBG_KNL, "kernel-agw: connected to gw-core %s (%s) at %s as '%s'",
		 this->conn.version, this->conn.role, this->socket, this->client);
	this->connected = TRUE;
	this->outage_logged = FALSE;
	this->cb.resync(this->data);
	return this->connected ? 0 : -2;
}

METHOD(kernel_agw_shared_t, call, int,
	private_kernel_agw_shared_t *this, const char *op, json_object *args,
	json_object **res, struct gwc_conn_err *e)
{
	int rc;

	if (!this->connected && connect_gwc(this) != 0)
	{
		if (args)
		{
			json_object_put(args);
		}
		snprintf(e->code, sizeof(e->code), "ETRANSPORT");
		snprintf(e->message, sizeof(e->message), "gw-core not reachable at %s",
				 this->socket);
		return -2;
	}
	rc = gwc_conn_call(&this->conn, op, args, res, e);
	if (rc == -2)
	{
		DBG1(DBG_KNL, "kernel-agw: lost gw-core (%s: %s); reconnecting",
			 op, e->message);
		this->connected = FALSE;
	}
	return rc;
}

METHOD(kernel_agw_shared_t, is_connected, bool,
	private_kernel_agw_shared_t *this)
{
	return this->connected;
}

METHOD(kernel_agw_shared_t, get_client, const char*,
	private_kernel_agw_shared_t *this)
{
	return this->client;
}

METHOD(kernel_agw_shared_t, flush, void,
	private_kernel_agw_shared_t *this)
{
	struct gwc_conn_err e;
	json_object *res = NULL;

	if (this->connected &&
		gwc_conn_call(&this->conn, "owner.flush", NULL, &res, &e) == 0 && res)
	{
		json_object_put(res);
	}
}

/**
 * Poller: reconnection (with resync), then the plugin's poll, or a ping while idle.
 */
static job_requeue_t poll_job(private_kernel_agw_shared_t *this)
{
	this->mutex->lock(this->mutex);
	if (!this->connected)
	{
		connect_gwc(this);
	}
	else if (!this->cb.poll(this->data))
	{
		struct gwc_conn_err e;
		json_object *res = NULL;

		/* keep noticing restarts while idle */
		if (call(this, "ping", NULL, &res, &e) == 0 && res)
		{
			json_object_put(res);
		}
	}
	this->mutex->unlock(this->mutex);
	return JOB_RESCHEDULE_MS(this->poll_ms);
}

METHOD(kernel_agw_shared_t, start, void,
	private_kernel_agw_shared_t *this)
{
	this->mutex->lock(this->mutex);
	connect_gwc(this);
	this->mutex->unlock(this->mutex);
	lib->scheduler->schedule_job_ms(lib->scheduler, (job_t*)
			callback_job_create_with_prio((callback_job_cb_t)poll_job, this, NULL,
				(callback_job_cancel_t)return_false, JOB_PRIO_CRITICAL),
			this->poll_ms);
}

METHOD(kernel_agw_shared_t, destroy, void,
	private_kernel_agw_shared_t *this)
{
	gwc_conn_close(&this->conn);
	free(this);
}

/*
 * Described in header.
 */
kernel_agw_shared_t *kernel_agw_shared_create(mutex_t *mutex, kernel_agw_shared_cb_t cb,
											  void *data)
{
	private_kernel_agw_shared_t *this;

	INIT(this,
		.public = {
			.call = _call,
			.is_connected = _is_connected,
			.get_client = _get_client,
			.flush = _flush,
			.start = _start,
			.destroy = _destroy,
		},
		.mutex = mutex,
		.cb = cb,
		.data = data,
		.conn = { .fd = -1 },
		.socket = lib->settings->get_str(lib->settings,
						"%s.plugins.kernel-agw.socket", "/run/agw/gw-core.sock", lib->ns),
		.client = lib->settings->get_str(lib->settings,
						"%s.plugins.kernel-agw.client", "ike", lib->ns),
		.poll_ms = lib->settings->get_int(lib->settings,
						"%s.plugins.kernel-agw.poll_interval", 1000, lib->ns),
		.timeout_ms = lib->settings->get_int(lib->settings,
						"%s.plugins.kernel-agw.timeout", 2000, lib->ns),
	);
	if (this->poll_ms < 50)
	{
		this->poll_ms = 50;
	}
	return &this->public;
}
