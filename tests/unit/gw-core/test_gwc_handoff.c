/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SA-to-lcore affinity with two workers (run alone, EAL lcores "(0-2)@(0-1)": see
 * suites.def): each inbound SA is decrypted by one worker, and ESP that arrives on
 * the other worker goes through the owner's hand-off ring (gwc_worker.c). Two ports
 * on net_ring with one rx and one tx ring per worker: "a" the slice's VLAN side,
 * "b" 198.51.100.1/24, where the terminal's ESP arrives. The workers are not
 * launched; the test thread runs each in turn (gwc_worker_inject/_poll_once).
 */
#include <arpa/inet.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_ethdev.h>
#include <rte_eth_ring.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_cycles.h>
#include <rte_meter.h>
#include <rte_ring.h>

#include "esp_vectors.h"
#include "gwc.h"
#include "gwc_sa.h"
#include "gwc_suite.h"

#define OWNER "test"
#define NW 2            /* workers */
#define VID 300

enum { PA, PB, NP };

static struct rte_ring *rx[NP][NW], *tx[NP][NW];
static struct gwc *g;
static unsigned int pool_full;
static const struct rte_ether_addr srv = { { 2, 0, 0, 0, 0, 2 } };

static int
suite_init(void)
{
	static const char *names[NP] = { "ha", "hb" };
	struct gwc_conf c;
	unsigned int p, w;
	char n[32];

	if (rte_lcore_count() < 1 + NW) {
		fprintf(stderr, "gwc_handoff: needs %u lcores, EAL has %u\n", 1 + NW,
			rte_lcore_count());
		return -1;
	}
	gwc_conf_defaults(&c);
	c.pool_cache = 0;   /* so that rte_mempool_avail_count() is exact */
	c.n_ports = NP;
	for (p = 0; p < NP; p++) {
		for (w = 0; w < NW; w++) {
			snprintf(n, sizeof(n), "rx_%s%u", names[p], w);
			rx[p][w] = rte_ring_create(n, 2048, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
			snprintf(n, sizeof(n), "tx_%s%u", names[p], w);
			tx[p][w] = rte_ring_create(n, 2048, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (rx[p][w] == NULL || tx[p][w] == NULL)
				return -1;
		}
		if (rte_eth_from_rings(names[p], rx[p], NW, tx[p], NW, 0) < 0)
			return -1;
		snprintf(c.port[p].name, sizeof(c.port[p].name), "%s", names[p]);
		snprintf(c.port[p].dev, sizeof(c.port[p].dev), "net_ring_%s", names[p]);
	}
	c.port[PB].has_ip = true;
	inet_pton(AF_INET, "198.51.100.1", &c.port[PB].ip);
	c.port[PB].prefix = 24;
	c.port[PB].no_tap = true;
	if (gwc_suite_create(&c, &g, &pool_full) != 0)
		return -1;
	if (gwc_n_workers(g) != NW) {
		fprintf(stderr, "gwc_handoff: %u workers, not %u\n", gwc_n_workers(g), NW);
		return -1;
	}
	return 0;
}

static int
suite_clean(void)
{
	return gwc_suite_destroy(&g);
}

static struct rte_mbuf *
mk(const uint8_t *b, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(gwc_pool(g));

	CU_ASSERT_FATAL(m != NULL);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), b, len);
	return m;
}

/* Frames worker 'w' sent on port 'p' (freed); 'first' gets a copy of the first's bytes. */
static unsigned int
sent(unsigned int p, unsigned int w, uint8_t *first, size_t *first_len)
{
	struct rte_mbuf *m[64];
	unsigned int n, i, total = 0;

	while ((n = rte_ring_dequeue_burst(tx[p][w], (void **)m, RTE_DIM(m), NULL)) != 0) {
		for (i = 0; i < n; i++) {
			if (total == 0 && i == 0 && first != NULL) {
				*first_len = m[0]->pkt_len;
				memmove(first, rte_pktmbuf_read(m[0], 0, m[0]->pkt_len, first),
				       m[0]->pkt_len);
			}
			rte_pktmbuf_free(m[i]);
		}
		total += n;
	}
	return total;
}

