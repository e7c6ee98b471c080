/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Endpoint type "ipsec": an IPsec terminal (seed 003 Figure 3(A)). Its traffic is the
 * inner IPv4 of its SAs (gwc_ipsec.c), routed into the slice by the slice router
 * (gwc_l3.c, gwc_dp_l3.h): it is not bridged, so it is on no flood list and no MAC entry
 * points at it. A terminal joining through its slice's IPsec link sliver ('link') takes
 * the link's port and slice-side addresses, and its addresses must come from the link's.
 * Control thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_malloc.h>

#include "gwc_ep_ops.h"
#include "gwc_json.h"
#include "gwc_model.h"

static int
ipsec_parse(struct gwc_ep_conf *c, struct json_object *args, struct gwc_err *e)
{
	const char *s;
	int rc;

	if (json_object_object_get_ex(args, "link", NULL)) {
		if ((rc = gwc_arg_str(args, "link", &s, e)) != 0)
			return rc;
		if (strlen(s) >= sizeof(c->link)) {
			gwc_errf(e, "endpoint '%s': link name too long", c->name);
			return -EINVAL;
		}
		snprintf(c->link, sizeof(c->link), "%s", s);
	}
	if ((rc = gwc_arg_prefixes(args, "ts_remote", c->ts_remote, &c->n_ts_remote, e)) != 0 ||
	    (rc = gwc_arg_prefixes(args, "ts_local", c->ts_local, &c->n_ts_local, e)) != 0 ||
	    (rc = gwc_arg_ipv4(args, "l3_addr", &c->l3_addr, e)) != 0 ||
	    (rc = gwc_arg_ipv4(args, "gateway", &c->l3_gateway, e)) != 0)
		return rc;
	if (json_object_object_get_ex(args, "gateway_mac", NULL)) {
		if ((rc = gwc_arg_str(args, "gateway_mac", &s, e)) != 0)
			return rc;
		if (!gwc_mac_parse_unicast(s, &c->gw_mac)) {
			gwc_errf(e, "endpoint '%s': gateway_mac '%s' is not a unicast MAC address",
				 c->name, s);
			return -EINVAL;
		}
		c->has_gw_mac = true;
	}
	return 0;
}

/*
 * An IPsec terminal joining through the slice's link sliver 'c->link': take the link's
 * port, slice-side addresses and (when 'c' has none) local selectors; its addresses
 * must come from the link's (the slice's address pool).
 */
static int
ipsec_from_link(const struct gwc *g, int s, struct gwc_ep_conf *c, struct gwc_err *e)
{
	const struct gwc_ep_conf *l;
	int id = gwc_ep_find(g, s, c->link), i, k;

	if (id < 0 || g->ep[id].ep.conf.type != GWC_EP_IPSEC) {
		gwc_errf(e, "endpoint '%s': link '%s' is not an ipsec endpoint of slice '%s'",
			 c->name, c->link, g->slice[s].name);
		return -ENOENT;
	}
	l = &g->ep[id].ep.conf;
	if (c->port[0] != '\0' && strcmp(c->port, l->port) != 0) {
		gwc_errf(e, "endpoint '%s': port '%s' differs from its link's port '%s'",
			 c->name, c->port, l->port);
		return -EINVAL;
	}
	snprintf(c->port, sizeof(c->port), "%s", l->port);
	c->l3_addr = l->l3_addr;
	c->l3_gateway = l->l3_gateway;
	c->has_gw_mac = l->has_gw_mac;
	c->gw_mac = l->gw_mac;
	if (c->n_ts_local == 0) {
		c->n_ts_local = l->n_ts_local;
		memcpy(c->ts_local, l->ts_local, sizeof(c->ts_local));
	}
	for (i = 0; i < c->n_ts_remote; i++) {
		const struct gwc_prefix *p = &c->ts_remote[i];

		for (k = 0; k < l->n_ts_remote; k++)
			if (p->len >= l->ts_remote[k].len && p->len <= 32 &&
			    gwc_prefix_match(&l->ts_remote[k], 1, p->addr))
				break;
		if (k == l->n_ts_remote) {
			char a[INET_ADDRSTRLEN];

			gwc_errf(e, "endpoint '%s': traffic selector %s/%u is outside the "
				    "addresses of its link '%s'", c->name,
				 inet_ntop(AF_INET, &p->addr, a, sizeof(a)), p->len, c->link);
			return -EACCES;
		}
	}
	return 0;
}

