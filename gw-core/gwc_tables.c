/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building the tables workers read from the control thread's model, and publishing
 * them: a fresh table each time, swapped in with an atomic store, the old one freed
 * after an rte_rcu_qsbr grace period. Workers never see a half-built table, so a
 * change (a slice added, a next hop resolved) is atomic for them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_malloc.h>

#include "gwc_priv.h"

#define GRE_FLAG_KEY 0x2000
#define GRE_PROTO_TEB 0x6558  /* transparent Ethernet bridging */

/* Fill the outer Ethernet + IPv4 + GRE template of a GRE endpoint (RFC 2784/2890). */
static void
gre_template(struct gwc_ep *ep, const struct ppm_port *port)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)ep->hdr;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	rte_be16_t *gre = (rte_be16_t *)(ip + 1);

	memset(ep->hdr, 0, sizeof(ep->hdr));
	rte_ether_addr_copy(&ep->conf.nh_mac, &eth->dst_addr);
	rte_ether_addr_copy(&port->mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = 0;                      /* per packet */
	ip->packet_id = 0;                         /* RFC 6864: atomic datagram, DF set */
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_GRE;
	ip->hdr_checksum = 0;                      /* per packet, from ip_sum0 */
	ip->src_addr = ep->local;
	ip->dst_addr = ep->conf.remote;
	gre[0] = rte_cpu_to_be_16(ep->conf.has_key ? GRE_FLAG_KEY : 0);
	gre[1] = rte_cpu_to_be_16(GRE_PROTO_TEB);
	ep->hdr_len = sizeof(*eth) + sizeof(*ip) + 4;
	if (ep->conf.has_key) {
		rte_be32_t k = rte_cpu_to_be_32(ep->conf.key);

		memcpy(&gre[2], &k, 4);
		ep->hdr_len += 4;
	}
	ep->ip_sum0 = rte_raw_cksum(ip, sizeof(*ip));
}

void
gwc_tables_free(struct gwc_tables *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->gre);
	gwc_ipsec_tables_free(t);
	rte_free(t);
}

