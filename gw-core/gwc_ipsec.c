/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPsec terminals' SAs, control thread side (seed 003 Figure 3(A), section 3.6): the SAs
 * of IPsec endpoints (added by the IKE plugin through the control socket), each inbound
 * SA's worker (SA-to-lcore affinity), their lifetimes (RFC 4301 section 4.4.2.1), and
 * the SA part of the tables (inbound SPI -> SA, each terminal's outbound SA and outer
 * next hop). The router half of IPsec terminals is gwc_l3.c; the crypto is gwc_sa.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_malloc.h>

#include "gwc_model.h"

int
gwc_ipsec_init(struct gwc *g, struct gwc_err *e)
{
	struct gwc_err ce = { "" };
	int rc;

	/* The router MAC: [ipsec] router_mac, else the first port's, made locally
	 * administered and nudged, so it differs from every port's own MAC. */
	if (g->conf.has_router_mac) {
		rte_ether_addr_copy(&g->conf.router_mac, &g->dp.l3_mac);
	} else {
		if (g->dp.n_ports > 0)
			rte_ether_addr_copy(&g->port[0].mac, &g->dp.l3_mac);
		g->dp.l3_mac.addr_bytes[0] = (uint8_t)((g->dp.l3_mac.addr_bytes[0] | 0x02) & ~0x01);
		g->dp.l3_mac.addr_bytes[5] ^= 0x5a;
	}
	if (g->conf.crypto_pmd[0] != '\0' && strcmp(g->conf.crypto_pmd, "none") == 0)
		return 0;
	rc = gwc_crypto_init(&g->crypto, g->conf.crypto_pmd, (uint16_t)g->dp.n_workers, g->conf.max_sas,
			     (int)rte_socket_id(), &ce);
	if (rc != 0) {
		if (g->conf.crypto_pmd[0] != '\0') {
			gwc_errf(e, "[ipsec] crypto = %s: %s", g->conf.crypto_pmd, ce.msg);
			return rc;
		}
		GWC_LOG(WARNING, "IPsec off: no crypto device (%s)", ce.msg);
		return 0;
	}
	GWC_LOG(INFO, "IPsec: cryptodev %s (%s)", g->crypto.driver,
		g->crypto.cpu ? "CPU crypto for AES-GCM" : "lookaside");
	return 0;
}

void
gwc_ipsec_fini(struct gwc *g)
{
	unsigned int i;

	if (g->sa != NULL) {
		GWC_SA_FOREACH(g, i)
			gwc_sa_destroy(&g->crypto, g->sa[i].sa);
		memset(g->sa, 0, g->conf.max_sas * sizeof(g->sa[0]));
		memset(g->sa_used, 0, (g->conf.max_sas + 63) / 64 * sizeof(uint64_t));
		g->n_sas = g->n_sa_in = g->n_sa_life = 0;
		memset(g->sa_in_lcore, 0, sizeof(g->sa_in_lcore));
	}
	rte_hash_free(g->spi_keys);
	g->spi_keys = NULL;
	rte_free(g->spi_slot);
	g->spi_slot = NULL;
	gwc_crypto_fini(&g->crypto);
}

const struct rte_ether_addr *
gwc_l3_mac(const struct gwc *g)
{
	return &g->dp.l3_mac;
}

static void
sa_key_of(struct gwc_sa_key *k, bool inbound, uint32_t spi, rte_be32_t dst)
{
	memset(k, 0, sizeof(*k));
	k->spi = spi;
	k->dst = inbound ? 0 : dst;
	k->inbound = inbound;
}

int
gwc_ipsec_sa_find(const struct gwc *g, bool inbound, uint32_t spi, uint32_t dst)
{
	struct gwc_sa_key k;
	unsigned int i;
	void *d;

	if (inbound || dst != 0) {
		sa_key_of(&k, inbound, spi, dst);
		return rte_hash_lookup_data(g->sa_index, &k, &d) >= 0 ? (int)(uintptr_t)d
								       : -ENOENT;
	}
	/* an outbound SPI toward any destination: the first */
	GWC_SA_FOREACH(g, i)
		if (!g->sa[i].conf.inbound && g->sa[i].conf.spi == spi)
			return (int)i;
	return -ENOENT;
}

/* Mark SA 'i' for the next publication: its entry in the tables is made anew. */
static void
sa_mark(struct gwc *g, unsigned int i)
{
	if (!g->sa[i].changed) {
		g->sa[i].changed = true;
		g->changed_sa[g->n_changed_sa++] = (uint16_t)i;
	}
}

