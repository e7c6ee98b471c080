/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core control socket: a UNIX stream socket carrying one JSON object per line
 * each way (json-c), documented in docs/control-socket.md. Several clients at once;
 * each names itself with "hello" and owns what it creates. A request that fails
 * changes nothing and gets {"ok": false, "error": {...}} with the errno name and a
 * message saying what was wrong.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "gwc_priv.h"
#include "trl_auth.h"

#define GWC_VERSION "0.1.0"

typedef int (*op_fn)(struct gwc *g, struct gwc_client *c, struct json_object *args,
		     struct json_object **res, struct gwc_err *e);

/* ------------------------------------------------------------ argument helpers */

static int
arg_str(struct json_object *args, const char *key, const char **out, struct gwc_err *e)
{
	struct json_object *v;

	if (args == NULL || !json_object_object_get_ex(args, key, &v) ||
	    !json_object_is_type(v, json_type_string)) {
		gwc_errf(e, "argument '%s' (a string) is required", key);
		return -EINVAL;
	}
	*out = json_object_get_string(v);
	return 0;
}

static int
arg_uint(struct json_object *args, const char *key, uint64_t max, uint64_t *out, bool *present,
	 struct gwc_err *e)
{
	struct json_object *v;
	int64_t x;

	*present = args != NULL && json_object_object_get_ex(args, key, &v);
	if (!*present)
		return 0;
	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		char *end;

		errno = 0;
		x = strtoll(s, &end, 0);
		if (errno != 0 || end == s || *end != '\0')
			goto bad;
	} else if (json_object_is_type(v, json_type_int)) {
		x = json_object_get_int64(v);
	} else {
		goto bad;
	}
	if (x < 0 || (uint64_t)x > max)
		goto bad;
	*out = (uint64_t)x;
	return 0;
bad:
	gwc_errf(e, "argument '%s' must be an integer from 0 to %" PRIu64, key, max);
	return -EINVAL;
}

/* A trailer endpoint's "app": N or "N" or "LO-HI" (IDs 1..2^32-1). */
/* Optional boolean 'key': JSON true/false or "yes"/"no"; '*out' keeps its value when absent. */
static int
arg_bool(struct json_object *args, const char *key, bool *out, struct gwc_err *e)
{
	struct json_object *o;
	const char *v;

	if (!json_object_object_get_ex(args, key, &o))
		return 0;
	if (json_object_is_type(o, json_type_boolean)) {
		*out = json_object_get_boolean(o);
		return 0;
	}
	v = json_object_get_string(o);
	if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
		gwc_errf(e, "argument '%s': true/false or yes/no", key);
		return -EINVAL;
	}
	*out = strcmp(v, "yes") == 0;
	return 0;
}

static int
app_range(struct json_object *args, const char *name, struct gwc_ep_conf *c, struct gwc_err *e)
{
	unsigned long long lo, hi;
	struct json_object *v;
	const char *s;
	char *end;

	if (args == NULL || !json_object_object_get_ex(args, "app", &v))
		goto bad;
	if (json_object_is_type(v, json_type_int)) {
		lo = hi = (unsigned long long)json_object_get_int64(v);
	} else if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		errno = 0;
		lo = strtoull(s, &end, 0);
		if (errno != 0 || end == s || *s == '-')
			goto bad;
		hi = lo;
		if (*end == '-') {
			s = end + 1;
			hi = strtoull(s, &end, 0);
			if (errno != 0 || end == s || *s == '-')
				goto bad;
		}
		if (*end != '\0')
			goto bad;
	} else {
		goto bad;
	}
	if (lo == 0 || hi < lo || hi > UINT32_MAX)
		goto bad;
	c->trl_app_lo = (uint32_t)lo;
	c->trl_app_hi = (uint32_t)hi;
	return 0;
bad:
	gwc_errf(e, "endpoint '%s': a trailer endpoint needs 'app': an app ID or a range LO-HI "
		    "of IDs from 1 to 4294967295", name);
	return -EINVAL;
}

/* Optional IPv4 address argument 'key' into '*out' (network order; absent: unchanged). */
static int
arg_ipv4(struct json_object *args, const char *key, uint32_t *out, struct gwc_err *e)
{
	const char *v;
	int rc;

	if (args == NULL || !json_object_object_get_ex(args, key, NULL))
		return 0;
	if ((rc = arg_str(args, key, &v, e)) != 0)
		return rc;
	if (inet_pton(AF_INET, v, out) != 1) {
		gwc_errf(e, "argument '%s': '%s' is not an IPv4 address", key, v);
		return -EINVAL;
	}
	return 0;
}

/* "A.B.C.D/LEN" (or an address alone: /32) into 'p'. @return 0 or -1. */
static int
prefix_parse(const char *s, struct gwc_prefix *p)
{
	char buf[INET_ADDRSTRLEN + 4], *slash, *end;
	unsigned long len = 32;

	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL) {
		*slash = '\0';
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (errno != 0 || end == slash + 1 || *end != '\0' || len > 32)
			return -1;
	}
	if (inet_pton(AF_INET, buf, &p->addr) != 1)
		return -1;
	p->len = (uint8_t)len;
	return 0;
}

/* Optional traffic selectors 'key': a prefix string, or an array of up to GWC_MAX_TS. */
static int
arg_prefixes(struct json_object *args, const char *key, struct gwc_prefix *p, uint8_t *n,
	     struct gwc_err *e)
{
	struct json_object *v;
	size_t i, cnt;

	*n = 0;
	if (args == NULL || !json_object_object_get_ex(args, key, &v))
		return 0;
	cnt = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 1;
	if (cnt > GWC_MAX_TS)
		goto bad;
	for (i = 0; i < cnt; i++) {
		struct json_object *x = json_object_is_type(v, json_type_array)
			? json_object_array_get_idx(v, i) : v;

		if (!json_object_is_type(x, json_type_string) ||
		    prefix_parse(json_object_get_string(x), &p[i]) != 0)
			goto bad;
	}
	*n = (uint8_t)cnt;
	return 0;
bad:
	gwc_errf(e, "argument '%s': an IPv4 prefix (\"10.1.0.200/32\") or a list of at most %d",
		 key, GWC_MAX_TS);
	return -EINVAL;
}

