/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path, control thread side: frames workers punted (ARP for a port's
 * address, IPv4 to it that is neither GRE nor ESP) go to that port's TAP, where the
 * kernel (and charon) answer; frames the kernel sends on a TAP go out of its port
 * through worker 0's inject ring. ARP on the way is shown to the outer neighbours
 * (gwc_neigh.c); frames tagged for the slice router go to it (gwc_l3.c).
 */
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "gwc_model.h"

void
gwc_exc_poll(struct gwc *g)
{
	struct rte_mbuf *pkts[32];
	bool changed = false;
	unsigned int i, n;
	uint16_t p;

	n = rte_ring_sc_dequeue_burst(g->dp.exc, (void **)pkts, RTE_DIM(pkts), NULL);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t port = m->hash.usr;   /* set by the worker that punted it */

		if (port & GWC_EXC_TAG) {
			gwc_l3_exc(g, m);
			continue;
		}
		if (port >= g->dp.n_ports) {
			rte_pktmbuf_free(m);
			continue;
		}
		changed |= gwc_neigh_learn(g, (uint16_t)port, m);
		if (!g->tap[port].started) {
			g->exc_no_tap++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (rte_eth_tx_burst(g->tap[port].port_id, 0, &m, 1) == 1) {
			g->exc_to_tap++;
		} else {
			g->exc_no_tap++;
			rte_pktmbuf_free(m);
		}
	}

	for (p = 0; p < g->dp.n_ports; p++) {
		if (!g->tap[p].started)
			continue;
		n = rte_eth_rx_burst(g->tap[p].port_id, 0, pkts, RTE_DIM(pkts));
		for (i = 0; i < n; i++) {
			g->exc_from_tap++;
			gwc_inject(g, p, pkts[i]);
		}
	}

	if (changed && gwc_tables_publish(g) != 0)
		GWC_LOG(ERR, "tables: could not publish a resolved next hop (out of memory)");
}