static bool
sa_has_life(const struct gwc_sa_m *m)
{
	const struct gwc_sa_life *l = &m->life;

	return (l->soft_bytes | l->hard_bytes | l->soft_packets | l->hard_packets) != 0;
}

/* SA 'i' (filled in) joins the model: used, findable, on its endpoint's list, counted.
 * Its SPI is not taken (the caller checked). */
static void
sa_link(struct gwc *g, unsigned int i)
{
	struct gwc_sa_m *m = &g->sa[i];
	struct gwc_sa_key k;

	sa_key_of(&k, m->conf.inbound, m->conf.spi, m->conf.dst);
	/* cannot fail: the index has room for every SA (RTE_HASH_EXTRA_FLAGS_EXT_TABLE) */
	rte_hash_add_key_data(g->sa_index, &k, (void *)(uintptr_t)i);
	m->used = true;
	g->sa_used[i / 64] |= 1ull << (i % 64);
	g->n_sas++;
	m->ep_next = g->ep[m->ep].first_sa;
	g->ep[m->ep].first_sa = (uint16_t)i;
	if (m->conf.inbound) {
		g->n_sa_in++;
		g->sa_in_lcore[m->lcore]++;
	}
	g->n_sa_life += sa_has_life(m);
}

/* The reverse of sa_link(); the rest of SA 'i' stays. */
static void
sa_unlink(struct gwc *g, unsigned int i)
{
	struct gwc_sa_m *m = &g->sa[i];
	uint16_t *p = &g->ep[m->ep].first_sa;
	struct gwc_sa_key k;

	sa_key_of(&k, m->conf.inbound, m->conf.spi, m->conf.dst);
	rte_hash_del_key(g->sa_index, &k);
	m->used = false;
	g->sa_used[i / 64] &= ~(1ull << (i % 64));
	g->n_sas--;
	while (*p != GWC_SA_NONE && *p != i)
		p = &g->sa[*p].ep_next;
	if (*p == i)
		*p = m->ep_next;
	m->ep_next = GWC_SA_NONE;
	if (m->conf.inbound) {
		g->n_sa_in--;
		g->sa_in_lcore[m->lcore]--;
	}
	g->n_sa_life -= sa_has_life(m);
}

/* SA 'i''s entry emptied (unlinked first), its keys too; a mark stays marked. */
static void
sa_forget(struct gwc_sa_m *m)
{
	bool changed = m->changed;

	/* the keys too */
	memset(m, 0, sizeof(*m));
	m->changed = changed;
	m->ep_next = GWC_SA_NONE;
}

/*
 * The worker with the fewest inbound SAs: it will decrypt the next one. Packets of
 * an SA that RSS gives another worker are handed to it (gwc_worker.c), so that one
 * lcore owns each SA's sequence state and keys in its cache.
 */
static uint16_t
least_loaded_worker(const struct gwc *g)
{
	unsigned int i, best = 0;

	for (i = 1; i < g->dp.n_workers; i++)
		if (g->sa_in_lcore[i] < g->sa_in_lcore[best])
			best = i;
	return (uint16_t)best;
}

