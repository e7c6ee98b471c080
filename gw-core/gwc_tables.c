/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building the tables workers read from the control thread's model, and publishing
 * them: a fresh table each time, swapped in with an atomic store, the old one freed
 * after an rte_rcu_qsbr grace period. Workers never see a half-built table, so a
 * change (a slice added, a next hop resolved) is atomic for them.
 *
 * This file builds what every endpoint shares (ports, endpoint copies, flood lists);
 * each endpoint type fills its own part through its ops (gwc_ep_ops.h), and each
 * feature that owns more of the tables registers a builder (GWC_TABLES_BUILDER), so
 * nothing here names a feature. Control thread.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "gwc_ep_ops.h"
#include "gwc_model.h"

static struct gwc_tables_builder *builders;

void
gwc_tables_register(struct gwc_tables_builder *b)
{
	struct gwc_tables_builder **p = &builders;

	/* in registration order */
	while (*p != NULL)
		p = &(*p)->next;
	b->next = NULL;
	*p = b;
}

/* rte_hash compares keys of 16, 32, ... 128 bytes with vector code and any other size
 * with memcmp(), whose call costs more than the compare of a 4- or 8-byte key (perf, ESP
 * to a terminal: 2.3 % of the worker's samples in memcmp for the /32 route hash). */
static int
small_key_cmp(const void *a, const void *b, size_t len)
{
	uint64_t x, y;
	uint32_t x4, y4;

	if (len == 4) {   /* else 8 (gwc_hash_small_keys()) */
		memcpy(&x4, a, 4);
		memcpy(&y4, b, 4);
		return x4 != y4;
	}
	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	return x != y;
}

struct rte_hash *
gwc_hash_small_keys(struct rte_hash *h, uint32_t key_len)
{
	if (h != NULL && (key_len == 4 || key_len == 8))
		rte_hash_set_cmp_func(h, small_key_cmp);
	return h;
}

struct rte_hash *
gwc_hash_new(const char *what, uint32_t version, uint32_t n, uint32_t key_len)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = RTE_MAX(2 * n, 16u),
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.hash_func_init_val = 0,
		.socket_id = (int)rte_socket_id(),
	};

	snprintf(name, sizeof(name), "gwc_%s_%u", what, version);
	return gwc_hash_small_keys(rte_hash_create(&hp), key_len);
}

struct rte_hash *
gwc_hash_lf_new(struct gwc *g, const char *what, uint32_t n, uint32_t key_len)
{
	struct rte_hash_rcu_config rc = { .v = g->qsbr, .mode = RTE_HASH_QSBR_MODE_DQ };
	struct rte_hash *h = gwc_hash_kept(g, what, RTE_MAX(n, 64u), key_len,
					   RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF);

	if (h != NULL && rte_hash_rcu_qsbr_add(h, &rc) != 0) {
		rte_hash_free(h);
		h = NULL;
	}
	return h;
}

bool
gwc_hash_del_if(struct rte_hash *h, const void *key, uintptr_t data)
{
	void *d;

	return h != NULL && rte_hash_lookup_data(h, key, &d) >= 0 && (uintptr_t)d == data &&
	       rte_hash_del_key(h, key) >= 0;
}

/* Release what the builders allocated in 't', not 't'. */
static void
builders_free(struct gwc_tables *t)
{
	const struct gwc_tables_builder *b;

	for (b = builders; b != NULL; b = b->next)
		if (b->free != NULL)
			b->free(t);
}

void
gwc_tables_free(struct gwc_tables *t)
{
	if (t == NULL)
		return;
	builders_free(t);
	rte_free(t);
}

void
gwc_tables_ep_changed(struct gwc *g, int id)
{
	struct gwc_ep_m *m = &g->ep[id];

	if (!m->changed) {
		m->changed = true;
		g->changed_ep[g->n_changed_ep++] = (uint32_t)id;
	}
	/* the slice's flood list names the bridged ones (a routed one's slice is marked
	 * when the slice router starts or stops serving it: gwc_ep_link()) */
	if (gwc_ep_ops_of(m->ep.type)->bridged)
		gwc_tables_slice_changed(g, m->ep.slice);
}

void
gwc_tables_slice_changed(struct gwc *g, int s)
{
	if (!g->slice[s].changed) {
		g->slice[s].changed = true;
		g->changed_slice[g->n_changed_slice++] = (uint16_t)s;
	}
}

