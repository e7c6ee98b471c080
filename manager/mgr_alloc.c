/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Resources the AGW's endpoints hold, and their allocation (mgr_plan.h): VIDs per port,
 * GRE (port, remote, key), untagged ports, trailer (terminal, apps) per port and each
 * terminal's one key, and bandwidth admission per port against [manager] port_capacity.
 * The one place conflicts between endpoints are decided. Pure; no locks.
 *
 * Two kinds of account: the registry's (mgr_reg.acct), kept up to date as slices are
 * committed (mgr_alloc_commit()), and a request's, which holds the slice being planned
 * and looks through to the registry's for everything else, skipping what the slice's
 * own stored version holds. Holders are found in binary trees (glibc's tsearch), so a
 * request costs what its slice holds, not what every slice holds.
 */
#define _GNU_SOURCE   /* tdestroy */
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr_plan.h"
#include "nsl.h"

/* Resources in use on one port. */
struct used_port {
	char name[MGR_NAME_MAX];
	uint64_t vids[4096 / 64];
	uint64_t bw;               /* bits/s reserved: a request's starts at the registry's
				      minus what the slice's stored version reserves */
};

/* Who holds a VID, a GRE (port, remote, key), an untagged port or trailer apps, for
 * conflict messages. Its strings belong to the slice it is in. */
struct holder {
	const struct mgr_ep *ep;
	const char *slice, *link, *vport;
};

/* A tree node: "port|vid", "port|remote|key" or "port" -> its holder. */
struct alloc_entry {
	char *key;
	struct holder h;
};

struct mgr_alloc {
	const struct mgr_alloc *base;   /* the registry's account, or NULL */
	const char *self;               /* the slice planned: its holders in 'base' are its
					   stored version's, not conflicts */
	const struct mgr_slice *old;    /* that stored version, or NULL */
	struct used_port *ports;
	unsigned int n_ports;
	void *vlan, *gre, *untagged;    /* tsearch roots of struct alloc_entry */
	struct holder *trl;
	unsigned int n_trl;
	struct nsl_demand nsl;          /* what node slivers take: a request's starts at the
					   registry's minus the slice's stored version's */
	bool nsl_init;
};

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct alloc_entry *)a)->key, ((const struct alloc_entry *)b)->key);
}

static void
entry_free(void *p)
{
	struct alloc_entry *x = p;

	free(x->key);
	free(x);
}

static const struct holder *
tree_find(void *const *root, const char *key)
{
	struct alloc_entry q = { .key = (char *)(uintptr_t)key };
	void *r = tfind(&q, root, entry_cmp);

	return r != NULL ? &(*(struct alloc_entry **)r)->h : NULL;
}

/* Add 'key' (taken) -> 'h'. @return 0, or -1 (out of memory; 'key' freed). */
static int
tree_add(void **root, char *key, const struct holder *h)
{
	struct alloc_entry *x = malloc(sizeof(*x));
	void *r;

	if (x == NULL) {
		free(key);
		return -1;
	}
	x->key = key;
	x->h = *h;
	r = tsearch(x, root, entry_cmp);
	if (r == NULL) {
		entry_free(x);
		return -1;
	}
	if (*(struct alloc_entry **)r != x)   /* held already: the first holder stays */
		entry_free(x);
	return 0;
}

/* Remove 'key' when slice 'slice' holds it. */
static void
tree_del(void **root, const char *key, const char *slice)
{
	struct alloc_entry q = { .key = (char *)(uintptr_t)key }, *x;
	void *r = tfind(&q, root, entry_cmp);

	if (r == NULL)
		return;
	x = *(struct alloc_entry **)r;
	if (strcmp(x->h.slice, slice) != 0)
		return;
	tdelete(&q, root, entry_cmp);
	entry_free(x);
}

static char *
vlan_key(const struct mgr_ep *ep)
{
	char *k = NULL;

	return asprintf(&k, "%s|%u", ep->port, ep->vid) < 0 ? NULL : k;
}

