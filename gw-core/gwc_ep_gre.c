/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Endpoint type "gre": Ethernet over GRE (RFC 2784, the key of RFC 2890, protocol 0x6558,
 * outer IPv4) between this port's address and 'remote'; one endpoint per (remote, key)
 * on a port. Its outer next hop is resolved by ARP (gwc_neigh.c) unless 'nexthop_mac'
 * is given. Data plane: decapsulation and encapsulation (gwc_dp_gre.h), from the
 * template built here. Control thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>

#include "gwc_ep_ops.h"
#include "gwc_json.h"
#include "gwc_model.h"

static int
gre_parse(struct gwc_ep_conf *c, struct json_object *args, struct gwc_err *e)
{
	const char *s;
	uint64_t v;
	bool have;
	int rc;

	if ((rc = gwc_arg_str(args, "remote", &s, e)) != 0)
		return rc;
	if (inet_pton(AF_INET, s, &c->remote) != 1) {
		gwc_errf(e, "endpoint '%s': remote '%s' is not an IPv4 address", c->name, s);
		return -EINVAL;
	}
	if ((rc = gwc_arg_uint(args, "key", UINT32_MAX, &v, &have, e)) != 0)
		return rc;
	c->has_key = have;
	c->key = (uint32_t)v;
	if (json_object_object_get_ex(args, "nexthop_mac", NULL)) {
		if ((rc = gwc_arg_str(args, "nexthop_mac", &s, e)) != 0)
			return rc;
		if (rte_ether_unformat_addr(s, &c->nh_mac) != 0) {
			gwc_errf(e, "endpoint '%s': nexthop_mac '%s' is not a MAC address",
				 c->name, s);
			return -EINVAL;
		}
		c->has_nh = true;
	}
	return 0;
}

static int
gre_validate(const struct gwc *g, int s, int port, const struct gwc_ep_conf *c,
	     struct gwc_err *e)
{
	struct gwc_gre_key k;
	void *d;

	RTE_SET_USED(s);
	if (!g->conf.port[port].has_ip) {
		gwc_errf(e, "endpoint '%s': port '%s' has no IPv4 address; GRE needs one "
			    "(set ipv4 = in its [port] section)", c->name, c->port);
		return -EINVAL;
	}
	if (c->remote == 0 || c->remote == 0xffffffff ||
	    (rte_be_to_cpu_32(c->remote) >> 28) == 0xe) {
		gwc_errf(e, "endpoint '%s': remote address must be a unicast IPv4 address",
			 c->name);
		return -EINVAL;
	}
	/* the hash holds the key of every GRE endpoint of the model (gre_hash()) */
	gwc_gre_key_set(&k, c->remote, c->has_key ? c->key : 0, (uint16_t)port, c->has_key);
	if (g->gre_keys != NULL && rte_hash_lookup_data(g->gre_keys, &k, &d) >= 0) {
		const struct gwc_ep *o = &g->ep[(uintptr_t)d].ep;
		char ip[INET_ADDRSTRLEN];

		gwc_errf(e, "endpoint '%s': GRE remote %s key %s%u on port '%s' is already used "
			    "by endpoint '%s' of slice '%s'", c->name, gwc_ip_str(c->remote, ip),
			 c->has_key ? "" : "none ", c->has_key ? c->key : 0, c->port, o->conf.name,
			 g->slice[o->slice].name);
		return -EADDRINUSE;
	}
	return 0;
}

static void
gre_to_json(const struct gwc *g, int id, struct json_object *o)
{
	const struct gwc_ep *ep = &g->ep[id].ep;
	const struct gwc_ep *pub = g->dp.tables->ep[id];
	char ip[INET_ADDRSTRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];

	agw_json_add_str(o, "remote", gwc_ip_str(ep->conf.remote, ip));
	if (ep->conf.has_key)
		agw_json_add_u64(o, "key", ep->conf.key);
	if (pub == NULL)
		return;
	agw_json_add_str(o, "local", gwc_ip_str(pub->local, ip));
	agw_json_add_str(o, "nexthop", gwc_ip_str(pub->nh_ip, ip));
	agw_json_add_bool(o, "nexthop_resolved", pub->nh_ok);
	if (pub->nh_ok) {
		rte_ether_format_addr(mac, sizeof(mac), &pub->conf.nh_mac);
		agw_json_add_str(o, "nexthop_mac", mac);
	}
}

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
	gre[0] = rte_cpu_to_be_16(ep->conf.has_key ? GWC_GRE_F_KEY : 0);
	gre[1] = rte_cpu_to_be_16(GWC_GRE_PROTO_TEB);
	ep->hdr_len = sizeof(*eth) + sizeof(*ip) + 4;
	if (ep->conf.has_key) {
		rte_be32_t k = rte_cpu_to_be_32(ep->conf.key);

		memcpy(&gre[2], &k, 4);
		ep->hdr_len += 4;
	}
	ep->ip_sum0 = rte_raw_cksum(ip, sizeof(*ip));
}

