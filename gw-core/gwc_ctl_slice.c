/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control socket operations on slices, their endpoints and MAC tables, and the
 * counters: slice.*, endpoint.*, mac.*, stats (gwc_ctl.h). Control thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include <rte_cycles.h>

#include "gwc_client.h"
#include "gwc_ctl.h"
#include "gwc_ep_ops.h"
#include "gwc_json.h"
#include "gwc_log.h"
#include "gwc_mac.h"
#include "gwc_model.h"

static struct json_object *
slice_json(const struct gwc *g, int s, bool counters)
{
	struct json_object *o = json_object_new_object(), *eps = json_object_new_array();
	uint32_t i;

	agw_json_add_str(o, "name", g->slice[s].name);
	agw_json_add_str(o, "owner", g->slice[s].owner);
	agw_json_add_u64(o, "id", (uint64_t)s);
	agw_json_add_u64(o, "mac_entries", gwc_mac_entries(g->slice[s].mac));
	if (counters) {
		struct gwc_slice_stats st;

		gwc_slice_stats_get(g, s, &st);
		agw_json_add_u64(o, "rx_pkts", st.rx_pkts);
		agw_json_add_u64(o, "rx_bytes", st.rx_bytes);
		agw_json_add_u64(o, "flooded", st.flooded);
		agw_json_add_u64(o, "learned", st.learned);
	}
	GWC_SLICE_EP_FOREACH(g, s, i)
		json_object_array_add(eps, gwc_ep_json(g, (int)i, counters));
	json_object_object_add(o, "endpoints", eps);
	return o;
}

static int
slices_json(struct gwc *g, struct json_object *args, struct json_object **res, bool counters,
	    struct gwc_err *e)
{
	struct json_object *arr = json_object_new_array();
	const char *only = NULL;
	unsigned int s;

	if (args != NULL && json_object_object_get_ex(args, "slice", NULL)) {
		int rc = gwc_arg_str(args, "slice", &only, e);

		if (rc != 0 || gwc_slice_find(g, only) < 0) {
			json_object_put(arr);
			if (rc == 0)
				gwc_errf(e, "no slice '%s'", only);
			return rc != 0 ? rc : -ENOENT;
		}
	}
	GWC_SLICE_FOREACH(g, s)
		if (only == NULL || strcmp(only, g->slice[s].name) == 0)
			json_object_array_add(arr, slice_json(g, s, counters));
	*res = json_object_new_object();
	json_object_object_add(*res, "slices", arr);
	return 0;
}

static int
op_slice_list(struct gwc *g, struct gwc_client *c, struct json_object *args,
	      struct json_object **res, struct gwc_err *e)
{
	RTE_SET_USED(c);
	return slices_json(g, args, res, false, e);
}

/*
 * slice.add, with its endpoints at once when 'endpoints' (an array of endpoint.add's
 * arguments less 'slice', at most GWC_SLICE_ADD_EPS, gwc_client.h) is given: all or
 * nothing. An endpoint refused takes the slice and the endpoints before it away again
 * (the error is that endpoint's, its index in front); the result then holds 'endpoints'
 * too. One request instead of one per endpoint: a client's slice is up after one round
 * trip.
 */
static int
op_slice_add(struct gwc *g, struct gwc_client *c, struct json_object *args,
	     struct json_object **res, struct gwc_err *e)
{
	struct json_object *eps = NULL, *out;
	const char *name;
	size_t k, n = 0;
	int rc = gwc_arg_str(args, "name", &name, e), s;

	if (rc != 0)
		return rc;
	if (json_object_object_get_ex(args, "endpoints", &eps)) {
		if (!json_object_is_type(eps, json_type_array) ||
		    (n = json_object_array_length(eps)) > GWC_SLICE_ADD_EPS) {
			gwc_errf(e, "'endpoints' must be an array of at most %d endpoints "
				    "(endpoint.add's arguments less 'slice')", GWC_SLICE_ADD_EPS);
			return -EINVAL;
		}
		for (k = 0; k < n; k++)
			if (!json_object_is_type(json_object_array_get_idx(eps, k),
						 json_type_object)) {
				gwc_errf(e, "endpoints[%zu]: not an object", k);
				e->item = (unsigned int)k + 1;
				return -EINVAL;
			}
	}
	s = gwc_slice_add(g, c->owner, name, e);
	if (s < 0)
		return s;
	out = json_object_new_array();
	for (k = 0; k < n; k++) {
		struct gwc_ep_conf conf;
		struct gwc_err le = { "" };
		struct gwc_err ignored = { "" };

		if ((rc = gwc_ep_conf_from_json(&conf, json_object_array_get_idx(eps, k), &le)) ==
			    0 &&
		    (rc = gwc_ep_add(g, c->owner, name, &conf, &le)) >= 0) {
			json_object_array_add(out, gwc_ep_json(g, rc, false));
			continue;
		}
		json_object_put(out);
		if (gwc_slice_del(g, c->owner, name, &ignored) != 0)
			GWC_LOG(ERR, "slice %s: not removed after endpoints[%zu] failed: %s", name,
				k, ignored.msg);
		gwc_errf(e, "endpoints[%zu]: %s", k, le.msg);
		e->item = (unsigned int)k + 1;
		return rc;
	}
	*res = json_object_new_object();
	agw_json_add_u64(*res, "id", (uint64_t)s);
	if (eps != NULL)
		json_object_object_add(*res, "endpoints", out);
	else
		json_object_put(out);
	return 0;
}

