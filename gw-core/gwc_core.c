/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core's life cycle (control thread): the mbuf pool, the ports and their exception
 * TAPs, the rings, the workers and their lcore state at creation; the control thread's
 * pass; the hooks tests and benchmarks drive workers through.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "gwc_ctl.h"
#include "gwc_flow.h"
#include "gwc_mac.h"
#include "gwc_model.h"
#include "gwc_sched.h"
#include "trl_auth.h"

/*
 * Where a frame must sit in one buffer (a trailer re-appended: the codec works on the
 * whole IPv4 packet) and a port's MTU does not fit [pool] data_room, rx scatters it over
 * a chain; a second pool of GWC_BIG_MBUFS buffers sized for the largest MTU (frame,
 * tag, trailer with tag, headroom) takes the copy. Made only when some MTU needs it.
 */
#define GWC_BIG_MBUFS 1023
static int
big_pool(struct gwc *g, struct gwc_err *e)
{
	unsigned int mtu = 0, room;
	int p;

	for (p = 0; p < g->conf.n_ports; p++)
		if (g->conf.port[p].mtu > mtu)
			mtu = g->conf.port[p].mtu;
	room = RTE_PKTMBUF_HEADROOM + mtu + RTE_ETHER_HDR_LEN + 4 + 32;
	if (room <= g->conf.data_room)
		return 0;
	room = RTE_ALIGN_CEIL(room, 64);
	g->big_pool = ppm_pool_create("gwc_big_pool", GWC_BIG_MBUFS, 32, room);
	if (g->big_pool == NULL) {
		gwc_errf(e, "pool of %u buffers of %u bytes for frames of MTU %u: %s (raise [eal] "
			    "memory_mb)", GWC_BIG_MBUFS, room, mtu, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

/* A worker's arrays by endpoint id and slice index, on its socket; any of them may be
 * left NULL (out of memory). */
static void
lcore_arrays_alloc(struct gwc_lcore *lc, const struct gwc_conf *c, int socket)
{
	lc->meter = rte_zmalloc_socket("gwc_meter", c->max_endpoints * sizeof(*lc->meter),
				       RTE_CACHE_LINE_SIZE, socket);
	lc->ep_hot = rte_zmalloc_socket("gwc_ep_hot", c->max_endpoints * sizeof(*lc->ep_hot),
					RTE_CACHE_LINE_SIZE, socket);
	lc->ep = rte_zmalloc_socket("gwc_ep_stats", c->max_endpoints * sizeof(*lc->ep),
				    RTE_CACHE_LINE_SIZE, socket);
	lc->slice = rte_zmalloc_socket("gwc_slice_stats", c->max_slices * sizeof(*lc->slice),
				       RTE_CACHE_LINE_SIZE, socket);
	lc->sa = rte_zmalloc_socket("gwc_sa_stats", c->max_sas * sizeof(*lc->sa),
				    RTE_CACHE_LINE_SIZE, socket);
}

static void
lcore_arrays_free(struct gwc_lcore *lc)
{
	rte_free(lc->meter);
	rte_free(lc->ep_hot);
	rte_free(lc->ep);
	rte_free(lc->slice);
	rte_free(lc->sa);
}

struct gwc *
gwc_create(const struct gwc_conf *c, struct gwc_err *e)
{
	unsigned int lcore, w = 0, p;
	char name[RTE_RING_NAMESIZE];
	struct gwc *g;

	g = rte_zmalloc("gwc", sizeof(*g), RTE_CACHE_LINE_SIZE);
	if (g == NULL) {
		gwc_errf(e, "out of memory for gw-core state");
		return NULL;
	}
	g->conf = *c;
	g->conf.cfgfile = NULL;
	if (gwc_model_init(g, e) != 0)
		goto fail;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (w == GWC_MAX_WORKERS)
			break;
		g->worker[w++].lcore_id = lcore;
	}
	g->dp.n_workers = w;
	g->dp.crypto = &g->crypto;
	if (g->dp.n_workers == 0) {
		gwc_errf(e, "no worker lcore: [eal] lcores = '%s' names one lcore; give at least "
			    "two (the first is the control thread), e.g. 0-1", c->lcores);
		goto fail;
	}

	g->pool = ppm_pool_create("gwc_pool", c->pool_mbufs, c->pool_cache, c->data_room);
	if (g->pool == NULL) {
		gwc_errf(e, "mbuf pool of %u mbufs: %s (lower [pool] mbufs or raise [eal] memory_mb)",
			 c->pool_mbufs, rte_strerror(rte_errno));
		goto fail;
	}
	if (big_pool(g, e) != 0)
		goto fail;
	g->qsbr = ppm_rcu_create(g->dp.n_workers);
	g->dp.exc = rte_ring_create("gwc_exc", 1024, (int)rte_socket_id(), RING_F_SC_DEQ);
	if (g->qsbr == NULL || g->dp.exc == NULL) {
		gwc_errf(e, "out of memory for rings");
		goto fail;
	}
	g->dp.flows = gwc_flow_create(c->trailer_flows,
				   rte_get_tsc_hz() / 1000 * c->trailer_flow_aging_ms);
	if (g->dp.flows == NULL) {
		gwc_errf(e, "out of memory for %u trailer flows (lower [gw-core] trailer_flows)",
			 c->trailer_flows);
		goto fail;
	}

	for (p = 0; p < c->n_ports; p++) {
		const struct gwc_port_conf *pc = &c->port[p];
		struct ppm_port_conf ppc = {
			.name = pc->name, .dev = pc->dev, .nb_rxq = (uint16_t)g->dp.n_workers,
			.nb_txq = (uint16_t)g->dp.n_workers, .rxd = pc->rxd, .txd = pc->txd,
			.mtu = pc->mtu, .pool = g->pool, .promisc = true,
		};
		int rc = ppm_port_open(&g->port[p], &ppc);

		if (rc != 0) {
			gwc_errf(e, "port %s (%s): %s", pc->name, pc->dev,
				 rc == -ENOTSUP ? "too few tx queues for the workers (see the log)" :
						  rte_strerror(-rc));
			goto fail;
		}
		g->dp.n_ports++;
		if (pc->has_ip && !pc->no_tap) {
			char tap[16];

			if (pc->tap[0] != '\0')
				snprintf(tap, sizeof(tap), "%s", pc->tap);
			else
				snprintf(tap, sizeof(tap), "gwc-%.11s", pc->name);
			rc = ppm_tap_open(&g->tap[p], tap, &g->port[p].mac, g->pool);
			if (rc == 0)
				rc = ppm_if_set_ipv4(tap, pc->ip, pc->prefix);
			if (rc != 0) {
				gwc_errf(e, "port %s: exception TAP %s: %s (set tap = none to run "
					    "without one)", pc->name, tap, rte_strerror(-rc));
				goto fail;
			}
		}
	}

	for (w = 0; w < g->dp.n_workers; w++) {
		struct ppm_worker *wk = &g->worker[w];
		struct gwc_lcore *lc;

		/* Page-aligned, as the tables and the MAC and flow tables are: where a
		 * worker's hot state lies within a page no longer depends on the size of
		 * what was allocated before it (a struct gwc 232 bytes smaller made VID
		 * rewrite about 5 % slower with the same worker code). */
		lc = rte_zmalloc_socket("gwc_lcore", sizeof(*lc), 4096,
					(int)rte_lcore_to_socket_id(wk->lcore_id));
		snprintf(name, sizeof(name), "gwc_inj%u", w);
		if (lc != NULL)
			lc->inject = rte_ring_create(name, 512, (int)rte_socket_id(),
						     RING_F_SP_ENQ | RING_F_SC_DEQ);
		/* ESP for the SAs this worker decrypts, from the others (gwc_worker.c) */
		snprintf(name, sizeof(name), "gwc_ho%u", w);
		if (lc != NULL && lc->inject != NULL && g->dp.n_workers > 1)
			lc->handoff = rte_ring_create(name, GWC_HANDOFF_RING, (int)rte_socket_id(),
						      RING_F_SC_DEQ);
		/* policing meters and counters, by endpoint id and slice index */
		if (lc != NULL)
			lcore_arrays_alloc(lc, c, (int)rte_lcore_to_socket_id(wk->lcore_id));
		if (lc == NULL || lc->inject == NULL || lc->meter == NULL || lc->ep == NULL ||
		    lc->ep_hot == NULL ||
		    lc->slice == NULL || lc->sa == NULL ||
		    (g->dp.n_workers > 1 && lc->handoff == NULL)) {
			if (lc != NULL) {
				rte_ring_free(lc->inject);
				rte_ring_free(lc->handoff);
				lcore_arrays_free(lc);
			}
			rte_free(lc);
			gwc_errf(e, "out of memory for worker %u: %u endpoints cost %zu bytes each, "
				    "%u slices %zu and %u SAs %zu (lower [gw-core] max_endpoints, "
				    "max_slices or max_sas, or raise [eal] memory_mb)", w,
				 c->max_endpoints, sizeof(struct gwc_meter) + sizeof(struct gwc_ep_stats) +
					 sizeof(struct gwc_ep_hot),
				 c->max_slices, sizeof(struct gwc_slice_stats), c->max_sas,
				 sizeof(struct gwc_sa_lstats));
			goto fail;
		}
		g->lc[w] = lc;
		g->dp.handoff[w] = lc->handoff;
		lc->dp = &g->dp;
		lc->index = w;
		lc->pool = g->pool;
		lc->big_pool = g->big_pool;
		for (p = 0; p < g->dp.n_ports; p++)
			gwc_port_join_worker(g, w, (uint16_t)p);
		wk->thread_id = w;
		wk->burst = c->burst;
		wk->drain_tsc = rte_get_tsc_hz() / 1000000 * c->drain_us;
		wk->idle_sleep_us = c->idle_sleep_us;
		wk->qsbr = g->qsbr;
		wk->burst_fn = gwc_worker_burst;
		wk->drain_fn = gwc_worker_drain;
		wk->ctx = lc;
		if (ppm_worker_commit(wk) != 0) {
			gwc_errf(e, "out of memory for worker %u's poll list", w);
			goto fail;
		}
	}

	if (gwc_ipsec_init(g, e) != 0)
		goto fail;
	if (gwc_tables_publish(g) != 0) {
		gwc_errf(e, "out of memory for tables");
		goto fail;
	}
	for (p = 0; p < g->dp.n_ports; p++)
		if (c->port[p].rate_bps != 0 &&
		    gwc_sched_port_set(g, (uint16_t)p, c->port[p].rate_bps, e) != 0)
			goto fail;
	GWC_LOG(INFO, "gw-core (%s) created: %u ports, %u workers",
		c->role == GWC_ROLE_SEP_GW ? "sep-gw" : "agw", g->dp.n_ports, g->dp.n_workers);
	return g;
fail:
	gwc_destroy(g);
	return NULL;
}

int
gwc_start(struct gwc *g)
{
	unsigned int w;
	int rc;

	for (w = 0; w < g->dp.n_workers; w++) {
		rc = ppm_worker_launch(&g->worker[w]);
		if (rc != 0) {
			gwc_stop(g);
			return rc;
		}
	}
	g->running = true;
	return 0;
}

void
gwc_stop(struct gwc *g)
{
	unsigned int w;

	for (w = 0; w < g->dp.n_workers; w++)
		ppm_worker_stop(&g->worker[w]);
	g->running = false;
}

static void
free_ring_mbufs(struct rte_ring *r)
{
	void *m;

	while (r != NULL && rte_ring_dequeue(r, &m) == 0)
		rte_pktmbuf_free(m);
}

void
gwc_destroy(struct gwc *g)
{
	unsigned int i;

	if (g == NULL)
		return;
	gwc_stop(g);
	gwc_ctl_close(g);
	for (i = 0; i < g->dp.n_workers; i++) {
		unsigned int k;

		if (g->lc[i] == NULL)
			continue;
		for (k = 0; k < GWC_MAX_TRL_KEYS; k++)
			trl_key_free(g->lc[i]->trl_key[k]);
		free_ring_mbufs(g->lc[i]->inject);
		rte_ring_free(g->lc[i]->inject);
		rte_ring_free(g->lc[i]->handoff);
		lcore_arrays_free(g->lc[i]);
		rte_free(g->lc[i]);
	}
	for (i = 0; i < GWC_MAX_WORKERS; i++)
		ppm_worker_fini(&g->worker[i]);
	free_ring_mbufs(g->dp.exc);
	rte_ring_free(g->dp.exc);
	for (i = 0; i < GWC_MAX_PORTS; i++) {
		ppm_port_close(&g->port[i]);
		ppm_port_close(&g->tap[i]);
	}
	gwc_tables_fini(g);
	gwc_sched_free_all(g);
	gwc_ipsec_fini(g);
	for (i = 0; g->slice != NULL && i < g->conf.max_slices; i++)
		gwc_mac_destroy(g->slice[i].mac);
	gwc_model_fini(g);
	rte_free(g->dp.flows);
	rte_free(g->qsbr);
	rte_mempool_free(g->pool);
	rte_mempool_free(g->big_pool);
	rte_free(g);
}

unsigned int
gwc_worker_poll_once(struct gwc *g, unsigned int w)
{
	unsigned int n = ppm_worker_poll(&g->worker[w]);

	gwc_worker_drain(g->lc[w]);
	return n;
}

void
gwc_worker_inject(struct gwc *g, unsigned int w, uint16_t port_idx, struct rte_mbuf **pkts,
		  uint16_t n)
{
	struct ppm_rxq q = { .port_id = g->port[port_idx].port_id, .port_idx = port_idx };

	gwc_worker_burst(g->lc[w], &q, pkts, n);
	gwc_worker_drain(g->lc[w]);
}

struct rte_mempool *
gwc_pool(struct gwc *g)
{
	return g->pool;
}

const struct ppm_port *
gwc_port(const struct gwc *g, uint16_t idx)
{
	return idx < g->dp.n_ports ? &g->port[idx] : NULL;
}

unsigned int
gwc_n_workers(const struct gwc *g)
{
	return g->dp.n_workers;
}

uint32_t
gwc_tables_version(const struct gwc *g)
{
	return g->version;
}

int
gwc_control_poll(struct gwc *g, int timeout_ms)
{
	int rc = gwc_ctl_poll(g, timeout_ms);

	gwc_exc_poll(g);
	gwc_neigh_poll(g);
	gwc_ipsec_poll(g);
	gwc_l3_poll(g);
	gwc_mac_poll(g);
	return rc;
}