/*
 * The (remote, key, port) -> endpoint id hash, kept across tables: made on the first GRE
 * endpoint, sized for [gw-core] max_endpoints, read by workers while the control thread
 * adds and deletes (lock-free, RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF); a deleted key's
 * slot is reused after the workers' grace period (rte_hash_rcu_qsbr_add(), defer
 * queue). A key is added when its endpoint's copy is built, so a worker may find it
 * before the tables naming the endpoint are out: it then finds no endpoint for the id
 * (t->ep[id] is NULL) and drops the frame as it did before the key existed.
 */
static struct rte_hash *
gre_hash(struct gwc *g)
{
	/* gwc_gre_hash() computes the same hash inline: rte_hash_crc from 0 */
	RTE_BUILD_BUG_ON(GWC_GRE_HASH_INIT != 0);
	if (g->gre_keys == NULL)
		g->gre_keys = gwc_hash_lf_new(g, "gre", g->conf.max_endpoints,
					      sizeof(struct gwc_gre_key));
	return g->gre_keys;
}

static void
gre_key_of(struct gwc_gre_key *k, const struct gwc_ep *ep)
{
	gwc_gre_key_set(k, ep->conf.remote, ep->conf.has_key ? ep->conf.key : 0, ep->port,
			ep->conf.has_key);
}

static int
gre_build(struct gwc *g, struct gwc_tables *t, struct gwc_ep *ep)
{
	struct rte_hash *h = gre_hash(g);
	const struct gwc_neigh *nb;
	struct gwc_gre_key k;

	if (h == NULL)
		return -ENOMEM;
	gre_key_of(&k, ep);
	ep->local = g->conf.port[ep->port].ip;
	ep->nh_ip = gwc_nexthop_ip(g, ep->port, ep->conf.remote);
	nb = gwc_neigh_find(g, ep->port, ep->nh_ip);
	if (!ep->conf.has_nh && nb != NULL && nb->resolved)
		rte_ether_addr_copy(&nb->mac, &ep->conf.nh_mac);
	ep->nh_ok = ep->conf.has_nh || (nb != NULL && nb->resolved);
	gre_template(ep, &g->port[ep->port]);
	t->gre = h;
	/* an endpoint built again keeps its key: adding it again only rewrites the id */
	return rte_hash_add_key_data(h, &k, (void *)(uintptr_t)ep->id) < 0 ? -ENOMEM : 0;
}

/* Its key goes unless the endpoint's published copy (built again) still has it: once
 * the endpoint is gone, or when a copy that was never published is dropped. */
static void
gre_retire(struct gwc *g, const struct gwc_ep *old)
{
	const struct gwc_ep *cur = g->ep[old->id].pub;
	struct gwc_gre_key k, kc;

	if (g->gre_keys == NULL)
		return;
	gre_key_of(&k, old);
	if (cur != NULL && cur != old && cur->type == GWC_EP_GRE) {
		gre_key_of(&kc, cur);
		if (memcmp(&k, &kc, sizeof(k)) == 0)
			return;
	}
	gwc_hash_del_if(g->gre_keys, &k, old->id);
}

/* The tables name the hash while any GRE endpoint exists (workers skip it when NULL). */
static int
gre_tables(struct gwc *g, struct gwc_tables *t)
{
	t->gre = g->n_eps_type[GWC_EP_GRE] != 0 ? gre_hash(g) : NULL;
	return g->n_eps_type[GWC_EP_GRE] != 0 && t->gre == NULL ? -ENOMEM : 0;
}

static void
gre_fini(struct gwc *g)
{
	rte_hash_free(g->gre_keys);
	g->gre_keys = NULL;
}

GWC_TABLES_BUILDER(gre, gre_tables, NULL, NULL, gre_fini)

const struct gwc_ep_ops gwc_ep_gre_ops = {
	.type = GWC_EP_GRE,
	.name = "gre",
	.schema = "port= remote=IPv4 [key=0..4294967295] [nexthop_mac=MAC]",
	.bridged = true,
	.parse = gre_parse,
	.validate = gre_validate,
	.to_json = gre_to_json,
	.build = gre_build,
	.retire = gre_retire,
};
