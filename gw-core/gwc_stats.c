/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters, control thread side: each worker counts in its own struct gwc_lcore
 * (plain uint64_t, no atomics); readers sum the lcores and subtract what an object's
 * slot had counted when the object took it (its 'base'), so an index reused by a new
 * slice, endpoint or SA starts from zero.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gwc_model.h"

/*
 * The counter structs hold only uint64_t: sum 'n_words' of them from every lcore's
 * copy at byte offset 'off' of struct gwc_lcore (of the array that the pointer at
 * offset 'arr' of struct gwc_lcore points to, when 'arr' is not SIZE_MAX), then
 * subtract the values recorded when the object was created ('base', NULL when the
 * slot is unused).
 */
static void
counters_sum(const struct gwc *g, size_t arr, size_t off, size_t n_words, const uint64_t *base,
	     uint64_t *out)
{
	unsigned int w;
	size_t i;

	memset(out, 0, n_words * sizeof(uint64_t));
	for (w = 0; w < g->dp.n_workers; w++) {
		const char *at = (const char *)g->lc[w];
		const uint64_t *s;

		if (arr != SIZE_MAX)
			memcpy(&at, at + arr, sizeof(at));
		s = (const uint64_t *)(at + off);

		for (i = 0; i < n_words; i++)
			out[i] += s[i];
	}
	if (base != NULL)
		for (i = 0; i < n_words; i++)
			out[i] -= base[i];
}

void
gwc_ep_stats_get(const struct gwc *g, int id, struct gwc_ep_stats *out)
{
	uint64_t hot[sizeof(struct gwc_ep_hot) / sizeof(uint64_t)];

	RTE_BUILD_BUG_ON(sizeof(*out) % sizeof(uint64_t) != 0);
	memset(out, 0, sizeof(*out));
	if (id < 0 || (uint32_t)id >= g->conf.max_endpoints)
		return;
	counters_sum(g, offsetof(struct gwc_lcore, ep), (size_t)id * sizeof(*out),
		     sizeof(*out) / sizeof(uint64_t),
		     g->ep[id].used ? (const uint64_t *)&g->ep[id].base : NULL, (uint64_t *)out);
	/* the rx and tx words are counted apart (struct gwc_ep_hot): their sums minus the
	   base (modulo 2^64, as the lcores' words there are 0) */
	RTE_BUILD_BUG_ON(offsetof(struct gwc_ep_stats, tx_bytes) != 3 * sizeof(uint64_t));
	counters_sum(g, offsetof(struct gwc_lcore, ep_hot), (size_t)id * sizeof(struct gwc_ep_hot),
		     sizeof(struct gwc_ep_hot) / sizeof(uint64_t), NULL, hot);
	out->rx_pkts += hot[0];
	out->rx_bytes += hot[1];
	out->tx_pkts += hot[2];
	out->tx_bytes += hot[3];
}

void
gwc_slice_stats_get(const struct gwc *g, int idx, struct gwc_slice_stats *out)
{
	RTE_BUILD_BUG_ON(sizeof(*out) % sizeof(uint64_t) != 0);
	memset(out, 0, sizeof(*out));
	if (idx < 0 || (uint32_t)idx >= g->conf.max_slices)
		return;
	counters_sum(g, offsetof(struct gwc_lcore, slice), (size_t)idx * sizeof(*out),
		     sizeof(*out) / sizeof(uint64_t),
		     g->slice[idx].used ? (const uint64_t *)&g->slice[idx].base : NULL,
		     (uint64_t *)out);
}

void
gwc_drops_get(const struct gwc *g, uint64_t out[GWC_DROP_MAX])
{
	counters_sum(g, SIZE_MAX, offsetof(struct gwc_lcore, drops), GWC_DROP_MAX, NULL, out);
}

void
gwc_ipsec_sa_stats_get(const struct gwc *g, int idx, struct gwc_sa_stats *out)
{
	const size_t n = sizeof(struct gwc_sa_lstats) / sizeof(uint64_t);
	unsigned int w;
	size_t k;

	memset(out, 0, sizeof(*out));
	for (w = 0; w < g->dp.n_workers; w++) {
		const uint64_t *src = (const uint64_t *)&g->lc[w]->sa[idx];
		uint64_t *dst = (uint64_t *)out;

		for (k = 0; k < n; k++) {
			if (k == offsetof(struct gwc_sa_lstats, last_tsc) / sizeof(uint64_t))
				dst[k] = RTE_MAX(dst[k], src[k]);
			else
				dst[k] += src[k];
		}
	}
	if (g->sa[idx].used) {
		const uint64_t *b = (const uint64_t *)&g->sa[idx].base;
		uint64_t *dst = (uint64_t *)out;

		for (k = 0; k < n; k++)
			if (k != offsetof(struct gwc_sa_lstats, last_tsc) / sizeof(uint64_t))
				dst[k] -= b[k];
		if (out->last_tsc <= g->sa[idx].base.last_tsc)
			out->last_tsc = 0;
	}
}
