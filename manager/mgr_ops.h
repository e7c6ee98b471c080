/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's operations, without a transport: seed 000's Common API command set
 * (CreateSlice, Add, Delete, Run, Stop, DeleteSlice, ResourceInfo, Status, Statistics)
 * and the AGW's AddTerminal / RemoveTerminal, over plain C strings in and json-c values
 * out. A front end (mgr_xmlrpc.c for the VNode XML-RPC API; later the Common API 2.0
 * one) converts its wire format to a struct mgr_req and the result or struct mgr_err
 * back, and does nothing else.
 *
 * A mutation: validate and plan (mgr_plan.c) -> apply to gw-core and charon, undoing
 * one when the other fails (mgr_gwc.c, mgr_charon.c) -> SQLite (mgr_store.c), undoing the
 * daemons when it fails -> commit to the registry. A fault changes nothing.
 *
 * Principals: a slice belongs to the principal that created it ('who' of CreateSlice).
 * Every operation gets its caller; another principal's slice is answered as if it did
 * not exist (SEARCHFAILED; in Status "all" it is left out), except for an admin
 * principal, which sees and changes every slice. 'who' NULL is the manager itself.
 *
 * Threads and locks: any number of front-end threads call these at once. m->lock
 * guards the registry and the store; m->io_lock guards the connections to gw-core and
 * charon. Taken in that order. A mutation holds both, so every commit happens under
 * both. Status takes only m->lock and never waits for a daemon; ResourceInfo and
 * Statistics take m->io_lock too. The monitor (mgr_sync.c) reconciles the daemons
 * holding only m->io_lock, against a copy of the registry.
 */
#ifndef AGW_MGR_OPS_H
#define AGW_MGR_OPS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "mgr.h"
#include "mgr_gwc.h"
#include "mgr_charon.h"
#include "mgr_store.h"
#include "mgr_capi.h"
#include "nsl.h"

#define MGR_MAX_NAMES 256   /**< sliver names one request may list */

/** Limits of one request; reaching one is a documented answer (docs/manager-api.md). */
struct mgr_limits {
	unsigned int max_xml_depth;    /**< elements nested in an XML-RPC body */
	size_t max_string_bytes;       /**< bytes of one string (text node or attribute) */
	unsigned int max_array_items;  /**< elements directly inside one element */
	size_t max_header_bytes;       /**< bytes of all request headers (HTTP 431 above) */
};

/** Who may call: [manager] user / password_hash, and each [principal NAME] section. */
struct mgr_principal {
	char name[MGR_NAME_MAX];
	char password_hash[256];    /**< crypt(3) hash for HTTP Basic; "": no Basic */
	char cert_name[256];        /**< the client certificate's CN or SAN that proves it
				     *   (TLS with tls_client_ca); "": its name */
	bool admin;                 /**< sees and changes every principal's slices */
	char domains[256];          /**< Common API 2.0: the federated domains it speaks for
				     *   (src_infra_name), comma-separated; "": none */
};

/** One caller, as the HTTP server authenticated it; borrowed for one operation. */
struct mgr_caller {
	const char *principal;      /**< its name: slices it creates are its own */
	bool admin;                 /**< may touch every slice */
	const char *domains;        /**< Common API 2.0: the src_infra_name values it may
				     *   give, comma-separated; "" or NULL: none (an admin:
				     *   any) */
};

/** [manager] of agw.conf (docs/configuration.md lists every key and its default). */
struct mgr_conf {
	char listen[128];           /**< "ADDRESS:PORT" of the XML-RPC server */
	char user[MGR_NAME_MAX];    /**< HTTP Basic user name of the [manager] principal */
	char password_hash[256];    /**< crypt(3) hash of its password */
	bool tls;                   /**< HTTPS (default); "no" only on a loopback address */
	char tls_cert[256];         /**< PEM server certificate (chain) */
	char tls_key[256];          /**< PEM private key */
	char tls_client_ca[256];    /**< PEM CA of client certificates; "": none asked for */
	struct mgr_principal *principals;   /**< malloc'd; [0] is [manager]'s user */
	unsigned int n_principals;
	struct mgr_limits limits;
	char db[256];               /**< SQLite file */
	char gwc_socket[108];       /**< gw-core's control socket */
	char client[MGR_NAME_MAX];  /**< our client name at gw-core */
	size_t max_request_bytes;   /**< larger request bodies are refused (HTTP 413) */
	unsigned int gwc_check_ms;  /**< how often the gw-core connection is checked */
	unsigned int gwc_timeout_ms;
	struct mgr_plan_conf plan;  /**< ports, ranges, capacity */
	struct mgr_charon_conf charon;    /**< charon: [agw] ike, vici_socket, ike_id, ike_dpd_delay_s */
	struct mgr_capi_conf capi;  /**< Common API 2.0: domain_name, [peer DOMAIN] sections */
	struct nsl_conf nsl;        /**< [nsliver]: node slivers' capacity, image server
				     *   (plan.nsl points here) */
};