int
gwc_ipsec_sa_add(struct gwc *g, const char *owner, const char *slice, const char *ep,
		 const struct gwc_sa_conf *c, const struct gwc_sa_life *life, struct gwc_err *e)
{
	int id, i, rc;
	const struct gwc_port_conf *pc;
	struct gwc_sa_m *m;
	char a[INET_ADDRSTRLEN];

	if (!g->crypto.ready) {
		gwc_errf(e, "IPsec is off: no crypto device (see the log, and [ipsec] crypto)");
		return -ENOTSUP;
	}
	id = gwc_ep_owned(g, owner, slice, ep, false, e);
	if (id < 0)
		return id;
	if (g->ep[id].ep.type != GWC_EP_IPSEC) {
		gwc_errf(e, "endpoint '%s' of slice '%s' is not an ipsec endpoint", ep, slice);
		return -EINVAL;
	}
	pc = &g->conf.port[g->ep[id].ep.port];
	if ((c->inbound ? c->dst : c->src) != pc->ip) {
		inet_ntop(AF_INET, c->inbound ? &c->dst : &c->src, a, sizeof(a));
		gwc_errf(e, "SA 0x%08x: our address is %s, but port '%s' (of endpoint '%s') has "
			    "another", c->spi, a, pc->name, ep);
		return -EINVAL;
	}
	if (c->inbound && gwc_ipsec_sa_find(g, true, c->spi, 0) >= 0) {
		gwc_errf(e, "inbound SPI 0x%08x is already in use", c->spi);
		return -EEXIST;
	}
	if (!c->inbound && gwc_ipsec_sa_find(g, false, c->spi, c->dst) >= 0) {
		gwc_errf(e, "outbound SPI 0x%08x to that destination is already in use", c->spi);
		return -EEXIST;
	}
	i = (int)gwc_bm_next_free(g->sa_used, g->conf.max_sas);
	if (i == (int)g->conf.max_sas) {
		gwc_errf(e, "all %u SAs in use ([gw-core] max_sas)", g->conf.max_sas);
		return -ENOSPC;
	}
	m = &g->sa[i];
	memset(m, 0, sizeof(*m));
	m->sa = gwc_sa_create(&g->crypto, c, (uint64_t)i, e);
	if (m->sa == NULL)
		return -EINVAL;
	m->conf = *c;
	m->life = life != NULL ? *life : (struct gwc_sa_life){ 0 };
	m->ep = (uint32_t)id;
	m->serial = ++g->sa_serial;
	if (c->inbound)
		m->lcore = least_loaded_worker(g);
	snprintf(m->owner, sizeof(m->owner), "%s", owner);
	gwc_ipsec_sa_stats_get(g, i, &m->base);    /* raw sums while unused */
	sa_link(g, (unsigned int)i);
	sa_mark(g, (unsigned int)i);
	gwc_tables_ep_changed(g, id);    /* its outbound SA and next hop */
	if (!c->inbound)
		gwc_neigh_need(g, g->ep[id].ep.port, c->dst);
	rc = gwc_tables_publish_changes(g);
	if (rc != 0) {
		sa_unlink(g, (unsigned int)i);
		gwc_neigh_ep_removed(g);
		gwc_sa_destroy(&g->crypto, m->sa);
		sa_forget(m);   /* still in the marks: an unused entry next time */
		gwc_errf(e, "SA 0x%08x: out of memory for tables", c->spi);
		return rc;
	}
	GWC_LOG(INFO, "slice %s: endpoint %s: %s SA 0x%08x added by %s", slice, ep,
		c->inbound ? "inbound" : "outbound", c->spi, owner);
	return i;
}

int
gwc_ipsec_sa_del(struct gwc *g, const char *owner, bool inbound, uint32_t spi, uint32_t dst,
		 struct gwc_err *e)
{
	int i = gwc_ipsec_sa_find(g, inbound, spi, dst);
	struct gwc_sa_m saved;
	struct gwc_sa *sa;

	if (i < 0) {
		gwc_errf(e, "no %s SA with SPI 0x%08x", inbound ? "inbound" : "outbound", spi);
		return -ENOENT;
	}
	if (strcmp(g->sa[i].owner, owner) != 0) {
		gwc_errf(e, "SA 0x%08x belongs to '%s', not '%s'", spi, g->sa[i].owner, owner);
		return -EPERM;
	}
	saved = g->sa[i];
	sa_unlink(g, (unsigned int)i);
	sa_mark(g, (unsigned int)i);
	if (g->ep[saved.ep].used)
		gwc_tables_ep_changed(g, saved.ep);
	gwc_neigh_ep_removed(g);
	if (gwc_tables_publish_changes(g) != 0) {
		saved.changed = g->sa[i].changed;
		g->sa[i] = saved;
		sa_link(g, (unsigned int)i);
		gwc_errf(e, "SA 0x%08x: out of memory for tables", spi);
		return -ENOMEM;
	}
	sa = g->sa[i].sa;
	sa_forget(&g->sa[i]);
	memset(&saved, 0, sizeof(saved));
	gwc_sa_destroy(&g->crypto, sa);    /* after the publication's grace period */
	GWC_LOG(INFO, "%s SA 0x%08x removed by %s", inbound ? "inbound" : "outbound", spi, owner);
	return 0;
}

/* Lifetimes (RFC 4301 section 4.4.2.1): a soft limit is logged and reported; a hard one
 * takes the SA out of the tables (its packets then count as no_sa). @return whether
 * one did (its SA and endpoint are marked). */
static bool
life_check(struct gwc *g)
{
	bool changed = false;
	unsigned int i;

	if (g->n_sa_life == 0)
		return false;
	GWC_SA_FOREACH(g, i) {
		struct gwc_sa_m *s = &g->sa[i];
		const struct gwc_sa_life *l = &s->life;
		struct gwc_sa_stats st;

		if (s->hard_expired || !sa_has_life(s))
			continue;
		gwc_ipsec_sa_stats_get(g, (int)i, &st);
		if (!s->soft_expired && ((l->soft_bytes && st.bytes >= l->soft_bytes) ||
					 (l->soft_packets && st.pkts >= l->soft_packets))) {
			s->soft_expired = true;
			GWC_LOG(INFO, "SA 0x%08x: soft lifetime reached", s->conf.spi);
		}
		if ((l->hard_bytes && st.bytes >= l->hard_bytes) ||
		    (l->hard_packets && st.pkts >= l->hard_packets)) {
			s->hard_expired = s->soft_expired = true;
			sa_mark(g, i);
			if (g->ep[s->ep].used)
				gwc_tables_ep_changed(g, s->ep);
			changed = true;
			GWC_LOG(INFO, "SA 0x%08x: hard lifetime reached: no longer used", s->conf.spi);
		}
	}
	return changed;
}

