/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Planning (mgr.h "planning"): a request is validated against the whole registry and
 * turned into the slice as it would be after it, with every link vport's endpoint
 * decided (its type's plan, mgr_ep.h) and its VID or GRE key allocated (mgr_alloc.c);
 * seed 000's state transitions. Pure: plans return a new slice and never touch the
 * registry.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mgr_ep.h"
#include "mgr_plan.h"
#include "nsl.h"

/* ---------------------------------------------------------------- validation */

static int
parse_protocols(const char *v, unsigned int *out, const char *link, struct mgr_err *e)
{
	static const struct { const char *tok; unsigned int bit; } toks[] = {
		{ "802.3", MGR_PROTO_ETH }, { "Ethernet", MGR_PROTO_ETH },
		{ "802.1Q", MGR_PROTO_VLAN }, { "VLAN", MGR_PROTO_VLAN },
		{ "IPv4", MGR_PROTO_IPV4 }, { "IPv6", MGR_PROTO_IPV6 }, { "GRE", MGR_PROTO_GRE },
		{ "IPsec", MGR_PROTO_IPSEC }, { "trailer", MGR_PROTO_TRAILER },
	};
	char buf[256], *tok, *save;
	unsigned int i;

	*out = 0;
	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ", ", &save); tok != NULL; tok = strtok_r(NULL, ", ", &save)) {
		for (i = 0; i < sizeof(toks) / sizeof(toks[0]); i++)
			if (strcasecmp(tok, toks[i].tok) == 0)
				break;
		if (i == sizeof(toks) / sizeof(toks[0]))
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s': protocol '%.40s' is not one of 802.3, "
					"802.1Q, VLAN, IPv4, IPv6, GRE, IPsec, trailer", link, tok);
		*out |= toks[i].bit;
	}
	if (*out == 0)
		return mgr_fail(e, MGR_BADARGS, "linkSliver '%s': resource 'protocol' is empty",
				link);
	return 0;
}

static int
check_link_resources(struct mgr_sliver *s, struct mgr_err *e)
{
	const char *bw = mgr_kv_get(&s->resources, "bandwidth");
	const char *burst = mgr_kv_get(&s->resources, "burstSize");
	const char *iso = mgr_kv_get(&s->resources, "performanceIsolation");
	const char *proto = mgr_kv_get(&s->resources, "protocol");

	if (bw == NULL)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s': resource 'bandwidth' is required (e.g. 1G)", s->name);
	if (mgr_parse_si(bw, &s->bandwidth_bps) != 0 || s->bandwidth_bps == 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s': bandwidth '%.40s' is not a rate in bits/s "
				"(e.g. 100M, 1G)", s->name, bw);
	s->burst_bytes = 0;
	if (burst != NULL && mgr_parse_si(burst, &s->burst_bytes) != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s': burstSize '%.40s' is not a size in bytes", s->name,
				burst);
	if (iso != NULL && strcmp(iso, "none") != 0 && strcmp(iso, "shaping") != 0 &&
	    strcmp(iso, "policing") != 0 && strcmp(iso, "wfq") != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s': performanceIsolation '%.40s' is not one of none, "
				"shaping, policing, wfq", s->name, iso);
	if (proto == NULL)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s': resource 'protocol' is required (e.g. 802.3,IPv4,GRE)",
				s->name);
	if (parse_protocols(proto, &s->protocols, s->name, e) != 0)
		return -1;
	if (s->n_vports < 2)
		return mgr_fail(e, MGR_BADARGS, "linkSliver '%s': a link needs at least two vports",
				s->name);
	return 0;
}

static int
check_node(const struct mgr_plan_conf *c, const struct mgr_sliver *s, struct mgr_err *e)
{
	static const struct nsl_conf none;
	struct nsl_plan plan;

	if (s->type[0] != '\0' && strcmp(s->type, "_super") != 0)
		return mgr_fail(e, MGR_BADARGS,
				"nodeSliver '%s': type '%s' is unknown (only \"_super\": defined in "
				"the network part)", s->name, s->type);
	if (strcmp(s->type, "_super") == 0)
		return 0;
	if (s->instance[0] == '\0')
		return mgr_fail(e, MGR_BADARGS,
				"nodeSliver '%s': needs type=\"_super\" or an <instance type=...>",
				s->name);
	if (strcmp(s->instance, "Terminal") == 0)
		return 0;
	if (nsl_flavour_of(s->instance) == NSL_NONE)
		return mgr_fail(e, MGR_UNSUPPORTED,
				"nodeSliver '%s': instance type '%s' is not one this AGW runs "
				"(SlowPath_VM, Container, Terminal)", s->name, s->instance);
	return nsl_plan_node(c->nsl != NULL ? c->nsl : &none, s->name, s->instance,
			     &s->resources, &s->params, &plan, e);
}