int
gwc_ep_conf_from_json(struct gwc_ep_conf *c, struct json_object *args, struct gwc_err *e)
{
	const char *name, *type, *port, *s;
	uint64_t v;
	bool have;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = arg_str(args, "name", &name, e)) != 0 ||
	    (rc = arg_str(args, "type", &type, e)) != 0)
		return rc;
	/* 'port' is required, except of an ipsec endpoint with a 'link' (it has the link's). */
	port = "";
	if ((json_object_object_get_ex(args, "port", NULL) || strcmp(type, "ipsec") != 0 ||
	     !json_object_object_get_ex(args, "link", NULL)) &&
	    (rc = arg_str(args, "port", &port, e)) != 0)
		return rc;
	if (strlen(name) >= sizeof(c->name) || strlen(port) >= sizeof(c->port)) {
		gwc_errf(e, "endpoint or port name too long");
		return -EINVAL;
	}
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->port, sizeof(c->port), "%s", port);
	if (strcmp(type, "port") == 0 || strcmp(type, "untagged") == 0) {
		c->type = GWC_EP_PORT;
	} else if (strcmp(type, "vlan") == 0) {
		c->type = GWC_EP_VLAN;
		if ((rc = arg_uint(args, "vid", 4095, &v, &have, e)) != 0)
			return rc;
		if (!have) {
			gwc_errf(e, "endpoint '%s': a vlan endpoint needs 'vid' (1..4094)", name);
			return -EINVAL;
		}
		c->vid = (uint16_t)v;
	} else if (strcmp(type, "gre") == 0) {
		c->type = GWC_EP_GRE;
		if ((rc = arg_str(args, "remote", &s, e)) != 0)
			return rc;
		if (inet_pton(AF_INET, s, &c->remote) != 1) {
			gwc_errf(e, "endpoint '%s': remote '%s' is not an IPv4 address", name, s);
			return -EINVAL;
		}
		if ((rc = arg_uint(args, "key", UINT32_MAX, &v, &have, e)) != 0)
			return rc;
		c->has_key = have;
		c->key = (uint32_t)v;
		if (json_object_object_get_ex(args, "nexthop_mac", NULL)) {
			if ((rc = arg_str(args, "nexthop_mac", &s, e)) != 0)
				return rc;
			if (rte_ether_unformat_addr(s, &c->nh_mac) != 0) {
				gwc_errf(e, "endpoint '%s': nexthop_mac '%s' is not a MAC address",
					 name, s);
				return -EINVAL;
			}
			c->has_nh = true;
		}
	} else if (strcmp(type, "trailer") == 0) {
		c->type = GWC_EP_TRAILER;
		if ((rc = app_range(args, name, c, e)) != 0 ||
		    (rc = arg_uint(args, "terminal", UINT32_MAX, &v, &have, e)) != 0 ||
		    (rc = arg_bool(args, "reappend", &c->trl_reappend, e)) != 0)
			return rc;
		c->trl_terminal = have ? (uint32_t)v : 0;
	} else if (strcmp(type, "ipsec") == 0) {
		c->type = GWC_EP_IPSEC;
		if (json_object_object_get_ex(args, "link", NULL)) {
			if ((rc = arg_str(args, "link", &s, e)) != 0)
				return rc;
			if (strlen(s) >= sizeof(c->link)) {
				gwc_errf(e, "endpoint '%s': link name too long", name);
				return -EINVAL;
			}
			snprintf(c->link, sizeof(c->link), "%s", s);
		}
		if ((rc = arg_prefixes(args, "ts_remote", c->ts_remote, &c->n_ts_remote, e)) != 0 ||
		    (rc = arg_prefixes(args, "ts_local", c->ts_local, &c->n_ts_local, e)) != 0 ||
		    (rc = arg_ipv4(args, "l3_addr", &c->l3_addr, e)) != 0 ||
		    (rc = arg_ipv4(args, "gateway", &c->l3_gateway, e)) != 0)
			return rc;
		if (json_object_object_get_ex(args, "gateway_mac", NULL)) {
			if ((rc = arg_str(args, "gateway_mac", &s, e)) != 0)
				return rc;
			if (!gwc_mac_parse_unicast(s, &c->gw_mac)) {
				gwc_errf(e, "endpoint '%s': gateway_mac '%s' is not a unicast MAC "
					    "address", name, s);
				return -EINVAL;
			}
			c->has_gw_mac = true;
		}
	} else {
		gwc_errf(e, "endpoint '%s': type '%s' unknown (port, vlan, gre, trailer or ipsec)",
			 name, type);
		return -EINVAL;
	}
	return 0;
}

static const char *
ep_type_name(enum gwc_ep_type t)
{
	return t == GWC_EP_VLAN	     ? "vlan"
	       : t == GWC_EP_GRE     ? "gre"
	       : t == GWC_EP_IPSEC   ? "ipsec"
	       : t == GWC_EP_TRAILER ? "trailer"
				     : "port";
}

static void
add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static void
add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static const char *
ip_str(rte_be32_t ip, char *buf)
{
	return inet_ntop(AF_INET, &ip, buf, INET_ADDRSTRLEN);
}

/* ------------------------------------------------------------ operations */

static int
op_hello(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	 struct gwc_err *e)
{
	const char *name;
	int rc = arg_str(args, "client", &name, e);

	if (rc != 0)
		return rc;
	if (name[0] == '\0' || strlen(name) >= sizeof(c->owner)) {
		gwc_errf(e, "client name must be 1 to %d characters", GWC_NAME_MAX - 1);
		return -EINVAL;
	}
	snprintf(c->owner, sizeof(c->owner), "%s", name);
	*res = json_object_new_object();
	add_str(*res, "version", GWC_VERSION);
	add_str(*res, "role", g->conf.role == GWC_ROLE_SEP_GW ? "sep-gw" : "agw");
	add_str(*res, "client", c->owner);
	return 0;
}

static int
op_ping(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	struct gwc_err *e)
{
	RTE_SET_USED(c);
	RTE_SET_USED(args);
	RTE_SET_USED(e);
	*res = json_object_new_object();
	add_str(*res, "version", GWC_VERSION);
	add_u64(*res, "tables_version", g->version);
	return 0;
}

/* Drops by reason as { "reason": n }: every reason, or with 'nonzero' only those seen. */
static struct json_object *
drops_json(const uint64_t drops[GWC_DROP_MAX], bool nonzero)
{
	struct json_object *d = json_object_new_object();
	unsigned int r;

	for (r = 0; r < GWC_DROP_MAX; r++)
		if (!nonzero || drops[r] != 0)
			add_u64(d, gwc_drop_name((enum gwc_drop)r), drops[r]);
	return d;
}

