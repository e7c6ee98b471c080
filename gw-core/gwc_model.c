/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Finding things in the control thread's model (gwc_model.h): slices, endpoints and
 * ports by name, with the owner checks every change makes. Control thread; reads the
 * model only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>

#include "gwc_ep_ops.h"
#include "gwc_model.h"

/* The keys of the name hashes: zero-padded, so equal names are equal bytes. */
struct slice_key {
	char name[GWC_NAME_MAX];
};

struct ep_key {
	uint16_t slice;
	char name[GWC_NAME_MAX];
};

struct rte_hash *
gwc_hash_kept(const struct gwc *g, const char *what, uint32_t entries, uint32_t key_len,
	      uint32_t extra_flag)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = entries,
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.hash_func_init_val = 0,
		.socket_id = (int)rte_socket_id(),
		/* every key up to 'entries' fits, however they collide */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE | extra_flag,
	};

	snprintf(name, sizeof(name), "gwc_%s_%lx", what, (unsigned long)(uintptr_t)g);
	return gwc_hash_small_keys(rte_hash_create(&hp), key_len);
}

/* A name index of the model: control thread only. */
static struct rte_hash *
name_hash(const struct gwc *g, const char *what, uint32_t n, uint32_t key_len)
{
	return gwc_hash_kept(g, what, RTE_MAX(n, 8u), key_len, 0);
}

int
gwc_model_init(struct gwc *g, struct gwc_err *e)
{
	const struct gwc_conf *c = &g->conf;
	bool ok = true;
	unsigned int k;

	g->slice = calloc(c->max_slices, sizeof(*g->slice));
	g->ep = calloc(c->max_endpoints, sizeof(*g->ep));
	g->slice_used = calloc((c->max_slices + 63) / 64, sizeof(uint64_t));
	g->ep_used = calloc((c->max_endpoints + 63) / 64, sizeof(uint64_t));
	g->changed_ep = calloc(c->max_endpoints, sizeof(*g->changed_ep));
	g->changed_slice = calloc(c->max_slices, sizeof(*g->changed_slice));
	g->sa = calloc(c->max_sas, sizeof(*g->sa));
	g->sa_used = calloc((c->max_sas + 63) / 64, sizeof(uint64_t));
	g->changed_sa = calloc(c->max_sas, sizeof(*g->changed_sa));
	g->last_sa = calloc(c->max_sas, sizeof(*g->last_sa));
	g->last_ep = calloc(c->max_endpoints, sizeof(*g->last_ep));
	g->last_slice = calloc(c->max_slices, sizeof(*g->last_slice));
	for (k = 0; k < GWC_EP_TYPES; k++) {
		g->ep_type_used[k] = calloc((c->max_endpoints + 63) / 64, sizeof(uint64_t));
		ok = ok && g->ep_type_used[k] != NULL;
	}
	memset(g->vid_ep, 0xff, sizeof(g->vid_ep));
	if (ok && g->slice != NULL && g->ep != NULL && g->slice_used != NULL &&
	    g->ep_used != NULL && g->changed_ep != NULL && g->changed_slice != NULL &&
	    g->sa != NULL && g->sa_used != NULL && g->changed_sa != NULL && g->last_sa != NULL &&
	    g->last_ep != NULL && g->last_slice != NULL) {
		g->slice_names = name_hash(g, "sn", c->max_slices, sizeof(struct slice_key));
		g->ep_names = name_hash(g, "en", c->max_endpoints, sizeof(struct ep_key));
		g->sa_index = name_hash(g, "sa", c->max_sas, sizeof(struct gwc_sa_key));
		for (k = 0; k < c->max_endpoints; k++)
			g->ep[k].first_sa = GWC_SA_NONE;
	}
	if (g->slice_names == NULL || g->ep_names == NULL || g->sa_index == NULL) {
		gwc_errf(e, "out of memory for %u slices, %u endpoints and %u SAs (lower "
			    "[gw-core] max_slices, max_endpoints or max_sas, or raise [eal] "
			    "memory_mb)", c->max_slices, c->max_endpoints, c->max_sas);
		return -ENOMEM;
	}
	return 0;
}

