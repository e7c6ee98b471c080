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
#include <stdio.h>
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
	return rte_hash_create(&hp);
}

void
gwc_tables_free(struct gwc_tables *t)
{
	const struct gwc_tables_builder *b;

	if (t == NULL)
		return;
	for (b = builders; b != NULL; b = b->next)
		if (b->free != NULL)
			b->free(t);
	rte_free(t);
}

/* The endpoint copies, each filled by its type's build. @return 0 or -ENOMEM. */
static int
endpoints_build(struct gwc *g, struct gwc_tables *t, struct gwc_ep *store)
{
	const struct gwc_ep_ops *ops;
	unsigned int i;

	GWC_EP_FOREACH(g, i) {
		struct gwc_ep *ep = store++;

		*ep = g->ep[i].ep;
		ep->id = (uint16_t)i;
		ep->out_sa = GWC_SA_NONE;
		ops = gwc_ep_ops_of(ep->conf.type);
		if (ops->build != NULL && ops->build(g, t, ep) != 0)
			return -ENOMEM;
		t->ep[i] = ep;
	}
	return 0;
}

/* Flood lists: count each slice's bridged endpoints, give each slice its run of
 * 'flood', then fill. Endpoints that are not bridged (IPsec terminals are routed) take
 * only what a stage routes to them. */
static void
flood_build(struct gwc *g, struct gwc_tables *t, uint16_t *flood)
{
	unsigned int i, s;

	GWC_EP_FOREACH(g, i)
		if (gwc_ep_ops_of(g->ep[i].ep.conf.type)->bridged)
			t->slice[g->ep[i].ep.slice].n_flood++;
	GWC_SLICE_FOREACH(g, s) {
		t->slice[s].mac = g->slice[s].mac;
		t->slice[s].flood = flood;
		flood += t->slice[s].n_flood;
		t->slice[s].n_flood = 0;
	}
	GWC_EP_FOREACH(g, i)
		if (gwc_ep_ops_of(g->ep[i].ep.conf.type)->bridged) {
			struct gwc_slice_tab *st = &t->slice[g->ep[i].ep.slice];

			/* ours until published: const only for the workers */
			((uint16_t *)st->flood)[st->n_flood++] = (uint16_t)i;
		}
}

static struct gwc_tables *
tables_build(struct gwc *g)
{
	const struct gwc_tables_builder *b;
	struct gwc_tables *t;
	struct gwc_ep *store;
	unsigned int n_eps, p;
	size_t sz;

	n_eps = g->n_eps;
	/* struct, slice tabs, endpoint copies (all 8-byte aligned), endpoint pointers, then
	 * flood lists */
	sz = sizeof(*t) + g->conf.max_slices * sizeof(struct gwc_slice_tab) +
	     n_eps * sizeof(struct gwc_ep) + g->conf.max_endpoints * sizeof(t->ep[0]) +
	     n_eps * sizeof(uint16_t);
	t = rte_zmalloc("gwc_tables", sz, 4096);   /* page-aligned: see gwc_create() */
	if (t == NULL)
		return NULL;
	t->n_slice = g->conf.max_slices;
	t->n_ep = g->conf.max_endpoints;
	t->slice = (struct gwc_slice_tab *)(t + 1);
	store = (struct gwc_ep *)(t->slice + t->n_slice);
	t->ep = (const struct gwc_ep **)(store + n_eps);
	t->version = g->version + 1;
	t->n_ports = g->dp.n_ports;

	for (p = 0; p < g->dp.n_ports; p++) {
		struct gwc_port_tab *pt = &t->port[p];

		pt->untagged_ep = GWC_EP_NONE;
		memset(pt->vlan_ep, 0xff, sizeof(pt->vlan_ep));
		pt->has_ip = g->conf.port[p].has_ip;
		pt->ip = g->conf.port[p].ip;
		pt->mtu = g->port[p].mtu;
		pt->tx_multiseg = g->port[p].tx_multiseg;
	}
	if (endpoints_build(g, t, store) != 0)
		goto fail;
	flood_build(g, t, (uint16_t *)(t->ep + t->n_ep));
	for (b = builders; b != NULL; b = b->next)
		if (b->build != NULL && b->build(g, t) != 0) {
			GWC_LOG(ERR, "tables: %s: out of memory", b->name);
			goto fail;
		}
	return t;
fail:
	gwc_tables_free(t);
	return NULL;
}

int
gwc_tables_publish(struct gwc *g)
{
	struct gwc_tables *t = tables_build(g), *old;
	const struct gwc_tables_builder *b;

	if (t == NULL) {
		GWC_LOG(ERR, "tables: build failed: out of memory");
		return -ENOMEM;
	}
	old = ppm_rcu_publish(g->qsbr, (void **)&g->dp.tables, t);
	g->version = t->version;
	gwc_tables_free(old);
	for (b = builders; b != NULL; b = b->next)
		if (b->published != NULL)
			b->published(g);
	return 0;
}