/* Which bind holds (sliver, vport) as an end: index, and which end; -1 if none. */
static int
find_bind(const struct mgr_slice *sl, const char *sliver, const char *vport, int *end)
{
	unsigned int i;
	int k;

	for (i = 0; i < sl->n_binds; i++)
		for (k = 0; k < 2; k++)
			if (strcmp(sl->binds[i].sliver[k], sliver) == 0 &&
			    strcmp(sl->binds[i].vport[k], vport) == 0) {
				*end = k;
				return (int)i;
			}
	return -1;
}

static int
check_binds(const struct mgr_slice *sl, struct mgr_err *e)
{
	unsigned int i, j;
	int k, kinds;

	for (i = 0; i < sl->n_binds; i++) {
		const struct mgr_bind *b = &sl->binds[i];

		kinds = 0;
		for (k = 0; k < 2; k++) {
			const struct mgr_sliver *s = mgr_slice_sliver(sl, b->sliver[k]);

			if (s == NULL)
				return mgr_fail(e, MGR_BADARGS, "bind %u: no sliver '%s' in the slice",
						i + 1, b->sliver[k]);
			if (mgr_sliver_vport(s, b->vport[k]) == NULL)
				return mgr_fail(e, MGR_BADARGS,
						"bind %u: sliver '%s' has no vport '%s'", i + 1,
						b->sliver[k], b->vport[k]);
			kinds |= s->kind;
		}
		if (kinds != (MGR_LINK | MGR_NODE))
			return mgr_fail(e, MGR_BADARGS,
					"bind %u (%s.%s - %s.%s): a bind joins a linkSliver's vport "
					"to a nodeSliver's vport", i + 1, b->sliver[0], b->vport[0],
					b->sliver[1], b->vport[1]);
		for (j = 0; j < i; j++)
			for (k = 0; k < 2; k++) {
				int m;

				for (m = 0; m < 2; m++)
					if (strcmp(sl->binds[j].sliver[m], b->sliver[k]) == 0 &&
					    strcmp(sl->binds[j].vport[m], b->vport[k]) == 0)
						return mgr_fail(e, MGR_BADARGS,
								"binds %u and %u both use vport "
								"%s.%s", j + 1, i + 1, b->sliver[k],
								b->vport[k]);
			}
	}
	return 0;
}