static int
ipsec_prepare(const struct gwc *g, int s, struct gwc_ep_conf *c, struct gwc_err *e)
{
	return c->link[0] != '\0' ? ipsec_from_link(g, s, c, e) : 0;
}

#define ROUTES_PER_EP 2   /* room in the route hash: /32 selectors per endpoint */
#define ROUTE_FILTER_BITS_PER_KEY 4   /* the route filter's bits per route of room: at
				         most 22 % of them set (1 - e^(-1/4)) */

uint32_t
gwc_ipsec_routes_max(const struct gwc *g)
{
	return ROUTES_PER_EP * g->conf.max_endpoints;
}

/*
 * The slice router's /32 routes (slice << 32 | address -> endpoint id), a hash kept
 * across tables (gwc_hash_lf_new()) with room for two per endpoint (ROUTES_PER_EP):
 * made on the first, its keys added when a terminal's copy is built (a worker that finds
 * one before the tables naming the terminal are out finds no endpoint there, and drops
 * the packet as before) and deleted when the copy is retired.
 */
static struct rte_hash *
route_hash(struct gwc *g)
{
	uint32_t bits;

	if (g->l3_routes != NULL)
		return g->l3_routes;
	/* its filter (gwc_route_maybe()) first: the hash is never there without it */
	bits = rte_align32pow2(RTE_MAX(ROUTE_FILTER_BITS_PER_KEY * gwc_ipsec_routes_max(g), 64u));
	g->route_bits = rte_zmalloc("gwc_route_bits", bits / 8, RTE_CACHE_LINE_SIZE);
	g->route_cnt = rte_zmalloc("gwc_route_cnt", bits, RTE_CACHE_LINE_SIZE);
	g->route_shift = (uint8_t)(64 - rte_log2_u32(bits));
	if (g->route_bits != NULL && g->route_cnt != NULL)
		g->l3_routes = gwc_hash_lf_new(g, "l3rt", gwc_ipsec_routes_max(g), sizeof(uint64_t));
	if (g->l3_routes == NULL) {
		rte_free(g->route_bits);
		rte_free(g->route_cnt);
		g->route_bits = NULL;
		g->route_cnt = NULL;
	}
	return g->l3_routes;
}

/* One more (+1) or one fewer (-1) key of the route hash at 'key''s filter bit: set
 * before a key is added, cleared after the last is deleted, so that a worker never
 * finds the bit clear while the key is there. A count that reached 255 stays. */
static void
route_count(struct gwc *g, uint64_t key, int d)
{
	uint32_t b = gwc_route_bit(key, g->route_shift);

	if (g->route_cnt[b] == UINT8_MAX)
		return;
	if (d > 0) {
		if (g->route_cnt[b]++ == 0)
			__atomic_fetch_or(&g->route_bits[b / 64], 1ull << (b % 64), __ATOMIC_RELEASE);
	} else if (--g->route_cnt[b] == 0) {
		__atomic_fetch_and(&g->route_bits[b / 64], ~(1ull << (b % 64)), __ATOMIC_RELEASE);
	}
}

static uint64_t
route_key(uint16_t slice, rte_be32_t addr)
{
	return (uint64_t)slice << 32 | addr;
}

/* The endpoint that slice 's' routes prefix 'p' to now (one of its IPsec endpoints),
 * or -1. */
static int
route_holder(const struct gwc *g, uint16_t s, const struct gwc_prefix *p)
{
	unsigned int i;

	if (p->len == 32) {
		uint64_t key = route_key(s, p->addr);
		void *d;

		if (g->l3_routes != NULL && rte_hash_lookup_data(g->l3_routes, &key, &d) >= 0 &&
		    g->ep[(uintptr_t)d].used && g->ep[(uintptr_t)d].ep.slice == s)
			return (int)(uintptr_t)d;
		return -1;
	}
	for (i = 0; i < g->n_l3_rules; i++) {
		const struct gwc_l3_rule *r = &g->l3_rule[i];

		if (r->slice == s && r->addr == p->addr && r->mask == gwc_prefix_mask(p->len) &&
		    g->ep[r->ep].used)
			return r->ep;
	}
	return -1;
}

