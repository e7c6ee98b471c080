/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a random cache line costs on this machine, for the scaling table of make bench
 * (tools/bench/run_bench.py): the floor under gw-core's per-frame cost once its state
 * (endpoints, counters, MAC buckets) no longer fits in the cache.
 *   mem_probe MIB [ACCESSES]
 * Over a buffer of MIB MiB (4 KiB pages), ACCESSES (default 4,000,000) 64-byte lines in
 * a random order, read two ways:
 *  - chained: each line's address comes from the line before (a pointer chase): the
 *    latency of one miss, as a frame's dependent look-ups pay it;
 *  - independent: the addresses known ahead, each line prefetched 16 accesses before it
 *    is read, so that misses overlap as far as the core allows: the best a fast path
 *    that prefetches can do per line.
 * Prints "chained CYCLES" and "independent CYCLES" (TSC cycles per line, the median of
 * 5 rounds).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x86intrin.h>

#define LINE 64
#define ROUNDS 5
#define AHEAD 16

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 0, lines, i, r;
	size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 4000000;
	double chained[ROUNDS], indep[ROUNDS];
	uint64_t seed = 0x9e3779b97f4a7c15ull, sum = 0;
	uint32_t *order, *idx;
	char *buf;

	if (mib == 0 || n == 0) {
		fprintf(stderr, "usage: mem_probe MIB [ACCESSES]\n");
		return 2;
	}
	lines = mib * 1024 * 1024 / LINE;
	buf = aligned_alloc(4096, lines * LINE);
	order = malloc(lines * sizeof(*order));
	idx = malloc((n + AHEAD) * sizeof(*idx));
	if (buf == NULL || order == NULL || idx == NULL) {
		fprintf(stderr, "mem_probe: out of memory\n");
		return 1;
	}
	memset(buf, 1, lines * LINE);
	/* one cycle through every line in a random order (Sattolo): the chase's links */
	for (i = 0; i < lines; i++)
		order[i] = (uint32_t)i;
	for (i = lines - 1; i > 0; i--) {
		size_t j = xorshift(&seed) % i;
		uint32_t x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
	for (i = 0; i < lines; i++)
		*(uint64_t *)(buf + (size_t)order[i] * LINE) = (uint64_t)order[(i + 1) % lines] * LINE;
	for (i = 0; i < n + AHEAD; i++)
		idx[i] = (uint32_t)(xorshift(&seed) % lines);
	for (r = 0; r < ROUNDS; r++) {
		uint64_t off = (uint64_t)order[0] * LINE, t0;

		t0 = __rdtsc();
		for (i = 0; i < n; i++)
			off = *(volatile uint64_t *)(buf + off);
		chained[r] = (double)(__rdtsc() - t0) / (double)n;
		sum += off;
		t0 = __rdtsc();
		for (i = 0; i < n; i++) {
			_mm_prefetch(buf + (size_t)idx[i + AHEAD] * LINE, _MM_HINT_T0);
			sum += *(volatile uint64_t *)(buf + (size_t)idx[i] * LINE);
		}
		indep[r] = (double)(__rdtsc() - t0) / (double)n;
	}
	qsort(chained, ROUNDS, sizeof(double), cmp_double);
	qsort(indep, ROUNDS, sizeof(double), cmp_double);
	printf("chained %.1f\nindependent %.1f\n", chained[ROUNDS / 2], indep[ROUNDS / 2]);
	fprintf(stderr, "(checksum %llu)\n", (unsigned long long)sum);
	free(buf);
	free(order);
	free(idx);
	return 0;
}
