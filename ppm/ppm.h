/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * PPM, the packet-processing middleware under gw-core (seed 003, section 3.6:
 * "PPM: zero-copy I/O, multicore"). It starts DPDK's EAL, opens ports from
 * devargs strings, runs worker lcores in a burst loop (rx burst -> process ->
 * buffered tx drained on a TSC timer), buffers transmission the OVS way (a tx
 * call always consumes), publishes read-mostly tables to workers through an
 * atomic pointer and an rte_rcu_qsbr grace period, and opens the exception TAP.
 *
 * PPM knows nothing about slices: what a burst means is the caller's callback.
 */
#ifndef PPM_H
#define PPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

struct rte_mempool;
struct rte_rcu_qsbr;

#define PPM_NAME_MAX 32     /**< bytes, with the NUL, of a port or TAP name */
#define PPM_MAX_RXQ 32      /**< rx queues one worker polls */
#define PPM_TXBUF_MAX 64    /**< mbufs one tx buffer holds before it flushes */

/* ---------------------------------------------------------------- EAL */

/** Hugepage policy for ppm_eal_init(). */
enum ppm_huge {
	PPM_HUGE_AUTO = 0, /**< hugepages if some are free and hugetlbfs is mounted */
	PPM_HUGE_YES,      /**< require hugepages */
	PPM_HUGE_NO,       /**< --no-huge (no DPDK secondary processes then) */
};

/** What ppm_eal_init() turns into EAL arguments. The caller owns every string. */
struct ppm_eal_conf {
	const char *prog_name;   /**< argv[0] for EAL; NULL: "ppm" */
	const char *lcores;      /**< EAL -l list ("0-3"), or --lcores map when it has "@" or "(" ("(0-2)@(0-1)": three lcores on two CPUs); first = main (control) lcore; NULL: "0-1" */
	enum ppm_huge huge;      /**< hugepage policy */
	unsigned int memory_mb;  /**< -m with --no-huge, MiB; 0: 512 */
	const char *file_prefix; /**< --file-prefix; NULL: EAL's default */
	const char *extra_args;  /**< whitespace-separated EAL arguments appended as-is, or NULL */
	const char *const *devs; /**< port devargs: a PCI address goes to -a, anything else to --vdev */
	unsigned int n_devs;     /**< entries in 'devs' */
	bool quiet;              /**< --log-level=notice instead of EAL's default */
};

/**
 * Start DPDK's EAL from 'conf'. When no entry of 'conf->devs' is a PCI address,
 * --no-pci is added so that no NIC of the host is touched. DPDK's log (RTE_LOG) goes to
 * stderr only, one write a line, not also to syslog(3) as DPDK 22.11's default stream
 * does (rte_openlog_stream(stderr), before EAL starts). Call once per process,
 * from the thread that becomes the main (control) lcore.
 * @return 0; -EINVAL for an argument EAL refuses (EAL logged why), -ENOMEM when
 *   PPM_HUGE_YES was asked and no hugepage is free, -EALREADY on a second call.
 */
int ppm_eal_init(const struct ppm_eal_conf *conf);

/**
 * Stop what ppm_eal_init() started (rte_eal_cleanup(): every lcore must be back and
 * every DPDK object freed) and free the EAL arguments it kept. Main lcore, once, at
 * exit; nothing of DPDK may be used after it.
 */
void ppm_eal_cleanup(void);

/** @return true when hugepages are free and a hugetlbfs is mounted. No side effects. */
bool ppm_hugepages_available(void);

/** @return whether EAL runs with hugepages (valid after ppm_eal_init()). */
bool ppm_eal_uses_hugepages(void);

/** @return true when 'devargs' starts with a PCI address (DDDD:BB:DD.F or BB:DD.F). */
bool ppm_dev_is_pci(const char *devargs);

/* ---------------------------------------------------------------- pools */

/**
 * Create an mbuf pool on the caller's NUMA socket.
 * @param n mbufs in the pool (2^k - 1 is the most memory-efficient)
 * @param cache per-lcore cache, mbufs
 * @param data_room bytes of data room per mbuf, headroom included
 *   (RTE_MBUF_DEFAULT_BUF_SIZE is 2176)
 * @return the pool (caller frees with rte_mempool_free()), or NULL with rte_errno set.
 */
struct rte_mempool *ppm_pool_create(const char *name, unsigned int n, unsigned int cache,
				    uint16_t data_room);

/* ---------------------------------------------------------------- ports */

