/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PPM worker lcores: the burst loop (rx burst -> callback -> drain on a TSC timer
 * -> quiescent state), and table publication by atomic pointer swap plus an
 * rte_rcu_qsbr grace period.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "ppm.h"
#include "ppm_log.h"

#define IDLE_LOOPS_BEFORE_SLEEP 64

unsigned int
ppm_worker_poll(struct ppm_worker *w)
{
	const struct ppm_pollset *ps = __atomic_load_n(&w->poll, __ATOMIC_ACQUIRE);
	struct rte_mbuf *pkts[PPM_TXBUF_MAX];
	unsigned int total = 0;
	uint16_t i, n, nq = ps != NULL ? ps->n : 0;
	uint64_t now;

	for (i = 0; i < nq; i++) {
		const struct ppm_rxq *q = &ps->q[i];

		n = rte_eth_rx_burst(q->port_id, q->queue_id, pkts, w->burst);
		if (n != 0) {
			w->burst_fn(w->ctx, q, pkts, n);
			total += n;
		}
	}
	now = rte_rdtsc();
	if (total == 0 || now - w->last_drain_tsc >= w->drain_tsc) {
		if (w->drain_fn != NULL)
			w->drain_fn(w->ctx);
		w->last_drain_tsc = now;
	}
	if (w->qsbr != NULL)
		rte_rcu_qsbr_quiescent(w->qsbr, w->thread_id);
	w->loops++;
	if (total != 0) {
		w->busy_loops++;
		w->idle_run = 0;
	} else if (w->idle_sleep_us != 0 && ++w->idle_run >= IDLE_LOOPS_BEFORE_SLEEP) {
		struct timespec ts = { 0, (long)w->idle_sleep_us * 1000L };

		/* Offline while asleep so that a grace period does not wait for us. */
		if (w->qsbr != NULL)
			rte_rcu_qsbr_thread_offline(w->qsbr, w->thread_id);
		nanosleep(&ts, NULL);
		if (w->qsbr != NULL)
			rte_rcu_qsbr_thread_online(w->qsbr, w->thread_id);
	}
	return total;
}

static int
worker_main(void *arg)
{
	struct ppm_worker *w = arg;

	if (w->qsbr != NULL) {
		rte_rcu_qsbr_thread_register(w->qsbr, w->thread_id);
		rte_rcu_qsbr_thread_online(w->qsbr, w->thread_id);
	}
	PPM_LOG(INFO, "worker %u: lcore %u polling %u rx queues", w->thread_id, w->lcore_id,
		w->poll != NULL ? w->poll->n : 0);
	w->last_drain_tsc = rte_rdtsc();
	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE))
		ppm_worker_poll(w);
	if (w->drain_fn != NULL)
		w->drain_fn(w->ctx);
	if (w->qsbr != NULL) {
		rte_rcu_qsbr_thread_offline(w->qsbr, w->thread_id);
		rte_rcu_qsbr_thread_unregister(w->qsbr, w->thread_id);
	}
	return 0;
}

int
ppm_worker_launch(struct ppm_worker *w)
{
	int rc;

	if (w->lcore_id == rte_get_main_lcore() || !rte_lcore_is_enabled(w->lcore_id))
		return -EINVAL;
	__atomic_store_n(&w->stop, 0, __ATOMIC_RELEASE);
	rc = rte_eal_remote_launch(worker_main, w, w->lcore_id);
	if (rc != 0)
		PPM_LOG(ERR, "worker %u: launch on lcore %u: %s", w->thread_id, w->lcore_id,
			rte_strerror(-rc));
	return rc;
}

void
ppm_worker_stop(struct ppm_worker *w)
{
	if (w == NULL || w->lcore_id == rte_get_main_lcore() ||
	    rte_eal_get_lcore_state(w->lcore_id) != RUNNING)
		return;
	__atomic_store_n(&w->stop, 1, __ATOMIC_RELEASE);
	rte_eal_wait_lcore(w->lcore_id);
}

int
ppm_worker_commit(struct ppm_worker *w)
{
	struct ppm_pollset *ps = rte_zmalloc("ppm_pollset", sizeof(*ps), RTE_CACHE_LINE_SIZE);
	void *old;

	if (ps == NULL)
		return -ENOMEM;
	ps->n = RTE_MIN(w->nb_rxq, (uint16_t)PPM_MAX_RXQ);
	memcpy(ps->q, w->rxq, ps->n * sizeof(ps->q[0]));
	if (w->qsbr != NULL)
		old = ppm_rcu_publish(w->qsbr, (void **)&w->poll, ps);
	else
		old = __atomic_exchange_n(&w->poll, ps, __ATOMIC_ACQ_REL);
	rte_free(old);
	return 0;
}

void
ppm_worker_fini(struct ppm_worker *w)
{
	rte_free(w->poll);
	w->poll = NULL;
}

struct rte_rcu_qsbr *
ppm_rcu_create(unsigned int n_threads)
{
	struct rte_rcu_qsbr *v;
	size_t sz;

	sz = rte_rcu_qsbr_get_memsize(RTE_MAX(n_threads, 1u));
	v = rte_zmalloc("ppm_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (v == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	if (rte_rcu_qsbr_init(v, RTE_MAX(n_threads, 1u)) != 0) {
		rte_free(v);
		return NULL;
	}
	return v;
}

void *
ppm_rcu_publish(struct rte_rcu_qsbr *v, void **slot, void *newp)
{
	void *old = __atomic_exchange_n(slot, newp, __ATOMIC_ACQ_REL);

	rte_rcu_qsbr_synchronize(v, RTE_QSBR_THRID_INVALID);
	return old;
}
