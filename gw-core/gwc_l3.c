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

#include "gwc_mac.h"
#include "gwc_model.h"

#define L3N_MAX_REQUESTS 5   /* unanswered ARP requests before a pending neighbour goes */

/* An ARP frame from the router MAC, 'op', into (or out of) endpoint 'ep'. */
static void
arp_send(struct gwc *g, unsigned int kind, uint16_t ep, uint16_t op,
	 const struct rte_ether_addr *dst, rte_be32_t sip, const struct rte_ether_addr *tha,
	 rte_be32_t tip)
{
	struct rte_mbuf *m = gwc_arp_build(g, op, dst, &g->dp.l3_mac, sip, tha, tip);

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
gwc_l3_exc(struct gwc *g, struct rte_mbuf *m)
{
	uint32_t usr = m->hash.usr;
	uint16_t ep = (uint16_t)(usr & 0xffff);
	unsigned int kind = (usr >> 16) & 0x7fff;

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

/* The slice router's routes (terminal address -> IPsec endpoint: /32 in a hash, shorter
 * prefixes in a longest-first list), the slices it serves, and its slice-side
 * neighbours (address -> MAC). */
static int
l3_tables(struct gwc *g, struct gwc_tables *t)
{
	unsigned int i, k, n_rt = 0, n_nb = 0;

	GWC_EP_FOREACH_TYPE(g, GWC_EP_IPSEC, i)
		n_rt += g->ep[i].ep.conf.n_ts_remote;
	for (i = 0; i < GWC_MAX_L3N; i++)
		n_nb += g->l3n[i].used && g->l3n[i].resolved;
	if (n_rt != 0 &&
	    (t->l3_route = gwc_hash_new("l3rt", t->version, n_rt, sizeof(uint64_t))) == NULL)
		return -ENOMEM;
	if (n_nb != 0 &&
	    (t->l3_neigh = gwc_hash_new("l3nb", t->version, n_nb, sizeof(uint64_t))) == NULL)
		return -ENOMEM;
	GWC_EP_FOREACH_TYPE(g, GWC_EP_IPSEC, i) {
		const struct gwc_ep *ep = t->ep[i];

		if (ep == NULL)
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

static void
l3_tables_free(struct gwc_tables *t)
{
	rte_hash_free(t->l3_route);
	rte_hash_free(t->l3_neigh);
}

GWC_TABLES_BUILDER(l3, l3_tables, l3_tables_free, NULL, NULL)
