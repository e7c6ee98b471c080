/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Link-vport endpoint types, the part they share (mgr_ep.h): the list of types, and the
 * generic fields of an endpoint's plan, JSON form and gw-core arguments.
 */
#include <stdio.h>
#include <string.h>

#include "agw_json.h"
#include "mgr_ep.h"

/* Every type: adding one adds a line here. A plan checks them in this order, so a
 * vport with params of two types is refused for the first one listed. */
static const struct mgr_ep_ops *const ep_types[] = {
	&mgr_ep_trailer_ops, &mgr_ep_ipsec_ops, &mgr_ep_vlan_ops, &mgr_ep_gre_ops,
	&mgr_ep_port_ops, &mgr_ep_nsliver_ops,
};

#define N_TYPES (sizeof(ep_types) / sizeof(ep_types[0]))

const struct mgr_ep_ops *
mgr_ep_ops_of(enum mgr_ep_type t)
{
	unsigned int i;

	for (i = 0; i < N_TYPES; i++)
		if (ep_types[i]->type == t)
			return ep_types[i];
	return NULL;
}

const struct mgr_ep_ops *
mgr_ep_ops_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < N_TYPES; i++)
		if (strcmp(ep_types[i]->name, name) == 0)
			return ep_types[i];
	return NULL;
}

const char *
mgr_ep_type_name(enum mgr_ep_type t)
{
	const struct mgr_ep_ops *o = mgr_ep_ops_of(t);

	return o != NULL ? o->name : "none";
}

bool
mgr_ep_in_gwc(enum mgr_ep_type t)
{
	const struct mgr_ep_ops *o = mgr_ep_ops_of(t);

	return o != NULL && o->in_gwc;
}

/*
 * The link's isolation for the endpoint of one of its vports (docs/isolation.md):
 * performanceIsolation policing, shaping or wfq -> its bandwidth and burstSize as
 * gw-core's police_*, shape_* or wfq_rate; shaping and wfq also need the port's rate
 * (port_capacity) for its scheduler. gw-core's bounds (GWC_POLICE_*): at least 8000
 * bits/s, a burst of at least 9300 bytes.
 */
static int
link_isolation(const struct mgr_plan_conf *c, const struct mgr_sliver *link, struct mgr_ep *ep,
	       struct mgr_err *e)
{
	const char *iso = mgr_kv_get(&link->resources, "performanceIsolation");
	bool police, shape, wfq;

	ep->police_bps = ep->shape_bps = ep->wfq_bps = ep->port_rate_bps = 0;
	ep->police_burst = ep->shape_burst = 0;
	police = iso != NULL && strcmp(iso, "policing") == 0;
	shape = iso != NULL && strcmp(iso, "shaping") == 0;
	wfq = iso != NULL && strcmp(iso, "wfq") == 0;
	if (!police && !shape && !wfq)
		return 0;
	if (link->bandwidth_bps < 8000)
		return mgr_fail(e, MGR_BADARGS, "linkSliver '%s': %s needs a bandwidth of at "
				"least 8000 bits/s", link->name, iso);
	if (link->burst_bytes > UINT32_MAX ||
	    (police && link->burst_bytes != 0 && link->burst_bytes < 9300))
		return mgr_fail(e, MGR_BADARGS, "linkSliver '%s': burstSize %llu: %s needs "
				"9300 bytes (a jumbo frame) to 4G; leave it out for 10 ms of the "
				"bandwidth", link->name, (unsigned long long)link->burst_bytes, iso);
	if (police) {
		ep->police_bps = link->bandwidth_bps;
		ep->police_burst = (uint32_t)link->burst_bytes;
		return 0;
	}
	if (ep->type == MGR_EP_IPSEC)
		return mgr_fail(e, MGR_UNSUPPORTED, "linkSliver '%s': IPsec terminals are policed, "
				"not shaped or weighted: use performanceIsolation policing",
				link->name);
	if (c->port_capacity_bps == 0)
		return mgr_fail(e, MGR_UNSUPPORTED, "linkSliver '%s': %s needs the port's rate: "
				"set [manager] port_capacity", link->name, iso);
	if (link->bandwidth_bps > c->port_capacity_bps)
		return mgr_fail(e, MGR_INSUFFICIENT_BANDWIDTH, "linkSliver '%s': bandwidth %llu "
				"bits/s is above port_capacity %llu", link->name,
				(unsigned long long)link->bandwidth_bps,
				(unsigned long long)c->port_capacity_bps);
	ep->port_rate_bps = c->port_capacity_bps;
	if (shape) {
		/* A shaper holds frames: a bucket smaller than a frame can only mean "no
		 * burst", so it is raised to the smallest that passes a jumbo frame (seed 001
		 * Figure 4 asks 1024 bytes); a policer's would drop every frame: refused. */
		ep->shape_bps = link->bandwidth_bps;
		ep->shape_burst = (uint32_t)link->burst_bytes;
		if (ep->shape_burst != 0 && ep->shape_burst < 9300)
			ep->shape_burst = 9300;
	} else {
		ep->wfq_bps = link->bandwidth_bps;
	}
	return 0;
}

