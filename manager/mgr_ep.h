/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Link-vport endpoint types, manager side: one struct mgr_ep_ops per type (its own
 * file, mgr_ep_<type>.c; port and nsliver, which have no fields, at the end of
 * mgr_ep.c), listed once in mgr_ep.c, matching gw-core's gwc_ep_ops.h.
 * A type owns its vport params, plans its fields from them, and writes and reads them
 * in the three places they travel: Status and the store (JSON), and gw-core's
 * endpoint.add (and the check that what gw-core holds is what was asked). Conflicts
 * between endpoints and bandwidth are not here but in mgr_alloc.c.
 *
 * Adding a type: a value in enum mgr_ep_type (mgr.h), a mgr_ep_<type>.c with its ops,
 * and one line in mgr_ep.c's list. Pure, no locks: any thread.
 */
#ifndef AGW_MGR_EP_H
#define AGW_MGR_EP_H

#include <stdbool.h>

#include <json-c/json.h>

#include "mgr.h"

/* What a plan leaves for allocation (mgr_alloc.c). */
#define MGR_ALLOC_VID 1u   /**< a free VID on the endpoint's port */
#define MGR_ALLOC_KEY 2u   /**< a free GRE key toward its remote */

struct mgr_ep_ops {
	enum mgr_ep_type type;
	const char *name;         /* the spec's 'type' param and gw-core's endpoint type */
	bool in_gwc;              /* realized as a gw-core endpoint */
	const char *params_text;  /* its params, for a fault: "key/remote/nexthop_mac"; NULL: none */
	/* Does 'params' hold a param of this type? (NULL: it has none) */
	bool (*has_params)(const struct mgr_kvs *params);
	/*
	 * Fill 'vp->ep''s fields of this type from 'vp->params' (type, role, port are set),
	 * adding to '*alloc' what must still be allocated. NULL: nothing to plan.
	 * @return 0; -1 with 'e' (BADARGS naming the link, the vport and the param).
	 */
	int (*plan)(const struct mgr_plan_conf *c, const struct mgr_sliver *link,
		    struct mgr_vport *vp, unsigned int *alloc, struct mgr_err *e);
	/* Its fields of 'ep' into 'v' (Status and the store; never a secret). NULL: none. */
	void (*to_json)(struct json_object *v, const struct mgr_ep *ep);
	/* Read them back from the store's 'v' into 'ep'. NULL: none. */
	void (*from_json)(struct json_object *v, struct mgr_ep *ep);
	/* Its fields as gw-core's endpoint.add arguments into 'a'. NULL: none. */
	void (*gwc_args)(struct json_object *a, const struct mgr_ep *ep);
	/* Does gw-core's endpoint object 'o' hold this type's fields as 'ep' has them? */
	bool (*gwc_matches)(struct json_object *o, const struct mgr_ep *ep);
};

extern const struct mgr_ep_ops mgr_ep_port_ops, mgr_ep_vlan_ops, mgr_ep_gre_ops,
	mgr_ep_trailer_ops, mgr_ep_ipsec_ops, mgr_ep_nsliver_ops;

/** @return the ops of type 't', or NULL (MGR_EP_NONE). */
const struct mgr_ep_ops *mgr_ep_ops_of(enum mgr_ep_type t);

/** @return the ops called 'name', or NULL. */
const struct mgr_ep_ops *mgr_ep_ops_by_name(const char *name);

/**
 * Plan vport 'vp''s endpoint fields (its type decided): refuse params of another type,
 * then the type's own plan. @return 0 ('*alloc': MGR_ALLOC_*); -1 with 'e'.
 */
int mgr_ep_plan(const struct mgr_plan_conf *c, const struct mgr_sliver *link,
		struct mgr_vport *vp, unsigned int *alloc, struct mgr_err *e);

/** 'ep' into 'v': type, role, bind, port, the type's fields (Status and the store). */
void mgr_ep_to_json(struct json_object *v, const struct mgr_ep *ep);

/** 'ep' from the store's 'v'. @return 0; -1 when 'v' names no type. */
int mgr_ep_from_json(struct json_object *v, struct mgr_ep *ep);

/** gw-core's endpoint.add arguments for 'ep' named 'name' in slice 'slice'.
 *  @return a new object the caller puts (or hands to the gw-core client). */
struct json_object *mgr_ep_gwc_args(const char *slice, const char *name, const struct mgr_ep *ep);

/** Does gw-core's endpoint object 'o' hold 'ep' as it is? */
bool mgr_ep_gwc_matches(struct json_object *o, const struct mgr_ep *ep);

/** What of an endpoint's isolation differs between gw-core and the plan. */
enum mgr_ep_qos {
	MGR_EP_QOS_SAME,    /**< nothing */
	MGR_EP_QOS_POLICE,  /**< the policing contract only: endpoint.police */
	MGR_EP_QOS_SCHED,   /**< the shaping or weighted share only: endpoint.shape */
	MGR_EP_QOS_BOTH,    /**< both: policing off, the scheduler's part, then policing */
};

/** How gw-core's endpoint 'o' (slice.list form) differs from 'ep' in policing, shaping
 *  and weighted sharing (a burst 'ep' leaves to gw-core matches any). Each kind is
 *  corrected live. */
enum mgr_ep_qos mgr_ep_gwc_qos_matches(struct json_object *o, const struct mgr_ep *ep);

/** Add 'ep''s isolation to gw-core arguments 'a' (police_*, shape_*, wfq_rate; the ones
 *  it has). */
void mgr_ep_gwc_qos_args(struct json_object *a, const struct mgr_ep *ep);

#endif /* AGW_MGR_EP_H */
