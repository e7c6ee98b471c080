/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core fast path, run by every worker lcore on each rx burst. The stages are static
 * inline functions in the gwc_dp_*.h headers (gwc_dp.h draws their graph); this file
 * runs them in order over vectors of frames, each frame to exactly one next step:
 *
 *   rx burst -> classify (decapsulate; ESP queued) -> bridge -> output -> tx buffer
 *            -> ESP decrypt -> slice router -> bridge (or ESP encrypt) -> ...
 *
 * ESP: each inbound SA is decrypted by one worker (its 'lcore', the least loaded when
 * the SA was added: SA-to-lcore affinity, so one cache holds its window and keys); a
 * packet that RSS put on another worker is passed to that one's hand-off ring (MP/SC,
 * GWC_HANDOFF_RING) at the end of the burst, and taken from it at the end of that
 * worker's next burst or drain. Outbound SAs are used by any worker.
 *
 * Zero-copy: headers are pulled and pushed in place; payload bytes are never copied
 * (flood copies share the payload through rte_pktmbuf_clone() on ports that transmit
 * chained mbufs, and are copied only on ports that do not). No locks (but an inbound
 * SA's uncontended window lock, gwc_sa.c), allocation (beyond flood clones), syscalls
 * or logs here. Reads only its own struct gwc_lcore, struct gwc_dp and the tables.
 */
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "gwc_dp.h"
#include "gwc_dp_bridge.h"
#include "gwc_dp_classify.h"
#include "gwc_dp_esp.h"
#include "gwc_dp_l3.h"
#include "gwc_dp_out.h"

/* Every frame of 'v' into its slice. */
static inline void
bridge_vec(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_bvec *v,
	   uint64_t now)
{
	uint16_t i;

	if (unlikely(t->bridge_prefetch))
		bridge_prefetch(lc, t, v->id, v->m, v->n);
	for (i = 0; i < v->n; i++)
		bridge_in(lc, t, v->id[i], v->m[i], v->tagged[i], now);
}

/* Decrypt the ESP queued so far, route it, and bridge what goes into slices. */
static inline void
esp_in_stage(struct gwc_lcore *lc, const struct gwc_tables *t, uint64_t now)
{
	struct gwc_esp_job dec[GWC_ESP_BATCH];
	struct gwc_bvec bv;
	uint16_t i, n;

	RTE_BUILD_BUG_ON(GWC_ESP_BATCH > GWC_PASS);   /* bv holds a whole batch */
	if (lc->n_esp_in == 0)
		return;
	n = esp_decrypt(lc, t, now, dec);
	bv.n = 0;
	for (i = 0; i < n; i++)
		l3_in(lc, t, dec[i].sa, t->ep[dec[i].ep], dec[i].m, &bv);
	bridge_routed(lc, t, &bv, now);
}

/*
 * 'n' <= GWC_PASS frames from one rx queue: first each frame's endpoint (decapsulation,
 * frames for the AGW, trailer classification, ESP queued), then each classified frame
 * into its slice, then the ESP this pass queued. One frame's table look-ups are a chain
 * of dependent loads; with the steps apart, the chains of consecutive frames overlap
 * (VID rewrite at 64 B on hugepages, interleaved runs: about 101 to 94 cycles a frame).
 */
static inline void
burst_pass(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t port,
	   struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	struct gwc_bvec v;
	uint16_t i;

	v.n = 0;
	if (t->port[port].n_trl != 0 && lc->dp->flows->a.bucket_mask >= GWC_FLOW_PREFETCH_BUCKETS)
		trailer_prefetch(lc, pkts, n, port);
	for (i = 0; i < n; i++) {
		uint32_t id = classify(lc, t, port, pkts[i], now, &v.tagged[v.n]);

		if (id != GWC_EP_NONE) {
			v.m[v.n] = pkts[i];
			v.id[v.n++] = id;
		}
	}
	bridge_vec(lc, t, &v, now);
	esp_in_stage(lc, t, now);
}

void
gwc_worker_burst(void *ctx, const struct ppm_rxq *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct gwc_lcore *lc = ctx;
	const struct gwc_tables *t = __atomic_load_n(&lc->dp->tables, __ATOMIC_ACQUIRE);
	uint64_t now = rte_rdtsc();
	uint16_t i;

	lc->now = now;
	for (i = 0; i < n; i += GWC_PASS)
		burst_pass(lc, t, q->port_idx, pkts + i, RTE_MIN((uint16_t)(n - i), (uint16_t)GWC_PASS),
			   now);
	if (lc->handoff != NULL) {
		handoff_flush(lc);
		handoff_in(lc, t);
		esp_in_stage(lc, t, now);
	}
	if (lc->n_esp_out != 0)
		esp_flush_out(lc, t);
	if (unlikely(t->n_sched != 0))
		sched_stage(lc, t);
}

/* A frame from the control thread for an endpoint (GWC_INJ_EP) or a slice (GWC_INJ_FLOOD). */
static void
inject_ep(struct gwc_lcore *lc, struct rte_mbuf *m)
{
	const struct gwc_tables *t = __atomic_load_n(&lc->dp->tables, __ATOMIC_ACQUIRE);
	uint32_t kind = gwc_exc_kind(m), id = gwc_exc_ep(m);
	const struct gwc_ep *ep = gwc_tables_ep(t, id);

	if (ep == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	lc->injected++;
	if (kind == GWC_INJ_FLOOD)
		flood(lc, t, &t->slice[ep->slice], id, m, false);
	else
		ep_output(lc, t, ep, m, false);
	if (lc->n_esp_out != 0)
		esp_flush_out(lc, t);
}

void
gwc_worker_drain(void *ctx)
{
	struct gwc_lcore *lc = ctx;
	const struct gwc_tables *t;
	struct rte_mbuf *pkts[32];
	unsigned int i, n;
	uint16_t p;

	lc->now = rte_rdtsc();
	/* ESP from the other workers for this one's SAs, also while its own rx is idle */
	if (lc->handoff != NULL) {
		const struct gwc_tables *t = __atomic_load_n(&lc->dp->tables, __ATOMIC_ACQUIRE);

		handoff_in(lc, t);
		esp_in_stage(lc, t, rte_rdtsc());
		if (lc->n_esp_out != 0)
			esp_flush_out(lc, t);
	}
	/* Frames from the control thread (TAP, ARP requests): m->hash.usr is the port index. */
	n = rte_ring_sc_dequeue_burst(lc->inject, (void **)pkts, RTE_DIM(pkts), NULL);
	for (i = 0; i < n; i++) {
		uint32_t port = pkts[i]->hash.usr;

		if (port & GWC_EXC_TAG) {
			inject_ep(lc, pkts[i]);
			continue;
		}
		if (unlikely(port >= lc->dp->n_ports)) {
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		lc->injected++;
		ppm_txbuf_put(&lc->tx[port], pkts[i]);
	}
	t = __atomic_load_n(&lc->dp->tables, __ATOMIC_ACQUIRE);
	if (unlikely(t->n_sched != 0))
		sched_stage(lc, t);
	for (p = 0; p < lc->dp->n_ports; p++)
		ppm_txbuf_flush(&lc->tx[p]);
}