static int
ipsec_validate(const struct gwc *g, int s, int port, const struct gwc_ep_conf *c,
	       struct gwc_err *e)
{
	unsigned int n_short = 0, n32 = 0, i;

	if (!g->conf.port[port].has_ip) {
		gwc_errf(e, "endpoint '%s': port '%s' has no IPv4 address; IPsec terminals "
			    "reach the AGW at it (set ipv4 = in its [port] section)", c->name,
			 c->port);
		return -EINVAL;
	}
	if (c->n_ts_remote == 0 || c->n_ts_remote > GWC_MAX_TS || c->n_ts_local > GWC_MAX_TS) {
		gwc_errf(e, "endpoint '%s': an ipsec endpoint needs 1 to %d remote traffic "
			    "selectors (the terminal's addresses) and at most %d local ones",
			 c->name, GWC_MAX_TS, GWC_MAX_TS);
		return -EINVAL;
	}
	for (i = 0; i < c->n_ts_remote + c->n_ts_local; i++) {
		const struct gwc_prefix *p = i < c->n_ts_remote
			? &c->ts_remote[i] : &c->ts_local[i - c->n_ts_remote];
		if (p->len > 32 || (p->addr & ~gwc_prefix_mask(p->len)) != 0) {
			gwc_errf(e, "endpoint '%s': traffic selector prefix /%u has host bits "
				    "set or a bad length", c->name, p->len);
			return -EINVAL;
		}
	}
	/* Selectors shorter than /32 go to one rule list of all slices (gwc_l3.c), /32
	 * ones to the route hash: both are counted. */
	for (i = 0; i < c->n_ts_remote; i++) {
		n_short += c->ts_remote[i].len < 32;
		n32 += c->ts_remote[i].len == 32;
	}
	if (n_short != 0 && g->n_l3_rules + n_short > GWC_MAX_L3_RULES) {
		gwc_errf(e, "endpoint '%s': more than %d traffic selectors shorter than /32 in "
			    "all slices (GWC_MAX_L3_RULES); use /32 selectors", c->name,
			 GWC_MAX_L3_RULES);
		return -ENOSPC;
	}
	if (n32 != 0 && g->l3_routes != NULL &&
	    rte_hash_count(g->l3_routes) + n32 > gwc_ipsec_routes_max(g)) {
		gwc_errf(e, "endpoint '%s': more than %u /32 traffic selectors in all slices "
			    "(%d per endpoint of [gw-core] max_endpoints)", c->name,
			 gwc_ipsec_routes_max(g), ROUTES_PER_EP);
		return -ENOSPC;
	}
	/* The slice routes each address to one terminal: what routes it now is in the
	 * route hash (/32) or the rule list. */
	for (i = 0; i < c->n_ts_remote; i++) {
		const struct gwc_prefix *p = &c->ts_remote[i];
		int other = route_holder(g, (uint16_t)s, p);
		char t[INET_ADDRSTRLEN];

		if (other < 0)
			continue;
		gwc_errf(e, "endpoint '%s': %s/%u is already routed to endpoint '%s' of slice "
			    "'%s'", c->name, gwc_ip_str(p->addr, t), p->len,
			 g->ep[other].ep.conf.name, g->slice[s].name);
		return -EADDRINUSE;
	}
	return 0;
}

/* 'n' prefixes 'p' as a JSON array of "A.B.C.D/LEN". */
static struct json_object *
prefixes_json(const struct gwc_prefix *p, unsigned int n)
{
	struct json_object *a = json_object_new_array();
	char ip[INET_ADDRSTRLEN], pfx[INET_ADDRSTRLEN + 4];
	unsigned int k;

	for (k = 0; k < n; k++) {
		snprintf(pfx, sizeof(pfx), "%s/%u", gwc_ip_str(p[k].addr, ip), p[k].len);
		json_object_array_add(a, json_object_new_string(pfx));
	}
	return a;
}

