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
 * network order, any alignment), folded, as rte_raw_cksum(ip, 20) returns it (0xffff:
 * the header checks), from two 64-bit and one 32-bit load, added as 32-bit halves
 * (RFC 1071 section 2(B): the sum does not depend on the word size). GCC -O2 keeps
 * rte_raw_cksum()'s loop of ten 16-bit additions even for a constant length.
 */
static inline uint16_t
ipv4_hdr_sum20(const void *ip)
{
	const uint8_t *p = ip;
	uint64_t a, b;
	uint32_t c;

	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	memcpy(&c, p + 16, 4);
	return csum_fold((a & UINT32_MAX) + (a >> 32) + (b & UINT32_MAX) + (b >> 32) + c);
}

/*
 * Fill in the header checksum of IPv4 header 'ip' (its IHL words, options included),
 * as rte_ipv4_cksum() computes it, without the loop for the usual 20 bytes.
 */
static inline void
gwc_ipv4_cksum_set(struct rte_ipv4_hdr *ip)
{
	ip->hdr_checksum = 0;
	ip->hdr_checksum = (ip->version_ihl & 0x0f) == 5 ? (uint16_t)~ipv4_hdr_sum20(ip)
							  : rte_ipv4_cksum(ip);
}

#endif /* GWC_CSUM_H */
