/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPsec terminals in slices, control-thread side (seed 003 Figure 3(A), section 3.6):
 * the SAs of IPsec endpoints (added by the IKE plugin through the control socket),
 * their lifetimes, and the AGW's router role inside a slice: proxy ARP for the
 * terminals' addresses, ARP for slice-side next hops, and the tables workers read
 * (inbound SPI -> SA, terminal address -> endpoint, next hop -> MAC).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "gwc_mac.h"
#include "gwc_priv.h"

#define L3N_MAX_REQUESTS 5   /* unanswered ARP requests before a pending neighbour goes */

int
gwc_ipsec_init(struct gwc *g, struct gwc_err *e)
{
	struct gwc_err ce = { "" };
	int rc;

	/* The router MAC: [ipsec] router_mac, else the first port's, made locally
	 * administered and nudged, so it differs from every port's own MAC. */
	if (g->conf.has_router_mac) {
		rte_ether_addr_copy(&g->conf.router_mac, &g->l3_mac);
	} else {
		if (g->n_ports > 0)
			rte_ether_addr_copy(&g->port[0].mac, &g->l3_mac);
		g->l3_mac.addr_bytes[0] = (uint8_t)((g->l3_mac.addr_bytes[0] | 0x02) & ~0x01);
		g->l3_mac.addr_bytes[5] ^= 0x5a;
	}
	if (g->conf.crypto_pmd[0] != '\0' && strcmp(g->conf.crypto_pmd, "none") == 0)
		return 0;
	rc = gwc_crypto_init(&g->crypto, g->conf.crypto_pmd, (uint16_t)g->n_workers, GWC_MAX_SAS,
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

	for (i = 0; i < GWC_MAX_SAS; i++)
		if (g->sa[i].sa != NULL) {
			gwc_sa_destroy(&g->crypto, g->sa[i].sa);
			g->sa[i].sa = NULL;
		}
	memset(g->sa, 0, sizeof(g->sa));
	gwc_crypto_fini(&g->crypto);
}

const struct rte_ether_addr *
gwc_l3_mac(const struct gwc *g)
{
	return &g->l3_mac;
}

/* ------------------------------------------------------------ SAs */

int
gwc_ipsec_sa_find(const struct gwc *g, bool inbound, uint32_t spi, uint32_t dst)
{
	int i;

	for (i = 0; i < GWC_MAX_SAS; i++) {
		const struct gwc_sa_m *s = &g->sa[i];

		if (s->used && s->conf.inbound == inbound && s->conf.spi == spi &&
		    (inbound || dst == 0 || s->conf.dst == dst))
			return i;
	}
	return -ENOENT;
}

void
gwc_ipsec_sa_stats_get(const struct gwc *g, int idx, struct gwc_sa_stats *out)
{
	const size_t n = sizeof(struct gwc_sa_lstats) / sizeof(uint64_t);
	unsigned int w;
	size_t k;

	memset(out, 0, sizeof(*out));
	for (w = 0; w < g->n_workers; w++) {
		const uint64_t *src = (const uint64_t *)&g->lc[w]->sa[idx];
		uint64_t *dst = (uint64_t *)out;

		for (k = 0; k < n; k++) {
			if (k == offsetof(struct gwc_sa_lstats, last_tsc) / sizeof(uint64_t))
				dst[k] = RTE_MAX(dst[k], src[k]);
			else
				dst[k] += src[k];
		}
	}
	if (g->sa[idx].used) {
		const uint64_t *b = (const uint64_t *)&g->sa[idx].base;
		uint64_t *dst = (uint64_t *)out;

		for (k = 0; k < n; k++)
			if (k != offsetof(struct gwc_sa_lstats, last_tsc) / sizeof(uint64_t))
				dst[k] -= b[k];
		if (out->last_tsc <= g->sa[idx].base.last_tsc)
			out->last_tsc = 0;
	}
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

	for (i = 0; i < GWC_MAX_SAS; i++)
		if (g->sa[i].used && g->sa[i].conf.inbound && g->sa[i].lcore < g->n_workers)
			n[g->sa[i].lcore]++;
	for (i = 1; i < g->n_workers; i++)
		if (n[i] < n[best])
			best = i;
	return (uint16_t)best;
}

int
gwc_ipsec_sa_add(struct gwc *g, const char *owner, const char *slice, const char *ep,
		 const struct gwc_sa_conf *c, const struct gwc_sa_life *life, struct gwc_err *e)
{
	int s = gwc_slice_find(g, slice), id, i, rc;
	const struct gwc_port_conf *pc;
	struct gwc_sa_m *m;
	char a[INET_ADDRSTRLEN];

	if (!g->crypto.ready) {
		gwc_errf(e, "IPsec is off: no crypto device (see the log, and [ipsec] crypto)");
		return -ENOTSUP;
	}
	if (s < 0) {
		gwc_errf(e, "no slice '%s'", slice);
		return -ENOENT;
	}
	id = gwc_ep_find(g, s, ep);
	if (id < 0) {
		gwc_errf(e, "slice '%s' has no endpoint '%s'", slice, ep);
		return -ENOENT;
	}
	if (g->ep[id].ep.type != GWC_EP_IPSEC) {
		gwc_errf(e, "endpoint '%s' of slice '%s' is not an ipsec endpoint", ep, slice);
		return -EINVAL;
	}
	if (strcmp(g->ep[id].ep.owner, owner) != 0) {
		gwc_errf(e, "endpoint '%s' of slice '%s' belongs to '%s', not '%s'", ep, slice,
			 g->ep[id].ep.owner, owner);
		return -EPERM;
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
	for (i = 0; i < GWC_MAX_SAS && g->sa[i].used; i++)
		;
	if (i == GWC_MAX_SAS) {
		gwc_errf(e, "all %d SAs in use", GWC_MAX_SAS);
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

void
gwc_ipsec_gc(struct gwc *g)
{
	unsigned int i;

	for (i = 0; i < GWC_MAX_SAS; i++) {
		struct gwc_sa_m *s = &g->sa[i];

		if (s->used && (!g->ep[s->ep].used || g->ep[s->ep].ep.type != GWC_EP_IPSEC)) {
			GWC_LOG(INFO, "%s SA 0x%08x removed with its endpoint",
				s->conf.inbound ? "inbound" : "outbound", s->conf.spi);
			gwc_sa_destroy(&g->crypto, s->sa);
			sa_forget(s);
		}
	}
}

void
gwc_ipsec_slice_gone(struct gwc *g, uint16_t s)
{
	unsigned int i;

	for (i = 0; i < GWC_MAX_L3N; i++)
		if (g->l3n[i].used && g->l3n[i].slice == s)
			memset(&g->l3n[i], 0, sizeof(g->l3n[i]));
}

/* ------------------------------------------------------------ tables */

static struct rte_hash *
hash_new(const char *what, uint32_t version, uint32_t n, uint32_t key_len)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = RTE_MAX(2 * n, 16u),
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_socket_id(),
	};

	snprintf(name, sizeof(name), "gwc_%s_%u", what, version);
	return rte_hash_create(&hp);
}

void
gwc_ipsec_tables_free(struct gwc_tables *t)
{
	rte_hash_free(t->spi);
	rte_hash_free(t->l3_route);
	rte_hash_free(t->l3_neigh);
}

int
gwc_ipsec_tables(struct gwc *g, struct gwc_tables *t)
{
	unsigned int i, k, n_in = 0, n_rt = 0, n_nb = 0;

	for (i = 0; i < GWC_MAX_SAS; i++)
		n_in += g->sa[i].used && g->sa[i].conf.inbound;
	for (i = 0; i < GWC_MAX_EPS; i++)
		if (g->ep[i].used && g->ep[i].ep.type == GWC_EP_IPSEC)
			n_rt += g->ep[i].ep.conf.n_ts_remote;
	for (i = 0; i < GWC_MAX_L3N; i++)
		n_nb += g->l3n[i].used && g->l3n[i].resolved;
	if (n_in != 0 && (t->spi = hash_new("spi", t->version, n_in, sizeof(uint32_t))) == NULL)
		return -ENOMEM;
	if (n_rt != 0 &&
	    (t->l3_route = hash_new("l3rt", t->version, n_rt, sizeof(uint64_t))) == NULL)
		return -ENOMEM;
	if (n_nb != 0 &&
	    (t->l3_neigh = hash_new("l3nb", t->version, n_nb, sizeof(uint64_t))) == NULL)
		return -ENOMEM;

	for (i = 0; i < GWC_MAX_SAS; i++) {
		const struct gwc_sa_m *s = &g->sa[i];
		struct gwc_ep *ep;

		if (!s->used)
			continue;
		ep = (struct gwc_ep *)(uintptr_t)t->ep[s->ep];
		if (s->hard_expired || ep == NULL)
			continue;
		t->sa[i].sa = s->sa;
		t->sa[i].ep = s->ep;
		t->sa[i].lcore = s->lcore;
		if (s->conf.inbound) {
			uint32_t spi = s->conf.spi;

			if (rte_hash_add_key_data(t->spi, &spi, (void *)(uintptr_t)i) < 0)
				return -ENOMEM;
		} else if (ep->out_sa == GWC_SA_NONE || g->sa[ep->out_sa].serial < s->serial) {
			ep->out_sa = (uint16_t)i;
		}
	}

	for (i = 0; i < GWC_MAX_EPS; i++) {
		struct gwc_ep *ep = (struct gwc_ep *)(uintptr_t)t->ep[i];
		const struct gwc_neigh *nb;

		if (ep == NULL || ep->type != GWC_EP_IPSEC)
			continue;
		t->slice[ep->slice].l3 = 1;
		for (k = 0; k < ep->conf.n_ts_remote; k++) {
			const struct gwc_prefix *p = &ep->conf.ts_remote[k];

			if (p->len == 32) {
				uint64_t key = (uint64_t)ep->slice << 32 | p->addr;

				if (rte_hash_add_key_data(t->l3_route, &key,
							  (void *)(uintptr_t)ep->id) < 0)
					return -ENOMEM;
			} else if (t->n_l3_rules < GWC_MAX_L3_RULES) {
				unsigned int at = t->n_l3_rules++;
				uint32_t mask = gwc_prefix_mask(p->len);

				while (at > 0 && t->l3_rule[at - 1].mask != 0 &&
				       rte_be_to_cpu_32(t->l3_rule[at - 1].mask) <
					       rte_be_to_cpu_32(mask)) {
					t->l3_rule[at] = t->l3_rule[at - 1];
					at--;
				}
				t->l3_rule[at] = (struct gwc_l3_rule){ .slice = ep->slice, .ep = ep->id,
								      .addr = p->addr, .mask = mask };
			} else {
				GWC_LOG(WARNING, "endpoint %s: more than %d traffic selectors "
						 "shorter than /32: not routed", ep->conf.name,
					GWC_MAX_L3_RULES);
			}
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

	for (i = 0; i < GWC_MAX_L3N; i++) {
		const struct gwc_l3n *n = &g->l3n[i];
		uint64_t key, mac;

		if (!n->used || !n->resolved || !g->slice[n->slice].used)
			continue;
		key = (uint64_t)n->slice << 32 | n->ip;
		mac = gwc_mac48(&n->mac) + 1;
		if (rte_hash_add_key_data(t->l3_neigh, &key, (void *)(uintptr_t)mac) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------ the router in slices */

/* An ARP frame from the router MAC, 'op', into (or out of) endpoint 'ep'. */
static void
arp_send(struct gwc *g, unsigned int kind, uint16_t ep, uint16_t op,
	 const struct rte_ether_addr *dst, rte_be32_t sip, const struct rte_ether_addr *tha,
	 rte_be32_t tip)
{
	struct rte_mbuf *m = gwc_arp_build(g, op, dst, &g->l3_mac, sip, tha, tip);

	if (m != NULL)
		gwc_inject(g, GWC_EXC_TAG | kind << 16 | ep, m);
}

static void
l3n_request(struct gwc *g, struct gwc_l3n *n)
{
	static const struct rte_ether_addr bcast = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff,
								     0xff, 0xff } };
	static const struct rte_ether_addr zero;
	const struct gwc_ep *ep = &g->ep[n->ep].ep;

	if (!g->ep[n->ep].used || ep->type != GWC_EP_IPSEC || ep->slice != n->slice)
		return;
	n->last_req_tsc = rte_rdtsc();
	arp_send(g, GWC_INJ_FLOOD, n->ep, RTE_ARP_OP_REQUEST, &bcast, ep->conf.l3_addr, &zero,
		 n->ip);
}

static struct gwc_l3n *
l3n_find(struct gwc *g, uint16_t slice, rte_be32_t ip)
{
	unsigned int i;

	for (i = 0; i < GWC_MAX_L3N; i++)
		if (g->l3n[i].used && g->l3n[i].slice == slice && g->l3n[i].ip == ip)
			return &g->l3n[i];
	return NULL;
}

static struct gwc_l3n *
l3n_new(struct gwc *g, uint16_t slice, uint16_t ep, rte_be32_t ip)
{
	unsigned int i;

	for (i = 0; i < GWC_MAX_L3N && g->l3n[i].used; i++)
		;
	if (i == GWC_MAX_L3N)
		return NULL;
	memset(&g->l3n[i], 0, sizeof(g->l3n[i]));
	g->l3n[i].used = true;
	g->l3n[i].slice = slice;
	g->l3n[i].ep = ep;
	g->l3n[i].ip = ip;
	return &g->l3n[i];
}

/* The IPsec endpoint of slice 's' that terminal address 'ip' (or the router's
 * l3_addr) belongs to, or -ENOENT. */
static int
l3_owner(const struct gwc *g, uint16_t s, rte_be32_t ip)
{
	unsigned int i;

	for (i = 0; i < GWC_MAX_EPS; i++) {
		const struct gwc_ep *ep = &g->ep[i].ep;

		if (!g->ep[i].used || ep->type != GWC_EP_IPSEC || ep->slice != s)
			continue;
		if ((ep->conf.l3_addr != 0 && ep->conf.l3_addr == ip) ||
		    gwc_prefix_match(ep->conf.ts_remote, ep->conf.n_ts_remote, ip))
			return (int)i;
	}
	return -ENOENT;
}

/* An ARP frame seen in a slice with IPsec endpoints, from endpoint 'in'. */
static bool
l3_arp(struct gwc *g, uint16_t in, struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t off = sizeof(struct rte_ether_hdr);
	const struct rte_arp_hdr *a;
	struct gwc_l3n *n;
	bool changed = false;
	uint16_t s;

	if (!g->ep[in].used)
		return false;
	s = g->ep[in].ep.slice;
	if (p[12] == 0x81 && p[13] == 0x00)
		off += 4;
	if (m->data_len < off + sizeof(*a))
		return false;
	a = (const struct rte_arp_hdr *)(p + off);
	if (a->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) || a->arp_hlen != 6 ||
	    a->arp_plen != 4 || !rte_is_unicast_ether_addr(&a->arp_data.arp_sha))
		return false;
	/* learn the sender (RFC 826's merge step), if we keep it or have room */
	if (a->arp_data.arp_sip != 0 && l3_owner(g, s, a->arp_data.arp_sip) < 0) {
		n = l3n_find(g, s, a->arp_data.arp_sip);
		if (n == NULL)
			n = l3n_new(g, s, GWC_EP_NONE, a->arp_data.arp_sip);
		if (n != NULL) {
			changed = !n->resolved || !rte_is_same_ether_addr(&n->mac,
									   &a->arp_data.arp_sha);
			rte_ether_addr_copy(&a->arp_data.arp_sha, &n->mac);
			n->resolved = true;
			n->last_seen_tsc = rte_rdtsc();
		}
	}
	/* proxy ARP for the terminals (and the router's own address) */
	if (a->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST) &&
	    l3_owner(g, s, a->arp_data.arp_tip) >= 0 &&
	    a->arp_data.arp_tip != a->arp_data.arp_sip)
		arp_send(g, GWC_INJ_EP, in, RTE_ARP_OP_REPLY, &a->arp_data.arp_sha,
			 a->arp_data.arp_tip, &a->arp_data.arp_sha, a->arp_data.arp_sip);
	return changed;
}

/* A decrypted packet of IPsec endpoint 'ep' whose slice-side next hop is unknown. */
static void
l3_resolve(struct gwc *g, uint16_t ep, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	const struct gwc_ep *e = &g->ep[ep].ep;
	uint64_t now = rte_rdtsc(), retry = rte_get_tsc_hz() / 1000 * g->conf.arp_retry_ms;
	struct gwc_l3n *n;
	rte_be32_t nh;

	if (!g->ep[ep].used || e->type != GWC_EP_IPSEC || m->data_len < sizeof(*ip))
		return;
	nh = e->conf.l3_gateway != 0 ? e->conf.l3_gateway : ip->dst_addr;
	n = l3n_find(g, e->slice, nh);
	if (n == NULL) {
		n = l3n_new(g, e->slice, ep, nh);
		if (n == NULL) {
			GWC_LOG(WARNING, "slice %s: neighbour table full (%d)",
				g->slice[e->slice].name, GWC_MAX_L3N);
			return;
		}
	}
	if (n->ep == GWC_EP_NONE)
		n->ep = ep;
	if (n->last_req_tsc == 0 || now - n->last_req_tsc >= retry)
		l3n_request(g, n);
}

void
gwc_ipsec_exc(struct gwc *g, struct rte_mbuf *m)
{
	uint32_t usr = m->hash.usr;
	uint16_t ep = (uint16_t)(usr & 0xffff);
	unsigned int kind = (usr >> 16) & 0x7fff;

	if (ep < GWC_MAX_EPS) {
		if (kind == GWC_EXC_ARP && l3_arp(g, ep, m) && gwc_tables_publish(g) != 0)
			GWC_LOG(ERR, "tables: could not publish a slice neighbour (out of memory)");
		if (kind == GWC_EXC_RESOLVE)
			l3_resolve(g, ep, m);
	}
	rte_pktmbuf_free(m);
}

/* Lifetimes (RFC 4301 section 4.4.2.1): a soft limit is logged and reported; a hard one
 * takes the SA out of the tables (its packets then count as no_sa). */
static bool
life_check(struct gwc *g)
{
	bool changed = false;
	unsigned int i;

	for (i = 0; i < GWC_MAX_SAS; i++) {
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
	uint64_t retry = hz / 1000 * g->conf.arp_retry_ms, refresh = hz * g->conf.arp_refresh_s;
	unsigned int i;

	if (now - g->last_life_tsc < hz / 20)
		return;
	g->last_life_tsc = now;
	if (life_check(g) && gwc_tables_publish(g) != 0)
		GWC_LOG(ERR, "tables: could not retire an expired SA (out of memory)");
	for (i = 0; i < GWC_MAX_L3N; i++) {
		struct gwc_l3n *n = &g->l3n[i];

		if (!n->used)
			continue;   /* (a deleted slice's went with it: gwc_ipsec_slice_gone()) */
		if (n->resolved) {
			/* refresh what is in use; forget what nobody asked for in 4 periods */
			if (now - n->last_seen_tsc >= 4 * refresh && now - n->last_req_tsc >= refresh) {
				memset(n, 0, sizeof(*n));
				if (gwc_tables_publish(g) != 0)
					GWC_LOG(ERR, "tables: out of memory");
			} else if (now - n->last_seen_tsc >= refresh && n->ep != GWC_EP_NONE &&
				   now - n->last_req_tsc >= refresh) {
				l3n_request(g, n);
			}
		} else if (now - n->last_req_tsc >= retry) {
			if (++n->requests > L3N_MAX_REQUESTS)
				memset(n, 0, sizeof(*n));
			else
				l3n_request(g, n);
		}
	}
}