void
gwc_model_fini(struct gwc *g)
{
	unsigned int k;

	rte_hash_free(g->slice_names);
	rte_hash_free(g->ep_names);
	rte_hash_free(g->sa_index);
	g->slice_names = g->ep_names = g->sa_index = NULL;
	for (k = 0; k < GWC_EP_TYPES; k++) {
		free(g->ep_type_used[k]);
		g->ep_type_used[k] = NULL;
	}
	free(g->changed_ep);
	free(g->changed_slice);
	free(g->sa);
	free(g->sa_used);
	free(g->changed_sa);
	free(g->last_sa);
	free(g->last_ep);
	free(g->last_slice);
	g->last_sa = g->last_slice = NULL;
	g->last_ep = NULL;
	g->sa = NULL;
	g->sa_used = NULL;
	g->changed_sa = NULL;
	g->changed_ep = NULL;
	g->changed_slice = NULL;
	free(g->slice);
	free(g->ep);
	free(g->slice_used);
	free(g->ep_used);
	g->slice = NULL;
	g->ep = NULL;
	g->slice_used = g->ep_used = NULL;
	g->slice_names = g->ep_names = NULL;
}

static void
slice_key_of(struct slice_key *k, const char *name)
{
	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", name);
}

static void
ep_key_of(struct ep_key *k, int slice, const char *name)
{
	memset(k, 0, sizeof(*k));
	k->slice = (uint16_t)slice;
	snprintf(k->name, sizeof(k->name), "%s", name);
}

void
gwc_slice_link(struct gwc *g, int s)
{
	struct slice_key k;

	slice_key_of(&k, g->slice[s].name);
	/* cannot fail: the table holds max_slices keys (EXT_TABLE) and 's' is one of them */
	rte_hash_add_key_data(g->slice_names, &k, (void *)(uintptr_t)s);
	g->slice[s].used = true;
	g->slice[s].first_ep = GWC_EP_NONE;
	g->slice_used[s / 64] |= 1ull << (s % 64);
	g->n_slices++;
	gwc_tables_slice_changed(g, s);
}

void
gwc_slice_unlink(struct gwc *g, int s)
{
	struct slice_key k;

	slice_key_of(&k, g->slice[s].name);
	rte_hash_del_key(g->slice_names, &k);
	g->slice[s].used = false;
	g->slice_used[s / 64] &= ~(1ull << (s % 64));
	g->n_slices--;
	gwc_tables_slice_changed(g, s);
}

void
gwc_ep_link(struct gwc *g, int id)
{
	struct gwc_ep_m *m = &g->ep[id];
	struct ep_key k;

	ep_key_of(&k, m->ep.slice, m->ep.conf.name);
	rte_hash_add_key_data(g->ep_names, &k, (void *)(uintptr_t)id);   /* as above */
	uint32_t *p = &g->slice[m->ep.slice].first_ep;

	while (*p != GWC_EP_NONE)   /* in order of addition, as listed */
		p = &g->ep[*p].next;
	*p = (uint32_t)id;
	m->next = GWC_EP_NONE;
	m->used = true;
	g->ep_used[id / 64] |= 1ull << (id % 64);
	g->ep_type_used[m->ep.type][id / 64] |= 1ull << (id % 64);
	g->n_eps_type[m->ep.type]++;
	g->n_eps++;
	if (m->ep.type == GWC_EP_VLAN)
		g->vid_ep[m->ep.port][m->ep.conf.vid] = (uint32_t)id;
	if (!gwc_ep_ops_of(m->ep.type)->bridged && g->slice[m->ep.slice].n_routed++ == 0)
		gwc_tables_slice_changed(g, m->ep.slice);   /* the slice router serves it */
	gwc_tables_ep_changed(g, id);
}

