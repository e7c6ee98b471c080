/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast-path stage: Ethernet over GRE (the "gre" endpoint type): decapsulation of GRE
 * to us, and encapsulation from the endpoint's template (gwc_ep_gre.c builds it).
 * Worker lcore (gwc_dp.h).
 */
#ifndef GWC_DP_GRE_H
#define GWC_DP_GRE_H

#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>

#include "gwc_dp.h"

/*
 * A GRE packet to us (RFC 2784, key and sequence number of RFC 2890): outer IPv4 at
 * offset 14, validated, 'ihl' and 'tot' its header and total lengths, padding trimmed.
 * Check the GRE header (and its checksum), find the endpoint by (remote, key, port) and
 * strip the outer headers. @return the endpoint id, or LOCAL_DONE (dropped, counted).
 */
static inline int
gre_in(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t port, struct rte_mbuf *m,
       const struct rte_ipv4_hdr *ip, uint32_t ihl, uint32_t tot)
{
	const uint32_t eh = sizeof(struct rte_ether_hdr);
	uint32_t off, need, key;
	uint16_t flags, proto;
	struct gwc_gre_key k;
	const uint8_t *gre;
	void *data;

	off = eh + ihl;
	if (unlikely(m->data_len < off + 4)) {
		drop(lc, m, GWC_DROP_TRUNCATED);
		return LOCAL_DONE;
	}
	data = rte_pktmbuf_mtod(m, uint8_t *);
	gre = (const uint8_t *)data + off;
	flags = (uint16_t)(gre[0] << 8 | gre[1]);
	proto = (uint16_t)(gre[2] << 8 | gre[3]);
	if (unlikely((flags & GWC_GRE_F_MBZ) != 0 || proto != GWC_GRE_PROTO_TEB)) {
		drop(lc, m, GWC_DROP_BAD_GRE);
		return LOCAL_DONE;
	}
	need = 4 + ((flags & GWC_GRE_F_CSUM) ? 4 : 0) + ((flags & GWC_GRE_F_KEY) ? 4 : 0) +
	       ((flags & GWC_GRE_F_SEQ) ? 4 : 0);
	if (unlikely(m->data_len < off + need + sizeof(struct rte_ether_hdr))) {
		drop(lc, m, GWC_DROP_TRUNCATED);
		return LOCAL_DONE;
	}
	if (unlikely(flags & GWC_GRE_F_CSUM)) {
		uint16_t ck;

		/* RFC 2784: the checksum covers the GRE header and the payload. */
		if (rte_raw_cksum_mbuf(m, off, tot - ihl, &ck) != 0 || ck != 0xffff) {
			drop(lc, m, GWC_DROP_BAD_GRE_CSUM);
			return LOCAL_DONE;
		}
	}
	key = 0;
	if (flags & GWC_GRE_F_KEY) {
		rte_be32_t kb;

		memcpy(&kb, gre + 4 + ((flags & GWC_GRE_F_CSUM) ? 4 : 0), 4);
		key = rte_be_to_cpu_32(kb);
	}
	gwc_gre_key_set(&k, ip->src_addr, key, port, (flags & GWC_GRE_F_KEY) != 0);
	if (t->gre != NULL) {
		void *d;

		/* a key whose endpoint 't' does not have yet is unknown too */
		if (rte_hash_lookup_with_hash_data(t->gre, &k, gwc_gre_hash(&k), &d) >= 0 &&
		    gwc_tables_ep(t, (uint32_t)(uintptr_t)d) != NULL) {
			rte_pktmbuf_adj(m, (uint16_t)(off + need));
			return (int)(uintptr_t)d;
		}
	}
	drop(lc, m, GWC_DROP_UNKNOWN_GRE_KEY);
	return LOCAL_DONE;
}

static int
gre_encap(struct rte_mbuf *m, const struct gwc_ep *ep)
{
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, ep->hdr_len);
	struct rte_ipv4_hdr *ip;
	uint32_t len;

	if (unlikely(p == NULL))
		return -1;
	rte_memcpy(p, ep->hdr, ep->hdr_len);
	ip = (struct rte_ipv4_hdr *)(p + sizeof(struct rte_ether_hdr));
	len = m->pkt_len - sizeof(struct rte_ether_hdr);
	ip->total_length = rte_cpu_to_be_16((uint16_t)len);
	/* The template's raw sum plus the length word as it lies in memory, folded. */
	ip->hdr_checksum = (uint16_t)~csum_fold((uint64_t)ep->ip_sum0 + ip->total_length);
	return 0;
}

#endif /* GWC_DP_GRE_H */
