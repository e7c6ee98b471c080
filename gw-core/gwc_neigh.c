/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outer next hops, control thread side: the neighbour on a port that GRE endpoints and
 * outbound SAs send to (their remote, or the port's gateway), from the port's static
 * neighbours or by ARP (RFC 826): requested periodically while unresolved, refreshed
 * once resolved, learned from any ARP the neighbour sends us (gwc_exc.c hands them here).
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>

#include "gwc_model.h"

rte_be32_t
gwc_nexthop_ip(const struct gwc *g, uint16_t port, rte_be32_t remote)
{
	const struct gwc_port_conf *pc = &g->conf.port[port];
	if (((remote ^ pc->ip) & gwc_prefix_mask(pc->prefix)) == 0 || !pc->has_gw)
		return remote;
	return pc->gateway;
}

/* The index of the neighbour entry of (port, ip), or -1. */
static int
neigh_index(const struct gwc *g, uint16_t port, rte_be32_t ip)
{
	int i;

	for (i = 0; i < GWC_MAX_NEIGH; i++)
		if (g->neigh[i].used && g->neigh[i].port == port && g->neigh[i].ip == ip)
			return i;
	return -1;
}

const struct gwc_neigh *
gwc_neigh_find(const struct gwc *g, uint16_t port, rte_be32_t ip)
{
	int i = neigh_index(g, port, ip);

	return i < 0 ? NULL : &g->neigh[i];
}

/*
 * The (port, remote) of the things whose outer next hop gw-core resolves by ARP: GRE
 * endpoint 'i' without a static MAC, outbound IPsec SA 'i' (toward its terminal).
 * @return false when 'i' is not one.
 */
static bool
nh_user_ep(const struct gwc *g, unsigned int i, uint16_t *port, rte_be32_t *remote)
{
	const struct gwc_ep *ep = &g->ep[i].ep;

	if (ep->type != GWC_EP_GRE || ep->conf.has_nh)
		return false;
	*port = ep->port;
	*remote = ep->conf.remote;
	return true;
}

static bool
nh_user_sa(const struct gwc *g, unsigned int i, uint16_t *port, rte_be32_t *remote)
{
	if (!g->sa[i].used || g->sa[i].conf.inbound || !g->ep[g->sa[i].ep].used)
		return false;
	*port = g->ep[g->sa[i].ep].ep.port;
	*remote = g->sa[i].conf.dst;
	return true;
}

/* Resolve 'n' from its port's static neighbours ('neighbour IP = MAC'), if listed. */
static void
static_neigh(const struct gwc *g, struct gwc_neigh *n)
{
	const struct gwc_port_conf *pc = &g->conf.port[n->port];
	unsigned int k;

	for (k = 0; k < pc->n_neigh; k++)
		if (pc->neigh[k].ip == n->ip) {
			rte_ether_addr_copy(&pc->neigh[k].mac, &n->mac);
			n->resolved = n->is_static = true;
			return;
		}
}

/* Keep one neighbor per (port, next hop) that a GRE endpoint or an outbound SA needs. */
/* Mark the entry of the next hop toward 'remote' needed; with 'add', make it when there
 * is none. */
static void
nh_need(struct gwc *g, uint16_t port, rte_be32_t remote, bool *needed, bool add)
{
	rte_be32_t nh = gwc_nexthop_ip(g, port, remote);
	int i = neigh_index(g, port, nh);

	if (i >= 0) {
		needed[i] = true;
		return;
	}
	if (!add)
		return;
	for (i = 0; i < GWC_MAX_NEIGH && g->neigh[i].used; i++)
		;
	if (i == GWC_MAX_NEIGH && g->neigh_stale) {
		gwc_neigh_sync(g);   /* room from the entries nothing needs */
		nh_need(g, port, remote, needed, add);
		return;
	}
	if (i == GWC_MAX_NEIGH) {
		GWC_LOG(WARNING, "neighbor table full (%d): a next hop on port %s not "
				 "resolved", GWC_MAX_NEIGH, g->conf.port[port].name);
		return;
	}
	g->neigh[i].used = true;
	g->neigh[i].port = port;
	g->neigh[i].ip = nh;
	g->neigh[i].last_req_tsc = 0;  /* ask at once */
	static_neigh(g, &g->neigh[i]);
	needed[i] = true;
}

/* One pass over the GRE endpoints and outbound SAs: mark what each needs, and with
 * 'add' make what is missing. */
static void
nh_users(struct gwc *g, bool *needed, bool add)
{
	rte_be32_t remote;
	unsigned int j;
	uint16_t port;

	GWC_EP_FOREACH(g, j)
		if (nh_user_ep(g, j, &port, &remote))
			nh_need(g, port, remote, needed, add);
	GWC_SA_FOREACH(g, j)
		if (nh_user_sa(g, j, &port, &remote))
			nh_need(g, port, remote, needed, add);
}

void
gwc_neigh_ep_added(struct gwc *g, int id)
{
	rte_be32_t remote;
	uint16_t port;

	if (nh_user_ep(g, (unsigned int)id, &port, &remote))
		gwc_neigh_need(g, port, remote);
}

void
gwc_neigh_need(struct gwc *g, uint16_t port, rte_be32_t remote)
{
	bool needed[GWC_MAX_NEIGH] = { false };

	nh_need(g, port, remote, needed, true);
}

void
gwc_neigh_ep_removed(struct gwc *g)
{
	g->neigh_stale = true;
}

void
gwc_neigh_sync(struct gwc *g)
{
	bool needed[GWC_MAX_NEIGH] = { false };
	unsigned int i;

	g->neigh_stale = false;
	/* first drop what nothing needs, so that what is added finds room */
	nh_users(g, needed, false);
	for (i = 0; i < GWC_MAX_NEIGH; i++)
		if (g->neigh[i].used && !needed[i])
			memset(&g->neigh[i], 0, sizeof(g->neigh[i]));
	nh_users(g, needed, true);
}

static void
arp_request(struct gwc *g, struct gwc_neigh *n)
{
	static const struct rte_ether_addr bcast = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff,
								     0xff, 0xff } };
	static const struct rte_ether_addr zero;
	struct rte_mbuf *m = gwc_arp_build(g, RTE_ARP_OP_REQUEST, &bcast, &g->port[n->port].mac,
					   g->conf.port[n->port].ip, &zero, n->ip);

	if (m == NULL)
		return;
	gwc_inject(g, n->port, m);
	n->requests++;
}

