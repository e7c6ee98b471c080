/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Resources the AGW's endpoints hold, and their allocation (mgr_plan.h): VIDs per port,
 * GRE (port, remote, key), untagged ports, trailer (terminal, apps) per port and each
 * terminal's one key, and bandwidth admission per port against [manager] port_capacity.
 * The one place conflicts between endpoints are decided. Pure; no locks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr_plan.h"

/* Resources in use: VIDs per port, GRE (port, remote, key), untagged ports, bandwidth. */
struct used_port {
	char name[MGR_NAME_MAX];
	uint64_t vids[4096 / 64];
	uint64_t bw;
	const char *untagged;      /* "slice/link.vport" holding the port untagged */
};

/* Who holds a VID or a GRE (port, remote, key), for conflict messages and key search. */
struct holder {
	const struct mgr_ep *ep;
	const char *slice, *link, *vport;
};

struct mgr_alloc {
	struct used_port *ports;
	unsigned int n_ports;
	struct holder *gre, *vlan, *trl;
	unsigned int n_gre, n_vlan, n_trl;
};

static int
holder_add(struct holder **h, unsigned int *n, const char *slice, const struct mgr_sliver *link,
	   const struct mgr_vport *vp, struct mgr_err *e)
{
	if (*n % 64 == 0) {
		struct holder *nh = realloc(*h, (*n + 64) * sizeof(*nh));

		if (nh == NULL)
			return mgr_fail(e, MGR_SERVERERROR, "out of memory");
		*h = nh;
	}
	(*h)[*n] = (struct holder){ .ep = &vp->ep, .slice = slice, .link = link->name,
				    .vport = vp->name };
	(*n)++;
	return 0;
}