void
gwc_ipsec_poll(struct gwc *g)
{
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();

	if (now - g->last_life_tsc < hz / 20)
		return;
	g->last_life_tsc = now;
	if (life_check(g) && gwc_tables_publish_changes(g) != 0)
		GWC_LOG(ERR, "tables: could not retire an expired SA (out of memory)");
}

/* ------------------------------------------------------------ tables */

/*
 * The SPI hash (inbound SPI -> SA index), kept across tables (gwc_hash_lf_new()): a
 * key is added when its SA's entry is made, so a worker may find it before the tables
 * with the entry are out; it then finds no SA there (NULL) and drops the packet as
 * no_sa, as before the key existed. Keys go once the tables without the SA are out
 * (ipsec_published()). Made with it, the SPI slots in front of it (gwc_tables.h).
 */
static struct rte_hash *
spi_hash(struct gwc *g)
{
	if (g->spi_slot == NULL) {
		uint32_t n = RTE_MAX(rte_align32pow2(2 * g->conf.max_sas),
				     (uint32_t)GWC_SPI_SLOTS_MIN);

		g->spi_slot = rte_zmalloc_socket("gwc_spi_slot", n * sizeof(g->spi_slot[0]),
						 RTE_CACHE_LINE_SIZE, SOCKET_ID_ANY);
		if (g->spi_slot == NULL)
			return NULL;
		g->spi_slot_mask = n - 1;
	}
	if (g->spi_keys == NULL)
		g->spi_keys = gwc_hash_lf_new(g, "spi", g->conf.max_sas, sizeof(uint32_t));
	return g->spi_keys;
}

/*
 * Inbound SA 'i' has SPI 'spi' (its key is in the SPI hash): give it the SPI's slot
 * when the slot is free or held for the same SPI (an SA installed again). A worker
 * may read the slot at any time: one 16-bit store.
 */
static void
spi_slot_take(struct gwc *g, uint32_t spi, unsigned int i)
{
	uint16_t *slot = &g->spi_slot[spi & g->spi_slot_mask];
	uint16_t v = *slot;

	if (v == 0 || g->sa[v - 1].conf.spi == spi || !g->sa[v - 1].used)
		__atomic_store_n(slot, (uint16_t)(i + 1), __ATOMIC_RELEASE);
}

/* The key 'spi' -> 'i' has left the SPI hash: so does the slot, when 'i' held it. */
static void
spi_slot_drop(struct gwc *g, uint32_t spi, unsigned int i)
{
	uint16_t *slot = &g->spi_slot[spi & g->spi_slot_mask];

	if (*slot == i + 1)
		__atomic_store_n(slot, 0, __ATOMIC_RELEASE);
}

/* Does SA 'i' have an entry in tables whose endpoint copies are 't->ep'? */
static bool
sa_live(const struct gwc *g, const struct gwc_tables *t, unsigned int i)
{
	const struct gwc_sa_m *s = &g->sa[i];

	return s->used && !s->hard_expired && g->ep[s->ep].used && t->ep[s->ep] != NULL &&
	       t->ep[s->ep]->type == GWC_EP_IPSEC;
}

/*
 * The SA part of 't' (a copy of the published tables, or empty in a full build): the
 * entries of the marked SAs and of the SAs of the IPsec endpoints made anew, their
 * SPIs, and in those endpoints' copies the terminal's outbound SA (the newest) and the
 * outer next hop toward it (from its port's neighbours). Its cost follows the change:
 * the SAs of one endpoint, not all of them.
 */
