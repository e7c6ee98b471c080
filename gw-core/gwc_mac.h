/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-slice MAC learning table, fast-path half (inline; the control-thread half
 * is gwc_mac.c). Set-associative: a MAC hashes to one bucket of GWC_MAC_WAYS
 * slots. Lock-free: workers write slots with relaxed atomic stores; a reader may
 * see a slot mid-update, which at worst floods one frame or sends it to the
 * endpoint the MAC just left. Aging is lazy: an entry older than age_tsc is a miss,
 * and learning reuses it.
 */
#ifndef GWC_MAC_H
#define GWC_MAC_H

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#include "gwc_tables.h"

/*
 * The 6 bytes of 'a' as the low 48 bits of a word (the layout of a 6-byte memcpy into a
 * zeroed word on little-endian hosts). Control path: GCC may merge the two loads into a
 * stack temporary whose 8-byte reload stalls on store forwarding; the fast path reads a
 * frame's addresses with gwc_eth_dst48() and gwc_eth_src48() instead.
 */
static inline uint64_t
gwc_mac48(const struct rte_ether_addr *a)
{
	uint32_t lo;
	uint16_t hi;

	memcpy(&lo, a->addr_bytes, 4);
	memcpy(&hi, a->addr_bytes + 4, 2);
	return (uint64_t)hi << 32 | lo;
}

/*
 * The destination and source MAC of the Ethernet header at 'eth' (its 14 bytes must be
 * readable), in gwc_mac48()'s layout, each from one unaligned 8-byte load: bytes 0..7
 * masked, and bytes 4..11 shifted. Built from a 4- and a 2-byte load, GCC 12 went through
 * a stack temporary whose 8-byte reload waits for store forwarding, twice per frame.
 */
static inline uint64_t
gwc_eth_dst48(const struct rte_ether_hdr *eth)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	uint64_t w;

	memcpy(&w, eth, sizeof(w));
	return w & 0xffffffffffffull;
#else
	return gwc_mac48(&eth->dst_addr);
#endif
}

/* See gwc_eth_dst48(). */
static inline uint64_t
gwc_eth_src48(const struct rte_ether_hdr *eth)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	uint64_t w;

	memcpy(&w, (const uint8_t *)eth + 4, sizeof(w));
	return w >> 16;
#else
	return gwc_mac48(&eth->src_addr);
#endif
}

/* A MAC in gwc_mac48()'s layout is a group (multicast, broadcast) address: the I/G bit,
 * the low bit of its first byte (IEEE 802, rte_is_multicast_ether_addr()). */
static inline bool
gwc_mac48_group(uint64_t m48)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	return (m48 & 1) != 0;
#else
	return (m48 >> 24 & 1) != 0;   /* byte 0 is bits 31..24 of the 4-byte load */
#endif
}

/*
 * The bucket of MAC 'm48': gwc_fib_hash()'s top log2(buckets) bits (masked: a table of
 * one bucket shifts by 63). Only the top bits see all 48; the last MAC byte (bits
 * 40..47 here) once reached no bucket bit of a table of 1024 entries or fewer (bits 32
 * and up were taken), and MACs that differ only there (02:42:ac:11:00:NN) shared one
 * bucket.
 */
static inline struct gwc_mac_slot *
gwc_mac_bucket(const struct gwc_mac_table *t, uint64_t m48)
{
	return (struct gwc_mac_slot *)&t->slot[(gwc_fib_hash(m48, t->a.hash_shift) &
						 t->a.bucket_mask) * GWC_MAC_WAYS];
}

/* The tick (gwc_tables.h's MAC slot) of TSC 'tsc'. */
static inline uint64_t
gwc_mac_tick(uint64_t tsc)
{
	return tsc >> GWC_MAC_TICK_SHIFT;
}

/* A slot's words (gwc_tables.h) for MAC 'm48' on endpoint 'ep': its key, with the id's
 * low half, and its 'seen' at tick 'tick', with the high half. */
static inline uint64_t
gwc_mac_key(uint64_t m48, uint32_t ep)
{
	return m48 << 16 | (ep & 0xffff);
}

static inline uint64_t
gwc_mac_seen(uint64_t tick, uint32_t ep)
{
	return tick << 16 | ep >> 16;
}

/* The endpoint id a slot's words hold. */
static inline uint32_t
gwc_mac_slot_ep(uint64_t key, uint64_t seen)
{
	return (uint32_t)(seen & 0xffff) << 16 | (uint32_t)(key & 0xffff);
}

/* A slot last seen at 'seen' (its word) is live at tick 'now' for entries that age
 * after 'age' ticks. */
static inline bool
gwc_mac_live(uint64_t seen, uint64_t now, uint64_t age)
{
	uint64_t tick = seen >> 16;

	return tick == GWC_MAC_STATIC || now - tick <= age;
}

/*
 * @return the endpoint id the MAC 'm48' (gwc_mac48()'s layout) was learned on at TSC
 * 'now', or GWC_EP_NONE. Racing a learn, it may return an id that no endpoint of the
 * table's slice has (gwc_tables.h), even one past the tables' endpoints. Any lcore.
 */
static inline uint32_t
gwc_mac_lookup(const struct gwc_mac_table *t, uint64_t m48, uint64_t now)
{
	struct gwc_mac_slot *b = gwc_mac_bucket(t, m48);
	unsigned int w;

	for (w = 0; w < GWC_MAC_WAYS; w++) {
		uint64_t k = __atomic_load_n(&b[w].key, __ATOMIC_ACQUIRE);
		uint64_t seen;

		if (k == 0 || (k >> 16) != m48)
			continue;
		seen = __atomic_load_n(&b[w].seen, __ATOMIC_RELAXED);
		if (gwc_mac_live(seen, gwc_mac_tick(now), gwc_mac_tick(t->a.age_tsc)))
			return gwc_mac_slot_ep(k, seen);
	}
	return GWC_EP_NONE;
}