static int
op_slice_del(struct gwc *g, struct gwc_client *c, struct json_object *args,
	     struct json_object **res, struct gwc_err *e)
{
	const char *name;
	int rc = gwc_arg_str(args, "name", &name, e);

	RTE_SET_USED(res);
	return rc != 0 ? rc : gwc_slice_del(g, c->owner, name, e);
}

static int
op_ep_add(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	  struct gwc_err *e)
{
	struct gwc_ep_conf conf;
	const char *slice;
	int rc;

	if ((rc = gwc_arg_str(args, "slice", &slice, e)) != 0 ||
	    (rc = gwc_ep_conf_from_json(&conf, args, e)) != 0)
		return rc;
	rc = gwc_ep_add(g, c->owner, slice, &conf, e);
	if (rc < 0)
		return rc;
	*res = gwc_ep_json(g, rc, false);
	return 0;
}

static int
op_ep_del(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	  struct gwc_err *e)
{
	const char *slice, *name;
	int rc;

	RTE_SET_USED(res);
	if ((rc = gwc_arg_str(args, "slice", &slice, e)) != 0 ||
	    (rc = gwc_arg_str(args, "name", &name, e)) != 0)
		return rc;
	return gwc_ep_del(g, c->owner, slice, name, e);
}

static int
op_ep_police(struct gwc *g, struct gwc_client *c, struct json_object *args,
	     struct json_object **res, struct gwc_err *e)
{
	const char *slice, *name;
	uint64_t bps = 0, burst = 0;
	bool have;
	int rc;

	RTE_SET_USED(res);
	if ((rc = gwc_arg_str(args, "slice", &slice, e)) != 0 ||
	    (rc = gwc_arg_str(args, "name", &name, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "police_rate", UINT64_MAX, &bps, &have, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "police_burst", UINT32_MAX, &burst, &have, e)) != 0)
		return rc;
	return gwc_ep_police_set(g, c->owner, slice, name, bps, (uint32_t)burst, e);
}

static int
op_ep_shape(struct gwc *g, struct gwc_client *c, struct json_object *args,
	    struct json_object **res, struct gwc_err *e)
{
	const char *slice, *name;
	uint64_t bps = 0, burst = 0, wfq = 0;
	bool have;
	int rc;

	RTE_SET_USED(res);
	if ((rc = gwc_arg_str(args, "slice", &slice, e)) != 0 ||
	    (rc = gwc_arg_str(args, "name", &name, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "shape_rate", UINT64_MAX, &bps, &have, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "shape_burst", UINT32_MAX, &burst, &have, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "wfq_rate", UINT64_MAX, &wfq, &have, e)) != 0)
		return rc;
	return gwc_ep_shape_set(g, c->owner, slice, name, bps, (uint32_t)burst, wfq, e);
}

static int
op_mac_add(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	   struct gwc_err *e)
{
	const char *slice, *mac, *ep;
	struct rte_ether_addr a;
	int rc;

	RTE_SET_USED(res);
	if ((rc = gwc_arg_str(args, "slice", &slice, e)) != 0 ||
	    (rc = gwc_arg_str(args, "mac", &mac, e)) != 0 ||
	    (rc = gwc_arg_str(args, "endpoint", &ep, e)) != 0)
		return rc;
	if (rte_ether_unformat_addr(mac, &a) != 0) {
		gwc_errf(e, "'%s' is not a MAC address", mac);
		return -EINVAL;
	}
	return gwc_mac_add_static(g, c->owner, slice, &a, ep, e);
}

struct mac_walk_ctx {
	const struct gwc *g;
	struct json_object *arr;
};

