/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every fast-path stage shares (not public): drops counted by reason, the
 * exception ring, checksum helpers, and the vector a stage hands frames on in. The
 * stage headers gwc_dp_*.h are static inline functions included by gwc_worker.c only
 * (one translation unit, built with FAST_CFLAGS), each one concern, each frame to
 * exactly one next step (VPP's next nodes; DPDK ipsec-secgw's one vector per next step):
 *
 *   gwc_dp_classify.h  which endpoint a frame enters by; frames for the AGW itself
 *     -> gwc_dp_vlan.h, gwc_dp_gre.h, gwc_dp_trailer.h   strip the encapsulation
 *     -> gwc_dp_esp.h    ESP to decrypt (queued per SA; hand-off to the SA's worker)
 *   gwc_dp_l3.h        decrypted packets and frames to the slice router's MAC: routed
 *     -> the bridge vector, or ESP to encrypt, or the control thread (ARP)
 *   gwc_dp_bridge.h    learn, look up, flood inside the slice
 *   gwc_dp_out.h       the destination endpoint's output stage: encapsulate and tx
 *     (gwc_dp_qos.h    first: its policer, where it has a contract)
 *
 * Worker lcore only; no locks, allocation (but flood copies), syscalls or logs.
 */
#ifndef GWC_DP_H
#define GWC_DP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "gwc_csum.h"
#include "gwc_lcore.h"
#include "gwc_tables.h"

#define VLAN_HLEN 4

/* Frames one pass of the burst loop takes at a time (an rx burst is at most PPM_TXBUF_MAX). */
#define GWC_PASS PPM_TXBUF_MAX

/* What a classification step returns besides an endpoint id. */
enum { LOCAL_NOT = -1, LOCAL_DONE = -2 };

/* Frames bound for the bridge (gwc_dp_bridge.h): each with the endpoint it enters the
 * slice by and whether it still carries its ingress 802.1Q tag. */
struct gwc_bvec {
	uint16_t n;
	uint32_t id[GWC_PASS];
	bool tagged[GWC_PASS];
	struct rte_mbuf *m[GWC_PASS];
};

/* Add 'm' entering by endpoint 'id' to 'v' (which has room: at most GWC_PASS a pass). */
static inline void
bvec_add(struct gwc_bvec *v, struct rte_mbuf *m, uint32_t id, bool tagged)
{
	v->m[v->n] = m;
	v->id[v->n] = id;
	v->tagged[v->n++] = tagged;
}

static inline void
drop(struct gwc_lcore *lc, struct rte_mbuf *m, enum gwc_drop r)
{
	lc->drops[r]++;
	rte_pktmbuf_free(m);
}

/* A drop that belongs to endpoint 'ep' (see struct gwc_ep_stats): counted twice. */
static inline void
ep_drop(struct gwc_lcore *lc, struct rte_mbuf *m, uint32_t ep, enum gwc_drop r)
{
	lc->ep[ep].drops[r]++;
	drop(lc, m, r);
}

/* Hand 'm' to the control thread; m->hash.usr carries the port index it came in on. */
static inline void
punt(struct gwc_lcore *lc, struct rte_mbuf *m, uint16_t port)
{
	m->hash.usr = port;
	if (unlikely(rte_ring_mp_enqueue(lc->dp->exc, m) != 0)) {
		drop(lc, m, GWC_DROP_PUNT_FULL);
		return;
	}
	lc->punted++;
}

/*
 * Move the 12 bytes of an Ethernet header's two MAC addresses from 'src' to 'dst' (the
 * two may overlap): both words are loaded before either is stored. GCC 12 made a memmove
 * of 12 overlapping bytes a call into libc.
 */
static inline void
macs_move(uint8_t *dst, const uint8_t *src)
{
	uint64_t a;
	uint32_t b;

	memcpy(&a, src, sizeof(a));
	memcpy(&b, src + sizeof(a), sizeof(b));
	memcpy(dst, &a, sizeof(a));
	memcpy(dst + sizeof(a), &b, sizeof(b));
}

#endif /* GWC_DP_H */
