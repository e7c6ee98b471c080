/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast-path stage: ESP (RFC 4303; UDP-encapsulated, RFC 3948) for IPsec terminals.
 * Inbound: find the SA by SPI and queue the packet for its worker (SA-to-lcore
 * affinity: one that RSS gave another worker goes to that worker's MP/SC hand-off ring,
 * batched per burst), then decrypt the queue SA by SA after the pass. Outbound: queue
 * per SA, encrypt SA by SA, send to the terminal's outer next hop. The crypto itself is
 * gwc_sa.c. Worker lcore (gwc_dp.h).
 */
#ifndef GWC_DP_ESP_H
#define GWC_DP_ESP_H

#include <rte_ether.h>
#include <rte_hash.h>

#include "gwc_dp.h"
#include "gwc_dp_qos.h"
#include "gwc_sa.h"

#define NATT_PORT 4500

/*
 * Is the UDP datagram at 'off' ESP in UDP (RFC 3948 section 2.2): to port 4500, at
 * least an SPI and a sequence number long, not starting with the four-zero non-ESP
 * marker (IKE) and not a one-byte NAT-keepalive? Everything else on 4500 is charon's.
 */
static inline bool
natt_esp(const struct rte_mbuf *m, uint32_t off)
{
	const uint8_t *u;
	uint32_t spi;

	if (m->data_len < off + 8 + 8)
		return false;
	u = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
	if (u[2] != NATT_PORT >> 8 || u[3] != (NATT_PORT & 0xff))
		return false;
	memcpy(&spi, u + 8, 4);
	return spi != 0;
}

/* Count and drop 'm' of SA 'sa' for reason 'err' (GWC_SA_ERR_*). */
static inline void
sa_drop(struct gwc_lcore *lc, uint16_t sa, struct rte_mbuf *m, uint8_t err)
{
	struct gwc_sa_lstats *st = &lc->sa[sa];

	switch (err) {
	case GWC_SA_ERR_REPLAY:
		st->replay++;
		return drop(lc, m, GWC_DROP_ESP_REPLAY);
	case GWC_SA_ERR_AUTH:
		st->auth++;
		return drop(lc, m, GWC_DROP_ESP_AUTH);
	case GWC_SA_ERR_TRAILER:
		st->trailer++;
		return drop(lc, m, GWC_DROP_ESP_TRAILER);
	default:
		st->malformed++;
		return drop(lc, m, GWC_DROP_ESP_MALFORMED);
	}
}

/* Encrypt what esp_out() queued, SA by SA, and send it to the terminals. */
static void
esp_flush_out(struct gwc_lcore *lc, const struct gwc_tables *t)
{
	struct rte_mbuf *pkts[GWC_ESP_BATCH];
	uint32_t len[GWC_ESP_BATCH];
	unsigned int i = 0, j, n = lc->n_esp_out;
	uint64_t now = rte_rdtsc();

	lc->n_esp_out = 0;
	while (i < n) {
		uint16_t sa = lc->esp_out[i].sa, k, c = 0, x;
		const struct gwc_ep *ep = t->ep[lc->esp_out[i].ep];
		const struct gwc_port_tab *pt = &t->port[ep->port];
		struct gwc_sa_lstats *st = &lc->sa[sa];
		uint64_t clear = 0, wire = 0;   /* bytes of what was sent, before and after */
		uint16_t sent = 0;

		for (j = i; j < n && lc->esp_out[j].sa == sa; j++) {
			len[c] = lc->esp_out[j].m->pkt_len - lc->esp_out[j].m->l2_len;
			pkts[c++] = lc->esp_out[j].m;
		}
		i = j;
		k = gwc_sa_outbound(lc->dp->crypto, t->sa[sa].sa, (uint16_t)lc->index, pkts, c);
		for (x = k; x < c; x++)
			ep_drop(lc, pkts[x], ep->id, GWC_DROP_ESP_ENCRYPT);
		for (x = 0; x < k; x++) {
			struct rte_mbuf *m = pkts[x];

			rte_memcpy(rte_pktmbuf_mtod(m, void *), ep->hdr, 2 * RTE_ETHER_ADDR_LEN);
			if (unlikely(m->pkt_len - sizeof(struct rte_ether_hdr) > pt->mtu)) {
				ep_drop(lc, m, ep->id, GWC_DROP_TOO_BIG);
				continue;
			}
			sent++;
			clear += len[x];
			wire += m->pkt_len;
			ppm_txbuf_put(&lc->tx[ep->port], m);
		}
		if (sent != 0) {
			st->pkts += sent;
			st->bytes += clear;
			st->last_tsc = now;
			lc->ep_hot[ep->id].tx_pkts += sent;
			lc->ep_hot[ep->id].tx_bytes += wire;
		}
	}
}

