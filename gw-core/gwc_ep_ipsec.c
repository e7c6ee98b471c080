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

static int
ipsec_validate(const struct gwc *g, int s, int port, const struct gwc_ep_conf *c,
	       struct gwc_err *e)
{
	unsigned int n_short = 0;
	unsigned int i;

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
	/* Selectors shorter than /32 go to one rule list of all slices: count them. */
	for (i = 0; i < c->n_ts_remote; i++)
		n_short += c->ts_remote[i].len < 32;
	GWC_EP_FOREACH(g, i) {
		const struct gwc_ep_conf *o = &g->ep[i].ep.conf;
		int a;

		if (n_short == 0)
			break;
		if (o->type == GWC_EP_IPSEC)
			for (a = 0; a < o->n_ts_remote; a++)
				n_short += o->ts_remote[a].len < 32;
	}
	if (n_short > GWC_MAX_L3_RULES) {
		gwc_errf(e, "endpoint '%s': more than %d traffic selectors shorter than /32 in "
			    "all slices (GWC_MAX_L3_RULES); use /32 selectors", c->name,
			 GWC_MAX_L3_RULES);
		return -ENOSPC;
	}
	/* The slice routes each address to one terminal. */
	GWC_SLICE_EP_FOREACH(g, s, i) {
		const struct gwc_ep_conf *o = &g->ep[i].ep.conf;
		int a, b;

		if (o->type != GWC_EP_IPSEC)
			continue;
		for (a = 0; a < c->n_ts_remote; a++)
			for (b = 0; b < o->n_ts_remote; b++)
				if (c->ts_remote[a].len == o->ts_remote[b].len &&
				    c->ts_remote[a].addr == o->ts_remote[b].addr) {
					char t[INET_ADDRSTRLEN];

					gwc_errf(e, "endpoint '%s': %s/%u is already routed to "
						    "endpoint '%s' of slice '%s'", c->name,
						 gwc_ip_str(c->ts_remote[a].addr, t),
						 c->ts_remote[a].len, o->name, g->slice[s].name);
					return -EADDRINUSE;
				}
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
 * routes by the slice router's (gwc_l3.c): nothing of its own to build. */
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
};
