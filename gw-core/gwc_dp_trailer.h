/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast-path stage: trailer bytes (the "trailer" endpoint type, docs/trailer.md; seed 003
 * Figure 3(B)): classify an untagged IPv4 frame by its trailer (or its flow), strip the
 * trailer; and write it back on frames toward a terminal that wants it. The codec is
 * trailer/trl.h. Worker lcore (gwc_dp.h).
 */
#ifndef GWC_DP_TRAILER_H
#define GWC_DP_TRAILER_H

#include <rte_ether.h>

#include "gwc_dp.h"
#include "gwc_flow.h"
#include "trl.h"
#include "trl_auth.h"

/* The drop of each trailer verdict that is an error. */
static const uint8_t trl_drop[TRL_STATUS_MAX] = {
	[TRL_E_BAD_VERSION] = GWC_DROP_TRAILER_BAD_VERSION,
	[TRL_E_BAD_LENGTH] = GWC_DROP_TRAILER_BAD_LENGTH,
	[TRL_E_BAD_FLAGS] = GWC_DROP_TRAILER_BAD_FLAGS,
	[TRL_E_BAD_ID] = GWC_DROP_TRAILER_BAD_ID,
	[TRL_E_BAD_L4] = GWC_DROP_TRAILER_BAD_L4,
	[TRL_E_BAD_TAG] = GWC_DROP_TRAILER_BAD_TAG,
};

/* The key entry of 'terminal' in the published tables, or NULL (binary search). */
static inline const struct gwc_trl_term *
term_find(const struct gwc_tables *t, uint32_t terminal)
{
	unsigned int lo = 0, hi = t->n_terms;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (t->term[mid].terminal == terminal)
			return &t->term[mid];
		if (t->term[mid].terminal < terminal)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * An untagged IPv4 frame on a port with trailer endpoints (seed 003 Figure 3(B)): a
 * valid trailer (its tag checked with the terminal's key, if it has one) picks the
 * endpoint by (terminal ID, app ID), is stripped, lengths and checksums fixed
 * (docs/trailer.md), and the flow is remembered; a frame without one
 * goes where its flow went before. Only the first segment is read: a frame longer
 * than it is treated as carrying no trailer.
 * @return an endpoint id; LOCAL_NOT (no trailer, no known flow: the port's untagged
 *   endpoint, if any, takes it); LOCAL_DONE (dropped and counted).
 */
/*
 * A flow table of more buckets than this (128 bytes each: 4 MB or more, [gw-core]
 * trailer_flows above 65536) no longer stays in the cache: trailer_prefetch() pays for
 * itself (100,000 flows: 8.5 Mpps with it, 4.6 without); below it, it cost 5 %.
 */
#define GWC_FLOW_PREFETCH_BUCKETS 16384u

/*
 * Before a pass over 'n' frames of 'port' (one with trailer endpoints): fetch the flow
 * table's bucket of each untagged IPv4 frame, so that its lookup or learning in
 * trailer_in() finds it in the cache. Reads only what trailer_in() reads after.
 */
static inline void
trailer_prefetch(struct gwc_lcore *lc, struct rte_mbuf **pkts, uint16_t n, uint16_t port)
{
	const uint32_t eh = sizeof(struct rte_ether_hdr);
	uint64_t k0, k1;
	uint16_t i;

	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];
		const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

		if (m->data_len < eh + 24 || p[12] != 0x08 || p[13] != 0x00 ||
		    (p[eh] & 0xf0) != 0x40 ||
		    (uint32_t)(p[eh] & 0x0f) * 4 + 4 > m->data_len - eh)
			continue;
		gwc_flow_key(p + eh, port, &k0, &k1);
		gwc_flow_prefetch(lc->dp->flows, k0, k1);
	}
}