/* What SA 's' is read by, fetched while the pass goes on: the packet waits for the end
 * of the pass, and with thousands of SAs each line of the SA is a cache miss. With few,
 * they stay cached: the first line of each span is enough. At 10,000 SAs with the
 * terminals' packets in no particular order, every line gave a median 1.23x the frames a
 * second of the same without the session's lines, 1.56x of no prefetch (5 rounds each);
 * in the order the SAs were made (make bench's input), which the core's own prefetchers
 * follow, the difference is within the noise (docs/benchmarks.md). */
static inline void
esp_sa_prefetch(const struct gwc_tables *t, const struct gwc_sa_tab *s)
{
	unsigned int i, l;

	for (i = 0; i < GWC_SA_HOT; i++) {
		const uint8_t *p = s->hot[i].addr;
		unsigned int n = t->sa_prefetch_whole ? s->hot[i].lines
						      : RTE_MIN(s->hot[i].lines, 1u);

		for (l = 0; l < n; l++)
			rte_prefetch0(p + l * RTE_CACHE_LINE_SIZE);
	}
}

/* SA 'sa' for a job about to join the 'n' queued in 'q': prefetched, unless the last of
 * them has that SA (a terminal's packets come in runs; its lines are on their way: at
 * 64 B, about 2 % more decrypted packets a second with one SA). @return true when the
 * job starts a run of its SA (and the SA was prefetched). */
static inline bool
esp_job_prefetch(const struct gwc_tables *t, const struct gwc_esp_job *q, uint16_t n, uint16_t sa)
{
	if (n != 0 && q[n - 1].sa == sa)
		return false;
	esp_sa_prefetch(t, &t->sa[sa]);
	return true;
}

/* Queue 'm' (Ethernet header of m->l2_len bytes, then IPv4) for terminal 'ep'. */
static inline void
esp_out(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_ep *ep,
	struct rte_mbuf *m)
{
	if (unlikely(ep->out_sa == GWC_SA_NONE))
		return ep_drop(lc, m, ep->id, GWC_DROP_NO_SA);
	if (unlikely(ep->policed) && police_drop(lc, ep, m, m->pkt_len))
		return;
	if (unlikely(!ep->nh_ok))
		return ep_drop(lc, m, ep->id, GWC_DROP_NO_NEXTHOP);
	if (lc->n_esp_out == GWC_ESP_BATCH)
		esp_flush_out(lc, t);
	esp_job_prefetch(t, lc->esp_out, lc->n_esp_out, ep->out_sa);
	lc->esp_out[lc->n_esp_out++] = (struct gwc_esp_job){ .m = m, .sa = ep->out_sa,
							      .ep = ep->id };
}

/*
 * The inbound SA of ESP packet 'm' (m->l2_len, l3_len set) by its SPI; -1: dropped. A
 * packet with the SPI of the one before, under the same tables, reuses its answer
 * (lc->spi_memo): a terminal's packets come in runs of one SA. Otherwise the SPI's slot
 * answers when the entry it names has that SPI (gwc_tables.h), else the SPI hash.
 */