static void
mac_walk_cb(void *arg, const struct rte_ether_addr *mac, uint32_t ep, bool is_static,
	    uint64_t age_ms)
{
	struct mac_walk_ctx *w = arg;
	struct json_object *o;
	char buf[RTE_ETHER_ADDR_FMT_SIZE];

	if (ep >= w->g->conf.max_endpoints || !w->g->ep[ep].used)
		return;
	o = json_object_new_object();
	rte_ether_format_addr(buf, sizeof(buf), mac);
	agw_json_add_str(o, "mac", buf);
	agw_json_add_str(o, "endpoint", w->g->ep[ep].ep.conf.name);
	json_object_object_add(o, "static", json_object_new_boolean(is_static));
	agw_json_add_u64(o, "age_ms", age_ms);
	json_object_array_add(w->arr, o);
}

static int
op_mac_list(struct gwc *g, struct gwc_client *c, struct json_object *args,
	    struct json_object **res, struct gwc_err *e)
{
	struct mac_walk_ctx w = { .g = g };
	const char *slice;
	int rc, s;

	RTE_SET_USED(c);
	if ((rc = gwc_arg_str(args, "slice", &slice, e)) != 0)
		return rc;
	s = gwc_slice_find(g, slice);
	if (s < 0) {
		gwc_errf(e, "no slice '%s'", slice);
		return -ENOENT;
	}
	w.arr = json_object_new_array();
	gwc_mac_walk(g->slice[s].mac, rte_rdtsc(), mac_walk_cb, &w);
	*res = json_object_new_object();
	json_object_object_add(*res, "macs", w.arr);
	return 0;
}

static int
op_stats(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	 struct gwc_err *e)
{
	uint64_t drops[GWC_DROP_MAX], punted = 0, injected = 0, flows_learned = 0, flow_hits = 0,
		 reappended = 0, handed_off = 0, handed_in = 0;
	struct json_object *x;
	unsigned int w;
	int rc;

	RTE_SET_USED(c);
	rc = slices_json(g, args, res, true, e);
	if (rc != 0)
		return rc;
	gwc_drops_get(g, drops);
	json_object_object_add(*res, "drops", gwc_drops_json(drops, false));
	for (w = 0; w < g->dp.n_workers; w++) {
		punted += g->lc[w]->punted;
		injected += g->lc[w]->injected;
		flows_learned += g->lc[w]->flows_learned;
		flow_hits += g->lc[w]->flow_hits;
		reappended += g->lc[w]->trl_reappended;
		handed_off += g->lc[w]->handed_off;
		handed_in += g->lc[w]->handed_in;
	}
	x = json_object_new_object();
	agw_json_add_u64(x, "flows_learned", flows_learned);
	agw_json_add_u64(x, "flow_hits", flow_hits);
	agw_json_add_u64(x, "reappended", reappended);
	json_object_object_add(*res, "trailer", x);
	x = json_object_new_object();
	agw_json_add_u64(x, "punted", punted);
	agw_json_add_u64(x, "to_tap", g->exc_to_tap);
	agw_json_add_u64(x, "no_tap", g->exc_no_tap);
	agw_json_add_u64(x, "from_tap", g->exc_from_tap);
	agw_json_add_u64(x, "injected", injected);
	agw_json_add_u64(x, "inject_full", g->inject_full);
	agw_json_add_u64(x, "arp_requests", g->arp_sent);
	json_object_object_add(*res, "exception", x);
	x = json_object_new_object();
	agw_json_add_u64(x, "handed_off", handed_off);
	agw_json_add_u64(x, "handed_in", handed_in);
	json_object_object_add(*res, "esp", x);
	return 0;
}

const struct gwc_ctl_op gwc_ctl_slice_ops[] = {
	{ "slice.add", op_slice_add, "name=SLICE [endpoints=[{endpoint.add's, less slice}, ...]]: "
	  "the slice and its endpoints, all or nothing", false },
	{ "slice.del", op_slice_del, "name=SLICE: removes its endpoints too (owner only)", false },
	{ "slice.list", op_slice_list, "[slice=SLICE]: slices and their endpoints", false },
	{ "endpoint.add", op_ep_add, "slice= name= and the type's fields", true },
	{ "endpoint.del", op_ep_del, "slice= name=", false },
	{ "endpoint.police", op_ep_police, "slice= name= police_rate=BITS/S [police_burst=BYTES]: "
	  "a new policing contract, live (0: none; owner only)", false },
	{ "endpoint.shape", op_ep_shape, "slice= name= [shape_rate=BITS/S [shape_burst=BYTES] | "
	  "wfq_rate=BITS/S]: shape or weight it, live (none given: neither; owner only)", false },
	{ "mac.add", op_mac_add, "slice= mac= endpoint=: a static MAC entry (a bridged endpoint)",
	  false },
	{ "mac.list", op_mac_list, "slice=: learned and static MACs", false },
	{ "stats", op_stats, "[slice=]: slice and endpoint counters, drops by reason", false },
	{ NULL, NULL, NULL, false },
};