static struct json_object *
ep_json(const struct gwc *g, int id, bool counters)
{
	const struct gwc_ep *ep = &g->ep[id].ep;
	struct json_object *o = json_object_new_object();
	char ip[INET_ADDRSTRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];

	add_str(o, "name", ep->conf.name);
	add_str(o, "type", ep_type_name(ep->conf.type));
	add_str(o, "port", ep->conf.port);
	add_str(o, "owner", ep->owner);
	add_u64(o, "id", (uint64_t)id);
	if (ep->conf.type == GWC_EP_VLAN)
		add_u64(o, "vid", ep->conf.vid);
	if (ep->conf.type == GWC_EP_TRAILER) {
		add_u64(o, "terminal", ep->conf.trl_terminal);
		add_u64(o, "app_lo", ep->conf.trl_app_lo);
		json_object_object_add(o, "reappend", json_object_new_boolean(ep->conf.trl_reappend));
		add_u64(o, "app_hi", ep->conf.trl_app_hi);
	}
	if (ep->conf.type == GWC_EP_IPSEC) {
		const struct gwc_ep *pub = g->tables->ep[id];
		struct json_object *a;
		unsigned int k;
		char pfx[INET_ADDRSTRLEN + 4];

		a = json_object_new_array();
		for (k = 0; k < ep->conf.n_ts_remote; k++) {
			snprintf(pfx, sizeof(pfx), "%s/%u", ip_str(ep->conf.ts_remote[k].addr, ip),
				 ep->conf.ts_remote[k].len);
			json_object_array_add(a, json_object_new_string(pfx));
		}
		json_object_object_add(o, "ts_remote", a);
		a = json_object_new_array();
		for (k = 0; k < ep->conf.n_ts_local; k++) {
			snprintf(pfx, sizeof(pfx), "%s/%u", ip_str(ep->conf.ts_local[k].addr, ip),
				 ep->conf.ts_local[k].len);
			json_object_array_add(a, json_object_new_string(pfx));
		}
		json_object_object_add(o, "ts_local", a);
		if (ep->conf.link[0] != '\0')
			add_str(o, "link", ep->conf.link);
		if (ep->conf.l3_addr != 0)
			add_str(o, "l3_addr", ip_str(ep->conf.l3_addr, ip));
		if (ep->conf.l3_gateway != 0)
			add_str(o, "gateway", ip_str(ep->conf.l3_gateway, ip));
		if (ep->conf.has_gw_mac) {
			rte_ether_format_addr(mac, sizeof(mac), &ep->conf.gw_mac);
			add_str(o, "gateway_mac", mac);
		}
		if (pub != NULL && pub->out_sa != GWC_SA_NONE) {
			char spi[16];

			snprintf(spi, sizeof(spi), "0x%08x", g->sa[pub->out_sa].conf.spi);
			add_str(o, "out_spi", spi);
			json_object_object_add(o, "nexthop_resolved",
					       json_object_new_boolean(pub->nh_ok));
		}
	}
	if (ep->conf.type == GWC_EP_GRE) {
		const struct gwc_tables *t = g->tables;
		const struct gwc_ep *pub = t->ep[id];

		add_str(o, "remote", ip_str(ep->conf.remote, ip));
		if (ep->conf.has_key)
			add_u64(o, "key", ep->conf.key);
		if (pub != NULL) {
			add_str(o, "local", ip_str(pub->local, ip));
			add_str(o, "nexthop", ip_str(pub->nh_ip, ip));
			json_object_object_add(o, "nexthop_resolved",
					       json_object_new_boolean(pub->nh_ok));
			if (pub->nh_ok) {
				rte_ether_format_addr(mac, sizeof(mac), &pub->conf.nh_mac);
				add_str(o, "nexthop_mac", mac);
			}
		}
	}
	if (counters) {
		struct gwc_ep_stats s;

		gwc_ep_stats_get(g, id, &s);
		add_u64(o, "rx_pkts", s.rx_pkts);
		add_u64(o, "rx_bytes", s.rx_bytes);
		add_u64(o, "tx_pkts", s.tx_pkts);
		add_u64(o, "tx_bytes", s.tx_bytes);
		json_object_object_add(o, "drops", drops_json(s.drops, true));
	}
	return o;
}

static struct json_object *
slice_json(const struct gwc *g, int s, bool counters)
{
	struct json_object *o = json_object_new_object(), *eps = json_object_new_array();
	int i;

	add_str(o, "name", g->slice[s].name);
	add_str(o, "owner", g->slice[s].owner);
	add_u64(o, "id", (uint64_t)s);
	if (counters) {
		struct gwc_slice_stats st;

		gwc_slice_stats_get(g, s, &st);
		add_u64(o, "rx_pkts", st.rx_pkts);
		add_u64(o, "rx_bytes", st.rx_bytes);
		add_u64(o, "flooded", st.flooded);
		add_u64(o, "learned", st.learned);
	}
	for (i = 0; i < GWC_MAX_EPS; i++)
		if (g->ep[i].used && g->ep[i].ep.slice == s)
			json_object_array_add(eps, ep_json(g, i, counters));
	json_object_object_add(o, "endpoints", eps);
	return o;
}

static int
slices_json(struct gwc *g, struct json_object *args, struct json_object **res, bool counters,
	    struct gwc_err *e)
{
	struct json_object *arr = json_object_new_array();
	const char *only = NULL;
	int s;

	if (args != NULL && json_object_object_get_ex(args, "slice", NULL)) {
		int rc = arg_str(args, "slice", &only, e);

		if (rc != 0 || gwc_slice_find(g, only) < 0) {
			json_object_put(arr);
			if (rc == 0)
				gwc_errf(e, "no slice '%s'", only);
			return rc != 0 ? rc : -ENOENT;
		}
	}
	for (s = 0; s < GWC_MAX_SLICES; s++)
		if (g->slice[s].used && (only == NULL || strcmp(only, g->slice[s].name) == 0))
			json_object_array_add(arr, slice_json(g, s, counters));
	*res = json_object_new_object();
	json_object_object_add(*res, "slices", arr);
	return 0;
}

static int
op_slice_list(struct gwc *g, struct gwc_client *c, struct json_object *args,
	      struct json_object **res, struct gwc_err *e)
{
	RTE_SET_USED(c);
	return slices_json(g, args, res, false, e);
}

static int
op_slice_add(struct gwc *g, struct gwc_client *c, struct json_object *args,
	     struct json_object **res, struct gwc_err *e)
{
	const char *name;
	int rc = arg_str(args, "name", &name, e);

	if (rc == 0)
		rc = gwc_slice_add(g, c->owner, name, e);
	if (rc < 0)
		return rc;
	*res = json_object_new_object();
	add_u64(*res, "id", (uint64_t)rc);
	return 0;
}