static struct used_port *
used_port(struct mgr_alloc *u, const char *name)
{
	unsigned int i;
	struct used_port *p;

	for (i = 0; i < u->n_ports; i++)
		if (strcmp(u->ports[i].name, name) == 0)
			return &u->ports[i];
	p = realloc(u->ports, (u->n_ports + 1) * sizeof(*p));
	if (p == NULL)
		return NULL;
	u->ports = p;
	p = &u->ports[u->n_ports++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

static void
used_free(struct mgr_alloc *u)
{
	free(u->ports);
	free(u->gre);
	free(u->vlan);
	free(u->trl);
}

static bool
gre_same(const struct mgr_ep *a, const struct mgr_ep *b)
{
	return strcmp(a->port, b->port) == 0 && strcmp(a->remote, b->remote) == 0 &&
	       a->has_key == b->has_key && (!a->has_key || a->key == b->key);
}

/*
 * Account one decided endpoint. Conflicts with what is already accounted are faults
 * naming both holders.
 */
static int
used_add(struct mgr_alloc *u, const char *slice, const struct mgr_sliver *link,
	 const struct mgr_vport *vp, struct mgr_err *e)
{
	const struct mgr_ep *ep = &vp->ep;
	struct used_port *p;
	unsigned int i;

	if (!mgr_ep_in_gwc(ep->type))
		return 0;
	p = used_port(u, ep->port);
	if (p == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	if (ep->type == MGR_EP_VLAN) {
		if (p->vids[ep->vid / 64] & (1ull << (ep->vid % 64))) {
			for (i = 0; i < u->n_vlan; i++)
				if (strcmp(u->vlan[i].ep->port, ep->port) == 0 &&
				    u->vlan[i].ep->vid == ep->vid)
					break;
			return mgr_fail(e, MGR_VLAN_UNAVAILABLE,
					"linkSliver '%s' vport '%s': VID %u on port '%s' is used by "
					"slice '%s' link '%s' vport '%s'", link->name, vp->name,
					ep->vid, ep->port, i < u->n_vlan ? u->vlan[i].slice : "?",
					i < u->n_vlan ? u->vlan[i].link : "?",
					i < u->n_vlan ? u->vlan[i].vport : "?");
		}
		p->vids[ep->vid / 64] |= 1ull << (ep->vid % 64);
		return holder_add(&u->vlan, &u->n_vlan, slice, link, vp, e);
	} else if (ep->type == MGR_EP_GRE) {
		for (i = 0; i < u->n_gre; i++)
			if (gre_same(u->gre[i].ep, ep))
				return mgr_fail(e, MGR_ALREADYEXISTS,
						"linkSliver '%s' vport '%s': GRE to %s on port '%s' "
						"with key %s%u is used by slice '%s' link '%s' vport "
						"'%s'", link->name, vp->name, ep->remote, ep->port,
						ep->has_key ? "" : "(none) ", ep->key,
						u->gre[i].slice, u->gre[i].link, u->gre[i].vport);
		return holder_add(&u->gre, &u->n_gre, slice, link, vp, e);
	} else if (ep->type == MGR_EP_TRAILER) {
		for (i = 0; i < u->n_trl; i++) {
			const struct mgr_ep *o = u->trl[i].ep;

			if (strcmp(o->port, ep->port) == 0 && o->trl_terminal == ep->trl_terminal &&
			    o->trl_app_lo <= ep->trl_app_hi && ep->trl_app_lo <= o->trl_app_hi)
				return mgr_fail(e, MGR_ALREADYEXISTS,
						"linkSliver '%s' vport '%s': apps %u-%u of terminal "
						"%u%s on port '%s' overlap slice '%s' link '%s' vport "
						"'%s'", link->name, vp->name, ep->trl_app_lo,
						ep->trl_app_hi, ep->trl_terminal,
						ep->trl_terminal ? "" : " (any)", ep->port,
						u->trl[i].slice, u->trl[i].link, u->trl[i].vport);
			/* gw-core holds one key per terminal: every vport that gives one agrees */
			if (o->trl_terminal == ep->trl_terminal && o->trl_key[0] != '\0' &&
			    ep->trl_key[0] != '\0' &&
			    (strcmp(o->trl_key, ep->trl_key) != 0 ||
			     o->trl_key_required != ep->trl_key_required))
				return mgr_fail(e, MGR_ALREADYEXISTS,
						"linkSliver '%s' vport '%s': terminal %u already has "
						"another key or auth setting (slice '%s' link '%s' "
						"vport '%s'); a terminal has one key",
						link->name, vp->name, ep->trl_terminal,
						u->trl[i].slice, u->trl[i].link, u->trl[i].vport);
		}
		return holder_add(&u->trl, &u->n_trl, slice, link, vp, e);
	} else if (ep->type == MGR_EP_IPSEC) {
		/* shares the port: its terminals are told apart by SA, not by the port */
		return 0;
	} else {
		if (p->untagged != NULL)
			return mgr_fail(e, MGR_ALREADYEXISTS,
					"linkSliver '%s' vport '%s': port '%s' is already taken "
					"untagged by slice '%s'", link->name, vp->name, ep->port,
					p->untagged);
		p->untagged = slice;
	}
	return 0;
}

/* Bandwidth: a link reserves its rate on every port it has an endpoint on (once). */
static int
used_bw(struct mgr_alloc *u, const struct mgr_plan_conf *c, const struct mgr_sliver *link,
	struct mgr_err *e)
{
	unsigned int i, j;

	for (i = 0; i < link->n_vports; i++) {
		const struct mgr_ep *ep = &link->vports[i].ep;
		struct used_port *p;

		if (!mgr_ep_in_gwc(ep->type))
			continue;
		for (j = 0; j < i; j++)
			if (mgr_ep_in_gwc(link->vports[j].ep.type) &&
			    strcmp(link->vports[j].ep.port, ep->port) == 0)
				break;
		if (j < i)
			continue;
		p = used_port(u, ep->port);
		if (p == NULL)
			return mgr_fail(e, MGR_SERVERERROR, "out of memory");
		p->bw += link->bandwidth_bps;
		if (c->port_capacity_bps != 0 && p->bw > c->port_capacity_bps)
			return mgr_fail(e, MGR_INSUFFICIENT_BANDWIDTH,
					"linkSliver '%s': %llu bit/s more on port '%s' exceeds its "
					"capacity of %llu bit/s (%llu bit/s are reserved already)",
					link->name, (unsigned long long)link->bandwidth_bps, ep->port,
					(unsigned long long)c->port_capacity_bps,
					(unsigned long long)(p->bw - link->bandwidth_bps));
	}
	return 0;
}

int
mgr_alloc_account(struct mgr_alloc *a, const struct mgr_plan_conf *c, const struct mgr_slice *sl,
	      bool only_decided, struct mgr_err *e)
{
	unsigned int i, j;

	for (i = 0; i < sl->n_slivers; i++) {
		const struct mgr_sliver *s = &sl->slivers[i];

		if (s->kind != MGR_LINK)
			continue;
		for (j = 0; j < s->n_vports; j++) {
			const struct mgr_ep *ep = &s->vports[j].ep;

			if (only_decided && ep->alloc != 0)
				continue;
			if (used_add(a, sl->id, s, &s->vports[j], e) != 0)
				return -1;
		}
		if (used_bw(a, c, s, e) != 0)
			return -1;
	}
	return 0;
}

struct mgr_alloc *
mgr_alloc_new(void)
{
	return calloc(1, sizeof(struct mgr_alloc));
}

void
mgr_alloc_free(struct mgr_alloc *a)
{
	if (a == NULL)
		return;
	used_free(a);
	free(a);
}

int
mgr_alloc_vid(struct mgr_alloc *a, const struct mgr_plan_conf *c, const char *slice,
	      const struct mgr_sliver *link, struct mgr_vport *vp, struct mgr_err *e)
{
	struct mgr_ep *ep = &vp->ep;
	struct used_port *p = used_port(a, ep->port);
	unsigned int v;

	if (p == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	for (v = c->vid_min; v <= c->vid_max; v++)
		if (!(p->vids[v / 64] & (1ull << (v % 64))))
			break;
	if (v > c->vid_max || v == 0)
		return mgr_fail(e, MGR_VLAN_UNAVAILABLE,
				"linkSliver '%s' vport '%s': no free VID on port '%s' in %u-%u",
				link->name, vp->name, ep->port, c->vid_min, c->vid_max);
	ep->vid = (uint16_t)v;
	ep->alloc = 0;
	return used_add(a, slice, link, vp, e);
}

int
mgr_alloc_key(struct mgr_alloc *a, const struct mgr_plan_conf *c, const char *slice,
	      const struct mgr_sliver *link, struct mgr_vport *vp, struct mgr_err *e)
{
	struct mgr_ep *ep = &vp->ep;
	unsigned int j;
	uint64_t k;

	ep->has_key = true;
	for (k = c->key_min; k <= c->key_max; k++) {
		ep->key = (uint32_t)k;
		for (j = 0; j < a->n_gre; j++)
			if (gre_same(a->gre[j].ep, ep))
				break;
		if (j == a->n_gre)
			break;
	}
	if (k > c->key_max)
		return mgr_fail(e, MGR_ALREADYEXISTS,
				"linkSliver '%s' vport '%s': no free GRE key to %s on port '%s' in "
				"%u-%u", link->name, vp->name, ep->remote, ep->port, c->key_min,
				c->key_max);
	ep->alloc = 0;
	return used_add(a, slice, link, vp, e);
}
