/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Endpoint type "trailer" (docs/trailer.md; seed 003 Figure 3(B)): untagged IPv4 on a
 * port whose trailer carries a (terminal ID, app ID) this endpoint takes; a
 * terminal-specific endpoint wins over an any-terminal one, and ranges of the same
 * terminal may not overlap on a port. With 'reappend', frames toward the terminal get
 * the trailer back. Data plane: gwc_dp_trailer.h. Control thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gwc_ep_ops.h"
#include "gwc_json.h"
#include "gwc_model.h"

/* A trailer endpoint's "app": N or "N" or "LO-HI" (IDs 1..2^32-1). */
static int
app_range(struct json_object *args, const char *name, struct gwc_ep_conf *c, struct gwc_err *e)
{
	unsigned long long lo, hi;
	struct json_object *v;
	const char *s;
	char *end;

	if (args == NULL || !json_object_object_get_ex(args, "app", &v))
		goto bad;
	if (json_object_is_type(v, json_type_int)) {
		lo = hi = (unsigned long long)json_object_get_int64(v);
	} else if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		errno = 0;
		lo = strtoull(s, &end, 0);
		if (errno != 0 || end == s || *s == '-')
			goto bad;
		hi = lo;
		if (*end == '-') {
			s = end + 1;
			hi = strtoull(s, &end, 0);
			if (errno != 0 || end == s || *s == '-')
				goto bad;
		}
		if (*end != '\0')
			goto bad;
	} else {
		goto bad;
	}
	if (lo == 0 || hi < lo || hi > UINT32_MAX)
		goto bad;
	c->trl_app_lo = (uint32_t)lo;
	c->trl_app_hi = (uint32_t)hi;
	return 0;
bad:
	gwc_errf(e, "endpoint '%s': a trailer endpoint needs 'app': an app ID or a range LO-HI "
		    "of IDs from 1 to 4294967295", name);
	return -EINVAL;
}

static int
trailer_parse(struct gwc_ep_conf *c, struct json_object *args, struct gwc_err *e)
{
	uint64_t v;
	bool have;
	int rc;

	if ((rc = app_range(args, c->name, c, e)) != 0 ||
	    (rc = gwc_arg_uint(args, "terminal", UINT32_MAX, &v, &have, e)) != 0 ||
	    (rc = gwc_arg_bool(args, "reappend", &c->trl_reappend, e)) != 0)
		return rc;
	c->trl_terminal = have ? (uint32_t)v : 0;
	return 0;
}

static int
trailer_validate(const struct gwc *g, int s, int port, const struct gwc_ep_conf *c,
		 struct gwc_err *e)
{
	const struct gwc_ep *o;
	int i = -1, n_trl = 0;

	RTE_SET_USED(s);
	if (c->trl_app_lo == 0 || c->trl_app_hi < c->trl_app_lo) {
		gwc_errf(e, "endpoint '%s': app ID range %u-%u: IDs from 1, low <= high",
			 c->name, c->trl_app_lo, c->trl_app_hi);
		return -EINVAL;
	}
	if (c->trl_reappend && (c->trl_terminal == 0 || c->trl_app_lo != c->trl_app_hi)) {
		gwc_errf(e, "endpoint '%s': reappend needs one terminal and one app (the "
			    "trailer written toward the terminal); got terminal %u, apps "
			    "%u-%u", c->name, c->trl_terminal, c->trl_app_lo, c->trl_app_hi);
		return -EINVAL;
	}
	while ((o = gwc_ep_next_on_port(g, port, GWC_EP_TRAILER, &i)) != NULL) {
		if (++n_trl >= GWC_MAX_TRL_RULES) {
			gwc_errf(e, "endpoint '%s': port '%s' already has %d trailer "
				    "endpoints", c->name, c->port, GWC_MAX_TRL_RULES);
			return -ENOSPC;
		}
		if (o->conf.trl_terminal == c->trl_terminal &&
		    o->conf.trl_app_lo <= c->trl_app_hi && c->trl_app_lo <= o->conf.trl_app_hi) {
			gwc_errf(e, "endpoint '%s': apps %u-%u of terminal %u%s on port "
				    "'%s' overlap endpoint '%s' of slice '%s' (apps %u-%u)",
				 c->name, c->trl_app_lo, c->trl_app_hi, c->trl_terminal,
				 c->trl_terminal ? "" : " (any)", c->port, o->conf.name,
				 g->slice[o->slice].name, o->conf.trl_app_lo,
				 o->conf.trl_app_hi);
			return -EADDRINUSE;
		}
	}
	return 0;
}

static void
trailer_to_json(const struct gwc *g, int id, struct json_object *o)
{
	const struct gwc_ep_conf *c = &g->ep[id].ep.conf;

	agw_json_add_u64(o, "terminal", c->trl_terminal);
	agw_json_add_u64(o, "app_lo", c->trl_app_lo);
	agw_json_add_bool(o, "reappend", c->trl_reappend);
	agw_json_add_u64(o, "app_hi", c->trl_app_hi);
}

static int
trailer_build(struct gwc *g, struct gwc_tables *t, struct gwc_ep *ep)
{
	struct gwc_port_tab *pt = &t->port[ep->port];
	struct gwc_trl_rule r = {
		.terminal = ep->conf.trl_terminal,
		.app_lo = ep->conf.trl_app_lo,
		.app_hi = ep->conf.trl_app_hi,
		.ep = ep->id,
	};
	unsigned int at = pt->n_trl;

	RTE_SET_USED(g);
	ep->reappend = ep->conf.trl_reappend;
	/* terminal-specific rules before any-terminal ones: the first match wins; within
	 * each, by endpoint id (their ranges do not overlap), so that rules made one by
	 * one (gwc_tables_publish_changes()) are in the order a full build gives */
	while (at > 0 && ((r.terminal != 0 && pt->trl[at - 1].terminal == 0) ||
			  ((r.terminal != 0) == (pt->trl[at - 1].terminal != 0) &&
			   pt->trl[at - 1].ep > r.ep))) {
		pt->trl[at] = pt->trl[at - 1];
		at--;
	}
	pt->trl[at] = r;
	pt->n_trl++;
	return 0;
}

static void
trailer_unbuild(struct gwc_tables *t, const struct gwc_ep *old)
{
	struct gwc_port_tab *pt = &t->port[old->port];
	unsigned int i, n = 0;

	for (i = 0; i < pt->n_trl; i++)   /* the order of the others kept */
		if (pt->trl[i].ep != old->id)
			pt->trl[n++] = pt->trl[i];
	pt->n_trl = (uint16_t)n;
}

const struct gwc_ep_ops gwc_ep_trailer_ops = {
	.type = GWC_EP_TRAILER,
	.name = "trailer",
	.schema = "port= app=ID|LO-HI [terminal=ID] [reappend=yes|no]",
	.bridged = true,
	.parse = trailer_parse,
	.validate = trailer_validate,
	.to_json = trailer_to_json,
	.build = trailer_build,
	.unbuild = trailer_unbuild,
};
