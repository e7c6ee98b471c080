/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for gw-core's per-frame path, driven without ports: frames go in
 * through gwc_worker_inject() on the three net_ring ports of fuzz_gwc.h's gw-core (its
 * tables hold every endpoint type) and come out of their tx rings.
 * An input is a sequence of frames: one byte (bits 0-1: port a/b/c; bit 7: rx as a
 * two-mbuf chain), the length (2 bytes, little endian), the frame; at most 64 frames
 * of at most 9018 bytes. For every frame: it is forwarded, punted to the control thread
 * or counted under a drop reason (never lost without a trace); after every input, once
 * the control thread and the worker have run, every mbuf of both pools is back (no
 * leak); ASan/UBSan watch every access of our code.
 * Seeds: tests/fuzz/dataplane-seeds/ (gen_dataplane_seeds.py). With FUZZ_DATAPLANE_TRACE
 * set, each frame's fate is printed (build/fuzz/fuzz_dataplane SEED_FILE runs one input).
 */
#include "fuzz_gwc.h"

#define MAX_FRAMES 64
#define MAX_LEN 9018

static uint64_t frames_total;   /* frames run through the worker, all inputs */

static void
report(void)
{
	fprintf(stderr, "fuzz_dataplane: %llu frames\n", (unsigned long long)frames_total);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_gwc_init("fuzz_dataplane");
	atexit(report);
	return 0;
}

static unsigned int
tx_count(void)
{
	unsigned int p, n = 0;

	for (p = 0; p < NPORTS; p++)
		n += rte_ring_count(txr[p]);
	return n;
}

static uint64_t
drops_sum(void)
{
	uint64_t d[GWC_DROP_MAX], s = 0;
	unsigned int i;

	gwc_drops_get(g, d);
	for (i = 0; i < GWC_DROP_MAX; i++)
		s += d[i];
	return s;
}

static void
drain(void)
{
	struct rte_mbuf *m[64];
	unsigned int p, n, k;

	for (p = 0; p < NPORTS; p++)
		while ((n = rte_ring_dequeue_burst(txr[p], (void **)m, 64, NULL)) != 0)
			for (k = 0; k < n; k++)
				rte_pktmbuf_free(m[k]);
}

/* The frame as an mbuf (a two-segment chain when asked and long enough), or NULL. */
static struct rte_mbuf *
frame_mbuf(const uint8_t *b, size_t len, bool chain)
{
	struct rte_mempool *mp = gwc_pool(g);
	size_t room = rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM;
	size_t first = chain && len > 1 ? len / 2 : len;
	struct rte_mbuf *m, *m2;

	if (first > room || len - first > room)
		return NULL;
	m = rte_pktmbuf_alloc(mp);
	if (m == NULL)
		return NULL;
	memcpy(rte_pktmbuf_append(m, (uint16_t)first), b, first);
	if (first == len)
		return m;
	m2 = rte_pktmbuf_alloc(mp);
	if (m2 == NULL || rte_pktmbuf_chain(m, m2) != 0) {
		rte_pktmbuf_free(m);
		rte_pktmbuf_free(m2);
		return NULL;
	}
	memcpy(rte_pktmbuf_append(m2, (uint16_t)(len - first)), b + first, len - first);
	return m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t f[MAX_LEN];
	const uint8_t *p = data, *end = data + size;
	const uint8_t *port_b_mac = gwc_port(g, 1)->mac.addr_bytes;
	unsigned int frames = 0, i;
	static int trace = -1;

	if (trace < 0)
		trace = getenv("FUZZ_DATAPLANE_TRACE") != NULL;
	while (end - p >= 3 && frames < MAX_FRAMES) {
		uint8_t flags = p[0];
		size_t len = (size_t)p[1] | (size_t)p[2] << 8;
		uint16_t port = (uint16_t)(flags & 3) % NPORTS;
		unsigned int tx0 = tx_count();
		uint64_t d0 = drops_sum(), p0 = g->lc[0]->punted, dtr[GWC_DROP_MAX];
		struct rte_mbuf *m;

		if (trace)
			gwc_drops_get(g, dtr);
		p += 3;
		if (len > (size_t)(end - p))
			len = (size_t)(end - p);
		if (len > MAX_LEN)
			len = MAX_LEN;
		memcpy(f, p, len);
		p += len;
		frames++;
		/* the seeds' port b MAC is this run's */
		if (port == 1 && len >= 6 && memcmp(f, port_b_seed_mac, 6) == 0)
			memcpy(f, port_b_mac, 6);
		m = frame_mbuf(f, len, flags & 0x80);
		if (m == NULL)
			continue;
		gwc_worker_inject(g, 0, port, &m, 1);
		frames_total++;
		if (trace) {
			uint64_t d[GWC_DROP_MAX];

			gwc_drops_get(g, d);
			fprintf(stderr, "frame %u: port %u, %zu bytes: %u out, %llu punted", frames,
				port, len, tx_count() - tx0,
				(unsigned long long)(g->lc[0]->punted - p0));
			for (i = 0; i < GWC_DROP_MAX; i++)
				if (d[i] != dtr[i])
					fprintf(stderr, ", dropped %s", gwc_drop_name((enum gwc_drop)i));
			fprintf(stderr, "\n");
		}
		if (tx_count() == tx0 && drops_sum() == d0 && g->lc[0]->punted == p0) {
			fprintf(stderr, "frame %u (port %u, %zu bytes) was neither forwarded, "
					"punted nor counted as a drop\n", frames, port, len);
			abort();
		}
		if (tx_count() > 4096)
			drain();
	}
	/* what the control thread answers (ARP, exceptions) goes out; then all is back */
	for (i = 0; i < 4; i++) {
		gwc_control_poll(g, 0);
		gwc_worker_poll_once(g, 0);
		drain();
	}
	if (rte_mempool_avail_count(gwc_pool(g)) != pool_full ||
	    (big != NULL && rte_mempool_avail_count(big) != big_full)) {
		fprintf(stderr, "mbuf leak: pool %u of %u, big pool %u of %u\n",
			rte_mempool_avail_count(gwc_pool(g)), pool_full,
			big != NULL ? rte_mempool_avail_count(big) : 0, big_full);
		abort();
	}
	return 0;
}