static int
ipsec_tables(struct gwc *g, struct gwc_tables *t)
{
	unsigned int i, k;

	/* an endpoint made anew (added, removed, changed) takes its SAs with it */
	for (k = 0; k < g->n_changed_ep; k++) {
		uint32_t id = g->changed_ep[k];

		if (g->ep[id].ep.type == GWC_EP_IPSEC)
			GWC_EP_SA_FOREACH(g, id, i)
				sa_mark(g, i);
	}
	/* a build from the spare: the entries the last publication made, from it */
	if (t->delta)
		for (k = 0; k < g->n_last_sa; k++)
			t->sa[g->last_sa[k]] = g->dp.tables->sa[g->last_sa[k]];
	if (g->n_sa_in != 0 && spi_hash(g) == NULL)
		return -ENOMEM;
	t->spi = g->n_sa_in != 0 ? g->spi_keys : NULL;
	t->spi_slot = t->spi != NULL ? g->spi_slot : NULL;
	t->spi_slot_mask = g->spi_slot_mask;
	t->sa_prefetch_whole = g->n_sas >= GWC_SA_PREFETCH_WHOLE;
	for (k = 0; k < g->n_changed_sa; k++) {
		const struct gwc_sa_m *s;

		i = g->changed_sa[k];
		s = &g->sa[i];
		memset(&t->sa[i], 0, sizeof(t->sa[i]));
		if (!sa_live(g, t, i))
			continue;
		t->sa[i].sa = s->sa;
		gwc_sa_hot(s->sa, t->sa[i].hot);
		t->sa[i].ep = s->ep;
		t->sa[i].lcore = s->lcore;
		if (s->conf.inbound) {
			uint32_t spi = s->conf.spi;

			/* a key kept from before only has its data rewritten */
			if (rte_hash_add_key_data(g->spi_keys, &spi, (void *)(uintptr_t)i) < 0)
				return -ENOMEM;
			spi_slot_take(g, spi, i);
			t->sa[i].spi_in = spi;
		}
	}
	for (k = 0; k < g->n_changed_ep; k++) {
		uint32_t id = g->changed_ep[k];
		struct gwc_ep *ep = (struct gwc_ep *)(uintptr_t)t->ep[id];
		const struct gwc_neigh *nb;

		if (ep == NULL || ep->type != GWC_EP_IPSEC)
			continue;
		/* only a copy made for these tables: the others are published */
		ep->out_sa = GWC_SA_NONE;
		GWC_EP_SA_FOREACH(g, id, i) {
			const struct gwc_sa_m *s = &g->sa[i];

			if (!s->conf.inbound && !s->hard_expired &&
			    (ep->out_sa == GWC_SA_NONE || g->sa[ep->out_sa].serial < s->serial))
				ep->out_sa = (uint16_t)i;
		}
		/* the outer next hop toward the terminal, from its outbound SA */
		ep->nh_ok = 0;
		if (ep->out_sa == GWC_SA_NONE)
			continue;
		ep->local = g->conf.port[ep->port].ip;
		ep->nh_ip = gwc_nexthop_ip(g, ep->port, g->sa[ep->out_sa].conf.dst);
		nb = gwc_neigh_find(g, ep->port, ep->nh_ip);
		if (nb != NULL && nb->resolved) {
			memcpy(ep->hdr, &nb->mac, RTE_ETHER_ADDR_LEN);
			memcpy(ep->hdr + RTE_ETHER_ADDR_LEN, &g->port[ep->port].mac,
			       RTE_ETHER_ADDR_LEN);
			ep->nh_ok = 1;
		}
	}
	return 0;
}

/*
 * The tables with the marked SAs' entries are out: the SPIs of SAs without an entry
 * go, and the SAs whose endpoint is gone are freed (no table names them now).
 */
static void
ipsec_published(struct gwc *g)
{
	const struct gwc_tables *t = g->dp.tables;
	unsigned int k;

	/* what the next build from the spare copies (struct gwc_tables.delta) */
	memcpy(g->last_sa, g->changed_sa, g->n_changed_sa * sizeof(g->last_sa[0]));
	g->n_last_sa = g->n_changed_sa;
	for (k = 0; k < g->n_changed_sa; k++) {
		unsigned int i = g->changed_sa[k];
		struct gwc_sa_m *s = &g->sa[i];
		uint32_t spi = s->conf.spi;

		s->changed = false;
		if (t->sa[i].sa == NULL && s->conf.inbound && gwc_hash_del_if(g->spi_keys, &spi, i))
			spi_slot_drop(g, spi, i);
		if (s->used && (!g->ep[s->ep].used || g->ep[s->ep].ep.type != GWC_EP_IPSEC)) {
			GWC_LOG(INFO, "%s SA 0x%08x removed with its endpoint",
				s->conf.inbound ? "inbound" : "outbound", s->conf.spi);
			sa_unlink(g, i);
			gwc_sa_destroy(&g->crypto, s->sa);
			sa_forget(s);
		}
	}
	g->n_changed_sa = 0;
}

GWC_TABLES_BUILDER(ipsec_sa, ipsec_tables, NULL, ipsec_published, NULL)
