/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Trailer flow table (docs/trailer.md; seed 003 section 3.1: a terminal may tag only
 * the first packet of a flow): which trailer endpoint a flow (port, IPv4 addresses,
 * protocol, ports) was classified to, so that its later packets need no trailer.
 * Fast-path half, inline; created by gwc_core.c.
 *
 * Set-associative like the MAC table: a flow hashes to one bucket of GWC_FLOW_WAYS
 * slots; any lcore learns and looks up without locks. A slot is three words written
 * one by one, so a reader may see a mix of two flows: each slot carries a 32-bit hash
 * of its key and endpoint, checked on every hit, so a torn slot reads as a miss
 * (the frame then goes to the port's default, as an unknown flow would). The endpoint
 * is its id and its generation (gwc_ep.gen): a flow learned for an endpoint that is
 * gone does not match a later endpoint given the same id, so nothing needs to sweep
 * the table when endpoints come and go. Aging is lazy: an entry unseen for age_tsc is
 * a miss, and learning reuses its slot first.
 */
#ifndef GWC_FLOW_H
#define GWC_FLOW_H

#include <rte_hash_crc.h>
#include <rte_prefetch.h>

#include "gwc_mac.h"
#include "gwc_tables.h"

/* The flow of the IPv4 packet 'ip' (its header and, for TCP/UDP, ports present). */
static inline void
gwc_flow_key(const uint8_t *ip, uint16_t port, uint64_t *k0, uint64_t *k1)
{
	uint32_t ihl = (uint32_t)(ip[0] & 0x0f) * 4, src, dst, ports = 0;
	uint8_t proto = ip[9];

	memcpy(&src, ip + 12, 4);
	memcpy(&dst, ip + 16, 4);
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP)
		memcpy(&ports, ip + ihl, 4);
	*k0 = (uint64_t)src << 32 | dst;
	*k1 = (uint64_t)ports << 32 | (uint64_t)proto << 16 | port;
}

static inline uint32_t
gwc_flow_hash(uint64_t k0, uint64_t k1)
{
	return rte_hash_crc_8byte(k1, rte_hash_crc_8byte(k0, 0x2545f491));
}

/* The check word of a slot: the key's hash mixed with the endpoint's id and generation. */
static inline uint64_t
gwc_flow_val(uint32_t h, uint32_t ep, uint32_t gen)
{
	return (uint64_t)(h ^ (uint32_t)ep * 0x9e3779b1u ^ gen * 0x85ebca6bu) << 32 | ep;
}

static inline struct gwc_flow_slot *
gwc_flow_bucket(const struct gwc_flow_table *t, uint32_t h)
{
	return (struct gwc_flow_slot *)&t->slot[(h & t->a.bucket_mask) * GWC_FLOW_WAYS];
}

/*
 * @return the endpoint flow (k0, k1) was classified to, if it is still in 'tab' (the
 * published tables) as the endpoint it was learned for, or NULL. Any lcore.
 */
static inline const struct gwc_ep *
gwc_flow_lookup(struct gwc_flow_table *t, const struct gwc_tables *tab, uint64_t k0,
		uint64_t k1, uint64_t now)
{
	uint32_t h = gwc_flow_hash(k0, k1);
	struct gwc_flow_slot *b = gwc_flow_bucket(t, h);
	unsigned int w;

	for (w = 0; w < GWC_FLOW_WAYS; w++) {
		uint64_t v = __atomic_load_n(&b[w].val, __ATOMIC_RELAXED);
		const struct gwc_ep *ep;
		uint64_t seen;

		if (v == 0 || __atomic_load_n(&b[w].k0, __ATOMIC_RELAXED) != k0 ||
		    __atomic_load_n(&b[w].k1, __ATOMIC_RELAXED) != k1)
			continue;
		ep = gwc_tables_ep(tab, (uint32_t)v);
		if (ep == NULL || gwc_flow_val(h, (uint32_t)v, ep->gen) != v)
			continue;
		seen = __atomic_load_n(&b[w].seen, __ATOMIC_RELAXED);
		if (now - seen > t->a.age_tsc)
			return NULL;
		if (now - seen > t->a.refresh_tsc)
			__atomic_store_n(&b[w].seen, now, __ATOMIC_RELAXED);
		return ep;
	}
	return NULL;
}

/* Fetch the bucket of flow (k0, k1) into the cache (a lookup or learning follows). */
static inline void
gwc_flow_prefetch(const struct gwc_flow_table *t, uint64_t k0, uint64_t k1)
{
	const struct gwc_flow_slot *b = gwc_flow_bucket(t, gwc_flow_hash(k0, k1));

	RTE_BUILD_BUG_ON(GWC_FLOW_WAYS * sizeof(*b) != 2 * RTE_CACHE_LINE_SIZE);
	rte_prefetch0(b);
	rte_prefetch0(b + GWC_FLOW_WAYS / 2);
}

/*
 * Remember that flow (k0, k1) goes to endpoint 'ep' (a trailer just said so).
 * @return true when a slot was (re)written. Any lcore.
 */
static inline bool
gwc_flow_learn(struct gwc_flow_table *t, uint64_t k0, uint64_t k1, const struct gwc_ep *ep,
	       uint64_t now)
{
	uint32_t h = gwc_flow_hash(k0, k1);
	struct gwc_flow_slot *b = gwc_flow_bucket(t, h), *victim = &b[0];
	uint64_t val = gwc_flow_val(h, ep->id, ep->gen), oldest = UINT64_MAX;
	unsigned int w;

	for (w = 0; w < GWC_FLOW_WAYS; w++) {
		uint64_t seen = __atomic_load_n(&b[w].seen, __ATOMIC_RELAXED);

		if (__atomic_load_n(&b[w].k0, __ATOMIC_RELAXED) == k0 &&
		    __atomic_load_n(&b[w].k1, __ATOMIC_RELAXED) == k1) {
			if (__atomic_load_n(&b[w].val, __ATOMIC_RELAXED) == val &&
			    now - seen <= t->a.refresh_tsc)
				return false;
			victim = &b[w];
			break;
		}
		/* an empty or expired slot first, else the least recently seen */
		if (__atomic_load_n(&b[w].val, __ATOMIC_RELAXED) == 0 || now - seen > t->a.age_tsc)
			seen = 0;
		if (seen < oldest) {
			oldest = seen;
			victim = &b[w];
		}
	}
	__atomic_store_n(&victim->val, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&victim->k0, k0, __ATOMIC_RELAXED);
	__atomic_store_n(&victim->k1, k1, __ATOMIC_RELAXED);
	__atomic_store_n(&victim->seen, now, __ATOMIC_RELAXED);
	__atomic_store_n(&victim->val, val, __ATOMIC_RELEASE);
	return true;
}

/* Trailer flow table of at least 'entries' flows, unseen ones forgotten after 'age_tsc'.
 * @return it (rte_free() it), or NULL. Control thread. */
struct gwc_flow_table *gwc_flow_create(uint32_t entries, uint64_t age_tsc);


#endif /* GWC_FLOW_H */
