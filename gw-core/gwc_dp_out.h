/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast-path stage: output. A frame leaves through its destination endpoint's output
 * stage, chosen by the endpoint's type with no default arm: VLAN tag, GRE header, or
 * trailer, then the port's MTU check and its tx buffer; flooding sends a copy through
 * each endpoint of the slice. Worker lcore (gwc_dp.h). Takes ownership of every frame.
 */
#ifndef GWC_DP_OUT_H
#define GWC_DP_OUT_H

#include "gwc_dp.h"
#include "gwc_dp_gre.h"
#include "gwc_dp_qos.h"
#include "gwc_dp_trailer.h"
#include "gwc_dp_vlan.h"

/*
 * Encapsulate 'm' for 'ep' and queue it on its port. 'tagged': the frame still
 * carries the ingress 802.1Q tag at offset 12. Takes ownership of 'm'.
 */
static __rte_always_inline void
ep_output(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_ep *ep,
	  struct rte_mbuf *m, bool tagged)
{
	const struct gwc_port_tab *pt = &t->port[ep->port];
	uint32_t l2 = sizeof(struct rte_ether_hdr);

	if (unlikely(ep->policed) &&
	    police_drop(lc, ep, m, m->pkt_len - (tagged ? VLAN_HLEN : 0)))
		return;
	/* Every type and no default arm: a type added without an output stage does not compile. */
	switch ((enum gwc_ep_type)ep->type) {
	case GWC_EP_VLAN:
		if (tagged)
			vlan_rewrite(m, ep->vid_be);
		else if (unlikely(vlan_push(m, ep->vid_be) != 0))
			return ep_drop(lc, m, ep->id, GWC_DROP_NO_HEADROOM);
		l2 += VLAN_HLEN;
		break;
	case GWC_EP_GRE:
		if (unlikely(!ep->nh_ok))
			return ep_drop(lc, m, ep->id, GWC_DROP_NO_NEXTHOP);
		if (tagged)
			vlan_pop(m);
		if (unlikely(gre_encap(m, ep) != 0))
			return ep_drop(lc, m, ep->id, GWC_DROP_NO_HEADROOM);
		break;
	case GWC_EP_PORT:
	case GWC_EP_TRAILER:   /* 'reappend' is only ever set on a trailer endpoint */
		if (tagged)
			vlan_pop(m);
		if (ep->reappend) {
			m = trl_reappend(lc, ep, m);
			if (unlikely(m == NULL)) {
				lc->drops[GWC_DROP_NO_MBUF]++;
				lc->ep[ep->id].drops[GWC_DROP_NO_MBUF]++;
				return;
			}
		}
		break;
	case GWC_EP_IPSEC:
		/* Not bridged (gwc_ep_ipsec.c): the control thread lets no bridged frame reach
		 * a terminal; what the slice router sends it goes through esp_out(). */
		return ep_drop(lc, m, ep->id, GWC_DROP_NOT_BRIDGED);
	}
	if (unlikely(m->pkt_len - l2 > pt->mtu))
		return ep_drop(lc, m, ep->id, GWC_DROP_TOO_BIG);
	lc->ep[ep->id].tx_pkts++;
	lc->ep[ep->id].tx_bytes += m->pkt_len;
	ppm_txbuf_put(&lc->tx[ep->port], m);
}

/*
 * A copy of 'm' for one more flood target. On a port that sends chained mbufs it
 * is a fresh header mbuf holding the two MAC addresses, chained to a clone of the
 * rest of the frame (after the tag, if any), so no payload byte is copied and the
 * copy is untagged; elsewhere a full copy that keeps 'm''s tag state.
 */
static inline struct rte_mbuf *
flood_copy(struct gwc_lcore *lc, const struct gwc_port_tab *pt, struct rte_mbuf *m, bool tagged,
	   bool *copy_tagged)
{
	struct rte_mbuf *h, *c;

	if (!pt->tx_multiseg) {
		*copy_tagged = tagged;
		return rte_pktmbuf_copy(m, lc->pool, 0, UINT32_MAX);
	}
	h = rte_pktmbuf_alloc(lc->pool);
	if (unlikely(h == NULL))
		return NULL;
	c = rte_pktmbuf_clone(m, lc->pool);
	if (unlikely(c == NULL)) {
		rte_pktmbuf_free(h);
		return NULL;
	}
	rte_memcpy(rte_pktmbuf_append(h, 2 * RTE_ETHER_ADDR_LEN), rte_pktmbuf_mtod(m, void *),
		   2 * RTE_ETHER_ADDR_LEN);
	rte_pktmbuf_adj(c, 2 * RTE_ETHER_ADDR_LEN + (tagged ? VLAN_HLEN : 0));
	if (unlikely(rte_pktmbuf_chain(h, c) != 0)) {
		rte_pktmbuf_free(h);
		rte_pktmbuf_free(c);
		return NULL;
	}
	*copy_tagged = false;
	return h;
}

/* Send 'm' to every endpoint of its slice but 'in'. Takes ownership of 'm'. */
static void
flood(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_slice_tab *st,
      uint16_t in, struct rte_mbuf *m, bool tagged)
{
	int last = -1, i;

	for (i = st->n_flood - 1; i >= 0; i--)
		if (st->flood[i] != in) {
			last = i;
			break;
		}
	if (last < 0)
		return ep_drop(lc, m, in, GWC_DROP_NO_DESTINATION);
	/* Copies first: the original is rewritten in place last. */
	for (i = 0; i < last; i++) {
		const struct gwc_ep *ep = t->ep[st->flood[i]];
		struct rte_mbuf *c;
		bool ct;

		if (ep->id == in)
			continue;
		c = flood_copy(lc, &t->port[ep->port], m, tagged, &ct);
		if (unlikely(c == NULL)) {
			lc->drops[GWC_DROP_NO_MBUF]++;
			lc->ep[ep->id].drops[GWC_DROP_NO_MBUF]++;
			continue;
		}
		ep_output(lc, t, ep, c, ct);
	}
	ep_output(lc, t, t->ep[st->flood[last]], m, tagged);
}

#endif /* GWC_DP_OUT_H */
