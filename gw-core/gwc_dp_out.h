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
#include "gwc_dp_sched.h"
#include "gwc_dp_trailer.h"
#include "gwc_dp_vlan.h"

/*
 * Encapsulate 'm' for 'ep' and queue it on its port's tx buffer: what leaves an
 * endpoint after its QoS (ep_output() below, or the scheduler's dequeue). 'tagged': the
 * frame still carries the ingress 802.1Q tag at offset 12. Takes ownership of 'm'.
 */
static __rte_always_inline void
ep_emit(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_ep *ep,
	struct rte_mbuf *m, bool tagged)
{
	const struct gwc_port_tab *pt = &t->port[ep->port];
	uint32_t l2 = sizeof(struct rte_ether_hdr);

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
	case GWC_EP_NSLIVER:
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
	lc->ep_hot[ep->id].tx_pkts++;
	lc->ep_hot[ep->id].tx_bytes += m->pkt_len;
	ppm_txbuf_put(&lc->tx[ep->port], m);
}

/*
 * 'm' leaves through 'ep': its policer or its pipe in the port's scheduler first, where
 * it has either (gwc_dp_qos.h, gwc_dp_sched.h), then ep_emit(). 'tagged': as for
 * ep_emit(). Takes ownership of 'm'.
 */
static __rte_always_inline void
ep_output(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_ep *ep,
	  struct rte_mbuf *m, bool tagged)
{
	if (unlikely(ep->policed) &&
	    police_drop(lc, ep, m, m->pkt_len - (tagged ? VLAN_HLEN : 0)))
		return;
	if (unlikely(ep->shaped))
		return shape_put(lc, t, ep, m, tagged);
	ep_emit(lc, t, ep, m, tagged);
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
      uint32_t in, struct rte_mbuf *m, bool tagged)
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

/* ------------------------------------------------------------ out of a scheduler */

/* The control thread's changes to 's': owner lcore (gwc_sched.h). */
static void
sched_cmds(struct gwc_sched *s)
{
	struct gwc_sched_cmd c;
	uint32_t id;

	while (rte_ring_sc_dequeue_elem(s->cmd, &c, sizeof(c)) == 0) {
		if (c.add) {
			if (rte_sched_subport_pipe_profile_add(s->port, 0, &c.params, &id) != 0 ||
			    id != (uint32_t)c.profile) {
				s->cmd_errors++;
				continue;
			}
		}
		if (rte_sched_pipe_config(s->port, 0, c.pipe, c.profile) != 0)
			s->cmd_errors++;
		s->pipe_ep[c.pipe] = c.profile < 0 ? GWC_EP_NONE : c.ep;
	}
}

/* Read and clear the counters of the queues given frames since the last look: queue
 * drops to their endpoints, depths for the stats. Owner lcore. */
static void
sched_harvest(struct gwc_lcore *lc, struct gwc_sched *s)
{
	uint32_t i, k = 0;

	for (i = 0; i < s->n_touched; i++) {
		uint32_t pipe = s->touched[i];
		uint32_t ep = s->pipe_ep[pipe];
		uint16_t qlen = 0;
		struct rte_sched_queue_stats st;

		if (rte_sched_queue_read_stats(s->port, pipe * RTE_SCHED_QUEUES_PER_PIPE + GWC_SCHED_TC,
					       &st, &qlen) != 0)
			continue;
		if (st.n_pkts_dropped != 0) {
			lc->drops[GWC_DROP_QUEUE_FULL] += st.n_pkts_dropped;
			if (ep != GWC_EP_NONE)
				lc->ep[ep].drops[GWC_DROP_QUEUE_FULL] += st.n_pkts_dropped;
		}
		s->qlen[pipe] = qlen;
		if (qlen != 0)
			s->touched[k++] = pipe;
		else
			s->is_touched[pipe] = 0;
	}
	s->n_touched = k;
}

/*
 * The owner's turn at 's': the control thread's changes, the frames of the other
 * workers, then as many frames out as the port rate allows (the pacer: the bytes the
 * scheduler counts, a little ahead: gwc_sched.h), each through its endpoint's ep_emit().
 */
static void
sched_run(struct gwc_lcore *lc, const struct gwc_tables *t, struct gwc_sched *s)
{
	struct rte_mbuf *pkts[GWC_SCHED_STAGE];
	uint64_t now = rte_rdtsc();
	unsigned int n, i, rounds;
	double frame = s->frame_max;

	if (unlikely(!rte_ring_empty(s->cmd)))
		sched_cmds(s);
	for (rounds = 0; rounds < GWC_SCHED_RING / GWC_SCHED_STAGE; rounds++) {
		n = rte_ring_sc_dequeue_burst(s->in, (void **)pkts, RTE_DIM(pkts), NULL);
		if (n == 0)
			break;
		sched_enqueue(s, pkts, n);
	}
	/* again: a frame just taken may be of an endpoint whose pipe's command came after
	 * the first look (its tables were published after the command) */
	if (unlikely(!rte_ring_empty(s->cmd)))
		sched_cmds(s);
	s->pace_credit += (double)(now - s->pace_tsc) * s->pace_per_tsc;
	s->pace_tsc = now;
	if (s->pace_credit > s->pace_max)
		s->pace_credit = s->pace_max;
	while (s->pace_credit > 0) {
		n = rte_sched_port_dequeue(s->port, pkts,
					   (uint32_t)RTE_MIN((double)RTE_DIM(pkts),
							     s->pace_credit / frame + 1));
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			uint32_t pipe = sched_pipe_of(s, m), id = s->pipe_ep[pipe];
			const struct gwc_ep *ep = gwc_tables_ep(t, id);

			/* gone, or its pipe since given to another endpoint while the frame
			 * waited (the low half of the id it was queued for, shape_put(), is
			 * not the pipe's endpoint's), or that endpoint not yet published */
			if (unlikely(ep == NULL || !ep->shaped || ep->sched_pipe != pipe ||
				     (uint16_t)id != m->hash.sched.reserved)) {
				drop(lc, m, GWC_DROP_SCHED_EP_GONE);
				continue;
			}
			s->pace_credit -= m->pkt_len;   /* the bytes rte_sched counts */
			ep_emit(lc, t, ep, m, false);
		}
	}
	if (now - s->harvest_tsc > rte_get_tsc_hz() / 1000000 * GWC_SCHED_HARVEST_US) {
		s->harvest_tsc = now;
		sched_harvest(lc, s);
	}
}

/*
 * End of a burst or a drain, when some port has a scheduler: pass on what this
 * worker collected, then run the schedulers it owns.
 */
static inline void
sched_stage(struct gwc_lcore *lc, const struct gwc_tables *t)
{
	uint16_t p;

	for (p = 0; p < t->n_ports; p++) {
		struct gwc_sched *s = t->port[p].sched;

		if (lc->shq[p].n != 0)
			shq_flush(lc, t, p);
		if (s != NULL && s->owner == lc->index)
			sched_run(lc, t, s);
	}
}

#endif /* GWC_DP_OUT_H */
