/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast-path stage: QoS. Policing of what leaves through an endpoint with a contract
 * (gwc_ep_conf.police_bps, docs/isolation.md): DPDK's rte_meter trTCM (RFC 2698) with
 * PIR = CIR and PBS = CBS, colour-blind, on each worker's own meter for the endpoint;
 * red frames are dropped ('policed'), every colour counted in frames and bytes. The
 * bytes metered are the slice's L2 frame, without the 802.1Q tag it came in with and
 * before the tag, GRE or ESP the AGW adds: a contract means the same on every endpoint
 * type. The time is the burst's TSC (lc->now): one read a burst, not one a frame.
 * A new contract (police_gen) restarts the meter with full buckets. Worker lcore.
 */
#ifndef GWC_DP_QOS_H
#define GWC_DP_QOS_H

#include <rte_meter.h>

#include "gwc_dp.h"

/*
 * Meter 'len' bytes of 'm' on 'ep''s policer. @return true when 'm' was red: dropped
 * and counted (the caller forgets it); false: it goes on.
 */
static inline bool
police_drop(struct gwc_lcore *lc, const struct gwc_ep *ep, struct rte_mbuf *m, uint32_t len)
{
	/* DPDK 22.11 takes the profile as non-const; it only reads it */
	struct rte_meter_trtcm_profile *p = (struct rte_meter_trtcm_profile *)(uintptr_t)&ep->police;
	struct gwc_meter *mt = &lc->meter[ep->id];
	struct gwc_ep_stats *s = &lc->ep[ep->id];
	enum rte_color c;

	if (unlikely(mt->gen != ep->police_gen)) {
		rte_meter_trtcm_config(&mt->m, p);
		mt->gen = ep->police_gen;
	}
	c = rte_meter_trtcm_color_blind_check(&mt->m, p, lc->now, len);
	s->police_pkts[c]++;
	s->police_bytes[c] += len;
	if (likely(c != RTE_COLOR_RED))
		return false;
	ep_drop(lc, m, ep->id, GWC_DROP_POLICED);
	return true;
}

#endif /* GWC_DP_QOS_H */