/** The manager's state. */
struct mgr {
	pthread_mutex_t lock;       /**< guards reg, st, gen, calls */
	pthread_mutex_t io_lock;    /**< guards gwc and ike (taken after 'lock') */
	struct mgr_conf conf;       /**< read-only once running */
	struct mgr_reg reg;
	struct mgr_store *st;
	uint64_t gen;               /**< registry generation: one more at every commit */
	struct mgr_gwc gwc;
	struct mgr_charon charon;
	int64_t started;            /**< s since the epoch */
	unsigned long calls;        /**< operations run */
};

/**
 * Read [manager] (and [agw] ike) from the INI file 'path' into 'c' (defaults first).
 * @return 0; -1 with a message on stderr naming the key and what is wrong.
 */
int mgr_conf_load(struct mgr_conf *c, const char *path);

/** Free what mgr_conf_load() allocated. */
void mgr_conf_free(struct mgr_conf *c);

/** The principal named 'name', or NULL. */
const struct mgr_principal *mgr_conf_principal(const struct mgr_conf *c, const char *name);

/** The mutations. */
enum mgr_op {
	MGR_OP_CREATE,          /**< id, spec */
	MGR_OP_ADD,             /**< id, spec */
	MGR_OP_DELETE,          /**< id, names (at least one) */
	MGR_OP_RUN,             /**< id, names (none: every created sliver) */
	MGR_OP_STOP,            /**< id, names (none: every executed sliver) */
	MGR_OP_DELETE_SLICE,    /**< id */
	MGR_OP_ADD_TERMINAL,    /**< id, link, vport, terminal, auth */
	MGR_OP_REMOVE_TERMINAL, /**< id, link, vport, terminal */
};

/** @return the Common API name of 'op' ("CreateSlice"). */
const char *mgr_op_name(enum mgr_op op);

/** One mutation, as a front end decoded it. Every pointer is borrowed for the call. */
struct mgr_req {
	enum mgr_op op;
	const struct mgr_caller *who;   /**< NULL: the manager itself (every slice) */
	const char *id;                 /**< the slice */
	const char *spec;               /**< CREATE, ADD: the slice spec (XML, seed 001) */
	size_t spec_len;                /**< its bytes */
	const char *const *names;       /**< DELETE, RUN, STOP: sliver names */
	unsigned int n_names;           /**< 0..MGR_MAX_NAMES */
	const char *link, *vport;       /**< terminals: the IPsec link sliver and its vport */
	const char *terminal;           /**< terminals: the IKE identity */
	const char *auth;               /**< ADD_TERMINAL: "psk:SECRET" or "pubkey" */
	const struct mgr_slice *parsed; /**< CREATE, ADD: slivers and binds already decoded
					 *   (the Common API 2.0 front end); 'spec' is then
					 *   not read */
	/** The Common API 2.0 front end: called under both locks once the plan is made, with
	 *  the slice before ('old', NULL for CreateSlice) and after ('want', NULL for
	 *  DeleteSlice); it sets want->fed (the federation record to store, malloc'd).
	 *  @return 0; -1 with 'e' (the operation is then refused, nothing changed). */
	int (*fed)(void *arg, const struct mgr_slice *old, struct mgr_slice *want,
		   struct mgr_err *e);
	void *fed_arg;
};

/**
 * Node slivers (mgr_nsl.c): start those 'want' has executed and 'old' (NULL: none) not,
 * with 'old' and 'want' the slice before and after a mutation. Both locks held.
 * @return 0; -1 with 'e' (REFUSED: one did not start, why; UNSUPPORTED: a VM; BADARGS:
 *   its plan), those this call started stopped again.
 */
int mgr_nsl_start(struct mgr *m, const struct mgr_slice *old, const struct mgr_slice *want,
		  struct mgr_err *e);

/**
 * Start the VMs mgr_nsl_start() made ready, once gw-core holds their vhost-user ports
 * (QEMU connects to them at start-up). Both locks held.
 * @return 0; -1 with 'e' (REFUSED: QEMU did not start, why); the caller stops them.
 */
int mgr_nsl_launch(struct mgr *m, const struct mgr_slice *old, const struct mgr_slice *want,
		   struct mgr_err *e);

/** Stop the node slivers 'old' has executed and 'want' (NULL: none) not, and purge
 *  those 'want' no longer has (run directory, console log). Both locks held. */
void mgr_nsl_stop(struct mgr *m, const struct mgr_slice *old, const struct mgr_slice *want);

/** The node slivers a mutation starts (mgr_nsl.c): their names and gw-core ports. */
struct mgr_nsl_started;

/** Those 'want' has executed and 'old' not (NULL: none, or out of memory); free(). */
struct mgr_nsl_started *mgr_nsl_started(const struct mgr_slice *old,
					const struct mgr_slice *want);

/**
 * Wait until each node sliver of 'st' (of slice 'id') has its gw-core ports' links up
 * (a guest's virtio-net driver attached, a container's veth), at most [nsliver]
 * start_timeout_s in all; each connected one is marked so (Status: running, no longer
 * booting). No lock held: takes m->io_lock for each look at gw-core.
 * @return 0; -1 with 'e' (REFUSED: which one did not connect).
 */