/*
 * What one build made (freed if it fails) and the published copies and flood lists it
 * replaced (freed once the new tables are out). Each array has room for every endpoint
 * and slice the build may replace (build_reserve()), so adding to one cannot fail.
 */
struct build {
	struct gwc_ep **made_ep;
	const struct gwc_ep **old_ep;
	uint32_t **made_flood, **old_flood;
	uint32_t n_made_ep, n_old_ep, n_made_flood, n_old_flood;
	bool fresh;               /* 't' started empty, not as a copy of the published one */
};

static int
build_reserve(struct build *b, uint32_t n_ep, uint32_t n_slice)
{
	b->made_ep = malloc((n_ep + 1) * sizeof(b->made_ep[0]));
	b->old_ep = malloc((n_ep + 1) * sizeof(b->old_ep[0]));
	b->made_flood = malloc((n_slice + 1) * sizeof(b->made_flood[0]));
	b->old_flood = malloc((n_slice + 1) * sizeof(b->old_flood[0]));
	return b->made_ep != NULL && b->old_ep != NULL && b->made_flood != NULL &&
	       b->old_flood != NULL ? 0 : -ENOMEM;
}

/* Free 'eps' (copies no worker sees, or no longer), after their type's retire. */
static void
eps_retire(struct gwc *g, const struct gwc_ep **eps, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		const struct gwc_ep_ops *ops = gwc_ep_ops_of(eps[i]->type);

		if (ops->retire != NULL)
			ops->retire(g, eps[i]);
		rte_free((void *)(uintptr_t)eps[i]);
	}
}

static void
build_done(struct build *b)
{
	free(b->made_ep);
	free(b->old_ep);
	free(b->made_flood);
	free(b->old_flood);
}

/* Endpoint 'id''s copy in 't': taken out (its type's unbuild) and, if it is still used,
 * made anew by its type's build. @return 0 or -ENOMEM. */
static int
ep_rebuild(struct gwc *g, struct gwc_tables *t, struct build *b, unsigned int id)
{
	const struct gwc_ep *old = g->ep[id].pub;   /* t->ep[id] too, unless 't' is fresh */
	const struct gwc_ep_ops *ops;
	struct gwc_ep *ep;

	if (old != NULL) {
		ops = gwc_ep_ops_of(old->type);
		if (!b->fresh && ops->unbuild != NULL)
			ops->unbuild(t, old);
		b->old_ep[b->n_old_ep++] = old;
	}
	t->ep[id] = NULL;
	if (!g->ep[id].used)
		return 0;
	ep = rte_malloc("gwc_ep", sizeof(*ep), RTE_CACHE_LINE_SIZE);
	if (ep == NULL)
		return -ENOMEM;
	b->made_ep[b->n_made_ep++] = ep;
	*ep = g->ep[id].ep;
	ep->id = (uint32_t)id;
	ep->out_sa = GWC_SA_NONE;
	ops = gwc_ep_ops_of(ep->conf.type);
	if (ops->build != NULL && ops->build(g, t, ep) != 0)
		return -ENOMEM;
	t->ep[id] = ep;
	return 0;
}

/* Slice 's''s entry in 't': its MAC table and a new flood list of its bridged endpoints
 * (IPsec terminals are routed: they take only what a stage routes to them). */
static int
slice_rebuild(struct gwc *g, struct gwc_tables *t, struct build *b, unsigned int s)
{
	struct gwc_slice_tab *st = &t->slice[s];
	unsigned int i, n = 0;
	uint32_t *flood;

	if (g->slice[s].flood != NULL)
		b->old_flood[b->n_old_flood++] = g->slice[s].flood;
	memset(st, 0, sizeof(*st));
	if (!g->slice[s].used)
		return 0;
	st->mac = g->slice[s].mac;
	st->l3 = g->slice[s].n_routed != 0;
	GWC_SLICE_EP_FOREACH(g, s, i)
		n += gwc_ep_ops_of(g->ep[i].ep.conf.type)->bridged;
	if (n == 0)
		return 0;
	flood = rte_malloc("gwc_flood", n * sizeof(*flood), 0);
	if (flood == NULL)
		return -ENOMEM;
	b->made_flood[b->n_made_flood++] = flood;
	n = 0;
	GWC_SLICE_EP_FOREACH(g, s, i)
		if (gwc_ep_ops_of(g->ep[i].ep.conf.type)->bridged)
			flood[n++] = i;
	st->flood = flood;
	st->n_flood = n;
	return 0;
}

