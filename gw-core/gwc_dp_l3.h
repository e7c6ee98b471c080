/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast-path stage: the slice router for IPsec terminals (seed 003 Figure 3(A)): a
 * decrypted packet is checked against its SA's traffic selectors and routed, to another
 * terminal (ESP out) or into the slice (the bridge's vector) toward the next hop the
 * control thread resolved (gwc_l3.c); a frame in the slice to the router's MAC is routed
 * to its terminal, and ARP in such a slice is copied to the control thread. Worker
 * lcore (gwc_dp.h).
 */
#ifndef GWC_DP_L3_H
#define GWC_DP_L3_H

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>

#include "gwc_dp.h"
#include "gwc_dp_esp.h"

/*
 * The IPsec endpoint that slice 's' routes IPv4 'dst' to, or GWC_EP_NONE. The answer for
 * the destination before, under the same tables, is reused (lc->route_memo).
 */
static inline uint32_t
l3_route(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t s, uint32_t dst)
{
	uint64_t key = (uint64_t)s << 32 | dst;
	uint32_t ep = GWC_EP_NONE;
	unsigned int i;
	void *d;

	if (likely(key == lc->route_memo && t->version == lc->route_memo_ver))
		return lc->route_memo_ep;
	if (t->l3_route != NULL && gwc_route_maybe(t->l3_route_bits, t->l3_route_shift, key) &&
	    rte_hash_lookup_data(t->l3_route, &key, &d) >= 0) {
		ep = (uint32_t)(uintptr_t)d;
	} else {
		for (i = 0; i < t->n_l3_rules; i++)
			if (t->l3_rule[i].slice == s &&
			    (dst & t->l3_rule[i].mask) == t->l3_rule[i].addr) {
				ep = t->l3_rule[i].ep;
				break;
			}
	}
	lc->route_memo = key;
	lc->route_memo_ep = ep;
	lc->route_memo_ver = t->version;
	return ep;
}

/*
 * A decrypted packet (inner IPv4 at the mbuf's start) of SA 'sa' of terminal 'ep':
 * check it against the SA's traffic selectors (RFC 4301 section 5.2), then route it:
 * to another terminal of the slice, or onto the slice link with the router MAC as
 * source and the next hop's MAC (ARP, via the control thread) as destination: into
 * 'bv', the bridge's vector. Takes ownership of 'm'.
 */
static inline void
l3_in(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t sa, const struct gwc_ep *ep,
      struct rte_mbuf *m, struct gwc_bvec *bv)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	struct rte_ether_hdr *eth;
	const void *dst;
	uint64_t key;
	uint32_t nh;
	uint32_t rt;
	void *d;

	if (unlikely(m->data_len < sizeof(*ip) || (ip->version_ihl >> 4) != 4))
		return ep_drop(lc, m, ep->id, GWC_DROP_NOT_IPV4);
	if (unlikely(!gwc_prefix_match(ep->conf.ts_remote, ep->conf.n_ts_remote, ip->src_addr) ||
		     !gwc_prefix_match(ep->conf.ts_local, ep->conf.n_ts_local, ip->dst_addr))) {
		lc->sa[sa].selector++;
		return ep_drop(lc, m, ep->id, GWC_DROP_ESP_SELECTOR);
	}
	rt = l3_route(lc, t, ep->slice, ip->dst_addr);
	if (gwc_tables_ep(t, rt) != NULL) {
		/* terminal to terminal inside the slice */
		eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
		if (unlikely(eth == NULL))
			return ep_drop(lc, m, ep->id, GWC_DROP_NO_HEADROOM);
		m->l2_len = sizeof(*eth);
		lc->ep_hot[ep->id].rx_pkts++;
		lc->ep_hot[ep->id].rx_bytes += m->pkt_len;
		return esp_out(lc, t, t->ep[rt], m);
	}
	if (ep->conf.has_gw_mac) {
		dst = &ep->conf.gw_mac;        /* a configured next hop: no ARP */
	} else {
		nh = ep->conf.l3_gateway != 0 ? ep->conf.l3_gateway : ip->dst_addr;
		key = (uint64_t)ep->slice << 32 | nh;
		if (unlikely(t->l3_neigh == NULL ||
			     rte_hash_lookup_data(t->l3_neigh, &key, &d) < 0)) {
			/* the control thread sends the ARP request; this packet is lost */
			lc->drops[GWC_DROP_NO_NEIGHBOUR]++;
			lc->ep[ep->id].drops[GWC_DROP_NO_NEIGHBOUR]++;
			gwc_exc_tag(m, GWC_EXC_RESOLVE, ep->id);
			if (rte_ring_mp_enqueue(lc->dp->exc, m) != 0)
				rte_pktmbuf_free(m);
			return;
		}
		key = (uint64_t)(uintptr_t)d - 1;   /* gwc_mac48's layout */
		dst = &key;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (unlikely(eth == NULL))
		return ep_drop(lc, m, ep->id, GWC_DROP_NO_HEADROOM);
	memcpy(&eth->dst_addr, dst, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(&lc->dp->l3_mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	bvec_add(bv, m, ep->id, false);
}

/*
 * A frame in a slice with IPsec endpoints, from endpoint 'in': ARP goes (as a copy)
 * to the control thread, which answers for the terminals and learns next hops; a
 * frame to the router MAC is routed to its terminal. @return true when 'm' is taken.
 */
static inline bool
l3_frame(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_ep *in,
	 struct rte_mbuf *m, bool tagged)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint32_t l2 = sizeof(*eth) + (tagged ? VLAN_HLEN : 0);
	const struct rte_ipv4_hdr *ip;
	rte_be16_t et;
	uint32_t rt;

	if (unlikely(m->data_len < l2))
		return false;
	et = *rte_pktmbuf_mtod_offset(m, const rte_be16_t *, l2 - 2);
	if (et == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		struct rte_mbuf *c = rte_pktmbuf_copy(m, lc->pool, 0, UINT32_MAX);

		if (c != NULL) {
			gwc_exc_tag(c, GWC_EXC_ARP, in->id);
			if (rte_ring_mp_enqueue(lc->dp->exc, c) != 0) {
				lc->drops[GWC_DROP_PUNT_FULL]++;
				rte_pktmbuf_free(c);
			}
		}
		return false;
	}
	if (!rte_is_same_ether_addr(&eth->dst_addr, &lc->dp->l3_mac))
		return false;
	if (unlikely(et != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
		     m->data_len < l2 + sizeof(struct rte_ipv4_hdr))) {
		ep_drop(lc, m, in->id, GWC_DROP_NOT_IPV4);
		return true;
	}
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l2);
	rt = l3_route(lc, t, in->slice, ip->dst_addr);
	if (unlikely(gwc_tables_ep(t, rt) == NULL)) {
		ep_drop(lc, m, in->id, GWC_DROP_NO_ROUTE);
		return true;
	}
	m->l2_len = l2;
	esp_out(lc, t, t->ep[rt], m);
	return true;
}

#endif /* GWC_DP_L3_H */