/* Decide type, role and port of a new link vport's endpoint from its bind and params. */
static int
plan_ep_kind(const struct mgr_slice *sl, const struct mgr_plan_conf *c,
	     const struct mgr_sliver *link, struct mgr_vport *vp, struct mgr_err *e)
{
	static const char *const keys[] = { "type", "port", "vid", "key", "remote", "nexthop_mac",
					    "app", "terminal", "terminal_key", "auth",
					    "reappend", "pool", "address", "gateway", NULL };
	struct mgr_ep *ep = &vp->ep;
	const struct mgr_ep_ops *ops;
	const struct mgr_sliver *node;
	const char *type, *port;
	unsigned int i;
	int b, end;

	for (i = 0; i < vp->params.n; i++) {
		const char *const *k;

		for (k = keys; *k != NULL && strcmp(*k, vp->params.v[i].key) != 0; k++)
			;
		if (*k == NULL && mgr_terminal_of(vp->params.v[i].key) == NULL)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': unknown param '%.40s' (type, port, "
					"vid, key, remote, nexthop_mac, app, terminal, pool, address, "
					"gateway, terminal:ID)", link->name, vp->name,
					vp->params.v[i].key);
	}
	b = find_bind(sl, link->name, vp->name, &end);
	if (b < 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s' is not bound to any node's vport",
				link->name, vp->name);
	node = mgr_slice_sliver(sl, sl->binds[b].sliver[!end]);
	snprintf(ep->node, sizeof(ep->node), "%s", node->name);
	snprintf(ep->node_port, sizeof(ep->node_port), "%s", sl->binds[b].vport[!end]);
	if (strcmp(node->type, "_super") == 0)
		ep->role = MGR_ROLE_NETWORK;
	else if (strcmp(node->instance, "Terminal") == 0)
		ep->role = MGR_ROLE_TERMINAL;
	else
		ep->role = MGR_ROLE_NSLIVER;

	type = mgr_kv_get(&vp->params, "type");
	if (ep->role == MGR_ROLE_NSLIVER) {
		struct nsl_vport_names nm;

		if (type != NULL && strcmp(type, "nsliver") != 0)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': bound to node sliver '%s', so its "
					"type is nsliver, not '%.20s'", link->name, vp->name,
					node->name, type);
		ep->type = MGR_EP_NSLIVER;
		for (i = 0; i < node->n_vports && strcmp(node->vports[i].name, ep->node_port); i++)
			;
		nsl_vport_names(sl->id, node->name, ep->node_port, i, &nm);
		snprintf(ep->port, sizeof(ep->port), "%s", nm.port);
		return 0;
	}
	if (type == NULL)
		type = ep->role == MGR_ROLE_NETWORK && (link->protocols & MGR_PROTO_GRE) ? "gre"
											   : "vlan";
	ops = mgr_ep_ops_by_name(type);
	if (ops == NULL || ops->type == MGR_EP_NSLIVER)   /* nsliver: by its bind alone */
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': type '%.20s' is not one of vlan, gre, "
				"port, trailer, ipsec", link->name, vp->name, type);
	ep->type = ops->type;
	if (ep->type == MGR_EP_IPSEC && ep->role != MGR_ROLE_TERMINAL)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': type ipsec must be bound to the "
				"terminals' node sliver (instance type=\"Terminal\"), not '%s'",
				link->name, vp->name, node->name);
	if (ep->type == MGR_EP_GRE && !(link->protocols & MGR_PROTO_GRE))
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': type gre, but the link's protocol has no "
				"GRE", link->name, vp->name);
	port = mgr_kv_get(&vp->params, "port");
	if (port == NULL)
		port = ep->role == MGR_ROLE_NETWORK ? c->uplink_port : c->access_port;
	if (port[0] == '\0' || !mgr_name_ok(port))
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': no gw-core port (param 'port', or the "
				"manager's %s_port)", link->name, vp->name,
				ep->role == MGR_ROLE_NETWORK ? "uplink" : "access");
	if (c->ports != NULL) {
		const char *const *p;

		for (p = c->ports; *p != NULL && strcmp(*p, port) != 0; p++)
			;
		if (*p == NULL)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': gw-core has no port '%s'",
					link->name, vp->name, port);
	}
	snprintf(ep->port, sizeof(ep->port), "%s", port);
	return 0;
}

/*
 * Validate 'sl' (the slice as it would be) and plan the endpoints of link vports with
 * none yet (ep.type NONE), allocating VIDs and GRE keys that were not given. The other
 * slices of 'reg' (not 'sl->id') hold what they hold.
 */
static int
plan_slice(const struct mgr_reg *reg, const struct mgr_plan_conf *c, struct mgr_slice *sl,
	   struct mgr_err *e)
{
	struct mgr_alloc *a = NULL;
	unsigned int i, j;
	int rc = -1;
	struct pending { struct mgr_sliver *link; struct mgr_vport *vp; unsigned int alloc; } *pend;
	unsigned int n_pend = 0, n_vports = 0;

	for (i = 0; i < sl->n_slivers; i++) {
		struct mgr_sliver *s = &sl->slivers[i];

		if (s->kind == MGR_LINK ? check_link_resources(s, e) : check_node(c, s, e))
			return -1;
	}
	if (check_binds(sl, e) != 0)
		return -1;

