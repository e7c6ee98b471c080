/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager process: configuration, state, and the XML-RPC methods (docs/manager-api.md).
 * Methods follow seed 000's Common API command set; faults carry enum mgr_fault codes.
 *
 * Thread context: Abyss runs each connection in its own thread; every method takes
 * mgr->lock for its whole run, so operations are serialised and each one sees and
 * leaves a consistent registry, store and gw-core.
 */
#ifndef AGW_MGR_RPC_H
#define AGW_MGR_RPC_H

#include <pthread.h>

#include <xmlrpc-c/base.h>
#include <xmlrpc-c/server.h>

#include "mgr.h"
#include "mgr_gwc.h"
#include "mgr_ike.h"
#include "mgr_store.h"

/** [manager] of agw.conf (README lists every key and its default). */
struct mgr_conf {
	char listen[128];           /**< "ADDRESS:PORT" of the XML-RPC server */
	char user[MGR_NAME_MAX];    /**< HTTP Basic user name */
	char password_hash[256];    /**< crypt(3) hash of its password */
	char db[256];               /**< SQLite file */
	char gwc_socket[108];       /**< gw-core's control socket */
	char client[MGR_NAME_MAX];  /**< our client name at gw-core */
	size_t max_request_bytes;   /**< larger request bodies are refused (HTTP 413) */
	unsigned int gwc_check_ms;  /**< how often the gw-core connection is checked */
	unsigned int gwc_timeout_ms;
	struct mgr_plan_conf plan;  /**< ports, ranges, capacity */
	struct mgr_ike_conf ike;    /**< charon: [agw] ike, vici_socket, ike_id, ike_dpd_delay_s */
};

struct mgr {
	pthread_mutex_t lock;
	struct mgr_conf conf;
	struct mgr_reg reg;
	struct mgr_store *st;
	struct mgr_gwc gwc;
	struct mgr_ike ike;
	int64_t started;            /**< s since the epoch */
	unsigned long calls;        /**< methods run */
};

/**
 * Read [manager] from the INI file 'path' into 'c' (defaults first).
 * @return 0; -1 with a message on stderr naming the key and what is wrong.
 */
int mgr_conf_load(struct mgr_conf *c, const char *path);

/** Register every method with serverInfo 'm'. @return 0; -1 (env holds the fault). */
int mgr_rpc_register(xmlrpc_env *env, xmlrpc_registry *reg, struct mgr *m);

#endif