bool
gwc_neigh_learn(struct gwc *g, uint16_t port, const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_arp_hdr *a = (const struct rte_arp_hdr *)(eth + 1);
	unsigned int i;

	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_ARP) ||
	    m->data_len < sizeof(*eth) + sizeof(*a) ||
	    a->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) || a->arp_hlen != 6 ||
	    a->arp_plen != 4 || !rte_is_unicast_ether_addr(&a->arp_data.arp_sha))
		return false;
	for (i = 0; i < GWC_MAX_NEIGH; i++) {
		struct gwc_neigh *n = &g->neigh[i];

		if (!n->used || n->is_static || n->port != port || n->ip != a->arp_data.arp_sip)
			continue;
		if (n->resolved && rte_is_same_ether_addr(&n->mac, &a->arp_data.arp_sha))
			return false;
		rte_ether_addr_copy(&a->arp_data.arp_sha, &n->mac);
		n->resolved = true;
		n->last_req_tsc = rte_rdtsc();
		GWC_LOG(INFO, "port %s: next hop " RTE_ETHER_ADDR_PRT_FMT " resolved",
			g->conf.port[port].name, RTE_ETHER_ADDR_BYTES(&n->mac));
		return true;
	}
	return false;
}

void
gwc_neigh_poll(struct gwc *g)
{
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	unsigned int i;

	if (now - g->last_arp_tsc < hz / 20)
		return;
	g->last_arp_tsc = now;
	if (g->neigh_stale)
		gwc_neigh_sync(g);
	for (i = 0; i < GWC_MAX_NEIGH; i++) {
		struct gwc_neigh *nb = &g->neigh[i];
		uint64_t period = nb->resolved ? hz * g->conf.arp_refresh_s
					       : hz / 1000 * g->conf.arp_retry_ms;

		if (nb->used && !nb->is_static &&
		    (nb->last_req_tsc == 0 || now - nb->last_req_tsc >= period)) {
			nb->last_req_tsc = now;
			arp_request(g, nb);
		}
	}
}