static int
op_slice_del(struct gwc *g, struct gwc_client *c, struct json_object *args,
	     struct json_object **res, struct gwc_err *e)
{
	const char *name;
	int rc = arg_str(args, "name", &name, e);

	RTE_SET_USED(res);
	return rc != 0 ? rc : gwc_slice_del(g, c->owner, name, e);
}

static int
op_ep_add(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	  struct gwc_err *e)
{
	struct gwc_ep_conf conf;
	const char *slice;
	int rc;

	if ((rc = arg_str(args, "slice", &slice, e)) != 0 ||
	    (rc = gwc_ep_conf_from_json(&conf, args, e)) != 0)
		return rc;
	rc = gwc_ep_add(g, c->owner, slice, &conf, e);
	if (rc < 0)
		return rc;
	*res = ep_json(g, rc, false);
	return 0;
}

static int
op_ep_del(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	  struct gwc_err *e)
{
	const char *slice, *name;
	int rc;

	RTE_SET_USED(res);
	if ((rc = arg_str(args, "slice", &slice, e)) != 0 ||
	    (rc = arg_str(args, "name", &name, e)) != 0)
		return rc;
	return gwc_ep_del(g, c->owner, slice, name, e);
}

static int
op_mac_add(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	   struct gwc_err *e)
{
	const char *slice, *mac, *ep;
	struct rte_ether_addr a;
	int rc;

	RTE_SET_USED(res);
	if ((rc = arg_str(args, "slice", &slice, e)) != 0 ||
	    (rc = arg_str(args, "mac", &mac, e)) != 0 ||
	    (rc = arg_str(args, "endpoint", &ep, e)) != 0)
		return rc;
	if (rte_ether_unformat_addr(mac, &a) != 0) {
		gwc_errf(e, "'%s' is not a MAC address", mac);
		return -EINVAL;
	}
	return gwc_mac_add_static(g, c->owner, slice, &a, ep, e);
}

struct mac_walk_ctx {
	const struct gwc *g;
	struct json_object *arr;
};

static void
mac_walk_cb(void *arg, const struct rte_ether_addr *mac, uint16_t ep, bool is_static,
	    uint64_t age_ms)
{
	struct mac_walk_ctx *w = arg;
	struct json_object *o;
	char buf[RTE_ETHER_ADDR_FMT_SIZE];

	if (!w->g->ep[ep].used)
		return;
	o = json_object_new_object();
	rte_ether_format_addr(buf, sizeof(buf), mac);
	add_str(o, "mac", buf);
	add_str(o, "endpoint", w->g->ep[ep].ep.conf.name);
	json_object_object_add(o, "static", json_object_new_boolean(is_static));
	add_u64(o, "age_ms", age_ms);
	json_object_array_add(w->arr, o);
}

static int
op_mac_list(struct gwc *g, struct gwc_client *c, struct json_object *args,
	    struct json_object **res, struct gwc_err *e)
{
	struct mac_walk_ctx w = { .g = g };
	const char *slice;
	int rc, s;

	RTE_SET_USED(c);
	if ((rc = arg_str(args, "slice", &slice, e)) != 0)
		return rc;
	s = gwc_slice_find(g, slice);
	if (s < 0) {
		gwc_errf(e, "no slice '%s'", slice);
		return -ENOENT;
	}
	w.arr = json_object_new_array();
	gwc_mac_walk(g->slice[s].mac, rte_rdtsc(), mac_walk_cb, &w);
	*res = json_object_new_object();
	json_object_object_add(*res, "macs", w.arr);
	return 0;
}

static int
op_stats(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	 struct gwc_err *e)
{
	uint64_t drops[GWC_DROP_MAX], punted = 0, injected = 0, flows_learned = 0, flow_hits = 0,
		 reappended = 0, handed_off = 0, handed_in = 0;
	struct json_object *x;
	unsigned int w;
	int rc;

	RTE_SET_USED(c);
	rc = slices_json(g, args, res, true, e);
	if (rc != 0)
		return rc;
	gwc_drops_get(g, drops);
	json_object_object_add(*res, "drops", drops_json(drops, false));
	for (w = 0; w < g->n_workers; w++) {
		punted += g->lc[w]->punted;
		injected += g->lc[w]->injected;
		flows_learned += g->lc[w]->flows_learned;
		flow_hits += g->lc[w]->flow_hits;
		reappended += g->lc[w]->trl_reappended;
		handed_off += g->lc[w]->handed_off;
		handed_in += g->lc[w]->handed_in;
	}
	x = json_object_new_object();
	add_u64(x, "flows_learned", flows_learned);
	add_u64(x, "flow_hits", flow_hits);
	add_u64(x, "reappended", reappended);
	json_object_object_add(*res, "trailer", x);
	x = json_object_new_object();
	add_u64(x, "punted", punted);
	add_u64(x, "to_tap", g->exc_to_tap);
	add_u64(x, "no_tap", g->exc_no_tap);
	add_u64(x, "from_tap", g->exc_from_tap);
	add_u64(x, "injected", injected);
	add_u64(x, "inject_full", g->inject_full);
	add_u64(x, "arp_requests", g->arp_sent);
	json_object_object_add(*res, "exception", x);
	x = json_object_new_object();
	add_u64(x, "handed_off", handed_off);
	add_u64(x, "handed_in", handed_in);
	json_object_object_add(*res, "esp", x);
	return 0;
}

