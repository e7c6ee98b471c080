/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The slice router, control thread half (seed 003 Figure 3(A)): inside a slice with
 * IPsec terminals, the AGW answers ARP for the terminals' addresses (proxy ARP, with
 * the router MAC), resolves slice-side next hops by ARP and keeps them fresh, and
 * builds the routing part of the tables. Its data-plane half is gwc_dp_l3.h. Later
 * address-mapping slices route here too.
 */
#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_malloc.h>

#include "gwc_mac.h"
#include "gwc_model.h"

#define L3N_MAX_REQUESTS 5   /* unanswered ARP requests before a pending neighbour goes */

/* An ARP frame from the router MAC, 'op', into (or out of) endpoint 'ep'. */
static void
arp_send(struct gwc *g, unsigned int kind, uint32_t ep, uint16_t op,
	 const struct rte_ether_addr *dst, rte_be32_t sip, const struct rte_ether_addr *tha,
	 rte_be32_t tip)
{
	struct rte_mbuf *m = gwc_arp_build(g, op, dst, &g->dp.l3_mac, sip, tha, tip);

	if (m != NULL)
		gwc_inject_ep(g, kind, ep, m);
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
l3n_new(struct gwc *g, uint16_t slice, uint32_t ep, rte_be32_t ip)
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

	GWC_SLICE_EP_FOREACH(g, s, i) {
		const struct gwc_ep *ep = &g->ep[i].ep;

		if (ep->type != GWC_EP_IPSEC)
			continue;
		if ((ep->conf.l3_addr != 0 && ep->conf.l3_addr == ip) ||
		    gwc_prefix_match(ep->conf.ts_remote, ep->conf.n_ts_remote, ip))
			return (int)i;
	}
	return -ENOENT;
}

/* An ARP frame seen in a slice with IPsec endpoints, from endpoint 'in'. */
static bool
l3_arp(struct gwc *g, uint32_t in, struct rte_mbuf *m)
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
l3_resolve(struct gwc *g, uint32_t ep, struct rte_mbuf *m)
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
gwc_l3_exc(struct gwc *g, struct rte_mbuf *m)
{
	uint32_t ep = gwc_exc_ep(m), kind = gwc_exc_kind(m);

	if (ep < g->conf.max_endpoints) {
		if (kind == GWC_EXC_ARP && l3_arp(g, ep, m) && gwc_tables_publish(g) != 0)
			GWC_LOG(ERR, "tables: could not publish a slice neighbour (out of memory)");
		if (kind == GWC_EXC_RESOLVE)
			l3_resolve(g, ep, m);
	}
	rte_pktmbuf_free(m);
}

void
gwc_l3_slice_gone(struct gwc *g, uint16_t s)
{
	unsigned int i;

	for (i = 0; i < GWC_MAX_L3N; i++)
		if (g->l3n[i].used && g->l3n[i].slice == s)
			memset(&g->l3n[i], 0, sizeof(g->l3n[i]));
}

