/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Endpoints, the part every type shares (gwc_ep_ops.h): the list of types, the
 * generic fields of an endpoint's config (name, type, port) and of its JSON form, and
 * the checks every endpoint passes before its type's own. Control thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gwc_ep_ops.h"
#include "gwc_json.h"
#include "gwc_model.h"
#include "gwc_sched.h"

/* Every endpoint type, in enum gwc_ep_type order: adding a type adds a line here. */
static const struct gwc_ep_ops *const ep_types[] = {
	[GWC_EP_PORT] = &gwc_ep_port_ops,
	[GWC_EP_VLAN] = &gwc_ep_vlan_ops,
	[GWC_EP_GRE] = &gwc_ep_gre_ops,
	[GWC_EP_TRAILER] = &gwc_ep_trailer_ops,
	[GWC_EP_IPSEC] = &gwc_ep_ipsec_ops,
	[GWC_EP_NSLIVER] = &gwc_ep_nsliver_ops,
};

const struct gwc_ep_ops *
gwc_ep_ops_of(enum gwc_ep_type t)
{
	return (unsigned int)t < RTE_DIM(ep_types) ? ep_types[t] : NULL;
}

const struct gwc_ep_ops *
gwc_ep_ops_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(ep_types); i++)
		if (strcmp(ep_types[i]->name, name) == 0 ||
		    (ep_types[i]->alias != NULL && strcmp(ep_types[i]->alias, name) == 0))
			return ep_types[i];
	return NULL;
}

/* "port, vlan, gre, trailer or ipsec" into 'buf'. */
static const char *
type_names(char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < RTE_DIM(ep_types) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i == 0 ? "" : i + 1 == RTE_DIM(ep_types) ? " or " : ", ",
					ep_types[i]->name);
	return buf;
}

const char *
gwc_ep_schema(char *buf, size_t len)
{
	size_t off;
	unsigned int i;

	off = (size_t)snprintf(buf, len, "type=");
	for (i = 0; i < RTE_DIM(ep_types) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i == 0 ? "" : "|",
					ep_types[i]->name);
	for (i = 0; i < RTE_DIM(ep_types) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "; %s: %s", ep_types[i]->name,
					ep_types[i]->schema);
	if (off < len)
		snprintf(buf + off, len - off, "; every type, one of: police_rate=BITS/S "
			 "[police_burst=BYTES], shape_rate=BITS/S [shape_burst=BYTES], "
			 "wfq_rate=BITS/S (docs/isolation.md)");
	return buf;
}

int
gwc_ep_conf_from_json(struct gwc_ep_conf *c, struct json_object *args, struct gwc_err *e)
{
	const struct gwc_ep_ops *ops;
	const char *name, *type, *port;
	char names[64];
	uint64_t v = 0;
	bool have;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = gwc_arg_str(args, "name", &name, e)) != 0 ||
	    (rc = gwc_arg_str(args, "type", &type, e)) != 0)
		return rc;
	ops = gwc_ep_ops_by_name(type);
	/* 'port' is required, but of a type that takes it from its 'link' (its prepare). */
	port = "";
	if ((json_object_object_get_ex(args, "port", NULL) || ops == NULL ||
	     ops->prepare == NULL || !json_object_object_get_ex(args, "link", NULL)) &&
	    (rc = gwc_arg_str(args, "port", &port, e)) != 0)
		return rc;
	if (strlen(name) >= sizeof(c->name) || strlen(port) >= sizeof(c->port)) {
		gwc_errf(e, "endpoint or port name too long");
		return -EINVAL;
	}
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->port, sizeof(c->port), "%s", port);
	if (ops == NULL) {
		gwc_errf(e, "endpoint '%s': type '%s' unknown (%s)", name, type,
			 type_names(names, sizeof(names)));
		return -EINVAL;
	}
	c->type = ops->type;
	/* every type: policing (docs/isolation.md) */
	if ((rc = gwc_arg_uint(args, "police_rate", UINT64_MAX, &c->police_bps, &have, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "police_burst", UINT32_MAX, &v, &have, e)) != 0)
		return rc;
	c->police_burst = (uint32_t)v;
	v = 0;   /* an absent key leaves it as it was */
	if ((rc = gwc_arg_uint(args, "shape_rate", UINT64_MAX, &c->shape_bps, &have, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "shape_burst", UINT32_MAX, &v, &have, e)) != 0)
		return rc;
	c->shape_burst = (uint32_t)v;
	if ((rc = gwc_arg_uint(args, "wfq_rate", UINT64_MAX, &c->wfq_bps, &have, e)) != 0)
		return rc;
	return ops->parse != NULL ? ops->parse(c, args, e) : 0;
}

