/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames the control thread sends: into worker 0's inject ring (SP/SC), which sends
 * them at its next drain, through a port (exception path, ARP) or an endpoint (the
 * slice router's ARP). Control thread.
 */
#include <rte_arp.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "gwc_model.h"

static void
inject_put(struct gwc *g, struct rte_mbuf *m)
{
	if (rte_ring_sp_enqueue(g->lc[0]->inject, m) != 0) {
		g->inject_full++;
		rte_pktmbuf_free(m);
	}
}

void
gwc_inject(struct gwc *g, uint32_t port, struct rte_mbuf *m)
{
	m->hash.usr = port;
	inject_put(g, m);
}

void
gwc_inject_ep(struct gwc *g, uint32_t kind, uint32_t ep, struct rte_mbuf *m)
{
	gwc_exc_tag(m, kind, ep);
	inject_put(g, m);
}

struct rte_mbuf *
gwc_arp_build(struct gwc *g, uint16_t op, const struct rte_ether_addr *dst,
	      const struct rte_ether_addr *sha, rte_be32_t sip, const struct rte_ether_addr *tha,
	      rte_be32_t tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(g->pool);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;

	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*a));
	a = (struct rte_arp_hdr *)(eth + 1);
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(sha, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(sha, &a->arp_data.arp_sha);
	a->arp_data.arp_sip = sip;
	rte_ether_addr_copy(tha, &a->arp_data.arp_tha);
	a->arp_data.arp_tip = tip;
	g->arp_sent++;
	return m;
}
