/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast-path stage: the bridge of a slice (its link sliver, seed 001): count a frame in,
 * learn its source MAC, hand a frame for the slice router to it (gwc_dp_l3.h), else
 * forward by destination MAC (gwc_mac.h) or flood inside the slice. It never looks at
 * an encapsulation: the destination's output stage does that (gwc_dp_out.h; VPP's
 * l2_output idea). Worker lcore (gwc_dp.h).
 */
#ifndef GWC_DP_BRIDGE_H
#define GWC_DP_BRIDGE_H

#include <rte_ether.h>

#include "gwc_dp.h"
#include "gwc_dp_l3.h"
#include "gwc_dp_out.h"
#include "gwc_mac.h"

/* Count 'pkts' frames of 'bytes' in all (inside the slice) in from endpoint 'id' of 'in'. */
static inline void
bridge_count(struct gwc_lcore *lc, const struct gwc_ep *in, uint32_t id, uint32_t pkts,
	     uint64_t bytes)
{
	lc->ep_hot[id].rx_pkts += pkts;
	lc->ep_hot[id].rx_bytes += bytes;
	lc->slice[in->slice].rx_pkts += pkts;
	lc->slice[in->slice].rx_bytes += bytes;
}

/*
 * Frame 'm' from endpoint 'id' ('in', of slice table 'st') to unicast destination MAC
 * that the slice's MAC table maps to endpoint 'out' (GWC_EP_NONE: not known): out there,
 * or flooded inside the slice.
 */
static __rte_always_inline void
bridge_fwd(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_ep *in,
	   const struct gwc_slice_tab *st, uint32_t id, struct rte_mbuf *m, bool tagged,
	   uint32_t out)
{
	const struct gwc_ep *oep = gwc_tables_ep(t, out);   /* NULL: none, or a torn read's */

	if (likely(oep != NULL)) {
		if (unlikely(out == id))
			return ep_drop(lc, m, id, GWC_DROP_SAME_ENDPOINT);
		/* An entry may outlive its endpoint: trust it only inside this slice. */
		if (likely(oep->slice == in->slice))
			return ep_output(lc, t, oep, m, tagged);
	}
	lc->slice[in->slice].flooded++;
	flood(lc, t, st, id, m, tagged);
}

/*
 * Frame 'm' entering its slice from endpoint 'id' (decapsulated; 'tagged': it still
 * carries the ingress tag): count it, learn its source MAC (not from IPsec endpoints,
 * whose frames carry the router MAC), route it if it is for the slice's router, else
 * forward it by destination MAC or flood it inside the slice.
 */
static __rte_noinline void
bridge_in(struct gwc_lcore *lc, const struct gwc_tables *t, uint32_t id, struct rte_mbuf *m,
	 bool tagged, uint64_t now)
{
	const struct gwc_ep *in = t->ep[id];
	const struct gwc_slice_tab *st = &t->slice[in->slice];
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	uint64_t dst;

	bridge_count(lc, in, id, 1, m->pkt_len - (tagged ? VLAN_HLEN : 0));
	if (likely(in->type != GWC_EP_IPSEC)) {
		uint64_t src = gwc_eth_src48(eth);

		if (unlikely(gwc_mac48_group(src) || src == 0))
			return ep_drop(lc, m, id, GWC_DROP_BAD_SRC_MAC);
		if (unlikely(gwc_mac_learn(st->mac, src, id, now)))
			lc->slice[in->slice].learned++;
		if (unlikely(st->l3) && l3_frame(lc, t, in, m, tagged))
			return;
	}

	dst = gwc_eth_dst48(eth);
	bridge_fwd(lc, t, in, st, id, m, tagged,
		   likely(!gwc_mac48_group(dst)) ? gwc_mac_lookup(st->mac, dst, now) : GWC_EP_NONE);
}

/*
 * Before 'n' classified frames (endpoint ids[i], frame ms[i]) enter their slices: fetch
 * what bridge_in() reads first for each (its endpoint, that endpoint's counters, and the
 * MAC table buckets of its source and destination), all frames' at once, so that their
 * misses overlap instead of coming one frame after the other. Every frame's slice state
 * is a miss once thousands of slices or MACs share the traffic.
 */
static inline void
bridge_prefetch(struct gwc_lcore *lc, const struct gwc_tables *t, const uint32_t *ids,
		struct rte_mbuf *const *ms, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		rte_prefetch0(t->ep[ids[i]]);
		rte_prefetch0(&lc->ep_hot[ids[i]]);
	}
	for (i = 0; i < n; i++) {
		const struct gwc_mac_table *mt = t->slice[t->ep[ids[i]]->slice].mac;
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(ms[i], const struct rte_ether_hdr *);

		rte_prefetch0(gwc_mac_bucket(mt, gwc_eth_src48(eth)));
		rte_prefetch0(gwc_mac_bucket(mt, gwc_eth_dst48(eth)));
	}
}

/*
 * The frames the slice router put on their slices ('v', from gwc_dp_l3.h's l3_in(): from
 * IPsec endpoints, untagged, the router MAC as source), as bridge_in() does them, but
 * with one MAC table look-up for a run of frames to the same slice and destination: a
 * slice's routed traffic goes to its next hop (its gateway MAC or ARP's answer), so
 * a burst of it is one run. The run holds within the one 'now'; a learn racing it is
 * as if the look-up had come a little earlier. Frames in are counted once for each run
 * of one terminal, at its end (at 64 B, with esp_decrypt()'s count per run of one SA,
 * about 2.5 % more packets a second than a count per frame).
 */
static inline void
bridge_routed(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_bvec *v,
	      uint64_t now)
{
	uint64_t run_dst = UINT64_MAX;   /* not a MAC: gwc_mac48() has 48 bits */
	uint32_t run_out = GWC_EP_NONE;
	uint16_t run_slice = 0, i, j = 0;
	uint64_t bytes = 0;

	if (unlikely(t->bridge_prefetch))
		bridge_prefetch(lc, t, v->id, v->m, v->n);
	for (i = 0; i < v->n; i++) {
		struct rte_mbuf *m = v->m[i];
		const struct gwc_ep *in = t->ep[v->id[i]];
		const struct gwc_slice_tab *st = &t->slice[in->slice];
		uint64_t dst = gwc_eth_dst48(rte_pktmbuf_mtod(m, const struct rte_ether_hdr *));

		/* counted by runs of one terminal: frames j..i-1 were from the one before */
		if (v->id[i] != v->id[j]) {
			bridge_count(lc, t->ep[v->id[j]], v->id[j], i - j, bytes);
			j = i;
			bytes = 0;
		}
		bytes += m->pkt_len;
		if (unlikely(gwc_mac48_group(dst))) {
			bridge_fwd(lc, t, in, st, v->id[i], m, false, GWC_EP_NONE);
			continue;
		}
		if (dst != run_dst || in->slice != run_slice) {
			run_out = gwc_mac_lookup(st->mac, dst, now);
			run_dst = dst;
			run_slice = in->slice;
		}
		bridge_fwd(lc, t, in, st, v->id[i], m, false, run_out);
	}
	if (v->n != 0)
		bridge_count(lc, t->ep[v->id[j]], v->id[j], v->n - j, bytes);
}

#endif /* GWC_DP_BRIDGE_H */