int
mgr_ep_plan(const struct mgr_plan_conf *c, const struct mgr_sliver *link, struct mgr_vport *vp,
	    unsigned int *alloc, struct mgr_err *e)
{
	unsigned int i;

	*alloc = 0;
	if (link_isolation(c, link, &vp->ep, e) != 0)
		return -1;
	for (i = 0; i < N_TYPES; i++) {
		const struct mgr_ep_ops *o = ep_types[i];

		if (o->type == vp->ep.type) {
			if (o->plan != NULL && o->plan(c, link, vp, alloc, e) != 0)
				return -1;
		} else if (o->has_params != NULL && o->has_params(&vp->params)) {
			return mgr_fail(e, MGR_BADARGS, "linkSliver '%s' vport '%s': %s on a %s endpoint",
					link->name, vp->name, o->params_text,
					mgr_ep_type_name(vp->ep.type));
		}
	}
	return 0;
}

void
mgr_ep_to_json(struct json_object *v, const struct mgr_ep *ep)
{
	const struct mgr_ep_ops *o = mgr_ep_ops_of(ep->type);

	agw_json_add_str(v, "type", mgr_ep_type_name(ep->type));
	agw_json_add_str(v, "role", mgr_role_name(ep->role));
	agw_json_add_str(v, "bound_to", ep->node);
	agw_json_add_str(v, "bound_vport", ep->node_port);
	if (o != NULL && o->in_gwc)
		agw_json_add_str(v, "port", ep->port);
	if (ep->police_bps != 0) {
		agw_json_add_u64(v, "police_rate", ep->police_bps);
		agw_json_add_u64(v, "police_burst", ep->police_burst);
	}
	if (ep->shape_bps != 0) {
		agw_json_add_u64(v, "shape_rate", ep->shape_bps);
		agw_json_add_u64(v, "shape_burst", ep->shape_burst);
	}
	if (ep->wfq_bps != 0)
		agw_json_add_u64(v, "wfq_rate", ep->wfq_bps);
	if (ep->port_rate_bps != 0)
		agw_json_add_u64(v, "port_rate", ep->port_rate_bps);
	if (o != NULL && o->to_json != NULL)
		o->to_json(v, ep);
}

int
mgr_ep_from_json(struct json_object *v, struct mgr_ep *ep)
{
	const struct mgr_ep_ops *o = mgr_ep_ops_by_name(agw_json_str(v, "type"));
	const char *role = agw_json_str(v, "role");
	int r;

	if (o == NULL)
		return -1;
	ep->type = o->type;
	ep->role = MGR_ROLE_NONE;
	for (r = MGR_ROLE_NETWORK; r <= MGR_ROLE_NSLIVER; r++)
		if (strcmp(role, mgr_role_name((enum mgr_role)r)) == 0)
			ep->role = (enum mgr_role)r;
	snprintf(ep->node, sizeof(ep->node), "%s", agw_json_str(v, "bound_to"));
	snprintf(ep->node_port, sizeof(ep->node_port), "%s", agw_json_str(v, "bound_vport"));
	snprintf(ep->port, sizeof(ep->port), "%s", agw_json_str(v, "port"));
	ep->police_bps = (uint64_t)agw_json_int(v, "police_rate", 0, NULL);
	ep->police_burst = (uint32_t)agw_json_int(v, "police_burst", 0, NULL);
	ep->shape_bps = (uint64_t)agw_json_int(v, "shape_rate", 0, NULL);
	ep->shape_burst = (uint32_t)agw_json_int(v, "shape_burst", 0, NULL);
	ep->wfq_bps = (uint64_t)agw_json_int(v, "wfq_rate", 0, NULL);
	ep->port_rate_bps = (uint64_t)agw_json_int(v, "port_rate", 0, NULL);
	if (o->from_json != NULL)
		o->from_json(v, ep);
	return 0;
}