/** How to open a port. The caller owns the strings and may free them after the call. */
struct ppm_port_conf {
	const char *name;          /**< our name for the port (logs, config) */
	const char *dev;           /**< devargs given to EAL, or the name of an existing ethdev */
	uint16_t nb_rxq;           /**< rx queues wanted; fewer if the device has fewer */
	uint16_t nb_txq;           /**< tx queues needed; the device must have that many */
	uint16_t rxd;              /**< rx descriptors per queue; 0: 1024 */
	uint16_t txd;              /**< tx descriptors per queue; 0: 1024 */
	uint16_t mtu;              /**< bytes of L3 MTU to set; 0: leave the device's. When the
				     device refuses it (net_af_packet caps at 1500), it is still
				     the port's 'mtu', with a warning: the operator vouches for it */
	struct rte_mempool *pool;  /**< rx pool, borrowed for the life of the port */
	bool promisc;              /**< enable promiscuous mode (ignored where unsupported) */
};

/** An open port. Filled by ppm_port_open(); read-only afterwards. */
struct ppm_port {
	char name[PPM_NAME_MAX];     /**< our name */
	uint16_t port_id;            /**< DPDK ethdev port id */
	uint16_t nb_rxq;             /**< rx queues configured */
	uint16_t nb_txq;             /**< tx queues configured */
	uint16_t mtu;                /**< L3 MTU in bytes: the configured one, else the device's */
	bool tx_multiseg;            /**< the device transmits chained mbufs */
	bool started;                /**< rte_eth_dev_start() succeeded */
	struct rte_ether_addr mac;   /**< the port's MAC address */
};

/**
 * Find the ethdev named by 'conf->dev' (the part before the first comma, which EAL
 * probed from ppm_eal_init()'s 'devs', or an ethdev the caller created), configure
 * its queues (RSS over IPv4/IPv6 when more than one rx queue), set the MTU and
 * promiscuous mode, and start it. Control thread only.
 * @return 0 with 'port' filled; -ENODEV if no such ethdev, -ENOTSUP if it has fewer
 *   tx queues than 'conf->nb_txq', or the -errno of the ethdev call that failed.
 *   Every failure is logged with the port's name and the reason.
 */
int ppm_port_open(struct ppm_port *port, const struct ppm_port_conf *conf);

/** Stop and close 'port'. Safe on a port that failed to open. Control thread only. */
void ppm_port_close(struct ppm_port *port);

/**
 * Create a TAP interface 'ifname' through DPDK's net_tap (one rx and one tx queue),
 * with MAC 'mac' (NULL: random), start it and fill 'port'. The TAP lives in the
 * caller's network namespace. Control thread only.
 * @return 0, or the -errno of the step that failed (logged).
 */
int ppm_tap_open(struct ppm_port *port, const char *ifname, const struct rte_ether_addr *mac,
		 struct rte_mempool *pool);

/**
 * Give kernel interface 'ifname' the IPv4 address 'ip_be'/'prefix_len' and bring it up
 * (SIOCSIFADDR, SIOCSIFNETMASK, SIOCSIFFLAGS). Needs CAP_NET_ADMIN.
 * @return 0 or -errno of the ioctl that failed.
 */
int ppm_if_set_ipv4(const char *ifname, uint32_t ip_be, uint8_t prefix_len);

/* ---------------------------------------------------------------- tx buffers */

/**
 * A tx buffer for one (port, queue), owned by one lcore. ppm_txbuf_put() takes
 * ownership of an mbuf; ppm_txbuf_flush() transmits and frees (and counts into
 * '*drops') whatever the device did not take.
 */
struct ppm_txbuf {
	uint16_t port_id;                    /**< ethdev port id */
	uint16_t queue_id;                   /**< tx queue */
	uint16_t n;                          /**< mbufs waiting */
	uint16_t size;                       /**< flush threshold, <= PPM_TXBUF_MAX */
	uint64_t *drops;                     /**< owner lcore's counter of unsent mbufs */
	uint64_t sent;                       /**< mbufs the device took */
	struct rte_mbuf *pkts[PPM_TXBUF_MAX];
};

/** Set up 'b' for ('port_id', 'queue_id'), flushing at 'size' mbufs, counting drops in '*drops'. */
void ppm_txbuf_init(struct ppm_txbuf *b, uint16_t port_id, uint16_t queue_id, uint16_t size,
		    uint64_t *drops);

/**
 * Transmit what 'b' holds. Consumes every mbuf: those the device refused are freed
 * and added to '*b->drops'. Owner lcore only.
 * @return the number of mbufs the device took.
 */
uint16_t ppm_txbuf_flush(struct ppm_txbuf *b);

/** Queue 'm' on 'b' (takes ownership); flushes when 'b' is full. Owner lcore only. */
static inline void
ppm_txbuf_put(struct ppm_txbuf *b, struct rte_mbuf *m)
{
	b->pkts[b->n++] = m;
	if (b->n >= b->size)
		ppm_txbuf_flush(b);
}

/* ---------------------------------------------------------------- workers */