/*
 * The next tables: empty ('b->fresh') or a copy of the published ones, then the marked
 * endpoints and slices (all of them when fresh) and every IPsec endpoint made anew, then
 * the builders. @return them, or NULL (out of memory; what 'b' made is freed by the
 * caller).
 */
static struct gwc_tables *
tables_build(struct gwc *g, struct build *b)
{
	const struct gwc_tables *prev = g->dp.tables;
	const struct gwc_tables_builder *bl;
	struct gwc_tables *t;
	unsigned int i, p;
	bool delta;
	size_t sz;

	if (prev == NULL)
		b->fresh = true;
	sz = sizeof(*t) + g->conf.max_slices * sizeof(struct gwc_slice_tab) +
	     g->conf.max_endpoints * sizeof(t->ep[0]) + g->conf.max_sas * sizeof(t->sa[0]);
	/* The tables the last publication retired, past their grace period: the same size
	 * each time, so the heap is not cut up by a large block freed and taken again
	 * around the endpoint copies (rte_malloc then slowed down and ran out). */
	t = g->tables_spare;
	g->tables_spare = NULL;
	/* The spare is the tables before the published ones: after an incremental
	 * publication it differs from them only in what that one marked, so only those
	 * entries need copying (the arrays are 1.5 MB at the default limits). */
	delta = t != NULL && !b->fresh && !g->last_full && g->spare_version + 1 == prev->version;
	if (t == NULL)
		t = rte_malloc("gwc_tables", sz, 4096);   /* page-aligned: see gwc_create() */
	if (t == NULL)
		return NULL;
	/* zeroed but for the ports, whose entries past n_ports nobody reads, and whose
	 * VID maps (16 KB each) are filled below */
	memset(t, 0, offsetof(struct gwc_tables, port));
	memset(&t->port[GWC_MAX_PORTS], 0,
	       sizeof(*t) - offsetof(struct gwc_tables, port[GWC_MAX_PORTS]));
	t->delta = delta;
	t->n_slice = g->conf.max_slices;
	t->n_ep = g->conf.max_endpoints;
	t->slice = (struct gwc_slice_tab *)(t + 1);
	t->ep = (const struct gwc_ep **)(t->slice + t->n_slice);
	t->n_sa = g->conf.max_sas;
	t->sa = (struct gwc_sa_tab *)(t->ep + t->n_ep);
	t->full = b->fresh;
	t->version = g->version + 1;
	t->n_ports = g->dp.n_ports;
	t->bridge_prefetch = g->n_slices >= GWC_BRIDGE_PREFETCH_SLICES ||
			     g->mac_entries_max >= GWC_BRIDGE_PREFETCH_MACS;
	if (b->fresh) {
		memset(t->slice, 0, t->n_slice * sizeof(t->slice[0]));
		memset(t->ep, 0, t->n_ep * sizeof(t->ep[0]));
		memset(t->sa, 0, t->n_sa * sizeof(t->sa[0]));
	} else if (delta) {
		for (i = 0; i < g->n_last_ep; i++)
			t->ep[g->last_ep[i]] = prev->ep[g->last_ep[i]];
		for (i = 0; i < g->n_last_slice; i++)
			t->slice[g->last_slice[i]] = prev->slice[g->last_slice[i]];
		g->tables_delta++;   /* the SA array: its builder's (gwc_ipsec.c) */
	} else {
		memcpy(t->slice, prev->slice, t->n_slice * sizeof(t->slice[0]));
		memcpy(t->ep, prev->ep, t->n_ep * sizeof(t->ep[0]));
		memcpy(t->sa, prev->sa, t->n_sa * sizeof(t->sa[0]));
	}

	for (p = 0; p < g->dp.n_ports; p++) {
		struct gwc_port_tab *pt = &t->port[p];

		memset(pt, 0, offsetof(struct gwc_port_tab, vlan_ep));
		if (b->fresh) {
			pt->untagged_ep = GWC_EP_NONE;
			memset(pt->vlan_ep, 0xff, sizeof(pt->vlan_ep));
		} else {
			pt->untagged_ep = prev->port[p].untagged_ep;
			memcpy(pt->vlan_ep, prev->port[p].vlan_ep, sizeof(pt->vlan_ep));
			pt->n_trl = prev->port[p].n_trl;
			memcpy(pt->trl, prev->port[p].trl, pt->n_trl * sizeof(pt->trl[0]));
		}
		pt->has_ip = g->conf.port[p].has_ip;
		pt->ip = g->conf.port[p].ip;
		pt->mtu = g->port[p].mtu;
		pt->tx_multiseg = g->port[p].tx_multiseg;
	}
	if (b->fresh) {
		GWC_EP_FOREACH(g, i)
			gwc_tables_ep_changed(g, (int)i);
		GWC_SLICE_FOREACH(g, i)
			gwc_tables_slice_changed(g, (int)i);
	}
	if (build_reserve(b, g->n_changed_ep, g->n_changed_slice) != 0)
		goto fail;
	for (i = 0; i < g->n_changed_ep; i++)
		if (ep_rebuild(g, t, b, g->changed_ep[i]) != 0)
			goto fail;
	for (i = 0; i < g->n_changed_slice; i++)
		if (slice_rebuild(g, t, b, g->changed_slice[i]) != 0)
			goto fail;
	for (bl = builders; bl != NULL; bl = bl->next)
		if (bl->build != NULL && bl->build(g, t) != 0) {
			GWC_LOG(ERR, "tables: %s: out of memory", bl->name);
			goto fail;
		}
	return t;
fail:
	gwc_tables_free(t);
	return NULL;
}

