/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's side of gw-core: makes gw-core hold exactly the desired state of the
 * registry. A slice is present in gw-core (under the manager's client name) while at
 * least one of its link slivers is executed and has an endpoint gw-core realizes; it
 * holds one endpoint "LINK.VPORT" per such vport (docs/slice-spec.md).
 *
 * gw-core is stateless across restarts; the manager notices a restart when the control
 * connection drops, and reconciles on every (re)connect: slices gw-core holds under our
 * name but that are not desired go, desired ones are created or corrected.
 *
 * Thread context: the caller holds the manager's m->io_lock (mgr_ops.h).
 */
#ifndef AGW_MGR_GWC_H
#define AGW_MGR_GWC_H

#include <json-c/json.h>

#include "gwc_client.h"
#include "mgr.h"
#include "nsl.h"

struct mgr_gwc {
	char sock[108];             /**< gw-core's control socket path */
	char client[MGR_NAME_MAX];  /**< our client name (owner of what we create) */
	int timeout_ms;             /**< per call */
	struct gwc_conn conn;       /**< conn.fd < 0 while down */
	char **ports;               /**< gw-core's port names, NULL-terminated (or NULL) */
	const struct nsl_conf *nsl; /**< [nsliver]: where node slivers' vhost-user sockets
				     *   are (NULL: defaults) */
	unsigned long connects;     /**< successful (re)connects, each followed by a reconcile */
	char last_error[MGR_MSG_MAX];
};

/** Set up (not connected). 'sock' and 'client' are copied. */
void mgr_gwc_init(struct mgr_gwc *g, const char *sock, const char *client, int timeout_ms);

/** Disconnect and free. */
void mgr_gwc_fini(struct mgr_gwc *g);

/** Is the control connection up? Any thread: Status reads it without m->io_lock
 *  (mgr_ops.h), one atomic load. */
static inline bool
mgr_gwc_up(const struct mgr_gwc *g)
{
	return __atomic_load_n(&g->conn.fd, __ATOMIC_RELAXED) >= 0;
}

/**
 * Keep the connection: when up, ping; when down (or the ping fails), connect, read the
 * port list and reconcile every slice of 'reg'.
 * @return 0 connected and in sync; -1 with 'e' (UNAVAILABLE, or the reconcile's fault).
 */
int mgr_gwc_check(struct mgr_gwc *g, const struct mgr_reg *reg, struct mgr_err *e);

/**
 * Move slice 'id' in gw-core from 'old' to 'want' (either may be NULL: absent), and
 * the terminals' trailer keys with it (mgr_gwc_keys, 'reg' being the slices before the
 * change). On failure gw-core is put back to 'old' (best effort) and 'e' says what
 * failed: UNAVAILABLE (gw-core down), ALREADYEXISTS (name, VID, GRE key or a terminal's
 * trailer key held by another gw-core client), BADARGS (gw-core refused a value),
 * SERVERERROR.
 */
int mgr_gwc_apply(struct mgr_gwc *g, const struct mgr_reg *reg, const char *id,
		  const struct mgr_slice *old, const struct mgr_slice *want, struct mgr_err *e);

/**
 * Make the trailer keys this manager owns in gw-core (trailer.key.*) those the running
 * trailer link vports give (terminal_key, docs/slice-spec.md): the slices of 'reg', with
 * slice 'id' taken as 'want' instead of 'old' ('id' NULL: 'reg' as it is, every key set,
 * as after a connect). With 'id', only the keys 'want' gives and 'old' did not give the
 * same way are set (each set rebuilds gw-core's tables); keys of ours that no slice
 * gives are deleted. Keys are never logged.
 * @return 0; -1 with 'e': UNAVAILABLE, ALREADYEXISTS (another client, e.g. gw-core's
 *   config or gwcctl, holds that terminal's key), BADARGS, SERVERERROR.
 */
int mgr_gwc_keys(struct mgr_gwc *g, const struct mgr_reg *reg, const char *id,
		 const struct mgr_slice *old, const struct mgr_slice *want, struct mgr_err *e);

/**
 * Are gw-core ports 'ports[0..n-1]' all there with their link up (a node sliver's vports
 * connected: a container's veth, a guest's virtio-net driver on vhost-user)?
 * @return 1 all up, 0 not yet; -1 with 'e' (UNAVAILABLE).
 */
int mgr_gwc_links_up(struct mgr_gwc *g, const char *const *ports, unsigned int n,
		     struct mgr_err *e);

/** The CPUs gw-core's workers run on (bit i: CPU i, the first 64) into '*mask'.
 *  @return 0; -1 with 'e' (UNAVAILABLE). */
int mgr_gwc_worker_cpus(struct mgr_gwc *g, uint64_t *mask, struct mgr_err *e);

/**
 * Counters of slice 'sl' from gw-core's "stats" (the slice object: rx/tx per endpoint,
 * drops), its links toward node sliver's own gw-core slices ("ID/LINK") merged in;
 * *res is a new reference, or NULL when gw-core holds none of them.
 * @return 0; -1 with 'e' (UNAVAILABLE).
 */
int mgr_gwc_stats(struct mgr_gwc *g, const struct mgr_slice *sl, struct json_object **res,
		  struct json_object **drops, struct mgr_err *e);

#endif