/** One rx queue a worker polls. */
struct ppm_rxq {
	uint16_t port_id;   /**< ethdev port id */
	uint16_t queue_id;  /**< rx queue */
	uint16_t port_idx;  /**< the caller's index of the port */
};

/**
 * Called with each non-empty rx burst. Takes ownership of 'pkts[0..n-1]': every
 * mbuf is sent, handed on or freed before it returns. Worker lcore.
 */
typedef void (*ppm_burst_fn)(void *ctx, const struct ppm_rxq *q, struct rte_mbuf **pkts,
			     uint16_t n);

/** Called when the drain timer fires and when a loop received nothing. Worker lcore. */
typedef void (*ppm_drain_fn)(void *ctx);

/** The rx queues a worker polls: published to it through RCU (ppm_worker_commit()). */
struct ppm_pollset {
	uint16_t n;                      /**< entries in 'q' */
	struct ppm_rxq q[PPM_MAX_RXQ];
};

/**
 * A worker: its queues and callbacks. The control thread fills every field above
 * 'stop' before ppm_worker_launch(); they are read-only afterwards, but 'rxq' and
 * 'nb_rxq', which the control thread may change and then ppm_worker_commit().
 */
struct ppm_worker {
	unsigned int lcore_id;       /**< EAL lcore it runs on */
	unsigned int thread_id;      /**< its QSBR thread id (0..n-1) */
	uint16_t nb_rxq;             /**< entries in 'rxq' */
	uint16_t burst;              /**< rx burst size, <= PPM_TXBUF_MAX */
	struct ppm_rxq rxq[PPM_MAX_RXQ]; /**< control thread's copy; the worker polls 'poll' */
	struct ppm_pollset *poll;    /**< what the worker polls: control publishes (atomic
					  release + grace period), worker reads (acquire) once
					  per loop; NULL: nothing */
	uint64_t drain_tsc;          /**< TSC cycles between drains */
	uint32_t idle_sleep_us;      /**< sleep after 64 empty loops in a row, us; 0: spin */
	struct rte_rcu_qsbr *qsbr;   /**< reports quiescent state here after each loop */
	ppm_burst_fn burst_fn;
	ppm_drain_fn drain_fn;
	void *ctx;                   /**< given to both callbacks */

	uint32_t stop;               /**< control thread sets (atomic release), worker reads */
	/* Worker writes, any thread reads (torn reads are harmless: statistics). */
	uint64_t loops;              /**< loop iterations */
	uint64_t busy_loops;         /**< iterations that received at least one mbuf */
	uint64_t last_drain_tsc;     /**< owner lcore only */
	uint32_t idle_run;           /**< owner lcore only: empty loops in a row */
};

/**
 * One loop iteration: poll every rx queue once, hand bursts to 'burst_fn', drain
 * when the timer fired or nothing came in, report a quiescent state. Worker lcore,
 * or the control thread in tests when no worker is launched.
 * @return mbufs received.
 */
unsigned int ppm_worker_poll(struct ppm_worker *w);

/**
 * Launch 'w' on its lcore: it registers with 'w->qsbr' and loops in ppm_worker_poll()
 * until ppm_worker_stop(). Control thread only.
 * @return 0, or -EBUSY if the lcore is busy, -EINVAL if it is not a worker lcore.
 */
int ppm_worker_launch(struct ppm_worker *w);

/** Ask 'w' to stop and wait for its lcore. Safe on a worker never launched. */
void ppm_worker_stop(struct ppm_worker *w);

/**
 * Publish 'w->rxq[0..nb_rxq-1]' as what 'w' polls, without stopping it (ports added
 * and removed while gw-core runs): a new ppm_pollset is swapped in with
 * ppm_rcu_publish() on 'w->qsbr' and the old one freed after the grace period, so
 * when this returns 'w' polls no queue that was taken out. Control thread only;
 * blocks for one grace period when 'w' runs.
 * @return 0, or -ENOMEM (nothing changed).
 */
int ppm_worker_commit(struct ppm_worker *w);

/** Free what ppm_worker_commit() published. 'w' must not run. */
void ppm_worker_fini(struct ppm_worker *w);

/* ---------------------------------------------------------------- RCU publication */

/**
 * Create the QSBR variable for 'n_threads' worker threads (ids 0..n_threads-1).
 * @return it (caller frees with rte_free()), or NULL with rte_errno set.
 */
struct rte_rcu_qsbr *ppm_rcu_create(unsigned int n_threads);

/**
 * Publish 'newp' in '*slot' (atomic release store), then wait one grace period so
 * no worker still reads the previous value. Control thread only; blocks until every
 * online worker reported a quiescent state.
 * @return the previous value: nobody reads it any more and the caller frees it.
 */
void *ppm_rcu_publish(struct rte_rcu_qsbr *v, void **slot, void *newp);

#endif /* PPM_H */