struct json_object *
gwc_ep_json(const struct gwc *g, int id, bool counters)
{
	const struct gwc_ep *ep = &g->ep[id].ep;
	const struct gwc_ep_ops *ops = gwc_ep_ops_of(ep->conf.type);
	struct json_object *o = json_object_new_object();

	agw_json_add_str(o, "name", ep->conf.name);
	agw_json_add_str(o, "type", ops->name);
	agw_json_add_str(o, "port", ep->conf.port);
	agw_json_add_str(o, "owner", ep->owner);
	agw_json_add_u64(o, "id", (uint64_t)id);
	if (ops->to_json != NULL)
		ops->to_json(g, id, o);
	if (ep->conf.police_bps != 0) {
		agw_json_add_u64(o, "police_rate", ep->conf.police_bps);
		agw_json_add_u64(o, "police_burst", ep->police.cbs);
	}
	if (ep->conf.shape_bps != 0) {
		agw_json_add_u64(o, "shape_rate", ep->conf.shape_bps);
		agw_json_add_u64(o, "shape_burst",
				 gwc_burst_or_default(ep->conf.shape_burst, ep->conf.shape_bps));
	}
	if (ep->conf.wfq_bps != 0)
		agw_json_add_u64(o, "wfq_rate", ep->conf.wfq_bps);
	if (counters) {
		static const char *const colour[3] = { "conform", "exceed", "violate" };
		struct gwc_ep_stats s;
		char k[32];
		unsigned int c;

		gwc_ep_stats_get(g, id, &s);
		agw_json_add_u64(o, "rx_pkts", s.rx_pkts);
		agw_json_add_u64(o, "rx_bytes", s.rx_bytes);
		agw_json_add_u64(o, "tx_pkts", s.tx_pkts);
		agw_json_add_u64(o, "tx_bytes", s.tx_bytes);
		json_object_object_add(o, "drops", gwc_drops_json(s.drops, true));
		if (ep->conf.police_bps != 0) {
			struct json_object *q = json_object_new_object();

			for (c = 0; c < 3; c++) {
				snprintf(k, sizeof(k), "%s_pkts", colour[c]);
				agw_json_add_u64(q, k, s.police_pkts[c]);
				snprintf(k, sizeof(k), "%s_bytes", colour[c]);
				agw_json_add_u64(q, k, s.police_bytes[c]);
			}
			json_object_object_add(o, "police", q);
		}
		if (ep->shaped) {
			struct json_object *q = json_object_new_object();

			agw_json_add_u64(q, "queued_pkts", s.sched_pkts);
			agw_json_add_u64(q, "queued_bytes", s.sched_bytes);
			agw_json_add_u64(q, "sent_pkts", s.tx_pkts);
			agw_json_add_u64(q, "dropped_pkts", s.drops[GWC_DROP_QUEUE_FULL]);
			agw_json_add_u64(q, "queue_depth", gwc_sched_ep_qlen(g, ep));
			json_object_object_add(o, "sched", q);
		}
	}
	return o;
}

int
gwc_ep_police_check(const char *name, uint64_t bps, uint32_t burst, struct gwc_err *e)
{
	if (bps != 0 && (bps < GWC_POLICE_RATE_MIN || bps > GWC_RATE_MAX)) {
		gwc_errf(e, "endpoint '%s': police_rate %llu bits/s: 0 (none) or %u to 4T",
			 name, (unsigned long long)bps, GWC_POLICE_RATE_MIN);
		return -EINVAL;
	}
	if (burst != 0 && burst < GWC_POLICE_BURST_MIN) {
		gwc_errf(e, "endpoint '%s': police_burst %u bytes: at least %u (a jumbo frame), "
			    "or 0 for 10 ms of the rate", name, burst, GWC_POLICE_BURST_MIN);
		return -EINVAL;
	}
	return 0;
}

void
gwc_ep_police_apply(struct gwc *g, struct gwc_ep *ep)
{
	struct rte_meter_trtcm_params p;

	ep->policed = ep->conf.police_bps != 0;
	ep->police_gen = ++g->police_gen;
	if (!ep->policed)
		return;
	p.cir = p.pir = ep->conf.police_bps / 8;   /* bytes/s */
	p.cbs = p.pbs = gwc_burst_or_default(ep->conf.police_burst, ep->conf.police_bps);
	/* valid by gwc_ep_police_check(): rates > 0, buckets > 0 */
	rte_meter_trtcm_profile_config(&ep->police, &p);
}

int
gwc_ep_validate(const struct gwc *g, int s, int port, const struct gwc_ep_conf *c,
		struct gwc_err *e)
{
	const struct gwc_ep_ops *ops = gwc_ep_ops_of(c->type);
	int rc;

	if (!gwc_name_ok(c->name)) {
		gwc_errf(e, "endpoint name '%s': 1 to %d printable characters, no spaces or quotes",
			 c->name, GWC_NAME_MAX - 1);
		return -EINVAL;
	}
	if (gwc_ep_find(g, s, c->name) >= 0) {
		gwc_errf(e, "slice '%s' already has an endpoint '%s'", g->slice[s].name, c->name);
		return -EEXIST;
	}
	rc = gwc_ep_police_check(c->name, c->police_bps, c->police_burst, e);
	if (rc == 0)
		rc = gwc_sched_ep_check(g, port, c, -1, e);
	if (rc != 0)
		return rc;
	return ops->validate != NULL ? ops->validate(g, s, port, c, e) : 0;
}

const struct gwc_ep *
gwc_ep_next_on_port(const struct gwc *g, int port, enum gwc_ep_type type, int *i)
{
	uint32_t k = (uint32_t)(*i + 1);

	for (k = gwc_bm_next(g->ep_type_used[type], g->conf.max_endpoints, k);
	     k < g->conf.max_endpoints;
	     k = gwc_bm_next(g->ep_type_used[type], g->conf.max_endpoints, k + 1))
		if (g->ep[k].ep.port == port) {
			*i = (int)k;
			return &g->ep[k].ep;
		}
	*i = (int)g->conf.max_endpoints;
	return NULL;
}