/* Build (fresh or from the marks) and publish. */
static int
publish(struct gwc *g, bool fresh)
{
	struct build b = { .fresh = fresh };
	const struct gwc_tables_builder *bl;
	struct gwc_tables *t, *old;
	unsigned int i;

	t = tables_build(g, &b);
	if (t == NULL) {
		/* never published: what their builds indexed across tables goes with them */
		if (b.made_ep != NULL)
			eps_retire(g, (const struct gwc_ep **)b.made_ep, b.n_made_ep);
		for (i = 0; b.made_flood != NULL && i < b.n_made_flood; i++)
			rte_free(b.made_flood[i]);
		build_done(&b);
		GWC_LOG(ERR, "tables: build failed: out of memory");
		return -ENOMEM;
	}
	old = ppm_rcu_publish(g->qsbr, (void **)&g->dp.tables, t);
	g->version = t->version;
	/* the model's published copies are now the new tables'; what this publication
	 * marked is what the next build copies into the spare (tables_build()) */
	g->last_full = fresh;
	memcpy(g->last_ep, g->changed_ep, g->n_changed_ep * sizeof(g->last_ep[0]));
	memcpy(g->last_slice, g->changed_slice, g->n_changed_slice * sizeof(g->last_slice[0]));
	g->n_last_ep = g->n_changed_ep;
	g->n_last_slice = g->n_changed_slice;
	for (i = 0; i < g->n_changed_ep; i++) {
		uint32_t id = g->changed_ep[i];

		g->ep[id].pub = (struct gwc_ep *)(uintptr_t)t->ep[id];
		g->ep[id].changed = false;
	}
	for (i = 0; i < g->n_changed_slice; i++) {
		uint16_t s = g->changed_slice[i];

		g->slice[s].flood = (uint32_t *)(uintptr_t)t->slice[s].flood;
		g->slice[s].n_flood = t->slice[s].n_flood;
		g->slice[s].changed = false;
	}
	g->n_changed_ep = g->n_changed_slice = 0;
	/* past the grace period: no worker sees what was replaced */
	if (old != NULL) {
		builders_free(old);
		g->tables_spare = old;
		g->spare_version = old->version;
	}
	eps_retire(g, b.old_ep, b.n_old_ep);
	for (i = 0; i < b.n_old_flood; i++)
		rte_free(b.old_flood[i]);
	build_done(&b);
	for (bl = builders; bl != NULL; bl = bl->next)
		if (bl->published != NULL)
			bl->published(g);
	return 0;
}

int
gwc_tables_publish(struct gwc *g)
{
	return publish(g, true);
}

int
gwc_tables_publish_changes(struct gwc *g)
{
	return publish(g, false);
}

void
gwc_tables_fini(struct gwc *g)
{
	const struct gwc_tables_builder *bl;
	unsigned int i;

	gwc_tables_free(g->dp.tables);
	g->dp.tables = NULL;
	rte_free(g->tables_spare);
	g->tables_spare = NULL;
	for (i = 0; g->ep != NULL && i < g->conf.max_endpoints; i++) {
		rte_free(g->ep[i].pub);
		g->ep[i].pub = NULL;
	}
	for (i = 0; g->slice != NULL && i < g->conf.max_slices; i++) {
		rte_free(g->slice[i].flood);
		g->slice[i].flood = NULL;
	}
	for (bl = builders; bl != NULL; bl = bl->next)
		if (bl->fini != NULL)
			bl->fini(g);
}
