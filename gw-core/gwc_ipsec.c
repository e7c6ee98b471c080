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

	for (i = 0; g->sa != NULL && i < g->conf.max_sas; i++)
		if (g->sa[i].sa != NULL) {
			gwc_sa_destroy(&g->crypto, g->sa[i].sa);
			g->sa[i].sa = NULL;
		}
	if (g->sa != NULL)
		memset(g->sa, 0, g->conf.max_sas * sizeof(g->sa[0]));
	gwc_crypto_fini(&g->crypto);
}

const struct rte_ether_addr *
gwc_l3_mac(const struct gwc *g)
{
	return &g->dp.l3_mac;
}

int
gwc_ipsec_sa_find(const struct gwc *g, bool inbound, uint32_t spi, uint32_t dst)
{
	int i;

	for (i = 0; i < (int)g->conf.max_sas; i++) {
		const struct gwc_sa_m *s = &g->sa[i];

		if (s->used && s->conf.inbound == inbound && s->conf.spi == spi &&
		    (inbound || dst == 0 || s->conf.dst == dst))
			return i;
	}
	return -ENOENT;
}

/*
 * The worker with the fewest inbound SAs: it will decrypt the next one. Packets of
 * an SA that RSS gives another worker are handed to it (gwc_worker.c), so that one
 * lcore owns each SA's sequence state and keys in its cache.
 */
static uint16_t
least_loaded_worker(const struct gwc *g)
{
	unsigned int n[GWC_MAX_WORKERS] = { 0 }, i, best = 0;

	for (i = 0; i < g->conf.max_sas; i++)
		if (g->sa[i].used && g->sa[i].conf.inbound && g->sa[i].lcore < g->dp.n_workers)
			n[g->sa[i].lcore]++;
	for (i = 1; i < g->dp.n_workers; i++)
		if (n[i] < n[best])
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
	for (i = 0; i < (int)g->conf.max_sas && g->sa[i].used; i++)
		;
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
	m->ep = (uint16_t)id;
	m->serial = ++g->sa_serial;
	if (c->inbound)
		m->lcore = least_loaded_worker(g);
	snprintf(m->owner, sizeof(m->owner), "%s", owner);
	gwc_ipsec_sa_stats_get(g, i, &m->base);    /* raw sums while unused */
	m->used = true;
	gwc_neigh_sync(g);
	rc = gwc_tables_publish(g);
	if (rc != 0) {
		m->used = false;
		gwc_neigh_sync(g);
		gwc_sa_destroy(&g->crypto, m->sa);
		memset(m, 0, sizeof(*m));
		gwc_errf(e, "SA 0x%08x: out of memory for tables", c->spi);
		return rc;
	}
	GWC_LOG(INFO, "slice %s: endpoint %s: %s SA 0x%08x added by %s", slice, ep,
		c->inbound ? "inbound" : "outbound", c->spi, owner);
	return i;
}

static void
sa_forget(struct gwc_sa_m *m)
{
	/* the keys too */
	memset(m, 0, sizeof(*m));
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
	g->sa[i].used = false;
	gwc_neigh_sync(g);
	if (gwc_tables_publish(g) != 0) {
		g->sa[i] = saved;
		gwc_neigh_sync(g);
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

static void
ipsec_gc(struct gwc *g)
{
	unsigned int i;

	for (i = 0; i < g->conf.max_sas; i++) {
		struct gwc_sa_m *s = &g->sa[i];

		if (s->used && (!g->ep[s->ep].used || g->ep[s->ep].ep.type != GWC_EP_IPSEC)) {
			GWC_LOG(INFO, "%s SA 0x%08x removed with its endpoint",
				s->conf.inbound ? "inbound" : "outbound", s->conf.spi);
			gwc_sa_destroy(&g->crypto, s->sa);
			sa_forget(s);
		}
	}
}

/* Lifetimes (RFC 4301 section 4.4.2.1): a soft limit is logged and reported; a hard one
 * takes the SA out of the tables (its packets then count as no_sa). */
static bool
life_check(struct gwc *g)
{
	bool changed = false;
	unsigned int i;

	for (i = 0; i < g->conf.max_sas; i++) {
		struct gwc_sa_m *s = &g->sa[i];
		const struct gwc_sa_life *l = &s->life;
		struct gwc_sa_stats st;

		if (!s->used || s->hard_expired ||
		    (l->soft_bytes | l->hard_bytes | l->soft_packets | l->hard_packets) == 0)
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
	if (life_check(g) && gwc_tables_publish(g) != 0)
		GWC_LOG(ERR, "tables: could not retire an expired SA (out of memory)");
}

/* ------------------------------------------------------------ tables */

/* Inbound SPIs -> SA, each SA's entry, and in the copies of the IPsec endpoints made for
 * these tables (marked changed) each terminal's outbound SA (the newest) and the outer
 * next hop toward it (from its port's neighbours). SA and next-hop changes publish a
 * full build, which makes every copy anew. */
static int
ipsec_tables(struct gwc *g, struct gwc_tables *t)
{
	unsigned int i, k, n_in = 0;

	for (i = 0; i < g->conf.max_sas; i++)
		n_in += g->sa[i].used && g->sa[i].conf.inbound;
	if (n_in != 0 && (t->spi = gwc_hash_new("spi", t->version, n_in, sizeof(uint32_t))) == NULL)
		return -ENOMEM;
	for (i = 0; i < g->conf.max_sas; i++) {
		const struct gwc_sa_m *s = &g->sa[i];
		struct gwc_ep *ep;

		if (!s->used)
			continue;
		ep = (struct gwc_ep *)(uintptr_t)t->ep[s->ep];
		if (s->hard_expired || ep == NULL)
			continue;
		t->sa[i].sa = s->sa;
		gwc_sa_hot(s->sa, t->sa[i].hot);
		t->sa[i].ep = s->ep;
		t->sa[i].lcore = s->lcore;
		if (s->conf.inbound) {
			uint32_t spi = s->conf.spi;

			if (rte_hash_add_key_data(t->spi, &spi, (void *)(uintptr_t)i) < 0)
				return -ENOMEM;
		} else if (g->ep[s->ep].changed &&
			   (ep->out_sa == GWC_SA_NONE || g->sa[ep->out_sa].serial < s->serial)) {
			/* only a copy made for these tables: the others are published, and what
			 * they were built from (SAs, next hops) changes only with a full build */
			ep->out_sa = (uint16_t)i;
		}
	}
	for (k = 0; k < g->n_changed_ep; k++) {
		struct gwc_ep *ep = (struct gwc_ep *)(uintptr_t)t->ep[g->changed_ep[k]];
		const struct gwc_neigh *nb;

		if (ep == NULL || ep->type != GWC_EP_IPSEC)
			continue;
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

static void
ipsec_tables_free(struct gwc_tables *t)
{
	rte_hash_free(t->spi);
}

/* The SAs whose endpoint is gone: the tables just published skip them. */
GWC_TABLES_BUILDER(ipsec_sa, ipsec_tables, ipsec_tables_free, ipsec_gc, NULL)
