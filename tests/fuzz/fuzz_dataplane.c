/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for gw-core's per-frame path, driven without ports: frames go in
 * through gwc_worker_inject() on three net_ring ports and come out of their tx rings.
 * The tables hold every endpoint type:
 *   slice s1:  VLAN 10 on a, GRE key 7001 to 198.51.100.2 on b (static next hop),
 *              a static MAC;
 *   slice s2:  VLAN 20 on a, the untagged port c (a and c: MTU 9000, the big pool), a trailer
 *              endpoint on a for terminal 7 app 42 with reappend, one for terminal 8
 *              apps 100-199 whose key requires a tag;
 *   slice ips: VLAN 300 on a, an IPsec terminal 10.1.0.200 on b (router 10.1.0.1,
 *              next hop fixed) with an AES-GCM-128 SA pair (tests/fuzz/
 *              gen_dataplane_seeds.py encrypts with the same key).
 * An input is a sequence of frames: one byte (bits 0-1: port a/b/c; bit 7: rx as a
 * two-mbuf chain), the length (2 bytes, little endian), the frame; at most 64 frames
 * of at most 9018 bytes. For every frame: it is forwarded, punted to the control thread
 * or counted under a drop reason (never lost without a trace); after every input, once
 * the control thread and the worker have run, every mbuf of both pools is back (no
 * leak); ASan/UBSan watch every access of our code.
 * Seeds: tests/fuzz/dataplane-seeds/ (gen_dataplane_seeds.py). With FUZZ_DATAPLANE_TRACE
 * set, each frame's fate is printed (build/fuzz/fuzz_dataplane SEED_FILE runs one input).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <rte_ethdev.h>
#include <rte_eth_ring.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "gwc.h"
#include "gwc_lcore.h"
#include "gwc_model.h"
#include "gwc_sa.h"
#include "gwc_suite.h"
#include "ppm.h"

#define NPORTS 3
#define OWNER "fuzz"
#define MAX_FRAMES 64
#define MAX_LEN 9018

static struct gwc *g;
static struct rte_ring *rxr[NPORTS], *txr[NPORTS];
static unsigned int pool_full, big_full;
static struct rte_mempool *big;
static uint64_t frames_total;   /* frames run through the worker, all inputs */

static void
report(void)
{
	fprintf(stderr, "fuzz_dataplane: %llu frames\n", (unsigned long long)frames_total);
}

static const uint8_t port_b_seed_mac[6] = { 2, 0x0f, 0, 0, 0, 2 };
static const uint8_t esp_key[20] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
				     0xa0, 0xa1, 0xa2, 0xa3 };

static void
die(const char *what, const struct gwc_err *e)
{
	fprintf(stderr, "fuzz_dataplane: %s: %s\n", what, e != NULL ? e->msg : "");
	abort();
}

static void
ep_add(const char *slice, struct gwc_ep_conf *c)
{
	struct gwc_err e = { "" };

	if (gwc_ep_add(g, OWNER, slice, c, &e) < 0)
		die(c->name, &e);
}