void
gwc_ep_unlink(struct gwc *g, int id)
{
	struct gwc_ep_m *m = &g->ep[id];
	uint32_t *p = &g->slice[m->ep.slice].first_ep;
	struct ep_key k;

	ep_key_of(&k, m->ep.slice, m->ep.conf.name);
	rte_hash_del_key(g->ep_names, &k);
	while (*p != GWC_EP_NONE && *p != (uint32_t)id)
		p = &g->ep[*p].next;
	if (*p == (uint32_t)id)
		*p = m->next;
	m->used = false;
	g->ep_used[id / 64] &= ~(1ull << (id % 64));
	g->ep_type_used[m->ep.type][id / 64] &= ~(1ull << (id % 64));
	g->n_eps_type[m->ep.type]--;
	g->n_eps--;
	if (m->ep.type == GWC_EP_VLAN && g->vid_ep[m->ep.port][m->ep.conf.vid] == (uint32_t)id)
		g->vid_ep[m->ep.port][m->ep.conf.vid] = GWC_EP_NONE;
	if (!gwc_ep_ops_of(m->ep.type)->bridged && --g->slice[m->ep.slice].n_routed == 0)
		gwc_tables_slice_changed(g, m->ep.slice);
	gwc_tables_ep_changed(g, id);
}

bool
gwc_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= GWC_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] == '"' || s[i] == '\\' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

int
gwc_slice_find(const struct gwc *g, const char *name)
{
	struct slice_key k;
	void *v;

	if (strlen(name) >= GWC_NAME_MAX)
		return -ENOENT;
	slice_key_of(&k, name);
	return rte_hash_lookup_data(g->slice_names, &k, &v) >= 0 ? (int)(uintptr_t)v : -ENOENT;
}

int
gwc_ep_find(const struct gwc *g, int slice, const char *name)
{
	struct ep_key k;
	void *v;

	if (slice < 0 || strlen(name) >= GWC_NAME_MAX)
		return -ENOENT;
	ep_key_of(&k, slice, name);
	return rte_hash_lookup_data(g->ep_names, &k, &v) >= 0 ? (int)(uintptr_t)v : -ENOENT;
}

int
gwc_port_find(const struct gwc *g, const char *name)
{
	int i;

	for (i = 0; name[0] != '\0' && i < g->dp.n_ports; i++)   /* "": a free slot */
		if (strcmp(g->conf.port[i].name, name) == 0)
			return i;
	return -ENOENT;
}

int
gwc_slice_owned(const struct gwc *g, const char *owner, const char *slice, struct gwc_err *e)
{
	int s = gwc_slice_find(g, slice);

	if (s < 0) {
		gwc_errf(e, "no slice '%s'", slice);
		return -ENOENT;
	}
	if (strcmp(g->slice[s].owner, owner) != 0) {
		gwc_errf(e, "slice '%s' belongs to '%s', not '%s'", slice, g->slice[s].owner, owner);
		return -EPERM;
	}
	return s;
}

int
gwc_ep_owned(const struct gwc *g, const char *owner, const char *slice, const char *name,
	     bool slice_owner_ok, struct gwc_err *e)
{
	int s = gwc_slice_find(g, slice), id;

	if (s < 0) {
		gwc_errf(e, "no slice '%s'", slice);
		return -ENOENT;
	}
	id = gwc_ep_find(g, s, name);
	if (id < 0) {
		gwc_errf(e, "slice '%s' has no endpoint '%s'", slice, name);
		return -ENOENT;
	}
	if (strcmp(g->ep[id].ep.owner, owner) != 0 &&
	    (!slice_owner_ok || strcmp(g->slice[s].owner, owner) != 0)) {
		gwc_errf(e, "endpoint '%s' of slice '%s' belongs to '%s', not '%s'", name, slice,
			 g->ep[id].ep.owner, owner);
		return -EPERM;
	}
	return id;
}
