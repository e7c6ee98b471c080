/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a worker lcore may touch (not public): its own struct gwc_lcore, the read-mostly
 * struct gwc_dp every worker shares (the published tables, the rings between threads,
 * the trailer flow table, the crypto device), and the tables themselves (gwc_tables.h).
 * Workers never see the control thread's model (struct gwc, gwc_model.h).
 *
 * Writers: a gwc_lcore's counters and buffers are written by its worker only and summed
 * by the control thread (torn reads are harmless); its rings are SP/SC or MP/SC as noted;
 * struct gwc_dp is set at creation and read-only after, but for 'tables' (the control
 * thread's atomic release store, the workers' acquire load).
 */
#ifndef GWC_LCORE_H
#define GWC_LCORE_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_meter.h>
#include <rte_ether.h>

#include "gwc.h"
#include "gwc_sa.h"
#include "gwc_tables.h"
#include "ppm.h"

struct rte_mbuf;
struct rte_mempool;
struct rte_ring;
struct trl_key;

#define GWC_ESP_BATCH 64       /* ESP packets a worker collects per pass, each way */
#define GWC_HANDOFF_RING 1024  /* ESP waiting for the worker of its SA */

/* Exception ring (m->hash.usr): bit 31 clear: a port index (frames for the AGW itself);
 * set: GWC_EXC_* << 16, with the endpoint id in m->hash.fdir.hi (the other half of the
 * mbuf's 8-byte hash field; gwc_exc_tag()). The inject rings use GWC_INJ_* the same way. */
#define GWC_EXC_TAG (1u << 31)
#define GWC_EXC_ARP 1       /* a copy of an ARP frame seen in a slice with IPsec endpoints */
#define GWC_EXC_RESOLVE 2   /* a packet whose slice-side next hop needs ARP */
#define GWC_INJ_EP 1        /* send through this endpoint */
#define GWC_INJ_FLOOD 2     /* flood into this endpoint's slice, as if it came from it */

/* Tag 'm' for the exception or an inject ring: 'kind' (GWC_EXC_*, GWC_INJ_*) about
 * endpoint 'ep'. Any lcore. */
static inline void
gwc_exc_tag(struct rte_mbuf *m, uint32_t kind, uint32_t ep)
{
	m->hash.usr = GWC_EXC_TAG | kind << 16;
	m->hash.fdir.hi = ep;
}

/* The kind and endpoint of a frame gwc_exc_tag() tagged. */
static inline uint32_t
gwc_exc_kind(const struct rte_mbuf *m)
{
	return (m->hash.usr >> 16) & 0x7fff;
}

static inline uint32_t
gwc_exc_ep(const struct rte_mbuf *m)
{
	return m->hash.fdir.hi;
}

/* What all workers share. Set by the control thread at creation; read-only after, but
 * for 'tables'. */
struct gwc_dp {
	struct gwc_tables *tables;               /* control writes (atomic release), workers
						    read (acquire) */
	struct rte_ring *exc;                    /* workers -> control (MP/SC); m->hash.usr */
	struct gwc_flow_table *flows;            /* trailer flows; any lcore (gwc_flow.h) */
	const struct gwc_crypto *crypto;         /* the IPsec crypto device (gwc_sa.h) */
	struct rte_ether_addr l3_mac;            /* the router MAC inside slices */
	uint16_t n_ports;
	unsigned int n_workers;
	struct rte_ring *handoff[GWC_MAX_WORKERS]; /* each worker's hand-off ring (MP/SC) */
};

/* ------------------------------------------------------------ per lcore */

/* An SA's counters on one lcore (owner lcore writes; only uint64_t: summed as an array). */
struct gwc_sa_lstats {
	uint64_t pkts, bytes, last_tsc;
	uint64_t replay, auth, malformed, trailer, selector;
};

struct gwc_esp_job {
	struct rte_mbuf *m;
	uint16_t sa;
	uint32_t ep;
};

/* An endpoint's policing meter on one lcore (gwc_dp_qos.h). */
struct gwc_meter {
	struct rte_meter_trtcm m;
	uint32_t gen;                            /* the contract it runs (gwc_ep.police_gen) */
};