static void
setup_tables(void)
{
	struct gwc_ep_conf c;
	struct gwc_err e = { "" };
	struct gwc_sa_conf sa;
	struct rte_ether_addr mac;
	static const uint8_t key8[16] = { 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8 };
	const char *const slices[] = { "s1", "s2", "ips" };
	unsigned int i;

	for (i = 0; i < 3; i++)
		if (gwc_slice_add(g, OWNER, slices[i], &e) < 0)
			die(slices[i], &e);
	c = (struct gwc_ep_conf){ .name = "v10", .type = GWC_EP_VLAN, .port = "a", .vid = 10 };
	ep_add("s1", &c);
	c = (struct gwc_ep_conf){ .name = "gre", .type = GWC_EP_GRE, .port = "b", .has_key = true,
				  .key = 7001, .has_nh = true };
	inet_pton(AF_INET, "198.51.100.2", &c.remote);
	rte_ether_unformat_addr("02:00:00:00:00:b2", &c.nh_mac);
	ep_add("s1", &c);
	rte_ether_unformat_addr("02:00:00:00:00:99", &mac);
	if (gwc_mac_add_static(g, OWNER, "s1", &mac, "gre", &e) != 0)
		die("static MAC", &e);
	c = (struct gwc_ep_conf){ .name = "v20", .type = GWC_EP_VLAN, .port = "a", .vid = 20 };
	ep_add("s2", &c);
	c = (struct gwc_ep_conf){ .name = "raw", .type = GWC_EP_PORT, .port = "c" };
	ep_add("s2", &c);
	c = (struct gwc_ep_conf){ .name = "trl", .type = GWC_EP_TRAILER, .port = "a",
				  .trl_terminal = 7, .trl_app_lo = 42, .trl_app_hi = 42,
				  .trl_reappend = true };
	ep_add("s2", &c);
	c = (struct gwc_ep_conf){ .name = "trl8", .type = GWC_EP_TRAILER, .port = "a",
				  .trl_terminal = 8, .trl_app_lo = 100, .trl_app_hi = 199 };
	ep_add("s2", &c);
	if (gwc_trl_key_set(g, OWNER, 8, key8, sizeof(key8), true, &e) != 0)
		die("trailer key", &e);
	c = (struct gwc_ep_conf){ .name = "v300", .type = GWC_EP_VLAN, .port = "a", .vid = 300 };
	ep_add("ips", &c);
	c = (struct gwc_ep_conf){ .name = "term", .type = GWC_EP_IPSEC, .port = "b",
				  .n_ts_remote = 1, .has_gw_mac = true };
	inet_pton(AF_INET, "10.1.0.200", &c.ts_remote[0].addr);
	c.ts_remote[0].len = 32;
	inet_pton(AF_INET, "10.1.0.1", &c.l3_addr);
	rte_ether_unformat_addr("02:00:00:00:00:02", &c.gw_mac);
	ep_add("ips", &c);
	for (i = 0; i < 2; i++) {
		bool in = i == 0;

		sa = (struct gwc_sa_conf){ .spi = in ? 0x1001 : 0x2001, .inbound = in,
					   .alg = GWC_SA_AES_GCM_16, .key_len = sizeof(esp_key),
					   .replay_window = 64 };
		inet_pton(AF_INET, in ? "198.51.100.2" : "198.51.100.1", &sa.src);
		inet_pton(AF_INET, in ? "198.51.100.1" : "198.51.100.2", &sa.dst);
		sa.sport = in ? 40001 : 4500;
		sa.dport = in ? 4500 : 40001;
		memcpy(sa.key, esp_key, sizeof(esp_key));
		if (gwc_ipsec_sa_add(g, OWNER, "ips", "term", &sa, NULL, &e) < 0)
			die("SA", &e);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *names[NPORTS] = { "a", "b", "c" };
	char prefix[48];
	struct ppm_eal_conf ec = {
		.prog_name = "fuzz_dataplane", .lcores = "0-1", .huge = PPM_HUGE_NO,
		.memory_mb = 512, .file_prefix = prefix, .extra_args = "--no-shconf --no-telemetry",
		.quiet = true,
	};
	struct gwc_err e = { "" };
	struct gwc_conf c;
	unsigned int i;

	(void)argc;
	(void)argv;
	snprintf(prefix, sizeof(prefix), "agw-fuzz-%d", (int)getpid());
	if (ppm_eal_init(&ec) != 0)
		die("EAL", NULL);
	gwc_conf_defaults(&c);
	c.pool_cache = 0;   /* so that rte_mempool_avail_count() is exact */
	c.n_ports = NPORTS;
	for (i = 0; i < NPORTS; i++) {
		if (gwc_suite_ring_port(&c, i, names[i], &rxr[i], &txr[i], 8192) != 0)
			die("ring ports", NULL);
		c.port[i].no_tap = true;
	}
	c.port[1].has_ip = true;
	inet_pton(AF_INET, "198.51.100.1", &c.port[1].ip);
	c.port[1].prefix = 24;
	c.port[1].n_neigh = 1;   /* the GRE remote and the IPsec terminal: no ARP */
	inet_pton(AF_INET, "198.51.100.2", &c.port[1].neigh[0].ip);
	rte_ether_unformat_addr("02:00:00:00:00:b2", &c.port[1].neigh[0].mac);
	c.port[0].mtu = 9000;
	c.port[2].mtu = 9000;
	c.has_router_mac = true;
	rte_ether_unformat_addr("02:0f:00:00:00:5a", &c.router_mac);
	g = gwc_create(&c, &e);
	if (g == NULL)
		die("gwc_create", &e);
	setup_tables();
	pool_full = rte_mempool_avail_count(gwc_pool(g));
	atexit(report);
	big = rte_mempool_lookup("gwc_big_pool");
	big_full = big != NULL ? rte_mempool_avail_count(big) : 0;
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