static inline int
esp_sa(struct gwc_lcore *lc, const struct gwc_tables *t, struct rte_mbuf *m)
{
	uint32_t spi, sa;
	uint16_t v;
	void *d;

	memcpy(&spi, rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len + m->l3_len), 4);
	spi = rte_be_to_cpu_32(spi);
	if (likely(spi == lc->spi_memo && t->version == lc->spi_memo_ver)) {
		sa = lc->spi_memo_sa;
	} else {
		if (unlikely(t->spi == NULL)) {
			drop(lc, m, GWC_DROP_NO_SA);
			return -1;
		}
		v = __atomic_load_n(&t->spi_slot[spi & t->spi_slot_mask], __ATOMIC_ACQUIRE);
		if (likely(v != 0 && t->sa[v - 1].spi_in == spi)) {
			sa = v - 1u;
		} else {
			if (rte_hash_lookup_data(t->spi, &spi, &d) < 0) {
				drop(lc, m, GWC_DROP_NO_SA);
				return -1;
			}
			sa = (uint32_t)(uintptr_t)d;
		}
		lc->spi_memo = spi;
		lc->spi_memo_sa = (uint16_t)sa;
		lc->spi_memo_ver = t->version;
	}
	if (t->sa[sa].sa == NULL || t->ep[t->sa[sa].ep] == NULL) {
		drop(lc, m, GWC_DROP_NO_SA);
		return -1;
	}
	return (int)sa;
}

/* What the slice router and the counters read of terminal 'ep' (inbound SA 'sa') for a
 * decrypted packet: the endpoint's first line (id, slice) and the lines of its traffic
 * selectors and next hop (l3_in()), the SA's counters (esp_decrypt()) and the
 * endpoint's (bridge_routed()). With thousands of terminals each is a cache miss, and
 * with the packets in no particular order the core's prefetchers cannot guess them.
 * At 10,000 SAs, two A/Bs of 5 interleaved rounds: shuffled packets, medians 1.27x and
 * 1.16x the frames a second (higher in 9 of 10); in the SA order of make bench's input,
 * 1.035x and 1.07x (9 of 10). Only with SAs many (t->sa_prefetch_whole), as the SA's,
 * and once a run of one SA (esp_job_prefetch()). */
static inline void
esp_term_prefetch(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t sa, uint32_t ep)
{
	const struct gwc_ep *e = t->ep[ep];

	rte_prefetch0(e);
	rte_prefetch0(&e->conf.ts_remote[0]);
	rte_prefetch0(&e->conf.has_gw_mac);
	rte_prefetch0(&lc->sa[sa]);
	rte_prefetch0(&lc->ep_hot[ep]);
}

/* Queue 'm' of inbound SA 'sa' (its endpoint in 't', esp_sa()) for decryption at the end
 * of the burst. */
static inline void
esp_queue(struct gwc_lcore *lc, const struct gwc_tables *t, struct rte_mbuf *m, uint16_t sa)
{
	uint32_t ep = t->sa[sa].ep;

	/* There is room: the worker decrypts after every pass of at most GWC_PASS frames,
	 * and takes from its hand-off ring at most the room left. */
	RTE_BUILD_BUG_ON(GWC_PASS > GWC_ESP_BATCH);
	if (esp_job_prefetch(t, lc->esp_in, lc->n_esp_in, sa) && unlikely(t->sa_prefetch_whole))
		esp_term_prefetch(lc, t, sa, ep);
	lc->esp_in[lc->n_esp_in++] = (struct gwc_esp_job){ .m = m, .sa = sa, .ep = ep };
}

/* Pass what this burst collected for other workers' SAs to their hand-off rings. */
static void
handoff_flush(struct gwc_lcore *lc)
{
	unsigned int w, k, n;

	for (w = 0; w < lc->dp->n_workers; w++) {
		n = lc->n_ho[w];
		if (n == 0)
			continue;
		lc->n_ho[w] = 0;
		k = rte_ring_mp_enqueue_burst(lc->dp->handoff[w], (void **)lc->ho[w], n, NULL);
		lc->handed_off += k;
		for (; k < n; k++)
			drop(lc, lc->ho[w][k], GWC_DROP_HANDOFF_FULL);
	}
}