struct json_object *
mgr_ep_gwc_args(const char *slice, const char *name, const struct mgr_ep *ep)
{
	const struct mgr_ep_ops *o = mgr_ep_ops_of(ep->type);
	struct json_object *a = json_object_new_object();

	agw_json_add_str(a, "slice", slice);
	agw_json_add_str(a, "name", name);
	agw_json_add_str(a, "type", mgr_ep_type_name(ep->type));
	agw_json_add_str(a, "port", ep->port);
	mgr_ep_gwc_qos_args(a, ep);
	if (o != NULL && o->gwc_args != NULL)
		o->gwc_args(a, ep);
	return a;
}

void
mgr_ep_gwc_qos_args(struct json_object *a, const struct mgr_ep *ep)
{
	if (ep->police_bps != 0) {
		agw_json_add_u64(a, "police_rate", ep->police_bps);
		if (ep->police_burst != 0)
			agw_json_add_u64(a, "police_burst", ep->police_burst);
	}
	if (ep->shape_bps != 0) {
		agw_json_add_u64(a, "shape_rate", ep->shape_bps);
		if (ep->shape_burst != 0)
			agw_json_add_u64(a, "shape_burst", ep->shape_burst);
	}
	if (ep->wfq_bps != 0)
		agw_json_add_u64(a, "wfq_rate", ep->wfq_bps);
}

/* Does gw-core's 'o' hold 'key' = 'want', or, for a burst left to gw-core, anything? */
static bool
qos_same(struct json_object *o, const char *key, uint64_t want, bool any)
{
	return any || (uint64_t)agw_json_int(o, key, 0, NULL) == want;
}

enum mgr_ep_qos
mgr_ep_gwc_qos_matches(struct json_object *o, const struct mgr_ep *ep)
{
	bool police = qos_same(o, "police_rate", ep->police_bps, false) &&
		      qos_same(o, "police_burst", ep->police_burst,
			       ep->police_bps == 0 || ep->police_burst == 0);
	bool sched = qos_same(o, "shape_rate", ep->shape_bps, false) &&
		     qos_same(o, "shape_burst", ep->shape_burst,
			      ep->shape_bps == 0 || ep->shape_burst == 0) &&
		     qos_same(o, "wfq_rate", ep->wfq_bps, false);

	if (police && sched)
		return MGR_EP_QOS_SAME;
	if (sched)
		return MGR_EP_QOS_POLICE;
	if (police)
		return MGR_EP_QOS_SCHED;
	return MGR_EP_QOS_BOTH;
}

bool
mgr_ep_gwc_matches(struct json_object *o, const struct mgr_ep *ep)
{
	const struct mgr_ep_ops *t = mgr_ep_ops_of(ep->type);

	if (strcmp(agw_json_str(o, "type"), mgr_ep_type_name(ep->type)) != 0 ||
	    strcmp(agw_json_str(o, "port"), ep->port) != 0)
		return false;
	return t == NULL || t->gwc_matches == NULL || t->gwc_matches(o, ep);
}

/* ---------------------------------------------------------------- port, nsliver */

const struct mgr_ep_ops mgr_ep_port_ops = {
	.type = MGR_EP_PORT,
	.name = "port",
	.in_gwc = true,
};

/* Toward a node sliver on this AGW: the whole of the node vport's gw-core port (added
 * while the node sliver runs, nsl_vport_names()). */
const struct mgr_ep_ops mgr_ep_nsliver_ops = {
	.type = MGR_EP_NSLIVER,
	.name = "nsliver",
	.in_gwc = true,
};