static int
sa_in(uint32_t spi)
{
	struct gwc_sa_conf c = { .spi = spi, .inbound = true, .alg = GWC_SA_AES_GCM_16,
				 .key_len = 36, .replay_window = 64, .sport = 40001, .dport = 4500 };
	struct gwc_err e = { "" };
	int rc;

	inet_pton(AF_INET, "198.51.100.2", &c.src);
	inet_pton(AF_INET, "198.51.100.1", &c.dst);
	memcpy(c.key, key_gcm256, 36);
	rc = gwc_ipsec_sa_add(g, OWNER, "ho", "term", &c, NULL, &e);
	if (rc < 0)
		printf("\n    SA 0x%x: %s\n", spi, e.msg);
	CU_ASSERT_FATAL(rc >= 0);
	return rc;
}

static void
inject(unsigned int w, const uint8_t *b, size_t len)
{
	struct rte_mbuf *m = mk(b, len);

	gwc_worker_inject(g, w, PB, &m, 1);
}

/* The decrypted packet on VLAN 300 toward the server (gateway_mac), byte-exact. */
static void
check_decrypted(const uint8_t *f, size_t len)
{
	const struct rte_ether_addr *rmac = gwc_l3_mac(g);

	CU_ASSERT_EQUAL_FATAL(len, 18 + sizeof(esp_inner_in));
	CU_ASSERT(rte_is_same_ether_addr((const struct rte_ether_addr *)f, &srv));
	CU_ASSERT(rte_is_same_ether_addr((const struct rte_ether_addr *)(f + 6), rmac));
	CU_ASSERT_EQUAL(f[12] << 8 | f[13], RTE_ETHER_TYPE_VLAN);
	CU_ASSERT_EQUAL((f[14] << 8 | f[15]) & 0xfff, VID);
	CU_ASSERT(memcmp(f + 18, esp_inner_in, sizeof(esp_inner_in)) == 0);
}

/*
 * Two inbound SAs go to the two workers (the least loaded takes the next); ESP of
 * worker 1's SA that worker 0 receives is not decrypted there but by worker 1, from
 * its ring, and leaves on worker 1's tx queue; received by worker 1, it is decrypted
 * at once; a full ring drops and counts; no mbuf is lost.
 */