int mgr_nsl_wait(struct mgr *m, const char *id, struct mgr_nsl_started *st, struct mgr_err *e);

/** Stop the node slivers of 'st' again (a Stop of the manager's own; no lock held) and
 *  record 'why' as their failure. */
void mgr_nsl_unwind(struct mgr *m, const char *id, const struct mgr_nsl_started *st,
		    const char *why);

/**
 * Run mutation 'r'. Any thread; takes m->lock and m->io_lock.
 * @return 0 with '*res' the slice's status after it (mgr_op_status()'s form), or for
 *   DeleteSlice {"slice_id", "state": "non-existing"}: a new object the caller puts;
 *   -1 with 'e' (enum mgr_fault, docs/manager-api.md), nothing changed, '*res' NULL.
 */
int mgr_op_mutate(struct mgr *m, const struct mgr_req *r, struct json_object **res,
		  struct mgr_err *e);

/**
 * Status of slice 'id', or with 'id' NULL or "all" of every slice ({"slices": [...]}).
 * Any thread; takes m->lock only (never waits for gw-core or charon).
 * @return 0 with '*res' a new object; -1 with 'e' (SEARCHFAILED).
 */
int mgr_op_status(struct mgr *m, const struct mgr_caller *who, const char *id,
		  struct json_object **res, struct mgr_err *e);

/**
 * Counters of slice 'id' (its slivers 'names', or all with n == 0) read from gw-core.
 * Any thread; takes both locks.
 * @return 0 with '*res' a new object; -1 with 'e' (SEARCHFAILED, UNAVAILABLE).
 */
int mgr_op_statistics(struct mgr *m, const struct mgr_caller *who, const char *id,
		      const char *const *names, unsigned int n, struct json_object **res,
		      struct mgr_err *e);

/**
 * Call 'fn' with slice 'id' as 'who' may see it, holding m->lock (so the slice does not
 * change under it). Any thread.
 * @return fn's return; -1 with 'e' SEARCHFAILED when there is no such slice for 'who'.
 */
int mgr_op_view(struct mgr *m, const struct mgr_caller *who, const char *id,
		int (*fn)(struct mgr *m, const struct mgr_slice *sl, void *arg,
			  struct mgr_err *e),
		void *arg, struct mgr_err *e);

/**
 * The AGW's resources: the daemons' connections, ports with reserved bandwidth and VIDs
 * in use, allocation ranges, counts. Any thread; takes both locks.
 * @return 0 with '*res' a new object.
 */
int mgr_op_resource_info(struct mgr *m, struct json_object **res, struct mgr_err *e);

/**
 * Common API 2.0 command 'meth' (one struct, 'cmd', as json-c with mgr_capi.h's typed
 * values): src_infra_name must be one of the caller's domains; the slice is
 * src_slice_id; the same mutations and queries as the VNode form run underneath, and the
 * slice's federation record is stored with it. Any thread; takes the locks the
 * operation underneath takes.
 * @return 0 with '*res' the reply (mgr_capi_reply(); DeleteSlice: return_code and
 *   slice_status "non-existing"; ResourceInfo: resource_information); -1 with 'e'
 *   (FORBIDDEN: a domain the caller does not speak for; the faults of mgr_capi_decode(),
 *   mgr_capi_slice() and of the operation underneath), nothing changed.
 */
int mgr_op_capi(struct mgr *m, const struct mgr_caller *who, enum mgr_capi_method meth,
		struct json_object *cmd, struct json_object **res, struct mgr_err *e);

/* ---------------------------------------------------------------- mgr_report.c
 * The JSON forms of the above, built from the registry and the daemons' answers. The
 * caller holds m->lock (and m->io_lock where noted). Each returns a new object. */

/** Slice 'sl''s status: its slivers with states and the endpoints of link vports. */
struct json_object *mgr_report_slice(const struct mgr *m, const struct mgr_slice *sl);

/** Statistics of 'sl' from gw-core's slice object 'gs' (NULL: gw-core holds none) and its
 *  drops 'drops' (taken over; NULL: none). */
struct json_object *mgr_report_statistics(const struct mgr_slice *sl, const char *const *names,
					  unsigned int n, struct json_object *gs,
					  struct json_object *drops);

/** ResourceInfo's object. The caller holds both locks. */
struct json_object *mgr_report_resources(const struct mgr *m);

/* ---------------------------------------------------------------- mgr_sync.c */

/**
 * The monitor thread's body: every conf.gwc_check_ms, check the connections to gw-core
 * and charon and reconcile them with the registry after a (re)connect, until '*stop'.
 * Holds m->io_lock (never m->lock) while it talks to a daemon.
 * @param arg  a struct mgr_sync
 */
struct mgr_sync {
	struct mgr *m;
	int stop;                   /**< atomic: mgr_sync_stop() sets it */
};
void *mgr_sync_run(void *arg);

/** Ask the monitor to stop after its current round. Async-signal-safe (one atomic store). */
void mgr_sync_stop(struct mgr_sync *s);

#endif /* AGW_MGR_OPS_H */