static int
op_status(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	  struct gwc_err *e)
{
	struct json_object *ports = json_object_new_array(), *wk = json_object_new_array();
	unsigned int p, w, n_sl = 0, n_ep = 0, i;
	char buf[64];

	RTE_SET_USED(c);
	RTE_SET_USED(args);
	RTE_SET_USED(e);
	for (p = 0; p < g->n_ports; p++) {
		const struct gwc_port_conf *pc = &g->conf.port[p];
		struct json_object *o = json_object_new_object();
		struct rte_eth_stats st;
		struct rte_eth_link link;

		add_str(o, "name", pc->name);
		add_str(o, "dev", pc->dev);
		add_u64(o, "ethdev", g->port[p].port_id);
		rte_ether_format_addr(buf, sizeof(buf), &g->port[p].mac);
		add_str(o, "mac", buf);
		add_u64(o, "mtu", g->port[p].mtu);
		if (pc->has_ip) {
			char ip[INET_ADDRSTRLEN];

			snprintf(buf, sizeof(buf), "%s/%u", ip_str(pc->ip, ip), pc->prefix);
			add_str(o, "ipv4", buf);
		}
		if (g->tap[p].started)
			add_str(o, "tap", g->tap[p].name);
		if (pc->n_neigh > 0) {
			struct json_object *nb = json_object_new_object();
			char ip[INET_ADDRSTRLEN];

			for (i = 0; i < pc->n_neigh; i++) {
				rte_ether_format_addr(buf, sizeof(buf), &pc->neigh[i].mac);
				add_str(nb, ip_str(pc->neigh[i].ip, ip), buf);
			}
			json_object_object_add(o, "static_neighbours", nb);
		}
		if (rte_eth_link_get_nowait(g->port[p].port_id, &link) == 0)
			json_object_object_add(o, "link_up",
					       json_object_new_boolean(link.link_status != 0));
		if (rte_eth_stats_get(g->port[p].port_id, &st) == 0) {
			add_u64(o, "rx_pkts", st.ipackets);
			add_u64(o, "rx_bytes", st.ibytes);
			add_u64(o, "rx_missed", st.imissed);
			add_u64(o, "rx_errors", st.ierrors);
			add_u64(o, "rx_nombuf", st.rx_nombuf);
			add_u64(o, "tx_pkts", st.opackets);
			add_u64(o, "tx_bytes", st.obytes);
			add_u64(o, "tx_errors", st.oerrors);
		}
		json_object_array_add(ports, o);
	}
	for (w = 0; w < g->n_workers; w++) {
		struct json_object *o = json_object_new_object();

		add_u64(o, "lcore", g->worker[w].lcore_id);
		add_u64(o, "rx_queues", g->worker[w].nb_rxq);
		add_u64(o, "loops", g->worker[w].loops);
		add_u64(o, "busy_loops", g->worker[w].busy_loops);
		json_object_array_add(wk, o);
	}
	for (i = 0; i < GWC_MAX_SLICES; i++)
		n_sl += g->slice[i].used;
	for (i = 0; i < GWC_MAX_EPS; i++)
		n_ep += g->ep[i].used;
	*res = json_object_new_object();
	add_str(*res, "version", GWC_VERSION);
	add_str(*res, "role", g->conf.role == GWC_ROLE_SEP_GW ? "sep-gw" : "agw");
	json_object_object_add(*res, "hugepages", json_object_new_boolean(ppm_eal_uses_hugepages()));
	add_u64(*res, "tsc_hz", rte_get_tsc_hz());
	add_u64(*res, "tables_version", g->version);
	add_u64(*res, "slices", n_sl);
	add_u64(*res, "endpoints", n_ep);
	add_u64(*res, "pool_free", rte_mempool_avail_count(g->pool));
	rte_ether_format_addr(buf, sizeof(buf), gwc_l3_mac(g));
	add_str(*res, "router_mac", buf);
	json_object_object_add(*res, "ports", ports);
	json_object_object_add(*res, "workers", wk);
	return 0;
}

static int
op_owner_flush(struct gwc *g, struct gwc_client *c, struct json_object *args,
	       struct json_object **res, struct gwc_err *e)
{
	RTE_SET_USED(args);
	RTE_SET_USED(e);
	*res = json_object_new_object();
	add_u64(*res, "removed", (uint64_t)gwc_owner_flush(g, c->owner));
	return 0;
}

static int
op_trl_key_set(struct gwc *g, struct gwc_client *c, struct json_object *args,
	       struct json_object **res, struct gwc_err *e)
{
	uint8_t key[TRL_KEY_MAX];
	bool have, required = true;
	const char *hex;
	uint64_t term;
	int rc, n;

	if ((rc = arg_uint(args, "terminal", UINT32_MAX, &term, &have, e)) != 0)
		return rc;
	if (!have) {
		gwc_errf(e, "argument 'terminal' (1..4294967295) is required");
		return -EINVAL;
	}
	if ((rc = arg_str(args, "key", &hex, e)) != 0)
		return rc;
	n = trl_key_from_hex(hex, key);
	if (n < TRL_KEY_MIN) {
		gwc_errf(e, "argument 'key': %d to %d bytes as hex digits (2 a byte)", TRL_KEY_MIN,
			 TRL_KEY_MAX);
		return -EINVAL;
	}
	if ((rc = arg_bool(args, "required", &required, e)) != 0)
		return rc;
	rc = gwc_trl_key_set(g, c->owner, (uint32_t)term, key, (size_t)n, required, e);
	memset(key, 0, sizeof(key));
	if (rc == 0)
		*res = json_object_new_object();
	return rc;
}

static int
op_trl_key_del(struct gwc *g, struct gwc_client *c, struct json_object *args,
	       struct json_object **res, struct gwc_err *e)
{
	uint64_t term;
	bool have;
	int rc;

	if ((rc = arg_uint(args, "terminal", UINT32_MAX, &term, &have, e)) != 0)
		return rc;
	if (!have) {
		gwc_errf(e, "argument 'terminal' is required");
		return -EINVAL;
	}
	rc = gwc_trl_key_del(g, c->owner, (uint32_t)term, e);
	if (rc == 0)
		*res = json_object_new_object();
	return rc;
}

static int
op_trl_key_list(struct gwc *g, struct gwc_client *c, struct json_object *args,
		struct json_object **res, struct gwc_err *e)
{
	struct json_object *arr = json_object_new_array();
	unsigned int i;

	RTE_SET_USED(c);
	RTE_SET_USED(args);
	RTE_SET_USED(e);
	for (i = 0; i < GWC_MAX_TRL_KEYS; i++) {
		struct json_object *o;

		if (!g->term[i].used)
			continue;
		o = json_object_new_object();
		add_u64(o, "terminal", g->term[i].terminal);
		json_object_object_add(o, "required", json_object_new_boolean(g->term[i].required));
		add_str(o, "owner", g->term[i].owner);
		json_object_array_add(arr, o);
	}
	*res = json_object_new_object();
	json_object_object_add(*res, "terminals", arr);
	return 0;
}

/* ------------------------------------------------------------ IPsec SAs */

static const struct {
	const char *name;
	enum gwc_sa_alg alg;
} sa_algs[] = {
	{ "aes-gcm-16", GWC_SA_AES_GCM_16 },
	{ "aes-cbc-hmac-sha256", GWC_SA_AES_CBC_SHA256_128 },
};

static int
arg_dir(struct json_object *args, bool *inbound, struct gwc_err *e)
{
	const char *d;
	int rc;

	if ((rc = arg_str(args, "dir", &d, e)) != 0)
		return rc;
	if (strcmp(d, "in") != 0 && strcmp(d, "out") != 0) {
		gwc_errf(e, "argument 'dir': in or out");
		return -EINVAL;
	}
	*inbound = strcmp(d, "in") == 0;
	return 0;
}