static void
ipsec_to_json(const struct gwc *g, int id, struct json_object *o)
{
	const struct gwc_ep_conf *c = &g->ep[id].ep.conf;
	const struct gwc_ep *pub = g->dp.tables->ep[id];
	char ip[INET_ADDRSTRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];

	json_object_object_add(o, "ts_remote", prefixes_json(c->ts_remote, c->n_ts_remote));
	json_object_object_add(o, "ts_local", prefixes_json(c->ts_local, c->n_ts_local));
	if (c->link[0] != '\0')
		agw_json_add_str(o, "link", c->link);
	if (c->l3_addr != 0)
		agw_json_add_str(o, "l3_addr", gwc_ip_str(c->l3_addr, ip));
	if (c->l3_gateway != 0)
		agw_json_add_str(o, "gateway", gwc_ip_str(c->l3_gateway, ip));
	if (c->has_gw_mac) {
		rte_ether_format_addr(mac, sizeof(mac), &c->gw_mac);
		agw_json_add_str(o, "gateway_mac", mac);
	}
	if (pub != NULL && pub->out_sa != GWC_SA_NONE) {
		char spi[16];

		snprintf(spi, sizeof(spi), "0x%08x", g->sa[pub->out_sa].conf.spi);
		agw_json_add_str(o, "out_spi", spi);
		agw_json_add_bool(o, "nexthop_resolved", pub->nh_ok);
	}
}

/* Its SA and outer next hop are filled by the SA model's builder (gwc_ipsec.c), its
 * shorter selectors by the slice router's (gwc_l3.c); its /32 selectors go into the
 * route hash here. */
static int
ipsec_build(struct gwc *g, struct gwc_tables *t, struct gwc_ep *ep)
{
	unsigned int k;

	RTE_SET_USED(t);
	for (k = 0; k < ep->conf.n_ts_remote; k++) {
		uint64_t key = route_key(ep->slice, ep->conf.ts_remote[k].addr);
		bool fresh;

		if (ep->conf.ts_remote[k].len != 32)
			continue;
		if (route_hash(g) == NULL)
			return -ENOMEM;
		/* a key kept from the endpoint's published copy only has its data rewritten */
		fresh = rte_hash_lookup(g->l3_routes, &key) < 0;
		if (fresh)
			route_count(g, key, +1);
		if (rte_hash_add_key_data(g->l3_routes, &key, (void *)(uintptr_t)ep->id) < 0) {
			if (fresh)
				route_count(g, key, -1);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Does copy 'ep' (of an IPsec endpoint, or NULL) route 'addr'/32 in slice 'slice'? */
static bool
routes32(const struct gwc_ep *ep, uint16_t slice, rte_be32_t addr)
{
	unsigned int k;

	if (ep == NULL || ep->type != GWC_EP_IPSEC || ep->slice != slice)
		return false;
	for (k = 0; k < ep->conf.n_ts_remote; k++)
		if (ep->conf.ts_remote[k].len == 32 && ep->conf.ts_remote[k].addr == addr)
			return true;
	return false;
}

/* Its /32 routes go, except those its published copy (built again) still has. */
static void
ipsec_retire(struct gwc *g, const struct gwc_ep *old)
{
	const struct gwc_ep *cur = g->ep[old->id].pub;
	unsigned int k;

	for (k = 0; g->l3_routes != NULL && k < old->conf.n_ts_remote; k++) {
		rte_be32_t addr = old->conf.ts_remote[k].addr;
		uint64_t key = route_key(old->slice, addr);

		if (old->conf.ts_remote[k].len != 32 ||
		    (cur != old && routes32(cur, old->slice, addr)))
			continue;
		if (gwc_hash_del_if(g->l3_routes, &key, old->id))
			route_count(g, key, -1);
	}
}

const struct gwc_ep_ops gwc_ep_ipsec_ops = {
	.type = GWC_EP_IPSEC,
	.name = "ipsec",
	.schema = "port= ts_remote=PREFIX|[..] [ts_local=] [l3_addr=] [gateway=] "
		  "[gateway_mac=] [link=ENDPOINT (port and addresses from it)]",
	.bridged = false,
	.parse = ipsec_parse,
	.prepare = ipsec_prepare,
	.validate = ipsec_validate,
	.to_json = ipsec_to_json,
	.build = ipsec_build,
	.retire = ipsec_retire,
};