/* Equal for two endpoints exactly when they hold the same GRE (port, remote, key), no
 * key being a value of its own. */
static char *
gre_key(const struct mgr_ep *ep)
{
	char *k = NULL;

	if (ep->has_key ? asprintf(&k, "%s|%s|%u", ep->port, ep->remote, ep->key) < 0
			: asprintf(&k, "%s|%s|-", ep->port, ep->remote) < 0)
		return NULL;
	return k;
}

/* The holder of 'key' in 'tree' of 'a' or, not being 'a''s slice's stored version, in
 * the tree at the same place of its base. */
static const struct holder *
holder_of(const struct mgr_alloc *a, size_t tree_off, const char *key)
{
	const struct holder *h = tree_find((void *const *)((const char *)a + tree_off), key);

	if (h == NULL && a->base != NULL) {
		h = tree_find((void *const *)((const char *)a->base + tree_off), key);
		if (h != NULL && a->self != NULL && strcmp(h->slice, a->self) == 0)
			h = NULL;
	}
	return h;
}

static const struct used_port *
port_find(const struct mgr_alloc *u, const char *name)
{
	unsigned int i;

	for (i = 0; u != NULL && i < u->n_ports; i++)
		if (strcmp(u->ports[i].name, name) == 0)
			return &u->ports[i];
	return NULL;
}

/* Bits/s the links of 'sl' reserve on port 'port' (a link once per port). */
static uint64_t
slice_bw(const struct mgr_slice *sl, const char *port)
{
	uint64_t bw = 0;
	unsigned int i, j;

	for (i = 0; sl != NULL && i < sl->n_slivers; i++) {
		const struct mgr_sliver *s = &sl->slivers[i];

		if (s->kind != MGR_LINK)
			continue;
		for (j = 0; j < s->n_vports; j++)
			if (mgr_ep_in_gwc(s->vports[j].ep.type) &&
			    strcmp(s->vports[j].ep.port, port) == 0) {
				bw += s->bandwidth_bps;
				break;
			}
	}
	return bw;
}