	for (i = 0; i < sl->n_slivers; i++)
		n_vports += sl->slivers[i].n_vports;
	pend = calloc(n_vports + 1, sizeof(*pend));
	if (pend == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	for (i = 0; i < sl->n_slivers; i++) {
		struct mgr_sliver *s = &sl->slivers[i];

		if (s->kind != MGR_LINK)
			continue;
		for (j = 0; j < s->n_vports; j++) {
			struct mgr_vport *vp = &s->vports[j];
			int end;

			if (vp->ep.type != MGR_EP_NONE) {
				/* decided earlier; its bind must still be there */
				if (find_bind(sl, s->name, vp->name, &end) < 0) {
					mgr_fail(e, MGR_BADARGS,
						 "linkSliver '%s' vport '%s' would be left unbound",
						 s->name, vp->name);
					goto out;
				}
				continue;
			}
			if (plan_ep_kind(sl, c, s, vp, e) != 0 ||
			    mgr_ep_plan(c, s, vp, &pend[n_pend].alloc, e) != 0)
				goto out;
			pend[n_pend].link = s;
			pend[n_pend].vp = vp;
			vp->ep.alloc = pend[n_pend].alloc != 0;
			n_pend++;
		}
	}

	/* Everything else first, then this slice's decided endpoints, then allocate. */
	/* the registry's account holds every stored slice; without one (a registry made
	 * by hand), each is accounted here */
	a = mgr_alloc_new(reg->acct, mgr_reg_find(reg, sl->id), sl->id);
	if (a == NULL) {
		mgr_fail(e, MGR_SERVERERROR, "out of memory");
		goto out;
	}
	for (i = 0; reg->acct == NULL && i < reg->n; i++)
		if (strcmp(reg->slices[i]->id, sl->id) != 0 &&
		    mgr_alloc_account(a, c, reg->slices[i], false, e) != 0) {
			/* a conflict among stored slices is not this request's fault */
			if (e != NULL && e->code != MGR_SERVERERROR)
				e->code = MGR_SERVERERROR;
			goto out;
		}
	if (mgr_alloc_account(a, c, sl, true, e) != 0)
		goto out;
	for (i = 0; i < n_pend; i++) {
		if (pend[i].alloc & MGR_ALLOC_VID) {
			if (mgr_alloc_vid(a, c, sl->id, pend[i].link, pend[i].vp, e) != 0)
				goto out;
		} else if (pend[i].alloc & MGR_ALLOC_KEY) {
			if (mgr_alloc_key(a, c, sl->id, pend[i].link, pend[i].vp, e) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	for (i = 0; i < n_pend; i++)
		pend[i].vp->ep.alloc = 0;
	free(pend);
	mgr_alloc_free(a);
	return rc;
}

/* ---------------------------------------------------------------- plans */

static const struct mgr_slice *
existing(const struct mgr_reg *reg, const char *id, struct mgr_err *e)
{
	const struct mgr_slice *sl;

	if (mgr_slice_id_check(id, e) != 0)
		return NULL;
	sl = mgr_reg_find(reg, id);
	if (sl == NULL)
		mgr_fail(e, MGR_SEARCHFAILED, "no slice '%s'", id);
	return sl;
}

/* Plan 'sl' (owned); on success hand it over in *out. */
/* The ipsec vport of 'sl' (other than 'skip') that admits terminal 'key' ("terminal:ID"). */
static const struct mgr_vport *
terminal_holder(const struct mgr_slice *sl, const char *key, const struct mgr_vport *skip,
		const struct mgr_sliver **link)
{
	unsigned int i, j;

	for (i = 0; i < sl->n_slivers; i++)
		for (j = 0; j < sl->slivers[i].n_vports; j++) {
			const struct mgr_vport *vp = &sl->slivers[i].vports[j];

			if (vp != skip && vp->ep.type == MGR_EP_IPSEC &&
			    mgr_kv_get(&vp->params, key) != NULL) {
				*link = &sl->slivers[i];
				return vp;
			}
		}
	return NULL;
}

/*
 * A terminal's IKE identity picks its connection in charon, so it belongs to one
 * ipsec vport on this AGW: refuse one that another vport (of any slice) admits.
 */
static int
check_terminals(const struct mgr_reg *reg, const struct mgr_slice *sl, struct mgr_err *e)
{
	unsigned int i, j, k, r;

	for (i = 0; i < sl->n_slivers; i++)
		for (j = 0; j < sl->slivers[i].n_vports; j++) {
			const struct mgr_vport *vp = &sl->slivers[i].vports[j];

			if (vp->ep.type != MGR_EP_IPSEC)
				continue;
			for (k = 0; k < vp->params.n; k++) {
				const char *key = vp->params.v[k].key, *id = mgr_terminal_of(key);
				const struct mgr_sliver *ol;
				const struct mgr_vport *o;
				const char *in = sl->id;

				if (id == NULL)
					continue;
				o = terminal_holder(sl, key, vp, &ol);
				for (r = 0; o == NULL && r < reg->n; r++)
					if (strcmp(reg->slices[r]->id, sl->id) != 0) {
						o = terminal_holder(reg->slices[r], key, NULL, &ol);
						in = reg->slices[r]->id;
					}
				if (o != NULL)
					return mgr_fail(e, MGR_ALREADYEXISTS,
							"terminal '%.60s' is already admitted by slice '%s' "
							"linkSliver '%s' vport '%s': one IKE identity "
							"belongs to one IPsec link", id, in,
							ol->name, o->name);
			}
		}
	return 0;
}

static int
finish(const struct mgr_reg *reg, const struct mgr_plan_conf *c, struct mgr_slice *sl,
       struct mgr_slice **out, struct mgr_err *e)
{
	if (plan_slice(reg, c, sl, e) != 0 || check_terminals(reg, sl, e) != 0) {
		mgr_slice_free(sl);
		return -1;
	}
	*out = sl;
	return 0;
}

int
mgr_plan_create(const struct mgr_reg *reg, const struct mgr_plan_conf *c, const char *id,
		const struct mgr_slice *spec, struct mgr_slice **out, struct mgr_err *e)
{
	struct mgr_slice *sl;
	unsigned int i, j;

	*out = NULL;
	if (mgr_slice_id_check(id, e) != 0)
		return -1;
	if (mgr_reg_find(reg, id) != NULL)
		return mgr_fail(e, MGR_ALREADYEXISTS, "slice '%s' exists already", id);
	if (spec->n_slivers == 0)
		return mgr_fail(e, MGR_BADARGS, "CreateSlice '%s': the spec defines no sliver", id);
	sl = mgr_slice_dup(spec);
	if (sl == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	snprintf(sl->id, sizeof(sl->id), "%s", id);
	sl->created = (int64_t)time(NULL);
	for (i = 0; i < sl->n_slivers; i++) {
		sl->slivers[i].state = MGR_CREATED;
		for (j = 0; j < sl->slivers[i].n_vports; j++)
			memset(&sl->slivers[i].vports[j].ep, 0, sizeof(struct mgr_ep));
	}
	return finish(reg, c, sl, out, e);
}

int
mgr_plan_add(const struct mgr_reg *reg, const struct mgr_plan_conf *c, const char *id,
	     const struct mgr_slice *spec, struct mgr_slice **out, struct mgr_err *e)
{
	const struct mgr_slice *cur = existing(reg, id, e);
	struct mgr_slice *sl;
	unsigned int i, j, first;

	*out = NULL;
	if (cur == NULL)
		return -1;
	if (spec->n_slivers == 0 && spec->n_binds == 0)
		return mgr_fail(e, MGR_BADARGS, "Add '%s': the spec adds no sliver and no bind", id);
	for (i = 0; i < spec->n_slivers; i++)
		if (mgr_slice_sliver(cur, spec->slivers[i].name) != NULL)
			return mgr_fail(e, MGR_ALREADYEXISTS, "slice '%s' has a sliver '%s' already",
					id, spec->slivers[i].name);
	sl = mgr_slice_dup(cur);
	if (sl == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	first = sl->n_slivers;
	if (mgr_slice_append(sl, spec) != 0) {
		mgr_slice_free(sl);
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	}
	for (i = first; i < sl->n_slivers; i++) {
		sl->slivers[i].state = MGR_CREATED;
		for (j = 0; j < sl->slivers[i].n_vports; j++)
			memset(&sl->slivers[i].vports[j].ep, 0, sizeof(struct mgr_ep));
	}
	return finish(reg, c, sl, out, e);
}

int
mgr_plan_delete(const struct mgr_reg *reg, const char *id, const char *const *names,
		unsigned int n, struct mgr_slice **out, struct mgr_err *e)
{
	const struct mgr_slice *cur = existing(reg, id, e);
	struct mgr_slice *sl;
	unsigned int i, j, k;

	*out = NULL;
	if (cur == NULL)
		return -1;
	if (n == 0)
		return mgr_fail(e, MGR_BADARGS, "Delete '%s': name at least one sliver", id);
	for (i = 0; i < n; i++) {
		if (mgr_slice_sliver(cur, names[i]) == NULL)
			return mgr_fail(e, MGR_SEARCHFAILED, "slice '%s' has no sliver '%.80s'", id,
					names[i]);
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return mgr_fail(e, MGR_BADARGS, "Delete '%s': sliver '%s' named twice",
						id, names[i]);
	}
	sl = mgr_slice_dup(cur);
	if (sl == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	/* binds touching a deleted sliver go; a link that stays must not lose its bind */
	for (i = 0; i < sl->n_binds;) {
		const struct mgr_bind *b = &sl->binds[i];
		bool gone[2] = { false, false };
		int end;

		for (end = 0; end < 2; end++)
			for (k = 0; k < n; k++)
				if (strcmp(b->sliver[end], names[k]) == 0)
					gone[end] = true;
		if (!gone[0] && !gone[1]) {
			i++;
			continue;
		}
		for (end = 0; end < 2; end++) {
			const struct mgr_sliver *s = mgr_slice_sliver(sl, b->sliver[end]);

			if (!gone[end] && s->kind == MGR_LINK) {
				mgr_fail(e, MGR_BADARGS,
					 "Delete '%s': link '%s' stays but its vport '%s' is bound to "
					 "'%s', which would go; delete '%s' as well", id, s->name,
					 b->vport[end], b->sliver[!end], s->name);
				mgr_slice_free(sl);
				return -1;
			}
		}
		sl->binds[i] = sl->binds[--sl->n_binds];
	}
	for (i = 0; i < sl->n_slivers;) {
		for (k = 0; k < n && strcmp(sl->slivers[i].name, names[k]) != 0; k++)
			;
		if (k == n) {
			i++;
			continue;
		}
		mgr_sliver_clear(&sl->slivers[i]);
		memmove(&sl->slivers[i], &sl->slivers[i + 1],
			(sl->n_slivers - i - 1) * sizeof(sl->slivers[0]));
		sl->n_slivers--;
	}
	*out = sl;
	return 0;
}

int
mgr_plan_transition(const struct mgr_reg *reg, const char *id, const char *const *names,
		    unsigned int n, enum mgr_state to, struct mgr_slice **out, struct mgr_err *e)
{
	const char *op = to == MGR_EXECUTED ? "Run" : "Stop";
	enum mgr_state from = to == MGR_EXECUTED ? MGR_CREATED : MGR_EXECUTED;
	const struct mgr_slice *cur = existing(reg, id, e);
	struct mgr_slice *sl;
	unsigned int i, j, moved = 0;

	*out = NULL;
	if (cur == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const struct mgr_sliver *s = mgr_slice_sliver(cur, names[i]);

		if (s == NULL)
			return mgr_fail(e, MGR_SEARCHFAILED, "slice '%s' has no sliver '%.80s'", id,
					names[i]);
		if (s->state != from)
			return mgr_fail(e, MGR_REFUSED,
					"%s: sliver '%s' of slice '%s' is %s; %s is allowed only from "
					"%s", op, s->name, id, mgr_state_name(s->state), op,
					mgr_state_name(from));
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return mgr_fail(e, MGR_BADARGS, "%s '%s': sliver '%s' named twice", op,
						id, names[i]);
	}
	sl = mgr_slice_dup(cur);
	if (sl == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	for (i = 0; i < sl->n_slivers; i++) {
		struct mgr_sliver *s = &sl->slivers[i];
		bool named = n == 0;

		for (j = 0; j < n && !named; j++)
			named = strcmp(s->name, names[j]) == 0;
		if (named && s->state == from) {
			s->state = to;
			moved++;
		}
	}
	if (moved == 0) {
		mgr_slice_free(sl);
		return mgr_fail(e, MGR_REFUSED, "%s: every sliver of slice '%s' is %s already%s",
				op, id, mgr_state_name(to),
				cur->n_slivers == 0 ? " (it has none)" : "");
	}
	*out = sl;
	return 0;
}

int
mgr_plan_delete_slice(const struct mgr_reg *reg, const char *id, struct mgr_slice **out,
		      struct mgr_err *e)
{
	*out = NULL;
	return existing(reg, id, e) == NULL ? -1 : 0;
}

/* Add "terminal:ID" = auth to 'kv', or (auth NULL) remove it. @return 0; -1 no memory. */
static int
kvs_set_terminal(struct mgr_kvs *kv, const char *key, const char *auth)
{
	struct mgr_kv *nv;
	unsigned int i;

	for (i = 0; i < kv->n; i++)
		if (strcmp(kv->v[i].key, key) == 0)
			break;
	if (auth == NULL) {
		free(kv->v[i].key);
		free(kv->v[i].value);
		memmove(&kv->v[i], &kv->v[i + 1], (kv->n - i - 1) * sizeof(*kv->v));
		kv->n--;
		return 0;
	}
	nv = realloc(kv->v, (kv->n + 1) * sizeof(*nv));
	if (nv == NULL)
		return -1;
	kv->v = nv;
	nv[kv->n].key = strdup(key);
	nv[kv->n].value = strdup(auth);
	kv->n++;
	return nv[kv->n - 1].key != NULL && nv[kv->n - 1].value != NULL ? 0 : -1;
}

int
mgr_plan_terminal(const struct mgr_reg *reg, const struct mgr_plan_conf *c, const char *id,
		  const char *link, const char *vport, const char *terminal, const char *auth,
		  struct mgr_slice **out, struct mgr_err *e)
{
	const struct mgr_slice *cur = existing(reg, id, e);
	const struct mgr_sliver *s;
	struct mgr_slice *sl;
	struct mgr_sliver *ls;
	struct mgr_vport *vp;
	char key[sizeof(MGR_TERMINAL_PREFIX) + MGR_IKE_ID_MAX];
	unsigned int alloc;

	*out = NULL;
	if (cur == NULL)
		return -1;
	s = mgr_slice_sliver(cur, link);
	if (s == NULL || s->kind != MGR_LINK)
		return mgr_fail(e, MGR_SEARCHFAILED, "slice '%s' has no linkSliver '%s'", id, link);
	vp = mgr_sliver_vport(s, vport);
	if (vp == NULL)
		return mgr_fail(e, MGR_SEARCHFAILED, "slice '%s' linkSliver '%s' has no vport '%s'",
				id, link, vport);
	if (vp->ep.type != MGR_EP_IPSEC)
		return mgr_fail(e, MGR_BADARGS, "slice '%s' linkSliver '%s' vport '%s' is a %s "
				"endpoint: terminals join ipsec vports", id, link, vport,
				mgr_ep_type_name(vp->ep.type));
	if (!mgr_ike_id_ok(terminal))
		return mgr_fail(e, MGR_BADARGS, "terminal '%.40s': an IKE identity is 1-127 "
				"printable characters without spaces or quotes", terminal);
	snprintf(key, sizeof(key), "%s%s", MGR_TERMINAL_PREFIX, terminal);
	if (auth != NULL && mgr_kv_get(&vp->params, key) != NULL)
		return mgr_fail(e, MGR_ALREADYEXISTS, "slice '%s' linkSliver '%s' vport '%s' admits "
				"terminal '%s' already (RemoveTerminal first to change its key)",
				id, link, vport, terminal);
	if (auth == NULL && mgr_kv_get(&vp->params, key) == NULL)
		return mgr_fail(e, MGR_SEARCHFAILED, "slice '%s' linkSliver '%s' vport '%s' admits "
				"no terminal '%s'", id, link, vport, terminal);
	sl = mgr_slice_dup(cur);
	if (sl == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	ls = mgr_slice_sliver(sl, link);
	vp = mgr_sliver_vport(ls, vport);
	if (kvs_set_terminal(&vp->params, key, auth) != 0) {
		mgr_slice_free(sl);
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	}
	if (mgr_ep_plan(c, ls, vp, &alloc, e) != 0) {
		mgr_slice_free(sl);
		return -1;
	}
	return finish(reg, c, sl, out, e);
}