static inline int
trailer_in(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t port, struct rte_mbuf *m,
	   uint64_t now)
{
	const struct gwc_port_tab *pt = &t->port[port];
	const uint32_t eh = sizeof(struct rte_ether_hdr);
	const struct gwc_trl_term *te;
	struct trl_info ti;
	enum trl_status st;
	const struct gwc_ep *fe;
	uint64_t k0, k1;
	uint32_t id;
	uint8_t *ip;
	unsigned int i;

	if (m->nb_segs != 1 || m->data_len <= eh)
		return LOCAL_NOT;
	ip = rte_pktmbuf_mtod_offset(m, uint8_t *, eh);
	st = trl_decode(ip, m->data_len - eh, &ti);
	if (st == TRL_NONE) {
		uint32_t ihl = (uint32_t)(ip[0] & 0x0f) * 4;

		if ((ip[9] == IPPROTO_TCP || ip[9] == IPPROTO_UDP) &&
		    rte_be_to_cpu_16(*(const rte_be16_t *)(ip + 2)) < ihl + 4)
			return LOCAL_NOT;
		gwc_flow_key(ip, port, &k0, &k1);
		fe = gwc_flow_lookup(lc->dp->flows, t, k0, k1, now);
		/* the endpoint it was learned for, as it is now: a trailer endpoint here */
		if (fe == NULL || fe->type != GWC_EP_TRAILER || fe->port != port)
			return LOCAL_NOT;
		lc->flow_hits++;
		return fe->id;
	}
	if (st != TRL_OK) {
		if (st == TRL_E_BAD_IP || st == TRL_E_FRAGMENT)
			return LOCAL_NOT;
		drop(lc, m, (enum gwc_drop)trl_drop[st]);
		return LOCAL_DONE;
	}
	/* The tag, before anything is believed: with the terminal's key, or no tag at all. */
	te = term_find(t, ti.terminal_id);
	if (te != NULL ? trl_verify(lc->trl_key[te->slot], ip, m->data_len - eh, &ti,
				    te->required) != TRL_OK
		       : (ti.flags & TRL_F_AUTH) != 0) {
		drop(lc, m, GWC_DROP_TRAILER_BAD_TAG);
		return LOCAL_DONE;
	}
	for (i = 0; i < pt->n_trl; i++) {
		const struct gwc_trl_rule *r = &pt->trl[i];

		if ((r->terminal == 0 || r->terminal == ti.terminal_id) &&
		    ti.app_id >= r->app_lo && ti.app_id <= r->app_hi)
			break;
	}
	if (i == pt->n_trl) {
		drop(lc, m, GWC_DROP_TRAILER_NO_MATCH);
		return LOCAL_DONE;
	}
	id = pt->trl[i].ep;
	gwc_flow_key(ip, port, &k0, &k1);
	fe = gwc_tables_ep(t, id);
	if (fe != NULL && gwc_flow_learn(lc->dp->flows, k0, k1, fe, now))
		lc->flows_learned++;
	trl_strip(ip, m->data_len - eh, &ti);
	/* the trailer, and any Ethernet padding after the packet */
	rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - (eh + ti.ip_len - ti.len)));
	return id;
}

/*
 * A frame leaving through a trailer endpoint with 'reappend' (toward terminals that
 * want the trailer back, docs/trailer.md): an untagged IPv4 frame gets the trailer
 * (terminal, app) of the endpoint, 16 bytes, lengths and checksums fixed; Ethernet
 * padding goes first. Other frames (ARP, fragments, IPv4 the codec refuses) leave as
 * they are. A shared or chained mbuf (a flood copy, a jumbo frame rx scattered) is
 * copied into one buffer first (of 'big_pool' when 'pool''s are too small), since its
 * bytes are not only ours and the codec needs the packet in one piece. @return 'm', or its replacement; NULL when out of mbufs ('m' freed).
 */
static struct rte_mbuf *
trl_reappend(struct gwc_lcore *lc, const struct gwc_ep *ep, struct rte_mbuf *m)
{
	const uint32_t l2 = sizeof(struct rte_ether_hdr);
	struct trl_info ti = { .terminal_id = ep->conf.trl_terminal, .app_id = ep->conf.trl_app_lo };
	uint8_t *ip;
	uint32_t tot;

	if (m->pkt_len < l2 + 20 ||
	    *rte_pktmbuf_mtod_offset(m, rte_be16_t *, 12) != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return m;
	if (m->nb_segs > 1 || RTE_MBUF_CLONED(m) || rte_mbuf_refcnt_read(m) > 1) {
		/* a frame longer than a 'pool' buffer (a jumbo MTU) goes to one 'big_pool' one */
		struct rte_mempool *mp = lc->big_pool != NULL &&
			m->pkt_len + TRL_LEN_AUTH + RTE_PKTMBUF_HEADROOM >
				rte_pktmbuf_data_room_size(lc->pool) ? lc->big_pool : lc->pool;
		struct rte_mbuf *c = rte_pktmbuf_copy(m, mp, 0, UINT32_MAX);

		rte_pktmbuf_free(m);
		if (c == NULL || c->nb_segs > 1) {
			rte_pktmbuf_free(c);
			return NULL;
		}
		m = c;
	}
	ip = rte_pktmbuf_mtod_offset(m, uint8_t *, l2);
	if (trl_flow_of(ip, m->pkt_len - l2, &ti) != TRL_OK)
		return m;
	tot = (uint32_t)ip[2] << 8 | ip[3];
	if (m->pkt_len > l2 + tot)
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - l2 - tot));
	if (rte_pktmbuf_append(m, TRL_LEN) == NULL)
		return m;
	if (trl_append(ip, tot + TRL_LEN, &ti) != TRL_OK) {
		rte_pktmbuf_trim(m, TRL_LEN);
		return m;
	}
	lc->trl_reappended++;
	return m;
}

#endif /* GWC_DP_TRAILER_H */