static struct used_port *
used_port(struct mgr_alloc *u, const char *name)
{
	const struct used_port *b;
	struct used_port *p = (struct used_port *)(uintptr_t)port_find(u, name);

	if (p != NULL)
		return p;
	p = realloc(u->ports, (u->n_ports + 1) * sizeof(*p));
	if (p == NULL)
		return NULL;
	u->ports = p;
	p = &u->ports[u->n_ports++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	b = port_find(u->base, name);
	if (b != NULL)
		p->bw = b->bw - slice_bw(u->old, name);
	return p;
}

/* Is VID 'vid' of 'port' held, by this account or (not as the planned slice's stored
 * version) by its base? */
static bool
vid_held(const struct mgr_alloc *u, const char *port, uint16_t vid)
{
	const struct used_port *p = port_find(u, port), *b = port_find(u->base, port);
	struct mgr_ep q = { .vid = vid };
	const struct holder *h;
	char *k;

	if (p != NULL && (p->vids[vid / 64] & (1ull << (vid % 64))))
		return true;
	if (b == NULL || !(b->vids[vid / 64] & (1ull << (vid % 64))))
		return false;
	snprintf(q.port, sizeof(q.port), "%s", port);
	k = vlan_key(&q);
	if (k == NULL)
		return true;
	h = holder_of(u, offsetof(struct mgr_alloc, vlan), k);
	free(k);
	return h != NULL;
}

/*
 * Hold key 'k' (taken; NULL: it could not be made) for 'me' in the tree at 'tree_off'
 * of 'u'. @return 0; 1 with '*h' the holder that has it already (the caller's fault
 * names it); -1 with 'e' SERVERERROR (out of memory).
 */
static int
hold(struct mgr_alloc *u, size_t tree_off, char *k, const struct holder *me,
     const struct holder **h, struct mgr_err *e)
{
	if (k == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	*h = holder_of(u, tree_off, k);
	if (*h != NULL) {
		free(k);
		return 1;
	}
	if (tree_add((void **)((char *)u + tree_off), k, me) != 0)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	return 0;
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
	const struct holder me = { .ep = ep, .slice = slice, .link = link->name,
				   .vport = vp->name };
	const struct holder *h;
	struct used_port *p;
	unsigned int i;
	int rc;

	if (!mgr_ep_in_gwc(ep->type))
		return 0;
	p = used_port(u, ep->port);
	if (p == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	if (ep->type == MGR_EP_VLAN) {
		rc = hold(u, offsetof(struct mgr_alloc, vlan), vlan_key(ep), &me, &h, e);
		if (rc == 1)
			return mgr_fail(e, MGR_VLAN_UNAVAILABLE,
					"linkSliver '%s' vport '%s': VID %u on port '%s' is used by "
					"slice '%s' link '%s' vport '%s'", link->name, vp->name,
					ep->vid, ep->port, h->slice, h->link, h->vport);
		if (rc == 0)
			p->vids[ep->vid / 64] |= 1ull << (ep->vid % 64);
		return rc;
	} else if (ep->type == MGR_EP_GRE) {
		rc = hold(u, offsetof(struct mgr_alloc, gre), gre_key(ep), &me, &h, e);
		if (rc == 1)
			return mgr_fail(e, MGR_ALREADYEXISTS,
					"linkSliver '%s' vport '%s': GRE to %s on port '%s' with key "
					"%s%u is used by slice '%s' link '%s' vport '%s'", link->name,
					vp->name, ep->remote, ep->port, ep->has_key ? "" : "(none) ",
					ep->key, h->slice, h->link, h->vport);
		return rc;
	} else if (ep->type == MGR_EP_TRAILER) {
		unsigned int pass;

		for (pass = 0; pass < 2; pass++) {
			const struct mgr_alloc *x = pass == 0 ? u : u->base;

			for (i = 0; x != NULL && i < x->n_trl; i++) {
				const struct mgr_ep *o = x->trl[i].ep;

				if (pass == 1 && u->self != NULL && strcmp(x->trl[i].slice, u->self) == 0)
					continue;
				if (strcmp(o->port, ep->port) == 0 &&
				    o->trl_terminal == ep->trl_terminal &&
				    o->trl_app_lo <= ep->trl_app_hi && ep->trl_app_lo <= o->trl_app_hi)
					return mgr_fail(e, MGR_ALREADYEXISTS,
							"linkSliver '%s' vport '%s': apps %u-%u of "
							"terminal %u%s on port '%s' overlap slice '%s' "
							"link '%s' vport '%s'", link->name, vp->name,
							ep->trl_app_lo, ep->trl_app_hi, ep->trl_terminal,
							ep->trl_terminal ? "" : " (any)", ep->port,
							x->trl[i].slice, x->trl[i].link, x->trl[i].vport);
				/* gw-core holds one key per terminal: every vport that gives one
				 * agrees */
				if (o->trl_terminal == ep->trl_terminal && o->trl_key[0] != '\0' &&
				    ep->trl_key[0] != '\0' &&
				    (strcmp(o->trl_key, ep->trl_key) != 0 ||
				     o->trl_key_required != ep->trl_key_required))
					return mgr_fail(e, MGR_ALREADYEXISTS,
							"linkSliver '%s' vport '%s': terminal %u already "
							"has another key or auth setting (slice '%s' link "
							"'%s' vport '%s'); a terminal has one key",
							link->name, vp->name, ep->trl_terminal,
							x->trl[i].slice, x->trl[i].link, x->trl[i].vport);
			}
		}
		if (u->n_trl % 64 == 0) {
			struct holder *nt = realloc(u->trl, (u->n_trl + 64) * sizeof(*nt));

			if (nt == NULL)
				return mgr_fail(e, MGR_SERVERERROR, "out of memory");
			u->trl = nt;
		}
		u->trl[u->n_trl++] = me;
		return 0;
	} else if (ep->type == MGR_EP_IPSEC) {
		/* shares the port: its terminals are told apart by SA, not by the port */
		return 0;
	}
	rc = hold(u, offsetof(struct mgr_alloc, untagged), strdup(ep->port), &me, &h, e);
	if (rc == 1)
		return mgr_fail(e, MGR_ALREADYEXISTS,
				"linkSliver '%s' vport '%s': port '%s' is already taken untagged by "
				"slice '%s'", link->name, vp->name, ep->port, h->slice);
	return rc;
}

struct nsl_demand
mgr_slice_nsl(const struct mgr_slice *sl)
{
	struct nsl_demand sum = { 0 }, d;
	unsigned int i;

	for (i = 0; sl != NULL && i < sl->n_slivers; i++) {
		const struct mgr_sliver *s = &sl->slivers[i];

		if (s->kind != MGR_NODE || nsl_flavour_of(s->instance) == NSL_NONE ||
		    nsl_demand_of(s->name, &s->resources, &d, NULL) != 0)
			continue;
		sum.cpus += d.cpus;
		sum.memory_mib += d.memory_mib;
		sum.disk_mib += d.disk_mib;
	}
	return sum;
}

static struct nsl_demand *
nsl_used(struct mgr_alloc *u)
{
	if (!u->nsl_init) {
		if (u->base != NULL) {
			struct nsl_demand mine = mgr_slice_nsl(u->old);

			u->nsl = u->base->nsl;
			u->nsl.cpus -= mine.cpus;
			u->nsl.memory_mib -= mine.memory_mib;
			u->nsl.disk_mib -= mine.disk_mib;
		}
		u->nsl_init = true;
	}
	return &u->nsl;
}

/* Node sliver 's' takes its cores, memory and disk from [nsliver]'s capacity. */
static int
used_nsl(struct mgr_alloc *u, const struct mgr_plan_conf *c, const struct mgr_sliver *s,
	 struct mgr_err *e)
{
	struct nsl_demand d, *t;

	if (nsl_flavour_of(s->instance) == NSL_NONE ||
	    nsl_demand_of(s->name, &s->resources, &d, NULL) != 0)
		return 0;   /* not a node sliver, or refused by planning already */
	t = nsl_used(u);
	t->cpus += d.cpus;
	t->memory_mib += d.memory_mib;
	t->disk_mib += d.disk_mib;
	if (c == NULL || c->nsl == NULL)
		return 0;
	if (t->cpus > c->nsl->cores)
		return mgr_fail(e, MGR_REFUSED, "nodeSliver '%s': %u cores more exceed [nsliver] "
				"cores = %u (%u taken by node slivers already)", s->name, d.cpus,
				c->nsl->cores, t->cpus - d.cpus);
	if (t->memory_mib > c->nsl->memory_mib)
		return mgr_fail(e, MGR_REFUSED, "nodeSliver '%s': %llu MiB more exceed [nsliver] "
				"memory_mib = %llu (%llu MiB taken already)", s->name,
				(unsigned long long)d.memory_mib,
				(unsigned long long)c->nsl->memory_mib,
				(unsigned long long)(t->memory_mib - d.memory_mib));
	if (t->disk_mib > c->nsl->disk_mib)
		return mgr_fail(e, MGR_REFUSED, "nodeSliver '%s': %llu MiB of disk more exceed "
				"[nsliver] disk_mib = %llu (%llu MiB taken already)", s->name,
				(unsigned long long)d.disk_mib, (unsigned long long)c->nsl->disk_mib,
				(unsigned long long)(t->disk_mib - d.disk_mib));
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
		if (c != NULL && c->port_capacity_bps != 0 && p->bw > c->port_capacity_bps)
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

		if (s->kind == MGR_NODE && used_nsl(a, c, s, e) != 0)
			return -1;
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
mgr_alloc_new(const struct mgr_alloc *base, const struct mgr_slice *old, const char *self)
{
	struct mgr_alloc *a = calloc(1, sizeof(struct mgr_alloc));

	if (a != NULL) {
		a->base = base;
		a->old = old;
		a->self = self;
	}
	return a;
}

void
mgr_alloc_free(struct mgr_alloc *a)
{
	if (a == NULL)
		return;
	tdestroy(a->vlan, entry_free);
	tdestroy(a->gre, entry_free);
	tdestroy(a->untagged, entry_free);
	free(a->trl);
	free(a->ports);
	free(a);
}

void
mgr_alloc_commit(struct mgr_alloc *a, const struct mgr_slice *old, const struct mgr_slice *sl)
{
	unsigned int i, j, n;

	for (i = 0; old != NULL && i < old->n_slivers; i++) {
		const struct mgr_sliver *s = &old->slivers[i];

		if (s->kind != MGR_LINK)
			continue;
		for (j = 0; j < s->n_vports; j++) {
			const struct mgr_ep *ep = &s->vports[j].ep;
			char *k = NULL;

			if (!mgr_ep_in_gwc(ep->type))
				continue;
			if (ep->type == MGR_EP_VLAN && (k = vlan_key(ep)) != NULL) {
				struct used_port *p = used_port(a, ep->port);
				const struct holder *h = tree_find(&a->vlan, k);

				if (p != NULL && h != NULL && strcmp(h->slice, old->id) == 0)
					p->vids[ep->vid / 64] &= ~(1ull << (ep->vid % 64));
				tree_del(&a->vlan, k, old->id);
			} else if (ep->type == MGR_EP_GRE && (k = gre_key(ep)) != NULL) {
				tree_del(&a->gre, k, old->id);
			} else if (ep->type == MGR_EP_PORT || ep->type == MGR_EP_NSLIVER) {
				/* a node sliver's vport is a port of its own: held untagged too */
				tree_del(&a->untagged, ep->port, old->id);
			}
			free(k);
		}
	}
	for (i = 0; old != NULL && i < a->n_ports; i++)
		a->ports[i].bw -= slice_bw(old, a->ports[i].name);
	if (old != NULL) {
		struct nsl_demand d = mgr_slice_nsl(old), *t = nsl_used(a);

		t->cpus -= d.cpus;
		t->memory_mib -= d.memory_mib;
		t->disk_mib -= d.disk_mib;
	}
	for (i = 0, n = 0; old != NULL && i < a->n_trl; i++)
		if (strcmp(a->trl[i].slice, old->id) != 0)
			a->trl[n++] = a->trl[i];
	if (old != NULL)
		a->n_trl = n;
	/* stored slices were checked when they were planned: nothing here can conflict */
	if (sl != NULL)
		mgr_alloc_account(a, NULL, sl, false, NULL);
}

int
mgr_alloc_vid(struct mgr_alloc *a, const struct mgr_plan_conf *c, const char *slice,
	      const struct mgr_sliver *link, struct mgr_vport *vp, struct mgr_err *e)
{
	struct mgr_ep *ep = &vp->ep;
	unsigned int v;

	if (used_port(a, ep->port) == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	for (v = c->vid_min; v <= c->vid_max; v++)
		if (v != 0 && !vid_held(a, ep->port, (uint16_t)v))
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
	const struct holder *h;
	uint64_t k;

	ep->has_key = true;
	for (k = c->key_min; k <= c->key_max; k++) {
		char *key;

		ep->key = (uint32_t)k;
		key = gre_key(ep);
		if (key == NULL)
			return mgr_fail(e, MGR_SERVERERROR, "out of memory");
		h = holder_of(a, offsetof(struct mgr_alloc, gre), key);
		free(key);
		if (h == NULL)
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
