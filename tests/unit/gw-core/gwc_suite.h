/* SPDX-License-Identifier: BSD-3-Clause */
/* Set-up, tear-down and frames shared by the gw-core CUnit suites that make their own
 * gw-core. */
#ifndef GWC_SUITE_H
#define GWC_SUITE_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <rte_eth_ring.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "gwc.h"

/* gwc_create() from 'c' into '*g' and the pool's full count into '*pool_full'; -1 (the
 * reason printed) when it fails. */
static inline int
gwc_suite_create(const struct gwc_conf *c, struct gwc **g, unsigned int *pool_full)
{
	struct gwc_err e = { "" };

	*g = gwc_create(c, &e);
	if (*g == NULL) {
		fprintf(stderr, "gwc_create: %s\n", e.msg);
		return -1;
	}
	*pool_full = rte_mempool_avail_count(gwc_pool(*g));
	return 0;
}

/*
 * Port 'i' of 'c' on a new net_ring ethdev named 'name' (rings rx_NAME of 2048 and
 * tx_NAME of 'tx_size' slots, single producer and consumer): what the worker sends is
 * dequeued from '*tx'. @return 0; -1 when a ring or the ethdev cannot be made.
 */
static inline int
gwc_suite_ring_port(struct gwc_conf *c, unsigned int i, const char *name,
		    struct rte_ring **rx, struct rte_ring **tx, unsigned int tx_size)
{
	char n[32];

	snprintf(n, sizeof(n), "rx_%s", name);
	*rx = rte_ring_create(n, 2048, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(n, sizeof(n), "tx_%s", name);
	*tx = rte_ring_create(n, tx_size, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (*rx == NULL || *tx == NULL || rte_eth_from_rings(name, rx, 1, tx, 1, 0) < 0)
		return -1;
	/* the ethdev is named "net_ring_" + the name given */
	snprintf(c->port[i].name, sizeof(c->port[i].name), "%s", name);
	snprintf(c->port[i].dev, sizeof(c->port[i].dev), "net_ring_%s", name);
	return 0;
}

/* A VLAN endpoint 'name' of slice 'slice' (owned by 'owner') on port 'port', VID 'vid'.
 * @return its id, or the negative errno of gwc_ep_add() (the reason printed). */
static inline int
gwc_suite_vlan_ep(struct gwc *g, const char *owner, const char *slice, const char *name,
		  const char *port, uint16_t vid)
{
	struct gwc_ep_conf c = { 0 };
	struct gwc_err e = { "" };
	int id;

	snprintf(c.name, sizeof(c.name), "%s", name);
	c.type = GWC_EP_VLAN;
	snprintf(c.port, sizeof(c.port), "%s", port);
	c.vid = vid;
	id = gwc_ep_add(g, owner, slice, &c, &e);
	if (id < 0)
		fprintf(stderr, "endpoint %s.%s: %s\n", slice, name, e.msg);
	return id;
}

/*
 * A GRE frame built here (not from scapy) into 'f' (at least 102 bytes) to MAC 'dst':
 * IPv4 198.51.100.2 -> 198.51.100.1 ('frag': MF set), GRE 'flags', 'proto' and a key
 * word 'key' after the first four bytes, then a 60-byte inner frame from the unicast
 * 02:00:00:00:00:05 to 00:00:00:00:00:00. @return its length.
 */
static inline size_t
gwc_suite_gre_frame(uint8_t *f, const struct rte_ether_addr *dst, uint16_t flags,
		    uint16_t proto, uint32_t key, bool frag)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)f;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint8_t *gre = (uint8_t *)(ip + 1);
	size_t len = 14 + 20 + 8 + 60;

	memset(f, 0, len);
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_unformat_addr("02:00:00:00:00:99", &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len - 14));
	ip->time_to_live = 64;
	ip->next_proto_id = 47;
	ip->fragment_offset = frag ? rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG) : 0;
	inet_pton(AF_INET, "198.51.100.2", &ip->src_addr);
	inet_pton(AF_INET, "198.51.100.1", &ip->dst_addr);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	gre[0] = (uint8_t)(flags >> 8);
	gre[1] = (uint8_t)flags;
	gre[2] = (uint8_t)(proto >> 8);
	gre[3] = (uint8_t)proto;
	gre[4] = (uint8_t)(key >> 24);
	gre[5] = (uint8_t)(key >> 16);
	gre[6] = (uint8_t)(key >> 8);
	gre[7] = (uint8_t)key;
	/* inner frame: unicast src */
	gre[8 + 6] = 0x02;
	gre[8 + 11] = 0x05;
	return len;
}

static inline int
gwc_suite_destroy(struct gwc **g)
{
	gwc_destroy(*g);
	*g = NULL;
	return 0;
}

#endif /* GWC_SUITE_H */
