/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-slice MAC table, control-thread half: create, resize, forget an endpoint, static
 * entries, walk. */
#include <errno.h>
#include <stddef.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_malloc.h>

#include "gwc_mac.h"

void *
gwc_assoc_create(const char *name, size_t head, size_t slot, unsigned int ways, uint32_t entries,
		 uint64_t age_tsc)
{
	uint32_t buckets = rte_align32pow2(RTE_MAX(entries / ways, 1u));
	size_t sz = head + (size_t)buckets * ways * slot;
	/* page-aligned when a page or more (see gwc_create()'s per-lcore state); a slice's
	 * first MAC table (1 KB) on a cache line, not a page of its own each */
	struct gwc_assoc *a = rte_zmalloc(name, sz, sz >= 4096 ? 4096 : RTE_CACHE_LINE_SIZE);

	if (a == NULL)
		return NULL;
	a->bucket_mask = buckets - 1;
	a->hash_shift = (uint8_t)(buckets > 1 ? 64 - rte_log2_u32(buckets) : 63);
	a->age_tsc = age_tsc;
	a->refresh_tsc = age_tsc / 8;
	return a;
}

struct gwc_mac_table *
gwc_mac_create(uint32_t entries, uint64_t age_tsc)
{
	return gwc_assoc_create("gwc_mac", sizeof(struct gwc_mac_table),
				sizeof(struct gwc_mac_slot), GWC_MAC_WAYS, entries, age_tsc);
}

void
gwc_mac_destroy(struct gwc_mac_table *t)
{
	rte_free(t);
}

void
gwc_mac_forget_ep(struct gwc_mac_table *t, uint32_t ep)
{
	uint32_t i, n = gwc_mac_entries(t);

	for (i = 0; i < n; i++) {
		uint64_t k = __atomic_load_n(&t->slot[i].key, __ATOMIC_RELAXED);

		if (k != 0 &&
		    gwc_mac_slot_ep(k, __atomic_load_n(&t->slot[i].seen, __ATOMIC_RELAXED)) == ep)
			__atomic_store_n(&t->slot[i].key, 0, __ATOMIC_RELAXED);
	}
}

int
gwc_mac_set_static(struct gwc_mac_table *t, const struct rte_ether_addr *mac, uint32_t ep)
{
	uint64_t m48 = gwc_mac48(mac);
	struct gwc_mac_slot *b = gwc_mac_bucket(t, m48), *victim = NULL;
	unsigned int w;

	for (w = 0; w < GWC_MAC_WAYS; w++) {
		uint64_t k = __atomic_load_n(&b[w].key, __ATOMIC_RELAXED);

		if (k != 0 && (k >> 16) == m48) {
			victim = &b[w];
			break;
		}
		if (victim == NULL &&
		    __atomic_load_n(&b[w].seen, __ATOMIC_RELAXED) >> 16 != GWC_MAC_STATIC)
			victim = &b[w];
	}
	if (victim == NULL)
		return -ENOSPC;
	__atomic_store_n(&victim->seen, gwc_mac_seen(GWC_MAC_STATIC, ep), __ATOMIC_RELAXED);
	__atomic_store_n(&victim->key, gwc_mac_key(m48, ep), __ATOMIC_RELEASE);
	return 0;
}

/* Call 'fn' with each live entry of 't' at TSC 'now': its MAC (gwc_mac48()'s layout),
 * endpoint and the tick it was last seen (GWC_MAC_STATIC for a static one); stop when it
 * returns non-zero. @return that value, or 0. */
static int
mac_each_live(const struct gwc_mac_table *t, uint64_t now,
	      int (*fn)(void *arg, uint64_t m48, uint32_t ep, uint64_t tick), void *arg)
{
	uint32_t i, n = gwc_mac_entries(t);
	int rc;

	for (i = 0; i < n; i++) {
		uint64_t k = __atomic_load_n(&t->slot[i].key, __ATOMIC_RELAXED);
		uint64_t seen = __atomic_load_n(&t->slot[i].seen, __ATOMIC_RELAXED);

		if (k == 0 || !gwc_mac_live(seen, gwc_mac_tick(now), gwc_mac_tick(t->a.age_tsc)))
			continue;
		rc = fn(arg, k >> 16, gwc_mac_slot_ep(k, seen), seen >> 16);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
count_one(void *arg, uint64_t m48, uint32_t ep, uint64_t tick)
{
	RTE_SET_USED(m48);
	RTE_SET_USED(ep);
	RTE_SET_USED(tick);
	(*(uint32_t *)arg)++;
	return 0;
}

uint32_t
gwc_mac_count(const struct gwc_mac_table *t, uint64_t now)
{
	uint32_t live = 0;

	mac_each_live(t, now, count_one, &live);
	return live;
}

/* Into the table 'arg': a learned entry as learned at its time (a full bucket forgets
 * it), a static one static (a full bucket fails the copy). */
static int
copy_one(void *arg, uint64_t m48, uint32_t ep, uint64_t tick)
{
	struct rte_ether_addr mac;

	if (tick != GWC_MAC_STATIC) {
		gwc_mac_learn_tick(arg, m48, ep, tick);
		return 0;
	}
	memcpy(mac.addr_bytes, &m48, RTE_ETHER_ADDR_LEN);
	return gwc_mac_set_static(arg, &mac, ep);
}

struct gwc_mac_table *
gwc_mac_resize(const struct gwc_mac_table *t, uint32_t entries, uint64_t now)
{
	struct gwc_mac_table *n = gwc_mac_create(entries, t->a.age_tsc);

	if (n != NULL && mac_each_live(t, now, copy_one, n) != 0) {
		gwc_mac_destroy(n);
		return NULL;
	}
	return n;
}

struct walk {
	gwc_mac_walk_fn fn;
	void *arg;
	uint64_t now, hz;
};

static int
walk_one(void *arg, uint64_t m48, uint32_t ep, uint64_t tick)
{
	const struct walk *w = arg;
	struct rte_ether_addr mac;

	memcpy(mac.addr_bytes, &m48, RTE_ETHER_ADDR_LEN);
	w->fn(w->arg, &mac, ep, tick == GWC_MAC_STATIC,
	      tick == GWC_MAC_STATIC ? 0 :
	      ((gwc_mac_tick(w->now) - tick) << GWC_MAC_TICK_SHIFT) * 1000 / w->hz);
	return 0;
}

void
gwc_mac_walk(const struct gwc_mac_table *t, uint64_t now, gwc_mac_walk_fn fn, void *arg)
{
	struct walk w = { .fn = fn, .arg = arg, .now = now, .hz = rte_get_tsc_hz() };

	mac_each_live(t, now, walk_one, &w);
}
