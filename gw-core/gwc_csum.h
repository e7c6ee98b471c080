/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv4 header checksum (RFC 791 section 3.1; RFC 1071) for the per-packet paths:
 * the worker's outer header check (gwc_dp_classify.h), GRE's outer header
 * (gwc_dp_gre.h) and ESP's (gwc_sa.c). Pure functions of their arguments: any thread.
 */
#ifndef GWC_CSUM_H
#define GWC_CSUM_H

#include <stdint.h>
#include <string.h>

#include <rte_ip.h>

/*
 * A ones' complement sum (RFC 1071) of up to 2^32 16-bit words, held in 's', folded to
 * 16 bits.
 */
static inline uint16_t
csum_fold(uint64_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/*
 * The ones' complement sum of the 20 bytes at 'ip' (an IPv4 header without options, in
 * network order, any alignment), bytes 8 to 15 first ANDed with 'keep8' as loaded into
 * a uint64_t (ipv4_hdr_sum20() keeps all), folded: what rte_raw_cksum(ip, 20) returns
 * (0xffff: the header checks). From two 64-bit and one 32-bit load, added as 32-bit
 * halves (RFC 1071 section 2(B): the sum does not depend on the word size). GCC -O2
 * keeps rte_raw_cksum()'s loop of ten 16-bit additions even for a constant length.
 */
static inline uint16_t
ipv4_hdr_sum20_keep(const void *ip, uint64_t keep8)
{
	const uint8_t *p = ip;
	uint64_t a, b;
	uint32_t c;

	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	memcpy(&c, p + 16, 4);
	b &= keep8;
	return csum_fold((a & UINT32_MAX) + (a >> 32) + (b & UINT32_MAX) + (b >> 32) + c);
}

static inline uint16_t
ipv4_hdr_sum20(const void *ip)
{
	return ipv4_hdr_sum20_keep(ip, UINT64_MAX);
}

/*
 * Fill in the header checksum of IPv4 header 'ip' (its IHL words, options included),
 * as rte_ipv4_cksum() computes it, without the loop for the usual 20 bytes. Whatever
 * the field held is not summed: for 20 bytes the field's two bytes are masked off
 * the load rather than zeroed first, since a load over a 2-byte store just made waits
 * for that store to reach the cache (no store-to-load forwarding into a wider load):
 * that wait was about 8 % of ESP encrypt's worker at 64 B.
 */
static inline void
gwc_ipv4_cksum_set(struct rte_ipv4_hdr *ip)
{
	static const uint8_t keep[8] = { 0xff, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff };
	uint64_t k;

	if ((ip->version_ihl & 0x0f) == 5) {
		memcpy(&k, keep, 8);   /* bytes 8-15 but the checksum's 10 and 11 */
		ip->hdr_checksum = (uint16_t)~ipv4_hdr_sum20_keep(ip, k);
		return;
	}
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

#endif /* GWC_CSUM_H */