static void
test_handoff(void)
{
	struct gwc_ep_conf vc = { 0 }, ic = { 0 };
	struct gwc_sa_stats st;
	struct gwc_err e = { "" };
	uint64_t d[GWC_DROP_MAX], full0, replay0;
	uint8_t f[2048];
	size_t len = 0;
	unsigned int i;
	int sa1;

	CU_ASSERT_FATAL(gwc_slice_add(g, OWNER, "ho", &e) >= 0);
	snprintf(vc.name, sizeof(vc.name), "srv");
	vc.type = GWC_EP_VLAN;
	snprintf(vc.port, sizeof(vc.port), "ha");
	vc.vid = VID;
	CU_ASSERT_FATAL(gwc_ep_add(g, OWNER, "ho", &vc, &e) >= 0);
	snprintf(ic.name, sizeof(ic.name), "term");
	ic.type = GWC_EP_IPSEC;
	snprintf(ic.port, sizeof(ic.port), "hb");
	ic.n_ts_remote = 1;
	inet_pton(AF_INET, "10.1.0.200", &ic.ts_remote[0].addr);
	ic.ts_remote[0].len = 32;
	inet_pton(AF_INET, "10.1.0.1", &ic.l3_addr);
	ic.has_gw_mac = true;
	rte_ether_addr_copy(&srv, &ic.gw_mac);
	CU_ASSERT_FATAL(gwc_ep_add(g, OWNER, "ho", &ic, &e) >= 0);
	sa_in(0x2999);                    /* worker 0's */
	sa1 = sa_in(0x2001);              /* worker 1's: the vectors' SPI */
	for (i = 0; i < NW; i++)
		gwc_worker_poll_once(g, i);   /* the new tables */

	/* 1. on worker 0: handed off, nothing decrypted or sent yet */
	inject(0, esp_gcm256_natt_in, sizeof(esp_gcm256_natt_in));
	gwc_ipsec_sa_stats_get(g, sa1, &st);
	CU_ASSERT_EQUAL(st.pkts, 0);
	CU_ASSERT_EQUAL(sent(PA, 0, NULL, NULL) + sent(PA, 1, NULL, NULL), 0);
	/* worker 1's next pass decrypts it and sends it on its own queue */
	gwc_worker_poll_once(g, 1);
	gwc_ipsec_sa_stats_get(g, sa1, &st);
	CU_ASSERT_EQUAL(st.pkts, 1);
	CU_ASSERT_EQUAL(sent(PA, 0, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(sent(PA, 1, f, &len), 1);
	check_decrypted(f, len);

	/* 2. on worker 1 itself: decrypted at once */
	inject(1, esp_gcm256_natt_in_seq3, sizeof(esp_gcm256_natt_in_seq3));
	gwc_ipsec_sa_stats_get(g, sa1, &st);
	CU_ASSERT_EQUAL(st.pkts, 2);
	CU_ASSERT_EQUAL_FATAL(sent(PA, 1, f, &len), 1);
	check_decrypted(f, len);

	/* 3. more than the ring holds while worker 1 is busy elsewhere: the rest is
	 * dropped and counted on worker 0; what got in is a replay (seq 3 again) */
	gwc_drops_get(g, d);
	full0 = d[GWC_DROP_HANDOFF_FULL];
	replay0 = d[GWC_DROP_ESP_REPLAY];
	for (i = 0; i < 1100; i++)
		inject(0, esp_gcm256_natt_in_seq3, sizeof(esp_gcm256_natt_in_seq3));
	gwc_drops_get(g, d);
	CU_ASSERT(d[GWC_DROP_HANDOFF_FULL] - full0 >= 1100 - 1024);
	CU_ASSERT(d[GWC_DROP_HANDOFF_FULL] - full0 < 1100);
	for (i = 0; i < 64; i++)
		gwc_worker_poll_once(g, 1);
	gwc_drops_get(g, d);
	CU_ASSERT_EQUAL(d[GWC_DROP_ESP_REPLAY] - replay0 + d[GWC_DROP_HANDOFF_FULL] - full0, 1100);
	gwc_ipsec_sa_stats_get(g, sa1, &st);
	CU_ASSERT_EQUAL(st.pkts, 2);
	CU_ASSERT_EQUAL(sent(PA, 0, NULL, NULL) + sent(PA, 1, NULL, NULL), 0);

	CU_ASSERT_EQUAL(gwc_slice_del(g, OWNER, "ho", &e), 0);
	for (i = 0; i < NW; i++)
		gwc_worker_poll_once(g, i);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(gwc_pool(g)), pool_full);
}

/* A VLAN endpoint 'name' of slice 'sl' on port ha with VID 'vid'. */
static int
vlan_ep(const char *sl, const char *name, uint16_t vid)
{
	int id = gwc_suite_vlan_ep(g, OWNER, sl, name, "ha", vid);

	CU_ASSERT_FATAL(id >= 0);
	return id;
}

/* A 1004-byte broadcast frame on VID 'vid' into 'f'. */
static void
bcast(uint8_t *f, uint16_t vid)
{
	memset(f, 0x55, 1004);
	memset(f, 0xff, 6);
	memcpy(f + 6, &srv, 6);
	f[12] = 0x81;
	f[13] = 0x00;
	f[14] = (uint8_t)(vid >> 8);
	f[15] = (uint8_t)vid;
	f[16] = 0x08;
	f[17] = 0x00;
}

/*
 * Policing with two workers (docs/isolation.md, "Several workers"): each worker meters
 * an endpoint on a meter of its own with the whole contract, so an endpoint whose
 * frames RSS spreads evenly over two workers gets twice its contract: measured here,
 * 8 Mbit/s policed, 1000-byte frames fed through both workers for 1 s, between 1.8 and
 * 2.1 times the contract conforms.
 */
static void
test_police_two_workers(void)
{
	struct gwc_err e = { "" };
	struct gwc_ep_stats st;
	uint64_t t0, hz = rte_get_tsc_hz(), green0;
	uint8_t f[1004];
	double secs, ratio;
	int out;

	CU_ASSERT_FATAL(gwc_slice_add(g, OWNER, "qp", &e) >= 0);
	vlan_ep("qp", "in", 70);
	out = vlan_ep("qp", "out", 71);
	CU_ASSERT_EQUAL_FATAL(gwc_ep_police_set(g, OWNER, "qp", "out", 8000000, 9300, &e), 0);
	bcast(f, 70);
	gwc_worker_poll_once(g, 0);
	gwc_worker_poll_once(g, 1);
	gwc_ep_stats_get(g, out, &st);
	green0 = st.police_bytes[RTE_COLOR_GREEN];
	t0 = rte_rdtsc();
	while (rte_rdtsc() - t0 < hz) {
		struct rte_mbuf *m0 = mk(f, 1004), *m1 = mk(f, 1004);

		gwc_worker_inject(g, 0, PA, &m0, 1);
		gwc_worker_inject(g, 1, PA, &m1, 1);
		sent(PA, 0, NULL, NULL);
		sent(PA, 1, NULL, NULL);
	}
	secs = (double)(rte_rdtsc() - t0) / (double)hz;
	gwc_ep_stats_get(g, out, &st);
	ratio = (double)(st.police_bytes[RTE_COLOR_GREEN] - green0 - 2 * 9300) / secs / 1e6;
	printf("\n    two workers, one contract of 8 Mbit/s: %.2f times it conformed ", ratio);
	CU_ASSERT(ratio >= 1.8 && ratio <= 2.1);
	CU_ASSERT_EQUAL(gwc_slice_del(g, OWNER, "qp", &e), 0);
	gwc_worker_poll_once(g, 0);
	gwc_worker_poll_once(g, 1);
}

/*
 * Shaping with two workers (gwc_sched.h): port ha's scheduler belongs to worker 0;
 * frames worker 1 shapes reach it through its ring and leave on worker 0's tx queue,
 * at the contract, none dropped; the port's status names the owner.
 */
static void
test_shape_two_workers(void)
{
	struct gwc_err e = { "" };
	struct gwc_ep_stats st;
	uint64_t t0, hz = rte_get_tsc_hz();
	unsigned int i, on0 = 0, on1 = 0;
	uint8_t f[1004];
	int out;

	CU_ASSERT_EQUAL_FATAL(gwc_port_rate_set(g, "ha", 80000000, &e), 0);
	CU_ASSERT_FATAL(gwc_slice_add(g, OWNER, "qs", &e) >= 0);
	vlan_ep("qs", "in", 72);
	out = vlan_ep("qs", "out", 73);
	CU_ASSERT_EQUAL_FATAL(gwc_ep_shape_set(g, OWNER, "qs", "out", 8000000, 9300, 0, &e), 0);
	gwc_worker_poll_once(g, 0);   /* the pipe's configuration reaches the owner */
	gwc_worker_poll_once(g, 1);
	bcast(f, 72);
	t0 = rte_rdtsc();
	for (i = 0; i < 60; i++) {
		struct rte_mbuf *m = mk(f, 1004);

		gwc_worker_inject(g, 1, PA, &m, 1);
	}
	while (on0 < 60 && rte_rdtsc() - t0 < 2 * hz) {
		gwc_worker_poll_once(g, 0);
		gwc_worker_poll_once(g, 1);
		on0 += sent(PA, 0, NULL, NULL);
		on1 += sent(PA, 1, NULL, NULL);
	}
	CU_ASSERT_EQUAL(on0, 60);
	CU_ASSERT_EQUAL(on1, 0);
	/* 60000 bytes at 1 MB/s, less the half-full bucket (4650) rte_sched starts with */
	CU_ASSERT((rte_rdtsc() - t0) * 1000 / hz >= 50);
	gwc_ep_stats_get(g, out, &st);
	CU_ASSERT_EQUAL(st.sched_pkts, 60);
	CU_ASSERT_EQUAL(st.tx_pkts, 60);
	CU_ASSERT_EQUAL(st.drops[GWC_DROP_QUEUE_FULL] + st.drops[GWC_DROP_SCHED_HANDOFF_FULL], 0);
	CU_ASSERT_EQUAL(gwc_slice_del(g, OWNER, "qs", &e), 0);
	gwc_worker_poll_once(g, 0);
	gwc_worker_poll_once(g, 1);
	CU_ASSERT_EQUAL(gwc_port_rate_set(g, "ha", 0, &e), 0);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(gwc_pool(g)), pool_full);
}

int test_gwc_handoff_register(void);

int
test_gwc_handoff_register(void)
{
	CU_pSuite s = CU_add_suite("gwc_handoff", suite_init, suite_clean);

	if (s == NULL)
		return -1;
	if (CU_add_test(s, "two workers: ESP of an SA goes to the worker that decrypts it",
			test_handoff) == NULL ||
	    CU_add_test(s, "two workers: each polices with the whole contract (measured)",
			test_police_two_workers) == NULL ||
	    CU_add_test(s, "two workers: shaped frames go to the scheduler's owner",
			test_shape_two_workers) == NULL)
		return -1;
	return 0;
}