/* ESP that RSS gave another worker, for the SAs this one decrypts: queue it here. */
static void
handoff_in(struct gwc_lcore *lc, const struct gwc_tables *t)
{
	struct rte_mbuf *pkts[32];
	unsigned int i, n;
	int sa;

	n = rte_ring_sc_dequeue_burst(lc->handoff, (void **)pkts,
				      RTE_MIN(RTE_DIM(pkts), (unsigned int)(GWC_ESP_BATCH - lc->n_esp_in)),
				      NULL);
	lc->handed_in += n;
	for (i = 0; i < n; i++) {
		/* the tables may have changed since: look the SA up again; never pass it on */
		sa = esp_sa(lc, t, pkts[i]);
		if (sa >= 0)
			esp_queue(lc, t, pkts[i], (uint16_t)sa);
	}
}

/*
 * An ESP packet to us (validated outer IPv4, padding trimmed): find its SA by SPI and
 * queue it for decryption at the end of the burst, here or, when another worker
 * decrypts that SA, on that worker's hand-off ring. 'hl': outer IPv4 header length,
 * plus 8 when UDP-encapsulated. @return LOCAL_DONE.
 */
static inline int
esp_in(struct gwc_lcore *lc, const struct gwc_tables *t, struct rte_mbuf *m, uint32_t hl)
{
	const uint32_t eh = sizeof(struct rte_ether_hdr);
	uint16_t w;
	int sa;

	if (unlikely(m->data_len < eh + hl + 8)) {
		drop(lc, m, GWC_DROP_ESP_MALFORMED);
		return LOCAL_DONE;
	}
	m->l2_len = eh;
	m->l3_len = hl;
	sa = esp_sa(lc, t, m);
	if (sa < 0)
		return LOCAL_DONE;
	w = t->sa[sa].lcore;
	if (lc->handoff != NULL && w != lc->index) {
		if (lc->n_ho[w] == GWC_ESP_BATCH)
			handoff_flush(lc);
		lc->ho[w][lc->n_ho[w]++] = m;
		return LOCAL_DONE;
	}
	esp_queue(lc, t, m, (uint16_t)sa);
	return LOCAL_DONE;
}


/*
 * Decrypt what esp_in() queued, SA by SA, into 'dec' (GWC_ESP_BATCH jobs: each packet,
 * now its inner IPv4, with its SA and endpoint) for the slice router (gwc_dp_l3.h);
 * failures are counted by reason and freed. @return the jobs in 'dec'.
 */
static inline uint16_t
esp_decrypt(struct gwc_lcore *lc, const struct gwc_tables *t, uint64_t now,
	    struct gwc_esp_job *dec)
{
	struct rte_mbuf *pkts[GWC_ESP_BATCH];
	uint8_t err[GWC_ESP_BATCH];
	unsigned int i = 0, j, n = lc->n_esp_in;
	uint16_t nd = 0;

	lc->n_esp_in = 0;
	while (i < n) {
		uint16_t sa = lc->esp_in[i].sa, k, c = 0, x;
		uint32_t ep = lc->esp_in[i].ep;
		struct gwc_sa_lstats *st = &lc->sa[sa];
		uint64_t bytes = 0;

		for (j = i; j < n && lc->esp_in[j].sa == sa; j++)
			pkts[c++] = lc->esp_in[j].m;
		i = j;
		k = gwc_sa_inbound(lc->dp->crypto, t->sa[sa].sa, (uint16_t)lc->index, pkts, c, err);
		for (x = 0; x < k; x++) {
			bytes += pkts[x]->pkt_len;
			dec[nd++] = (struct gwc_esp_job){ .m = pkts[x], .sa = sa, .ep = ep };
		}
		if (k != 0) {
			st->pkts += k;
			st->bytes += bytes;
			st->last_tsc = now;
		}
		for (x = k; x < c; x++)
			sa_drop(lc, sa, pkts[x], err[x - k]);
	}
	return nd;
}

#endif /* GWC_DP_ESP_H */