/* Shaped frames a worker collected for one port's scheduler (gwc_dp_sched.h). */
struct gwc_shq {
	uint16_t n;
	struct rte_mbuf *m[32];                  /* GWC_SCHED_STAGE */
};

/*
 * An endpoint's counters of every frame, kept apart from the rest of its struct
 * gwc_ep_stats (whose first four words they are; gwc_ep_stats_get() adds them in): 32
 * bytes, two endpoints a cache line, so that the in and out endpoints of a slice
 * (consecutive ids) count a frame in one line, and thousands of slices' counters stay
 * within 32 bytes each instead of a 424-byte struct apiece.
 */
struct gwc_ep_hot {
	uint64_t rx_pkts, rx_bytes;
	uint64_t tx_pkts, tx_bytes;
};

struct __rte_cache_aligned gwc_lcore {
	struct gwc_dp *dp;                       /* read-only */
	uint64_t now;                            /* TSC at the start of the current burst */
	struct gwc_meter *meter;                 /* [max_endpoints]: each endpoint's meter */
	unsigned int index;                      /* worker index */
	struct rte_ring *inject;                 /* control -> this worker (SP/SC) */
	struct rte_ring *handoff;                /* other workers -> this one: ESP of its SAs
						    (MP/SC; NULL with one worker) */
	struct rte_mempool *pool;
	struct rte_mempool *big_pool;            /* buffers for a whole frame of the largest
						    MTU, where 'pool''s are smaller; or NULL */
	struct ppm_txbuf tx[GWC_MAX_PORTS];      /* owner lcore */
	struct gwc_shq shq[GWC_MAX_PORTS];       /* owner lcore */
	/* Counters: owner lcore writes, readers sum (torn reads are harmless). */
	uint64_t drops[GWC_DROP_MAX];
	uint64_t punted;
	uint64_t injected;
	uint64_t handed_off;                     /* ESP passed to the worker of its SA */
	uint64_t handed_in;                      /* ESP taken from the hand-off ring */
	uint64_t flows_learned;                  /* trailer flows (re)written */
	uint64_t flow_hits;                      /* untagged frames sent by a known flow */
	uint64_t trl_reappended;                 /* frames to a terminal given a trailer */
	struct gwc_slice_stats *slice;           /* [max_slices], by slice index */
	struct gwc_ep_hot *ep_hot;               /* [max_endpoints], by endpoint id: rx, tx */
	struct gwc_ep_stats *ep;                 /* [max_endpoints], by endpoint id: the rest
						    (its rx and tx words stay 0) */
	/* Trailer keys by slot (trl_auth.h): set by the control thread before the tables
	 * that name the slot are published, freed after the tables that did are retired. */
	struct trl_key *trl_key[GWC_MAX_TRL_KEYS];
	/* ESP collected during a pass, decrypted after it (and encrypted at the end of the
	 * burst) grouped by SA */
	uint16_t n_esp_in, n_esp_out;
	/* The SA esp_sa() last found by SPI, in the tables of version 'spi_memo_ver' (0:
	 * none): the packets of a burst mostly share one SA, and take one hash look-up */
	uint16_t spi_memo_sa;
	uint32_t spi_memo, spi_memo_ver;
	/* The answer l3_route() last gave, for (slice << 32 | IPv4) 'route_memo' in the
	 * tables of version 'route_memo_ver' (0: none): a terminal's traffic and a slice's
	 * traffic into it come in runs of one destination */
	uint64_t route_memo;
	uint32_t route_memo_ep, route_memo_ver;
	struct gwc_esp_job esp_in[GWC_ESP_BATCH], esp_out[GWC_ESP_BATCH];
	/* ESP of other workers' SAs collected during a burst, by worker */
	uint16_t n_ho[GWC_MAX_WORKERS];
	struct rte_mbuf *ho[GWC_MAX_WORKERS][GWC_ESP_BATCH];
	struct gwc_sa_lstats *sa;                /* [max_sas], by SA index */
};


/* gwc_worker.c: ppm's burst and drain callbacks; 'ctx' is the worker's gwc_lcore. */
void gwc_worker_burst(void *ctx, const struct ppm_rxq *q, struct rte_mbuf **pkts, uint16_t n);
void gwc_worker_drain(void *ctx);

#endif /* GWC_LCORE_H */