static int
arg_spi(struct json_object *args, uint32_t *spi, struct gwc_err *e)
{
	uint64_t v;
	bool have;
	int rc;

	if ((rc = arg_uint(args, "spi", UINT32_MAX, &v, &have, e)) != 0)
		return rc;
	if (!have || v == 0) {
		gwc_errf(e, "argument 'spi' (1..4294967295, host order; \"0x...\" works) is required");
		return -EINVAL;
	}
	*spi = (uint32_t)v;
	return 0;
}

/* sa.add: the SA from the arguments; the keys are wiped from every buffer we filled. */
static int
op_sa_add(struct gwc *g, struct gwc_client *c, struct json_object *args,
	  struct json_object **res, struct gwc_err *e)
{
	struct gwc_sa_conf sc;
	struct gwc_sa_life life = { 0 };
	const char *slice, *ep, *alg = "aes-gcm-16", *hex;
	uint8_t buf[TRL_KEY_MAX];
	uint64_t v;
	bool have;
	unsigned int i;
	int rc, n;

	memset(&sc, 0, sizeof(sc));
	if ((rc = arg_str(args, "slice", &slice, e)) != 0 ||
	    (rc = arg_str(args, "endpoint", &ep, e)) != 0 || (rc = arg_spi(args, &sc.spi, e)) != 0 ||
	    (rc = arg_dir(args, &sc.inbound, e)) != 0)
		return rc;
	if (!json_object_object_get_ex(args, "src", NULL) ||
	    !json_object_object_get_ex(args, "dst", NULL)) {
		gwc_errf(e, "arguments 'src' and 'dst' (the outer IPv4 addresses) are required");
		return -EINVAL;
	}
	if ((rc = arg_ipv4(args, "src", &sc.src, e)) != 0 ||
	    (rc = arg_ipv4(args, "dst", &sc.dst, e)) != 0)
		return rc;
	/* NAT-T: both ports or neither (gwc_sa_create refuses one alone) */
	if ((rc = arg_uint(args, "sport", 65535, &v, &have, e)) != 0)
		return rc;
	sc.sport = (uint16_t)(have ? v : 0);
	if ((rc = arg_uint(args, "dport", 65535, &v, &have, e)) != 0)
		return rc;
	sc.dport = (uint16_t)(have ? v : 0);
	if (json_object_object_get_ex(args, "alg", NULL) && (rc = arg_str(args, "alg", &alg, e)) != 0)
		return rc;
	for (i = 0; i < RTE_DIM(sa_algs) && strcmp(sa_algs[i].name, alg) != 0; i++)
		;
	if (i == RTE_DIM(sa_algs)) {
		gwc_errf(e, "argument 'alg': aes-gcm-16 or aes-cbc-hmac-sha256");
		return -EINVAL;
	}
	sc.alg = sa_algs[i].alg;
	if ((rc = arg_str(args, "key", &hex, e)) != 0)
		return rc;
	n = trl_key_from_hex(hex, buf);
	if (n <= 0 || n > GWC_SA_KEY_MAX) {
		memset(buf, 0, sizeof(buf));
		gwc_errf(e, "argument 'key': hex digits, at most %d bytes (GCM: key + 4-byte salt)",
			 GWC_SA_KEY_MAX);
		return -EINVAL;
	}
	memcpy(sc.key, buf, (size_t)n);
	sc.key_len = (uint8_t)n;
	if (json_object_object_get_ex(args, "integ_key", NULL)) {
		if ((rc = arg_str(args, "integ_key", &hex, e)) != 0)
			goto out;
		n = trl_key_from_hex(hex, buf);
		if (n <= 0 || n > GWC_SA_INTEG_KEY_MAX) {
			gwc_errf(e, "argument 'integ_key': hex digits, at most %d bytes",
				 GWC_SA_INTEG_KEY_MAX);
			rc = -EINVAL;
			goto out;
		}
		memcpy(sc.integ_key, buf, (size_t)n);
		sc.integ_key_len = (uint8_t)n;
	}
	if ((rc = arg_bool(args, "esn", &sc.esn, e)) != 0 ||
	    (rc = arg_uint(args, "replay_window", 4096, &v, &have, e)) != 0)
		goto out;
	sc.replay_window = have ? (uint32_t)v : 64;
	if ((rc = arg_uint(args, "sqn", UINT64_MAX >> 1, &v, &have, e)) != 0)
		goto out;
	sc.sqn = have ? v : 0;
	if ((rc = arg_uint(args, "soft_bytes", INT64_MAX, &life.soft_bytes, &have, e)) != 0 ||
	    (rc = arg_uint(args, "hard_bytes", INT64_MAX, &life.hard_bytes, &have, e)) != 0 ||
	    (rc = arg_uint(args, "soft_packets", INT64_MAX, &life.soft_packets, &have, e)) != 0 ||
	    (rc = arg_uint(args, "hard_packets", INT64_MAX, &life.hard_packets, &have, e)) != 0)
		goto out;
	rc = gwc_ipsec_sa_add(g, c->owner, slice, ep, &sc, &life, e);
	if (rc >= 0) {
		*res = json_object_new_object();
		add_u64(*res, "index", (uint64_t)rc);
		rc = 0;
	}
out:
	memset(buf, 0, sizeof(buf));
	memset(&sc, 0, sizeof(sc));
	return rc;
}

static int
op_sa_del(struct gwc *g, struct gwc_client *c, struct json_object *args,
	  struct json_object **res, struct gwc_err *e)
{
	uint32_t spi, dst = 0;
	bool inbound;
	int rc;

	if ((rc = arg_spi(args, &spi, e)) != 0 || (rc = arg_dir(args, &inbound, e)) != 0 ||
	    (rc = arg_ipv4(args, "dst", &dst, e)) != 0)
		return rc;
	rc = gwc_ipsec_sa_del(g, c->owner, inbound, spi, dst, e);
	if (rc == 0)
		*res = json_object_new_object();
	return rc;
}

