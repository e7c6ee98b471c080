/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast-path stage: into a port's scheduler (gwc_sched.h, docs/isolation.md). A frame
 * leaving by a shaped or weighted endpoint loses the ingress tag it still has (the
 * scheduler holds the slice's L2 frame, as the policer meters it), is marked with its
 * endpoint's pipe (best-effort class, queue 0) and its endpoint id (the mbuf's
 * hash.sched.reserved, which rte_sched leaves alone), and is collected per port. At the
 * end of each burst and in the drain the collection goes to the scheduler, by its
 * owner, or to the owner's ring, by any other worker. Worker lcore.
 *
 * The way out of the scheduler (paced dequeue, then the endpoint's encapsulation) is
 * in gwc_dp_out.h, beside ep_emit().
 */
#ifndef GWC_DP_SCHED_H
#define GWC_DP_SCHED_H

#include <rte_sched.h>

#include "gwc_dp.h"
#include "gwc_dp_vlan.h"
#include "gwc_sched.h"

/* The pipe of 's' that frame 'm' is marked for (rte_sched_port_pkt_write()). */
static inline uint32_t
sched_pipe_of(const struct gwc_sched *s, const struct rte_mbuf *m)
{
	return (m->hash.sched.queue_id / RTE_SCHED_QUEUES_PER_PIPE) & (s->n_pipes - 1);
}

/* Give 'n' frames for 's' to the scheduler: the owner lcore only. Marks their pipes
 * for the next look at the queues' counters. */
static inline void
sched_enqueue(struct gwc_sched *s, struct rte_mbuf **m, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint32_t pipe = sched_pipe_of(s, m[i]);

		if (!s->is_touched[pipe]) {
			s->is_touched[pipe] = 1;
			s->touched[s->n_touched++] = pipe;
		}
	}
	/* frames a full queue refuses are counted by rte_sched and freed by it */
	rte_sched_port_enqueue(s->port, m, n);
}

/* Pass what 'lc' collected for port 'p' on. */
static inline void
shq_flush(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t p)
{
	struct gwc_shq *q = &lc->shq[p];
	struct gwc_sched *s = t->port[p].sched;
	unsigned int i, k;

	if (unlikely(s == NULL)) {
		/* the port's scheduler went with the tables of these frames: nothing to hold them */
		for (i = 0; i < q->n; i++)
			drop(lc, q->m[i], GWC_DROP_SCHED_EP_GONE);
	} else if (s->owner == lc->index) {
		sched_enqueue(s, q->m, q->n);
	} else {
		k = rte_ring_mp_enqueue_burst(s->in, (void **)q->m, q->n, NULL);
		for (i = k; i < q->n; i++)
			ep_drop(lc, q->m[i], q->m[i]->hash.sched.reserved,
				GWC_DROP_SCHED_HANDOFF_FULL);
	}
	q->n = 0;
}

/* 'm' into 'ep''s pipe (collected; passed on when the collection is full or at the end
 * of the burst). Takes ownership of 'm'. */
static inline void
shape_put(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_ep *ep,
	  struct rte_mbuf *m, bool tagged)
{
	const struct gwc_sched *s = t->port[ep->port].sched;
	struct gwc_shq *q = &lc->shq[ep->port];

	if (tagged)
		vlan_pop(m);
	rte_sched_port_pkt_write(s->port, m, 0, ep->sched_pipe, GWC_SCHED_TC, 0, RTE_COLOR_GREEN);
	m->hash.sched.reserved = (uint16_t)ep->id;   /* its low half: sched_run() checks it */
	lc->ep[ep->id].sched_pkts++;
	lc->ep[ep->id].sched_bytes += m->pkt_len;
	q->m[q->n++] = m;
	if (unlikely(q->n == RTE_DIM(q->m)))
		shq_flush(lc, t, ep->port);
}

#endif /* GWC_DP_SCHED_H */