void
gwc_l3_poll(struct gwc *g)
{
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	uint64_t retry = hz / 1000 * g->conf.arp_retry_ms, refresh = hz * g->conf.arp_refresh_s;
	unsigned int i;

	for (i = 0; i < GWC_MAX_L3N; i++) {
		struct gwc_l3n *n = &g->l3n[i];

		if (!n->used)
			continue;   /* (a deleted slice's went with it: gwc_l3_slice_gone()) */
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

/* ------------------------------------------------------------ tables */

/* Does rule 'a' come before rule 'b'? Longest prefix first; then by endpoint id and
 * order in its selectors, so that a list made rule by rule is the list a full build
 * makes. */
static bool
rule_before(const struct gwc_l3_rule *a, unsigned int ka, const struct gwc_l3_rule *b,
	    unsigned int kb)
{
	uint32_t ma = rte_be_to_cpu_32(a->mask), mb = rte_be_to_cpu_32(b->mask);

	if (ma != mb)
		return ma > mb;
	return a->ep != b->ep ? a->ep < b->ep : ka < kb;
}

/* Endpoint 'id''s rules out of the model's list, and those of its copy 'ep' (NULL:
 * none) in. */
static void
rules_remake(struct gwc *g, uint32_t id, const struct gwc_ep *ep)
{
	unsigned int i, n = 0, k;

	for (i = 0; i < g->n_l3_rules; i++)
		if (g->l3_rule[i].ep != id) {
			g->l3_rule_k[n] = g->l3_rule_k[i];
			g->l3_rule[n++] = g->l3_rule[i];
		}
	g->n_l3_rules = (uint16_t)n;
	if (ep == NULL || ep->type != GWC_EP_IPSEC)
		return;
	for (k = 0; k < ep->conf.n_ts_remote; k++) {
		const struct gwc_prefix *p = &ep->conf.ts_remote[k];
		struct gwc_l3_rule r = { .slice = ep->slice, .ep = ep->id, .addr = p->addr,
					 .mask = gwc_prefix_mask(p->len) };

		if (p->len == 32)
			continue;   /* in the route hash (gwc_ep_ipsec.c) */
		if (g->n_l3_rules == GWC_MAX_L3_RULES) {
			GWC_LOG(WARNING, "endpoint %s: more than %d traffic selectors shorter "
					 "than /32: not routed", ep->conf.name, GWC_MAX_L3_RULES);
			return;
		}
		for (i = g->n_l3_rules; i > 0 && rule_before(&r, k, &g->l3_rule[i - 1],
							      g->l3_rule_k[i - 1]); i--) {
			g->l3_rule[i] = g->l3_rule[i - 1];
			g->l3_rule_k[i] = g->l3_rule_k[i - 1];
		}
		g->l3_rule[i] = r;
		g->l3_rule_k[i] = (uint8_t)k;
		g->n_l3_rules++;
	}
}

/*
 * The slice router's part of 't': the /32 routes' hash (kept across tables, its keys
 * made by the IPsec endpoints' build), the shorter selectors in a longest-first list
 * (the model's, with the changed endpoints' rules made anew), and its slice-side
 * neighbours (address -> MAC, at most GWC_MAX_L3N).
 */
static int
l3_tables(struct gwc *g, struct gwc_tables *t)
{
	unsigned int i, n_nb = 0;

	if (t->full)
		g->n_l3_rules = 0;
	for (i = 0; i < g->n_changed_ep; i++) {
		uint32_t id = g->changed_ep[i];

		rules_remake(g, id, t->ep[id]);
	}
	t->n_l3_rules = g->n_l3_rules;
	memcpy(t->l3_rule, g->l3_rule, g->n_l3_rules * sizeof(t->l3_rule[0]));
	t->l3_route = g->n_eps_type[GWC_EP_IPSEC] != 0 ? g->l3_routes : NULL;
	t->l3_route_bits = g->route_bits;
	t->l3_route_shift = g->route_shift;
	for (i = 0; i < GWC_MAX_L3N; i++)
		n_nb += g->l3n[i].used && g->l3n[i].resolved;
	if (n_nb != 0 &&
	    (t->l3_neigh = gwc_hash_new("l3nb", t->version, n_nb, sizeof(uint64_t))) == NULL)
		return -ENOMEM;
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

static void
l3_tables_free(struct gwc_tables *t)
{
	rte_hash_free(t->l3_neigh);
}

static void
l3_fini(struct gwc *g)
{
	rte_hash_free(g->l3_routes);
	g->l3_routes = NULL;
	rte_free(g->route_bits);
	g->route_bits = NULL;
	rte_free(g->route_cnt);
	g->route_cnt = NULL;
}

GWC_TABLES_BUILDER(l3, l3_tables, l3_tables_free, NULL, l3_fini)