static struct json_object *
sa_json(const struct gwc *g, int i)
{
	const struct gwc_sa_m *s = &g->sa[i];
	struct json_object *o = json_object_new_object();
	const struct gwc_ep *ep = &g->ep[s->ep].ep;
	struct gwc_sa_stats st;
	char buf[INET_ADDRSTRLEN];
	uint64_t now = rte_rdtsc();

	snprintf(buf, sizeof(buf), "0x%08x", s->conf.spi);
	add_str(o, "spi", buf);
	add_u64(o, "index", (uint64_t)i);
	add_str(o, "dir", s->conf.inbound ? "in" : "out");
	add_str(o, "slice", g->slice[ep->slice].name);
	add_str(o, "endpoint", ep->conf.name);
	add_str(o, "owner", s->owner);
	add_str(o, "src", ip_str(s->conf.src, buf));
	add_str(o, "dst", ip_str(s->conf.dst, buf));
	if (s->conf.sport != 0) {
		add_u64(o, "sport", s->conf.sport);
		add_u64(o, "dport", s->conf.dport);
	}
	add_str(o, "alg", s->conf.alg == GWC_SA_AES_GCM_16 ? "aes-gcm-16" : "aes-cbc-hmac-sha256");
	json_object_object_add(o, "esn", json_object_new_boolean(s->conf.esn));
	if (s->conf.inbound)
		add_u64(o, "replay_window", s->conf.replay_window);
	add_str(o, "state", s->hard_expired ? "hard_expired" : s->soft_expired ? "soft_expired"
									 : "live");
	gwc_ipsec_sa_stats_get(g, i, &st);
	add_u64(o, "sqn", s->conf.inbound ? gwc_sa_highest(s->sa) : s->conf.sqn + st.pkts);
	add_u64(o, "packets", st.pkts);
	add_u64(o, "bytes", st.bytes);
	if (st.last_tsc != 0 && now > st.last_tsc)
		add_u64(o, "idle_ms", (now - st.last_tsc) * 1000 / rte_get_tsc_hz());
	if (s->conf.inbound) {
		add_u64(o, "replay", st.replay);
		add_u64(o, "auth", st.auth);
		add_u64(o, "malformed", st.malformed);
		add_u64(o, "trailer", st.trailer);
		add_u64(o, "selector", st.selector);
	}
	return o;
}

static int
op_sa_list(struct gwc *g, struct gwc_client *c, struct json_object *args,
	   struct json_object **res, struct gwc_err *e)
{
	struct json_object *a = json_object_new_array();
	const char *slice = NULL, *dir = NULL;
	uint64_t spi = 0;
	bool have_spi = false;
	int i, s = -1, rc;

	RTE_SET_USED(c);
	if (args != NULL &&
	    ((rc = arg_uint(args, "spi", UINT32_MAX, &spi, &have_spi, e)) != 0 ||
	     (json_object_object_get_ex(args, "dir", NULL) &&
	      (rc = arg_str(args, "dir", &dir, e)) != 0))) {
		json_object_put(a);
		return rc;
	}
	if (dir != NULL && strcmp(dir, "in") != 0 && strcmp(dir, "out") != 0) {
		json_object_put(a);
		gwc_errf(e, "dir '%s': 'in' or 'out'", dir);
		return -EINVAL;
	}
	if (args != NULL && json_object_object_get_ex(args, "slice", NULL)) {
		if ((rc = arg_str(args, "slice", &slice, e)) != 0) {
			json_object_put(a);
			return rc;
		}
		s = gwc_slice_find(g, slice);
		if (s < 0) {
			json_object_put(a);
			gwc_errf(e, "no slice '%s'", slice);
			return -ENOENT;
		}
	}
	for (i = 0; i < GWC_MAX_SAS; i++)
		if (g->sa[i].used && (s < 0 || g->ep[g->sa[i].ep].ep.slice == s) &&
		    (!have_spi || g->sa[i].conf.spi == spi) &&
		    (dir == NULL || g->sa[i].conf.inbound == (dir[0] == 'i')))
			json_object_array_add(a, sa_json(g, i));
	*res = json_object_new_object();
	json_object_object_add(*res, "sas", a);
	add_str(*res, "crypto", g->crypto.ready ? g->crypto.driver : "none");
	return 0;
}

static int op_help(struct gwc *g, struct gwc_client *c, struct json_object *args,
		   struct json_object **res, struct gwc_err *e);

static const struct {
	const char *name;
	op_fn fn;
	const char *help;
} ops[] = {
	{ "hello", op_hello, "client=NAME: name this connection; it owns what it creates" },
	{ "ping", op_ping, "liveness and tables version" },
	{ "status", op_status, "role, ports with ethdev counters, workers" },
	{ "slice.add", op_slice_add, "name=SLICE" },
	{ "slice.del", op_slice_del, "name=SLICE: removes its endpoints too (owner only)" },
	{ "slice.list", op_slice_list, "[slice=SLICE]: slices and their endpoints" },
	{ "endpoint.add", op_ep_add,
	  "slice= name= type=port|vlan|gre port= [vid=] [remote= key= nexthop_mac=]" },
	{ "endpoint.del", op_ep_del, "slice= name=" },
	{ "mac.add", op_mac_add, "slice= mac= endpoint=: a static MAC entry" },
	{ "mac.list", op_mac_list, "slice=: learned and static MACs" },
	{ "stats", op_stats, "[slice=]: slice and endpoint counters, drops by reason" },
	{ "trailer.key.set", op_trl_key_set,
	  "terminal=, key=HEX (16..64 bytes), [required=yes]: a terminal's trailer key" },
	{ "trailer.key.del", op_trl_key_del, "terminal=: remove a terminal's trailer key" },
	{ "trailer.key.list", op_trl_key_list, "terminals with a trailer key (never the keys)" },
	{ "sa.add", op_sa_add,
	  "slice= endpoint= spi= dir=in|out src= dst= [sport= dport=] [alg=aes-gcm-16|"
	  "aes-cbc-hmac-sha256] key=HEX [integ_key=HEX] [esn=] [replay_window=64] [sqn=] "
	  "[soft_bytes= hard_bytes= soft_packets= hard_packets=]: an IPsec SA (keys never shown)" },
	{ "sa.del", op_sa_del, "spi= dir=in|out [dst=]" },
	{ "sa.list", op_sa_list, "[slice=]: SAs with counters and lifetime state" },
	{ "owner.flush", op_owner_flush, "remove everything this client owns" },
	{ "help", op_help, "this list" },
};

static int
op_help(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	struct gwc_err *e)
{
	unsigned int i;

	RTE_SET_USED(g);
	RTE_SET_USED(c);
	RTE_SET_USED(args);
	RTE_SET_USED(e);
	*res = json_object_new_object();
	for (i = 0; i < RTE_DIM(ops); i++)
		add_str(*res, ops[i].name, ops[i].help);
	return 0;
}

/* ------------------------------------------------------------ framing */