static struct gwc_tables *
tables_build(struct gwc *g)
{
	struct gwc_tables *t;
	struct gwc_ep *store;
	uint16_t *flood;
	unsigned int n_eps = 0, n_gre = 0, i, p, s;
	size_t sz;

	for (i = 0; i < GWC_MAX_EPS; i++)
		if (g->ep[i].used) {
			n_eps++;
			n_gre += g->ep[i].ep.type == GWC_EP_GRE;
		}
	sz = sizeof(*t) + n_eps * sizeof(struct gwc_ep) + n_eps * sizeof(uint16_t);
	t = rte_zmalloc("gwc_tables", sz, RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		return NULL;
	store = (struct gwc_ep *)(t + 1);
	flood = (uint16_t *)(store + n_eps);
	t->version = g->version + 1;
	t->n_ports = g->n_ports;

	for (p = 0; p < g->n_ports; p++) {
		struct gwc_port_tab *pt = &t->port[p];

		pt->untagged_ep = GWC_EP_NONE;
		memset(pt->vlan_ep, 0xff, sizeof(pt->vlan_ep));
		pt->has_ip = g->conf.port[p].has_ip;
		pt->ip = g->conf.port[p].ip;
		pt->mtu = g->port[p].mtu;
		pt->tx_multiseg = g->port[p].tx_multiseg;
	}

	if (n_gre != 0) {
		char name[RTE_HASH_NAMESIZE];
		struct rte_hash_parameters hp = {
			.name = name,
			.entries = RTE_MAX(2 * n_gre, 16u),
			.key_len = sizeof(struct gwc_gre_key),
			.hash_func = rte_hash_crc,            /* gwc_gre_hash() */
			.hash_func_init_val = GWC_GRE_HASH_INIT,
			.socket_id = (int)rte_socket_id(),
		};

		snprintf(name, sizeof(name), "gwc_gre_%u", t->version);
		t->gre = rte_hash_create(&hp);
		if (t->gre == NULL) {
			rte_free(t);
			return NULL;
		}
	}

	for (i = 0; i < GWC_MAX_EPS; i++) {
		struct gwc_ep *ep;

		if (!g->ep[i].used)
			continue;
		ep = store++;
		*ep = g->ep[i].ep;
		ep->id = (uint16_t)i;
		ep->out_sa = GWC_SA_NONE;
		switch (ep->type) {
		case GWC_EP_PORT:
			t->port[ep->port].untagged_ep = ep->id;
			break;
		case GWC_EP_VLAN:
			ep->vid_be = rte_cpu_to_be_16(ep->conf.vid);
			t->port[ep->port].vlan_ep[ep->conf.vid] = ep->id;
			break;
		case GWC_EP_GRE: {
			struct gwc_gre_key k;
			const struct gwc_neigh *nb;

			gwc_gre_key_set(&k, ep->conf.remote, ep->conf.has_key ? ep->conf.key : 0,
					ep->port, ep->conf.has_key);
			ep->local = g->conf.port[ep->port].ip;
			ep->nh_ip = gwc_nexthop_ip(g, ep->port, ep->conf.remote);
			nb = gwc_neigh_find(g, ep->port, ep->nh_ip);
			if (!ep->conf.has_nh && nb != NULL && nb->resolved)
				rte_ether_addr_copy(&nb->mac, &ep->conf.nh_mac);
			ep->nh_ok = ep->conf.has_nh || (nb != NULL && nb->resolved);
			gre_template(ep, &g->port[ep->port]);
			if (rte_hash_add_key_data(t->gre, &k, (void *)(uintptr_t)ep->id) < 0) {
				gwc_tables_free(t);
				return NULL;
			}
			break;
		}
		case GWC_EP_TRAILER: {
			struct gwc_port_tab *pt = &t->port[ep->port];
			struct gwc_trl_rule r = {
				.terminal = ep->conf.trl_terminal,
				.app_lo = ep->conf.trl_app_lo,
				.app_hi = ep->conf.trl_app_hi,
				.ep = ep->id,
			};
			unsigned int at = pt->n_trl;

			ep->reappend = ep->conf.trl_reappend;
			/* terminal-specific rules before any-terminal ones: the first match wins */
			if (r.terminal != 0)
				while (at > 0 && pt->trl[at - 1].terminal == 0) {
					pt->trl[at] = pt->trl[at - 1];
					at--;
				}
			pt->trl[at] = r;
			pt->n_trl++;
			break;
		}
		}
		t->ep[i] = ep;
	}

	if (gwc_ipsec_tables(g, t) != 0) {
		gwc_tables_free(t);
		return NULL;
	}

	/* Terminals with a trailer key, sorted by terminal ID for a binary search. */
	for (i = 0; i < GWC_MAX_TRL_KEYS; i++) {
		unsigned int at;

		if (!g->term[i].used)
			continue;
		at = t->n_terms++;
		while (at > 0 && t->term[at - 1].terminal > g->term[i].terminal) {
			t->term[at] = t->term[at - 1];
			at--;
		}
		t->term[at] = (struct gwc_trl_term){ .terminal = g->term[i].terminal,
						     .slot = (uint16_t)i,
						     .required = g->term[i].required };
	}

	/* Flood lists: count each slice's endpoints, give each slice its run, then fill.
	 * IPsec endpoints are routed (L3): they take only frames to the router MAC. */
	for (i = 0; i < GWC_MAX_EPS; i++)
		if (g->ep[i].used && g->ep[i].ep.type != GWC_EP_IPSEC)
			t->slice[g->ep[i].ep.slice].n_flood++;
	for (s = 0; s < GWC_MAX_SLICES; s++) {
		if (!g->slice[s].used)
			continue;
		t->slice[s].mac = g->slice[s].mac;
		t->slice[s].flood = flood;
		flood += t->slice[s].n_flood;
		t->slice[s].n_flood = 0;
	}
	for (i = 0; i < GWC_MAX_EPS; i++)
		if (g->ep[i].used && g->ep[i].ep.type != GWC_EP_IPSEC) {
			struct gwc_slice_tab *st = &t->slice[g->ep[i].ep.slice];

			/* ours until published: const only for the workers */
			((uint16_t *)st->flood)[st->n_flood++] = (uint16_t)i;
		}
	return t;
}

int
gwc_tables_publish(struct gwc *g)
{
	struct gwc_tables *t = tables_build(g), *old;

	if (t == NULL) {
		GWC_LOG(ERR, "tables: build failed: out of memory");
		return -ENOMEM;
	}
	old = ppm_rcu_publish(g->qsbr, (void **)&g->tables, t);
	g->version = t->version;
	gwc_tables_free(old);
	gwc_ipsec_gc(g);
	return 0;
}