/*
 * Learn that the MAC 'm48' (gwc_mac48()'s layout) lives behind endpoint 'ep' at tick
 * 'now' (gwc_mac_tick()). @return true when an entry was created or moved. Any lcore.
 */
static inline bool
gwc_mac_learn_tick(struct gwc_mac_table *t, uint64_t m48, uint32_t ep, uint64_t now)
{
	uint64_t key = gwc_mac_key(m48, ep), sw = gwc_mac_seen(now, ep);
	uint64_t age = gwc_mac_tick(t->a.age_tsc), oldest = UINT64_MAX;
	struct gwc_mac_slot *b = gwc_mac_bucket(t, m48), *victim = NULL;
	unsigned int w;

	for (w = 0; w < GWC_MAC_WAYS; w++) {
		uint64_t k = __atomic_load_n(&b[w].key, __ATOMIC_RELAXED);
		uint64_t seen = __atomic_load_n(&b[w].seen, __ATOMIC_RELAXED);
		uint64_t tick = seen >> 16;

		if (k != 0 && (k >> 16) == m48) {
			if (tick == GWC_MAC_STATIC)
				return false;               /* static wins over learning */
			if (k == key && (seen & 0xffff) == (sw & 0xffff)) {
				if (now - tick > gwc_mac_tick(t->a.refresh_tsc))
					__atomic_store_n(&b[w].seen, sw, __ATOMIC_RELAXED);
				return false;
			}
			victim = &b[w];                     /* the MAC moved */
			break;
		}
		if (k == 0 || !gwc_mac_live(seen, now, age)) {
			if (victim == NULL || oldest != 0) {
				victim = &b[w];
				oldest = 0;
			}
		} else if (tick != GWC_MAC_STATIC && oldest != 0 && tick < oldest) {
			victim = &b[w];
			oldest = tick;
		}
	}
	if (victim == NULL)
		return false;                               /* bucket full of static entries */
	__atomic_store_n(&victim->seen, sw, __ATOMIC_RELAXED);
	__atomic_store_n(&victim->key, key, __ATOMIC_RELEASE);
	return true;
}

/*
 * Learn that the MAC 'm48' (gwc_mac48()'s layout) lives behind endpoint 'ep' at time
 * 'now' (TSC). @return true when an entry was created or moved. Any lcore.
 */
static inline bool
gwc_mac_learn(struct gwc_mac_table *t, uint64_t m48, uint32_t ep, uint64_t now)
{
	return gwc_mac_learn_tick(t, m48, ep, gwc_mac_tick(now));
}

/* ------------------------------------------------------------ control thread half */

/*
 * A zeroed table of 'head' bytes then 'ways'-slot buckets of 'slot' bytes, for at
 * least 'entries' entries (buckets a power of two), its struct gwc_assoc (first) set.
 * Control thread. @return it (rte_free() it), or NULL.
 */
void *gwc_assoc_create(const char *name, size_t head, size_t slot, unsigned int ways,
		       uint32_t entries, uint64_t age_tsc);

/* A MAC table of at least 'entries' entries whose learned entries live 'age_tsc'.
 * @return it (gwc_mac_destroy() frees it), or NULL. Control thread. */
struct gwc_mac_table *gwc_mac_create(uint32_t entries, uint64_t age_tsc);
/* @return the entries 't' holds (its buckets x GWC_MAC_WAYS). */
static inline uint32_t
gwc_mac_entries(const struct gwc_mac_table *t)
{
	return (t->a.bucket_mask + 1) * GWC_MAC_WAYS;
}
/* @return the live entries of 't' at TSC 'now' (static ones included). Control thread. */
uint32_t gwc_mac_count(const struct gwc_mac_table *t, uint64_t now);
/*
 * A new table of at least 'entries' entries holding the live entries of 't' at 'now',
 * static ones static, learned ones with their age. Workers may go on writing 't'; what
 * they learn there after the copy is lost (learned again from the next frame). Control
 * thread. @return it (gwc_mac_destroy() frees it), or NULL: out of memory, or a static
 * entry found its bucket full.
 */
struct gwc_mac_table *gwc_mac_resize(const struct gwc_mac_table *t, uint32_t entries,
				     uint64_t now);
/* Free 't' (NULL: nothing), after the workers stopped reading it. */
void gwc_mac_destroy(struct gwc_mac_table *t);
/* Forget every entry pointing at endpoint 'ep' (it is going, or its id is reused). */
void gwc_mac_forget_ep(struct gwc_mac_table *t, uint32_t ep);
/* A static entry 'mac' -> 'ep': never ages, learning does not move it.
 * @return 0, or -ENOSPC (its bucket is full of static entries). */
int gwc_mac_set_static(struct gwc_mac_table *t, const struct rte_ether_addr *mac, uint32_t ep);
typedef void (*gwc_mac_walk_fn)(void *arg, const struct rte_ether_addr *mac, uint32_t ep,
				bool is_static, uint64_t age_ms);
/* Call 'fn' for every live entry of 't' ('now': the TSC the ages are counted to). */
void gwc_mac_walk(const struct gwc_mac_table *t, uint64_t now, gwc_mac_walk_fn fn, void *arg);

#endif /* GWC_MAC_H */