static void
reply(struct gwc_client *c, struct json_object *resp)
{
	const char *s = json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s), off = 0;

	while (off < len) {
		ssize_t n = send(c->fd, s + off, len - off, MSG_NOSIGNAL);

		if (n <= 0)
			return;   /* the client is gone or stuck (SO_SNDTIMEO); poll closes it */
		off += (size_t)n;
	}
	(void)send(c->fd, "\n", 1, MSG_NOSIGNAL);
}

static void
handle_line(struct gwc *g, struct gwc_client *c, const char *line)
{
	struct json_object *req, *resp = json_object_new_object(), *res = NULL, *v, *args = NULL;
	struct gwc_err e = { "" };
	const char *op = NULL;
	unsigned int i;
	int rc = -EINVAL;

	req = json_tokener_parse(line);
	if (req == NULL || !json_object_is_type(req, json_type_object)) {
		gwc_errf(&e, "request is not a JSON object");
	} else {
		if (json_object_object_get_ex(req, "id", &v))
			json_object_object_add(resp, "id", json_object_get(v));
		if (json_object_object_get_ex(req, "args", &args) &&
		    !json_object_is_type(args, json_type_object)) {
			gwc_errf(&e, "'args' must be an object");
			goto out;
		}
		if (!json_object_object_get_ex(req, "op", &v) ||
		    !json_object_is_type(v, json_type_string)) {
			gwc_errf(&e, "'op' (a string) is required; op \"help\" lists them");
			goto out;
		}
		op = json_object_get_string(v);
		for (i = 0; i < RTE_DIM(ops); i++)
			if (strcmp(ops[i].name, op) == 0)
				break;
		if (i == RTE_DIM(ops)) {
			rc = -EOPNOTSUPP;
			gwc_errf(&e, "unknown op '%s'; op \"help\" lists them", op);
			goto out;
		}
		rc = ops[i].fn(g, c, args, &res, &e);
	}
out:
	json_object_object_add(resp, "ok", json_object_new_boolean(rc >= 0));
	if (rc >= 0) {
		json_object_object_add(resp, "result", res != NULL ? res : json_object_new_object());
	} else {
		struct json_object *err = json_object_new_object();
		const char *en = strerrorname_np(-rc);

		json_object_put(res);
		add_str(err, "code", en != NULL ? en : "EIO");
		add_u64(err, "errno", (uint64_t)-rc);
		add_str(err, "message", e.msg[0] != '\0' ? e.msg : strerror(-rc));
		json_object_object_add(resp, "error", err);
		if (op != NULL)
			GWC_LOG(INFO, "client %s: %s refused: %s", c->owner, op, e.msg);
	}
	reply(c, resp);
	json_object_put(resp);
	json_object_put(req);
}

static void
client_close(struct gwc *g, unsigned int i)
{
	close(g->client[i]->fd);
	rte_free(g->client[i]);
	g->client[i] = NULL;
}

int
gwc_ctl_listen(struct gwc *g, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	char *slash;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		GWC_LOG(ERR, "control socket %s: path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0750);   /* one level, like /run/agw; an existing one is fine */
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 16) != 0) {
		int rc = -errno;

		GWC_LOG(ERR, "control socket %s: %s", path, strerror(-rc));
		close(fd);
		return rc;
	}
	chmod(path, 0660);
	g->listen_fd = fd;
	snprintf(g->sock_path, sizeof(g->sock_path), "%s", path);
	GWC_LOG(INFO, "control socket %s: listening", path);
	return 0;
}

void
gwc_ctl_close(struct gwc *g)
{
	unsigned int i;

	for (i = 0; i < GWC_MAX_CLIENTS; i++)
		if (g->client[i] != NULL)
			client_close(g, i);
	if (g->listen_fd >= 0) {
		close(g->listen_fd);
		unlink(g->sock_path);
		g->listen_fd = -1;
	}
}

static void
accept_client(struct gwc *g)
{
	struct timeval tv = { .tv_sec = 1 };
	unsigned int i;
	int fd;

	fd = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < GWC_MAX_CLIENTS && g->client[i] != NULL; i++)
		;
	if (i == GWC_MAX_CLIENTS) {
		static const char full[] = "{\"ok\":false,\"error\":{\"code\":\"EMFILE\",\"errno\":24,"
					   "\"message\":\"too many control clients\"}}\n";

		(void)send(fd, full, sizeof(full) - 1, MSG_NOSIGNAL);
		close(fd);
		return;
	}
	g->client[i] = rte_zmalloc("gwc_client", sizeof(struct gwc_client), 0);
	if (g->client[i] == NULL) {
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	g->client[i]->fd = fd;
	snprintf(g->client[i]->owner, sizeof(g->client[i]->owner), "client-%u", ++g->next_client);
}

/* Read what client 'i' sent and answer each complete line. @return false to close it. */
static bool
client_read(struct gwc *g, unsigned int i)
{
	struct gwc_client *c = g->client[i];
	ssize_t n;
	char *nl;

	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return false;
	if (n < 0)
		return true;
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
		size_t used = (size_t)(nl - c->buf) + 1;

		*nl = '\0';
		if (nl != c->buf)
			handle_line(g, c, c->buf);
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
		c->buf[c->len] = '\0';
	}
	if (c->len == sizeof(c->buf) - 1) {
		struct json_object *r = json_object_new_object(), *err = json_object_new_object();

		add_str(err, "code", "EMSGSIZE");
		add_u64(err, "errno", EMSGSIZE);
		add_str(err, "message", "request longer than 64 KiB");
		json_object_object_add(r, "ok", json_object_new_boolean(false));
		json_object_object_add(r, "error", err);
		reply(c, r);
		json_object_put(r);
		return false;
	}
	return true;
}

int
gwc_ctl_poll(struct gwc *g, int timeout_ms)
{
	struct pollfd pfd[GWC_MAX_CLIENTS + 1];
	unsigned int idx[GWC_MAX_CLIENTS + 1], n = 0, i;
	int rc;

	if (g->listen_fd >= 0) {
		pfd[n].fd = g->listen_fd;
		pfd[n].events = POLLIN;
		idx[n++] = UINT32_MAX;
	}
	for (i = 0; i < GWC_MAX_CLIENTS; i++)
		if (g->client[i] != NULL) {
			pfd[n].fd = g->client[i]->fd;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
	rc = poll(pfd, n, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n && rc > 0; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (idx[i] == UINT32_MAX)
			accept_client(g);
		else if (!client_read(g, idx[i]))
			client_close(g, idx[i]);
	}
	return 0;
}

int
gwc_control_poll(struct gwc *g, int timeout_ms)
{
	int rc = gwc_ctl_poll(g, timeout_ms);

	gwc_exc_poll(g);
	return rc;
}
