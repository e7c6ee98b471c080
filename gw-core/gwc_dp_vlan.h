/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast-path stage: 802.1Q tags (the "vlan" endpoint type): pop, push and VID rewrite in
 * place, in the mbuf's headroom. Worker lcore (gwc_dp.h).
 */
#ifndef GWC_DP_VLAN_H
#define GWC_DP_VLAN_H

#include <rte_ether.h>

#include "gwc_dp.h"

/* Remove the 802.1Q tag at offset 12 of the first segment. */
static inline void
vlan_pop(struct rte_mbuf *m)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

	macs_move(p + VLAN_HLEN, p);
	rte_pktmbuf_adj(m, VLAN_HLEN);
}

/* Insert an 802.1Q tag with PCP 0 and VID 'vid_be' after the MAC addresses. */
static inline int
vlan_push(struct rte_mbuf *m, rte_be16_t vid_be)
{
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, VLAN_HLEN);
	rte_be16_t *tag;

	if (unlikely(p == NULL))
		return -1;
	macs_move(p, p + VLAN_HLEN);
	tag = (rte_be16_t *)(p + 2 * RTE_ETHER_ADDR_LEN);
	tag[0] = RTE_BE16(RTE_ETHER_TYPE_VLAN);
	tag[1] = vid_be;
	return 0;
}

/* Rewrite the VID of the tag at offset 12, keeping PCP and DEI. */
static inline void
vlan_rewrite(struct rte_mbuf *m, rte_be16_t vid_be)
{
	struct rte_vlan_hdr *v = rte_pktmbuf_mtod_offset(m, struct rte_vlan_hdr *,
							 sizeof(struct rte_ether_hdr));

	v->vlan_tci = (v->vlan_tci & RTE_BE16(0xf000)) | vid_be;
}

#endif /* GWC_DP_VLAN_H */
