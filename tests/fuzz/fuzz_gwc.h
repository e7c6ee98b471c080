/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The gw-core the gw-core fuzz harnesses (fuzz_dataplane.c, fuzz_ctl.c) run: EAL without
 * hugepages under a prefix of its own, three net_ring ports a, b, c (b with 198.51.100.1/24
 * and a static neighbour 198.51.100.2, a and c with MTU 9000: the big pool; no TAP),
 * and tables holding every endpoint type, owned by "fuzz":
 *   slice s1:  VLAN 10 on a, GRE key 7001 to 198.51.100.2 on b, a static MAC;
 *   slice s2:  VLAN 20 on a, the untagged port c (policed at 10 Mbit/s), a trailer
 *              endpoint on a for terminal 7 app 42 with reappend, one for terminal 8
 *              apps 100-199 whose key requires a tag;
 *   slice ips: VLAN 300 on a, an IPsec terminal 10.1.0.200 on b (router 10.1.0.1, next
 *              hop fixed) with an AES-GCM-128 SA pair (gen_dataplane_seeds.py encrypts
 *              with the same key).
 * Header only, for those two files; the pool counts are for the leak checks.
 */
#ifndef AGW_FUZZ_GWC_H
#define AGW_FUZZ_GWC_H

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

static struct gwc *g;
static struct rte_ring *rxr[NPORTS], *txr[NPORTS];
static unsigned int pool_full, big_full;
static struct rte_mempool *big;

static const uint8_t port_b_seed_mac[6] = { 2, 0x0f, 0, 0, 0, 2 };
static const uint8_t esp_key[20] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
				     0xa0, 0xa1, 0xa2, 0xa3 };

static void
die(const char *what, const struct gwc_err *e)
{
	fprintf(stderr, "fuzz: %s: %s\n", what, e != NULL ? e->msg : "");
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
	c = (struct gwc_ep_conf){ .name = "raw", .type = GWC_EP_PORT, .port = "c",
				  .police_bps = 10000000 };
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

/* EAL, the gw-core of the comment above, its tables; 'prog' names the process. */
static void
fuzz_gwc_init(const char *prog)
{
	static const char *names[NPORTS] = { "a", "b", "c" };
	char prefix[48];
	struct ppm_eal_conf ec = {
		.prog_name = prog, .lcores = "0-1", .huge = PPM_HUGE_NO,
		.memory_mb = 512, .file_prefix = prefix, .extra_args = "--no-shconf --no-telemetry",
		.quiet = true,
	};
	struct gwc_err e = { "" };
	struct gwc_conf c;
	unsigned int i;

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
	big = rte_mempool_lookup("gwc_big_pool");
	big_full = big != NULL ? rte_mempool_avail_count(big) : 0;
}

#endif /* AGW_FUZZ_GWC_H */
