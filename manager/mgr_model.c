/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's model: validation, seed 000's state transitions, and how link vports
 * become gw-core endpoints (docs/slice-spec.md). Pure: plans return a new slice and
 * never touch the registry.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mgr.h"
#include "trailer/trl_auth.h"

/* ---------------------------------------------------------------- small helpers */

int
mgr_fail(struct mgr_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

const char *
mgr_fault_name(int code)
{
	switch (code) {
	case MGR_OK: return "SUCCESS";
	case MGR_BADARGS: return "BADARGS";
	case MGR_FORBIDDEN: return "FORBIDDEN";
	case MGR_SERVERERROR: return "SERVERERROR";
	case MGR_TOOBIG: return "TOOBIG";
	case MGR_REFUSED: return "REFUSED";
	case MGR_DBERROR: return "DBERROR";
	case MGR_UNAVAILABLE: return "UNAVAILABLE";
	case MGR_SEARCHFAILED: return "SEARCHFAILED";
	case MGR_UNSUPPORTED: return "UNSUPPORTED";
	case MGR_BUSY: return "BUSY";
	case MGR_INPROGRESS: return "INPROGRESS";
	case MGR_ALREADYEXISTS: return "ALREADYEXISTS";
	case MGR_VLAN_UNAVAILABLE: return "VLAN_UNAVAILABLE";
	case MGR_INSUFFICIENT_BANDWIDTH: return "INSUFFICIENT_BANDWIDTH";
	default: return "ERROR";
	}
}

const char *
mgr_state_name(enum mgr_state s)
{
	return s == MGR_EXECUTED ? "executed" : "created";
}

const char *
mgr_ep_type_name(enum mgr_ep_type t)
{
	static const char *const n[] = { "none", "port", "vlan", "gre", "nsliver", "trailer",
					 "ipsec" };

	return (unsigned int)t < 7 ? n[t] : "none";
}

const char *
mgr_role_name(enum mgr_role r)
{
	static const char *const n[] = { "none", "network", "terminal", "nsliver" };

	return (unsigned int)r < 4 ? n[r] : "none";
}

bool
mgr_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= MGR_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

int
mgr_parse_si(const char *s, uint64_t *v)
{
	unsigned long long x, mul = 1;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': mul = 1000ull; end++; break;
	case 'M': mul = 1000000ull; end++; break;
	case 'G': mul = 1000000000ull; end++; break;
	case 'T': mul = 1000000000000ull; end++; break;
	default: return -1;
	}
	if (strcmp(end, "") != 0 && strcmp(end, "bps") != 0 && strcmp(end, "B") != 0)
		return -1;
	if (x > UINT64_MAX / mul)
		return -1;
	*v = x * mul;
	return 0;
}

static int
parse_u32(const char *s, unsigned long long max, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

const char *
mgr_kv_get(const struct mgr_kvs *kv, const char *key)
{
	unsigned int i;

	for (i = 0; i < kv->n; i++)
		if (strcmp(kv->v[i].key, key) == 0)
			return kv->v[i].value;
	return NULL;
}

/* ---------------------------------------------------------------- slices, registry */

static void
kvs_clear(struct mgr_kvs *kv)
{
	unsigned int i;

	for (i = 0; i < kv->n; i++) {
		free(kv->v[i].key);
		free(kv->v[i].value);
	}
	free(kv->v);
	kv->v = NULL;
	kv->n = 0;
}

static int
kvs_copy(struct mgr_kvs *dst, const struct mgr_kvs *src)
{
	unsigned int i;

	dst->n = 0;
	dst->v = src->n != 0 ? calloc(src->n, sizeof(*dst->v)) : NULL;
	if (src->n != 0 && dst->v == NULL)
		return -1;
	for (i = 0; i < src->n; i++) {
		dst->v[i].key = strdup(src->v[i].key);
		dst->v[i].value = strdup(src->v[i].value);
		dst->n++;
		if (dst->v[i].key == NULL || dst->v[i].value == NULL)
			return -1;
	}
	return 0;
}

static void
sliver_clear(struct mgr_sliver *s)
{
	unsigned int i;

	kvs_clear(&s->resources);
	kvs_clear(&s->params);
	for (i = 0; i < s->n_vports; i++)
		kvs_clear(&s->vports[i].params);
	free(s->vports);
	memset(s, 0, sizeof(*s));
}

/* Deep copy of 'src' into the zeroed 'dst'. On failure 'dst' holds what was copied. */
static int
sliver_copy(struct mgr_sliver *dst, const struct mgr_sliver *src)
{
	unsigned int i;

	*dst = *src;
	memset(&dst->resources, 0, sizeof(dst->resources));
	memset(&dst->params, 0, sizeof(dst->params));
	dst->vports = NULL;
	dst->n_vports = 0;
	if (kvs_copy(&dst->resources, &src->resources) != 0 ||
	    kvs_copy(&dst->params, &src->params) != 0)
		return -1;
	if (src->n_vports != 0) {
		dst->vports = calloc(src->n_vports, sizeof(*dst->vports));
		if (dst->vports == NULL)
			return -1;
	}
	for (i = 0; i < src->n_vports; i++) {
		dst->vports[i] = src->vports[i];
		memset(&dst->vports[i].params, 0, sizeof(dst->vports[i].params));
		dst->n_vports++;
		if (kvs_copy(&dst->vports[i].params, &src->vports[i].params) != 0)
			return -1;
	}
	return 0;
}

void
mgr_slice_clear(struct mgr_slice *sl)
{
	unsigned int i;

	for (i = 0; i < sl->n_slivers; i++)
		sliver_clear(&sl->slivers[i]);
	free(sl->slivers);
	free(sl->binds);
	memset(sl, 0, sizeof(*sl));
}

void
mgr_slice_free(struct mgr_slice *sl)
{
	if (sl == NULL)
		return;
	mgr_slice_clear(sl);
	free(sl);
}

/* Append copies of 'add''s slivers and binds to 'sl'. */
static int
slice_append(struct mgr_slice *sl, const struct mgr_slice *add)
{
	struct mgr_sliver *s;
	struct mgr_bind *b;
	unsigned int i;

	if (add->n_slivers != 0) {
		s = realloc(sl->slivers, (sl->n_slivers + add->n_slivers) * sizeof(*s));
		if (s == NULL)
			return -1;
		sl->slivers = s;
		for (i = 0; i < add->n_slivers; i++) {
			memset(&sl->slivers[sl->n_slivers], 0, sizeof(*s));
			sl->n_slivers++;
			if (sliver_copy(&sl->slivers[sl->n_slivers - 1], &add->slivers[i]) != 0)
				return -1;
		}
	}
	if (add->n_binds != 0) {
		b = realloc(sl->binds, (sl->n_binds + add->n_binds) * sizeof(*b));
		if (b == NULL)
			return -1;
		sl->binds = b;
		memcpy(&b[sl->n_binds], add->binds, add->n_binds * sizeof(*b));
		sl->n_binds += add->n_binds;
	}
	return 0;
}

struct mgr_slice *
mgr_slice_dup(const struct mgr_slice *sl)
{
	struct mgr_slice *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	memcpy(d->id, sl->id, sizeof(d->id));
	memcpy(d->spec_class, sl->spec_class, sizeof(d->spec_class));
	d->created = sl->created;
	if (slice_append(d, sl) != 0) {
		mgr_slice_free(d);
		return NULL;
	}
	return d;
}

struct mgr_sliver *
mgr_slice_sliver(const struct mgr_slice *sl, const char *name)
{
	unsigned int i;

	for (i = 0; i < sl->n_slivers; i++)
		if (strcmp(sl->slivers[i].name, name) == 0)
			return &sl->slivers[i];
	return NULL;
}

static struct mgr_vport *
sliver_vport(const struct mgr_sliver *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->n_vports; i++)
		if (strcmp(s->vports[i].name, name) == 0)
			return &s->vports[i];
	return NULL;
}

struct mgr_slice *
mgr_reg_find(const struct mgr_reg *reg, const char *id)
{
	unsigned int i;

	for (i = 0; i < reg->n; i++)
		if (strcmp(reg->slices[i]->id, id) == 0)
			return reg->slices[i];
	return NULL;
}

int
mgr_reg_commit(struct mgr_reg *reg, const char *id, struct mgr_slice *sl)
{
	unsigned int i;

	for (i = 0; i < reg->n; i++)
		if (strcmp(reg->slices[i]->id, id) == 0)
			break;
	if (i < reg->n) {
		mgr_slice_free(reg->slices[i]);
		if (sl != NULL) {
			reg->slices[i] = sl;
		} else {
			reg->slices[i] = reg->slices[reg->n - 1];
			reg->n--;
		}
		return 0;
	}
	if (sl == NULL)
		return 0;
	if (reg->n % 64 == 0) {
		struct mgr_slice **n = realloc(reg->slices, (reg->n + 64) * sizeof(*n));

		if (n == NULL)
			return -1;
		reg->slices = n;
	}
	reg->slices[reg->n++] = sl;
	return 0;
}

void
mgr_reg_clear(struct mgr_reg *reg)
{
	unsigned int i;

	for (i = 0; i < reg->n; i++)
		mgr_slice_free(reg->slices[i]);
	free(reg->slices);
	reg->slices = NULL;
	reg->n = 0;
}

/* ---------------------------------------------------------------- validation */

static int
parse_protocols(const char *v, unsigned int *out, const char *link, struct mgr_err *e)
{
	static const struct { const char *tok; unsigned int bit; } toks[] = {
		{ "802.3", MGR_PROTO_ETH }, { "Ethernet", MGR_PROTO_ETH },
		{ "802.1Q", MGR_PROTO_VLAN }, { "VLAN", MGR_PROTO_VLAN },
		{ "IPv4", MGR_PROTO_IPV4 }, { "IPv6", MGR_PROTO_IPV6 }, { "GRE", MGR_PROTO_GRE },
		{ "IPsec", MGR_PROTO_IPSEC }, { "trailer", MGR_PROTO_TRAILER },
	};
	char buf[256], *tok, *save;
	unsigned int i;

	*out = 0;
	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ", ", &save); tok != NULL; tok = strtok_r(NULL, ", ", &save)) {
		for (i = 0; i < sizeof(toks) / sizeof(toks[0]); i++)
			if (strcasecmp(tok, toks[i].tok) == 0)
				break;
		if (i == sizeof(toks) / sizeof(toks[0]))
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s': protocol '%.40s' is not one of 802.3, "
					"802.1Q, VLAN, IPv4, IPv6, GRE, IPsec, trailer", link, tok);
		*out |= toks[i].bit;
	}
	if (*out == 0)
		return mgr_fail(e, MGR_BADARGS, "linkSliver '%s': resource 'protocol' is empty",
				link);
	return 0;
}

static int
check_link_resources(struct mgr_sliver *s, struct mgr_err *e)
{
	const char *bw = mgr_kv_get(&s->resources, "bandwidth");
	const char *burst = mgr_kv_get(&s->resources, "burstSize");
	const char *iso = mgr_kv_get(&s->resources, "performanceIsolation");
	const char *proto = mgr_kv_get(&s->resources, "protocol");

	if (bw == NULL)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s': resource 'bandwidth' is required (e.g. 1G)", s->name);
	if (mgr_parse_si(bw, &s->bandwidth_bps) != 0 || s->bandwidth_bps == 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s': bandwidth '%.40s' is not a rate in bits/s "
				"(e.g. 100M, 1G)", s->name, bw);
	s->burst_bytes = 0;
	if (burst != NULL && mgr_parse_si(burst, &s->burst_bytes) != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s': burstSize '%.40s' is not a size in bytes", s->name,
				burst);
	if (iso != NULL && strcmp(iso, "none") != 0 && strcmp(iso, "shaping") != 0 &&
	    strcmp(iso, "policing") != 0 && strcmp(iso, "wfq") != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s': performanceIsolation '%.40s' is not one of none, "
				"shaping, policing, wfq", s->name, iso);
	if (proto == NULL)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s': resource 'protocol' is required (e.g. 802.3,IPv4,GRE)",
				s->name);
	if (parse_protocols(proto, &s->protocols, s->name, e) != 0)
		return -1;
	if (s->n_vports < 2)
		return mgr_fail(e, MGR_BADARGS, "linkSliver '%s': a link needs at least two vports",
				s->name);
	return 0;
}

static int
check_node(const struct mgr_sliver *s, struct mgr_err *e)
{
	uint32_t v;
	const char *cpu, *mem;

	if (s->type[0] != '\0' && strcmp(s->type, "_super") != 0)
		return mgr_fail(e, MGR_BADARGS,
				"nodeSliver '%s': type '%s' is unknown (only \"_super\": defined in "
				"the network part)", s->name, s->type);
	if (strcmp(s->type, "_super") == 0)
		return 0;
	if (s->instance[0] == '\0')
		return mgr_fail(e, MGR_BADARGS,
				"nodeSliver '%s': needs type=\"_super\" or an <instance type=...>",
				s->name);
	if (strcmp(s->instance, "Terminal") == 0)
		return 0;
	if (strcmp(s->instance, "SlowPath_VM") != 0)
		return mgr_fail(e, MGR_UNSUPPORTED,
				"nodeSliver '%s': instance type '%s' is not one this AGW runs "
				"(SlowPath_VM, Terminal)", s->name, s->instance);
	cpu = mgr_kv_get(&s->resources, "cpu");
	mem = mgr_kv_get(&s->resources, "memory");
	if (cpu == NULL || parse_u32(cpu, 1024, &v) != 0 || v == 0)
		return mgr_fail(e, MGR_BADARGS,
				"nodeSliver '%s': SlowPath_VM needs resource 'cpu' (cores, 1-1024)",
				s->name);
	if (mem == NULL || parse_u32(mem, 1u << 24, &v) != 0 || v == 0)
		return mgr_fail(e, MGR_BADARGS,
				"nodeSliver '%s': SlowPath_VM needs resource 'memory' (MiB)", s->name);
	return 0;
}

/* Which bind holds (sliver, vport) as an end: index, and which end; -1 if none. */
static int
find_bind(const struct mgr_slice *sl, const char *sliver, const char *vport, int *end)
{
	unsigned int i;
	int k;

	for (i = 0; i < sl->n_binds; i++)
		for (k = 0; k < 2; k++)
			if (strcmp(sl->binds[i].sliver[k], sliver) == 0 &&
			    strcmp(sl->binds[i].vport[k], vport) == 0) {
				*end = k;
				return (int)i;
			}
	return -1;
}

static int
check_binds(const struct mgr_slice *sl, struct mgr_err *e)
{
	unsigned int i, j;
	int k, kinds;

	for (i = 0; i < sl->n_binds; i++) {
		const struct mgr_bind *b = &sl->binds[i];

		kinds = 0;
		for (k = 0; k < 2; k++) {
			const struct mgr_sliver *s = mgr_slice_sliver(sl, b->sliver[k]);

			if (s == NULL)
				return mgr_fail(e, MGR_BADARGS, "bind %u: no sliver '%s' in the slice",
						i + 1, b->sliver[k]);
			if (sliver_vport(s, b->vport[k]) == NULL)
				return mgr_fail(e, MGR_BADARGS,
						"bind %u: sliver '%s' has no vport '%s'", i + 1,
						b->sliver[k], b->vport[k]);
			kinds |= s->kind;
		}
		if (kinds != (MGR_LINK | MGR_NODE))
			return mgr_fail(e, MGR_BADARGS,
					"bind %u (%s.%s - %s.%s): a bind joins a linkSliver's vport "
					"to a nodeSliver's vport", i + 1, b->sliver[0], b->vport[0],
					b->sliver[1], b->vport[1]);
		for (j = 0; j < i; j++)
			for (k = 0; k < 2; k++) {
				int m;

				for (m = 0; m < 2; m++)
					if (strcmp(sl->binds[j].sliver[m], b->sliver[k]) == 0 &&
					    strcmp(sl->binds[j].vport[m], b->vport[k]) == 0)
						return mgr_fail(e, MGR_BADARGS,
								"binds %u and %u both use vport "
								"%s.%s", j + 1, i + 1, b->sliver[k],
								b->vport[k]);
			}
	}
	return 0;
}

const char *
mgr_terminal_of(const char *key)
{
	const size_t n = strlen(MGR_TERMINAL_PREFIX);

	return strncmp(key, MGR_TERMINAL_PREFIX, n) == 0 ? key + n : NULL;
}

/* Decide type, role and port of a new link vport's endpoint from its bind and params. */
static int
plan_ep_kind(const struct mgr_slice *sl, const struct mgr_plan_conf *c,
	     const struct mgr_sliver *link, struct mgr_vport *vp, struct mgr_err *e)
{
	static const char *const keys[] = { "type", "port", "vid", "key", "remote", "nexthop_mac",
					    "app", "terminal", "terminal_key", "auth",
					    "reappend", "pool", "address", "gateway", NULL };
	struct mgr_ep *ep = &vp->ep;
	const struct mgr_sliver *node;
	const char *type, *port;
	unsigned int i;
	int b, end;

	for (i = 0; i < vp->params.n; i++) {
		const char *const *k;

		for (k = keys; *k != NULL && strcmp(*k, vp->params.v[i].key) != 0; k++)
			;
		if (*k == NULL && mgr_terminal_of(vp->params.v[i].key) == NULL)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': unknown param '%.40s' (type, port, "
					"vid, key, remote, nexthop_mac, app, terminal, pool, address, "
					"gateway, terminal:ID)", link->name, vp->name,
					vp->params.v[i].key);
	}
	b = find_bind(sl, link->name, vp->name, &end);
	if (b < 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s' is not bound to any node's vport",
				link->name, vp->name);
	node = mgr_slice_sliver(sl, sl->binds[b].sliver[!end]);
	snprintf(ep->node, sizeof(ep->node), "%s", node->name);
	snprintf(ep->node_port, sizeof(ep->node_port), "%s", sl->binds[b].vport[!end]);
	if (strcmp(node->type, "_super") == 0)
		ep->role = MGR_ROLE_NETWORK;
	else if (strcmp(node->instance, "Terminal") == 0)
		ep->role = MGR_ROLE_TERMINAL;
	else
		ep->role = MGR_ROLE_NSLIVER;

	type = mgr_kv_get(&vp->params, "type");
	if (ep->role == MGR_ROLE_NSLIVER) {
		if (type != NULL && strcmp(type, "nsliver") != 0)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': bound to node sliver '%s', so its "
					"type is nsliver, not '%.20s'", link->name, vp->name,
					node->name, type);
		ep->type = MGR_EP_NSLIVER;
		return 0;
	}
	if (type == NULL)
		type = ep->role == MGR_ROLE_NETWORK && (link->protocols & MGR_PROTO_GRE) ? "gre"
											   : "vlan";
	if (strcmp(type, "vlan") == 0)
		ep->type = MGR_EP_VLAN;
	else if (strcmp(type, "gre") == 0)
		ep->type = MGR_EP_GRE;
	else if (strcmp(type, "port") == 0)
		ep->type = MGR_EP_PORT;
	else if (strcmp(type, "trailer") == 0)
		ep->type = MGR_EP_TRAILER;
	else if (strcmp(type, "ipsec") == 0)
		ep->type = MGR_EP_IPSEC;
	else
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': type '%.20s' is not one of vlan, gre, "
				"port, trailer, ipsec", link->name, vp->name, type);
	if (ep->type == MGR_EP_IPSEC && ep->role != MGR_ROLE_TERMINAL)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': type ipsec must be bound to the "
				"terminals' node sliver (instance type=\"Terminal\"), not '%s'",
				link->name, vp->name, node->name);
	if (ep->type == MGR_EP_GRE && !(link->protocols & MGR_PROTO_GRE))
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': type gre, but the link's protocol has no "
				"GRE", link->name, vp->name);
	port = mgr_kv_get(&vp->params, "port");
	if (port == NULL)
		port = ep->role == MGR_ROLE_NETWORK ? c->uplink_port : c->access_port;
	if (port[0] == '\0' || !mgr_name_ok(port))
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': no gw-core port (param 'port', or the "
				"manager's %s_port)", link->name, vp->name,
				ep->role == MGR_ROLE_NETWORK ? "uplink" : "access");
	if (c->ports != NULL) {
		const char *const *p;

		for (p = c->ports; *p != NULL && strcmp(*p, port) != 0; p++)
			;
		if (*p == NULL)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': gw-core has no port '%s'",
					link->name, vp->name, port);
	}
	snprintf(ep->port, sizeof(ep->port), "%s", port);
	return 0;
}

/* A trailer vport's 'terminal_key' (hex) and 'auth' (required | optional). */
static int
plan_trailer_key(const struct mgr_sliver *link, struct mgr_vport *vp, struct mgr_err *e)
{
	const char *key = mgr_kv_get(&vp->params, "terminal_key"), *auth = mgr_kv_get(&vp->params, "auth");
	struct mgr_ep *ep = &vp->ep;
	size_t i, n = key != NULL ? strlen(key) : 0;
	uint8_t bytes[TRL_KEY_MAX];
	int kn;

	ep->trl_key[0] = '\0';
	ep->trl_key_required = false;
	if (key == NULL) {
		if (auth != NULL)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': auth without terminal_key",
					link->name, vp->name);
		return 0;
	}
	if (ep->trl_terminal == 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': terminal_key needs param 'terminal': a "
				"key belongs to one terminal", link->name, vp->name);
	/* the grammar gw-core and agw-trailer read (trl_key_from_hex) */
	kn = trl_key_from_hex(key, bytes);
	memset(bytes, 0, sizeof(bytes));
	if (kn < TRL_KEY_MIN)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': terminal_key is not %d to %d bytes as "
				"hex digits", link->name, vp->name, TRL_KEY_MIN, TRL_KEY_MAX);
	for (i = 0; i < n; i++)
		ep->trl_key[i] = (char)tolower((unsigned char)key[i]);
	ep->trl_key[n] = '\0';
	if (auth == NULL || strcmp(auth, "required") == 0)
		ep->trl_key_required = true;
	else if (strcmp(auth, "optional") != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': auth '%.20s' is not required or "
				"optional", link->name, vp->name, auth);
	return 0;
}

/* A trailer vport's 'app' (ID or LO-HI), 'terminal' (ID; absent: any) and key. */
static int
plan_trailer(const struct mgr_sliver *link, struct mgr_vport *vp, struct mgr_err *e)
{
	const char *app = mgr_kv_get(&vp->params, "app"), *term = mgr_kv_get(&vp->params, "terminal");
	struct mgr_ep *ep = &vp->ep;
	const char *dash, *ra;
	char lo[16];

	if (ep->type != MGR_EP_TRAILER) {
		if (app != NULL || term != NULL || mgr_kv_get(&vp->params, "terminal_key") != NULL ||
		    mgr_kv_get(&vp->params, "auth") != NULL || mgr_kv_get(&vp->params, "reappend") != NULL)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': app/terminal/terminal_key/auth/"
					"reappend on a %s endpoint",
					link->name, vp->name, mgr_ep_type_name(ep->type));
		return 0;
	}
	if (app == NULL)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': a trailer vport needs param 'app' (an "
				"app ID or a range LO-HI, docs/trailer.md)", link->name, vp->name);
	dash = strchr(app, '-');
	snprintf(lo, sizeof(lo), "%.*s", dash != NULL ? (int)(dash - app) : (int)strlen(app), app);
	if (parse_u32(lo, UINT32_MAX, &ep->trl_app_lo) != 0 ||
	    parse_u32(dash != NULL ? dash + 1 : lo, UINT32_MAX, &ep->trl_app_hi) != 0 ||
	    ep->trl_app_lo == 0 || ep->trl_app_hi < ep->trl_app_lo)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': app '%.30s' is not an app ID or a range "
				"LO-HI of IDs from 1 to 4294967295", link->name, vp->name, app);
	ep->trl_terminal = 0;
	if (term != NULL && (parse_u32(term, UINT32_MAX, &ep->trl_terminal) != 0 ||
			     ep->trl_terminal == 0))
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': terminal '%.20s' is not an ID from 1 "
				"to 4294967295", link->name, vp->name, term);
	ra = mgr_kv_get(&vp->params, "reappend");
	ep->trl_reappend = ra != NULL && strcmp(ra, "yes") == 0;
	if (ra != NULL && strcmp(ra, "yes") != 0 && strcmp(ra, "no") != 0)
		return mgr_fail(e, MGR_BADARGS, "linkSliver '%s' vport '%s': reappend '%.20s' is "
				"not yes or no", link->name, vp->name, ra);
	if (ep->trl_reappend && (ep->trl_terminal == 0 || ep->trl_app_lo != ep->trl_app_hi))
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': reappend needs one terminal and one "
				"app (the trailer written toward the terminal)", link->name, vp->name);
	return plan_trailer_key(link, vp, e);
}

/* "a.b.c.d" into out (16 bytes). @return 0, -1 if not an IPv4 address. */
static int
ipv4_norm(const char *s, char *out, uint32_t *host)
{
	struct in_addr a;

	if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
		return -1;
	inet_ntop(AF_INET, &a, out, 16);
	if (host != NULL)
		*host = ntohl(a.s_addr);
	return 0;
}

bool
mgr_ike_id_ok(const char *id)
{
	size_t n = strlen(id), i;

	if (n == 0 || n >= MGR_IKE_ID_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)id[i] <= ' ' || (unsigned char)id[i] >= 0x7f || id[i] == '"' ||
		    id[i] == '\'' || id[i] == '\\')
			return false;
	return true;
}

/*
 * An ipsec vport: 'pool' (the terminals' virtual IPs, a prefix), 'address' (the
 * AGW's address in the slice, outside the pool), optional 'gateway', and its
 * terminals, each a param "terminal:ID" = "psk:SECRET" or "pubkey" (docs/slice-spec.md).
 */
static int
plan_ipsec(const struct mgr_sliver *link, struct mgr_vport *vp, struct mgr_err *e)
{
	const char *pool = mgr_kv_get(&vp->params, "pool"), *addr = mgr_kv_get(&vp->params, "address");
	const char *gw = mgr_kv_get(&vp->params, "gateway");
	struct mgr_ep *ep = &vp->ep;
	char net[16], ip[INET_ADDRSTRLEN];
	uint32_t base, a, mask;
	unsigned int len, i;
	char tail;

	if (ep->type != MGR_EP_IPSEC) {
		bool terms = false;

		for (i = 0; i < vp->params.n; i++)
			terms |= mgr_terminal_of(vp->params.v[i].key) != NULL;
		if (pool != NULL || addr != NULL || gw != NULL || terms)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': pool/address/gateway/terminal:ID "
					"on a %s endpoint", link->name, vp->name,
					mgr_ep_type_name(ep->type));
		return 0;
	}
	if (pool == NULL || sscanf(pool, "%15[0-9.]/%u%c", net, &len, &tail) != 2 || len < 8 ||
	    len > 32 || ipv4_norm(net, ip, &base) != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': an ipsec vport needs param 'pool', the "
				"terminals' virtual IPs as a prefix a.b.c.d/8-32 (got '%.30s')",
				link->name, vp->name, pool != NULL ? pool : "");
	mask = len == 32 ? 0xffffffffu : ~(0xffffffffu >> len);
	if ((base & ~mask) != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': pool '%.30s' has host bits set (the "
				"prefix starts at %u.%u.%u.%u)", link->name, vp->name, pool,
				(base & mask) >> 24, (base & mask) >> 16 & 0xff,
				(base & mask) >> 8 & 0xff, base & mask & 0xff);
	snprintf(ep->ipsec_pool, sizeof(ep->ipsec_pool), "%s/%u", ip, len);
	if (ipv4_norm(addr, ep->ipsec_addr, &a) != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': an ipsec vport needs param 'address', "
				"the AGW's IPv4 address in the slice (got '%.30s')", link->name,
				vp->name, addr != NULL ? addr : "");
	if ((a & mask) == base)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': address %s lies inside the terminals' "
				"pool %s", link->name, vp->name, ep->ipsec_addr, ep->ipsec_pool);
	ep->ipsec_gateway[0] = '\0';
	if (gw != NULL && ipv4_norm(gw, ep->ipsec_gateway, NULL) != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': gateway '%.30s' is not an IPv4 address",
				link->name, vp->name, gw);
	ep->ipsec_terminals = 0;
	for (i = 0; i < vp->params.n; i++) {
		const char *id = mgr_terminal_of(vp->params.v[i].key), *v = vp->params.v[i].value;

		if (id == NULL)
			continue;
		if (!mgr_ike_id_ok(id))
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': terminal '%.40s': an IKE identity "
					"is 1-127 printable characters without spaces or quotes",
					link->name, vp->name, id);
		if (strcmp(v, MGR_AUTH_PUBKEY) == 0) {
			ep->ipsec_terminals++;
			continue;
		}
		if (strncmp(v, "psk:", 4) != 0)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': terminal '%.40s': authentication "
					"must be psk:SECRET or pubkey (an X.509 certificate for ID "
					"from the CA in [manager] ike_cacert)", link->name, vp->name, id);
		if (strlen(v + 4) < 16 || strlen(v + 4) > 256)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': terminal '%.40s': the pre-shared key "
					"must be 16 to 256 characters (a short PSK can be guessed offline "
					"from one IKE exchange)", link->name, vp->name, id);
		ep->ipsec_terminals++;
	}
	return 0;
}

/* Explicit VID / GRE values of a new endpoint (allocation comes later). */
static int
plan_ep_values(const struct mgr_plan_conf *c, const struct mgr_sliver *link, struct mgr_vport *vp,
	       bool *need_vid, bool *need_key, struct mgr_err *e)
{
	struct mgr_ep *ep = &vp->ep;
	const char *vid = mgr_kv_get(&vp->params, "vid"), *key = mgr_kv_get(&vp->params, "key");
	const char *remote = mgr_kv_get(&vp->params, "remote");
	const char *nh = mgr_kv_get(&vp->params, "nexthop_mac");
	uint32_t v;

	*need_vid = *need_key = false;
	if (plan_trailer(link, vp, e) != 0 || plan_ipsec(link, vp, e) != 0)
		return -1;
	if (ep->type == MGR_EP_VLAN) {
		if (vid == NULL)
			*need_vid = true;
		else if (parse_u32(vid, 4094, &v) != 0 || v == 0)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': VID '%.20s' is outside 1-4094",
					link->name, vp->name, vid);
		else
			ep->vid = (uint16_t)v;
	} else if (vid != NULL) {
		return mgr_fail(e, MGR_BADARGS, "linkSliver '%s' vport '%s': 'vid' on a %s endpoint",
				link->name, vp->name, mgr_ep_type_name(ep->type));
	}
	if (ep->type != MGR_EP_GRE) {
		if (key != NULL || remote != NULL || nh != NULL)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': key/remote/nexthop_mac on a %s "
					"endpoint", link->name, vp->name, mgr_ep_type_name(ep->type));
		return 0;
	}
	if (remote == NULL)
		remote = c->gre_remote;
	if (remote[0] == '\0' || ipv4_norm(remote, ep->remote, NULL) != 0)
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': GRE needs param 'remote' (an IPv4 "
				"address)%s", link->name, vp->name,
				remote[0] == '\0' ? " or the manager's gre_remote" : "");
	if (key == NULL) {
		*need_key = true;
	} else if (strcmp(key, "none") == 0) {
		ep->has_key = false;
	} else if (parse_u32(key, UINT32_MAX, &ep->key) != 0) {
		return mgr_fail(e, MGR_BADARGS,
				"linkSliver '%s' vport '%s': GRE key '%.20s' is not 0-4294967295 "
				"or none", link->name, vp->name, key);
	} else {
		ep->has_key = true;
	}
	if (nh != NULL) {
		unsigned int m[6];
		char tail;

		if (sscanf(nh, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
			   &tail) != 6)
			return mgr_fail(e, MGR_BADARGS,
					"linkSliver '%s' vport '%s': nexthop_mac '%.20s' is not a MAC",
					link->name, vp->name, nh);
		snprintf(ep->nexthop_mac, sizeof(ep->nexthop_mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 m[0], m[1], m[2], m[3], m[4], m[5]);
	}
	return 0;
}

/* Resources in use: VIDs per port, GRE (port, remote, key), untagged ports, bandwidth. */
struct used_port {
	char name[MGR_NAME_MAX];
	uint64_t vids[4096 / 64];
	uint64_t bw;
	const char *untagged;      /* "slice/link.vport" holding the port untagged */
};

/* Who holds a VID or a GRE (port, remote, key), for conflict messages and key search. */
struct holder {
	const struct mgr_ep *ep;
	const char *slice, *link, *vport;
};

struct used {
	struct used_port *ports;
	unsigned int n_ports;
	struct holder *gre, *vlan, *trl;
	unsigned int n_gre, n_vlan, n_trl;
};

static int
holder_add(struct holder **h, unsigned int *n, const char *slice, const struct mgr_sliver *link,
	   const struct mgr_vport *vp, struct mgr_err *e)
{
	if (*n % 64 == 0) {
		struct holder *nh = realloc(*h, (*n + 64) * sizeof(*nh));

		if (nh == NULL)
			return mgr_fail(e, MGR_SERVERERROR, "out of memory");
		*h = nh;
	}
	(*h)[*n] = (struct holder){ .ep = &vp->ep, .slice = slice, .link = link->name,
				    .vport = vp->name };
	(*n)++;
	return 0;
}

static struct used_port *
used_port(struct used *u, const char *name)
{
	unsigned int i;
	struct used_port *p;

	for (i = 0; i < u->n_ports; i++)
		if (strcmp(u->ports[i].name, name) == 0)
			return &u->ports[i];
	p = realloc(u->ports, (u->n_ports + 1) * sizeof(*p));
	if (p == NULL)
		return NULL;
	u->ports = p;
	p = &u->ports[u->n_ports++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

static void
used_free(struct used *u)
{
	free(u->ports);
	free(u->gre);
	free(u->vlan);
	free(u->trl);
}

static bool
gre_same(const struct mgr_ep *a, const struct mgr_ep *b)
{
	return strcmp(a->port, b->port) == 0 && strcmp(a->remote, b->remote) == 0 &&
	       a->has_key == b->has_key && (!a->has_key || a->key == b->key);
}

/*
 * Account one decided endpoint. Conflicts with what is already accounted are faults
 * naming both holders.
 */
static int
used_add(struct used *u, const char *slice, const struct mgr_sliver *link,
	 const struct mgr_vport *vp, struct mgr_err *e)
{
	const struct mgr_ep *ep = &vp->ep;
	struct used_port *p;
	unsigned int i;

	if (!mgr_ep_in_gwc(ep->type))
		return 0;
	p = used_port(u, ep->port);
	if (p == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	if (ep->type == MGR_EP_VLAN) {
		if (p->vids[ep->vid / 64] & (1ull << (ep->vid % 64))) {
			for (i = 0; i < u->n_vlan; i++)
				if (strcmp(u->vlan[i].ep->port, ep->port) == 0 &&
				    u->vlan[i].ep->vid == ep->vid)
					break;
			return mgr_fail(e, MGR_VLAN_UNAVAILABLE,
					"linkSliver '%s' vport '%s': VID %u on port '%s' is used by "
					"slice '%s' link '%s' vport '%s'", link->name, vp->name,
					ep->vid, ep->port, i < u->n_vlan ? u->vlan[i].slice : "?",
					i < u->n_vlan ? u->vlan[i].link : "?",
					i < u->n_vlan ? u->vlan[i].vport : "?");
		}
		p->vids[ep->vid / 64] |= 1ull << (ep->vid % 64);
		return holder_add(&u->vlan, &u->n_vlan, slice, link, vp, e);
	} else if (ep->type == MGR_EP_GRE) {
		for (i = 0; i < u->n_gre; i++)
			if (gre_same(u->gre[i].ep, ep))
				return mgr_fail(e, MGR_ALREADYEXISTS,
						"linkSliver '%s' vport '%s': GRE to %s on port '%s' "
						"with key %s%u is used by slice '%s' link '%s' vport "
						"'%s'", link->name, vp->name, ep->remote, ep->port,
						ep->has_key ? "" : "(none) ", ep->key,
						u->gre[i].slice, u->gre[i].link, u->gre[i].vport);
		return holder_add(&u->gre, &u->n_gre, slice, link, vp, e);
	} else if (ep->type == MGR_EP_TRAILER) {
		for (i = 0; i < u->n_trl; i++) {
			const struct mgr_ep *o = u->trl[i].ep;

			if (strcmp(o->port, ep->port) == 0 && o->trl_terminal == ep->trl_terminal &&
			    o->trl_app_lo <= ep->trl_app_hi && ep->trl_app_lo <= o->trl_app_hi)
				return mgr_fail(e, MGR_ALREADYEXISTS,
						"linkSliver '%s' vport '%s': apps %u-%u of terminal "
						"%u%s on port '%s' overlap slice '%s' link '%s' vport "
						"'%s'", link->name, vp->name, ep->trl_app_lo,
						ep->trl_app_hi, ep->trl_terminal,
						ep->trl_terminal ? "" : " (any)", ep->port,
						u->trl[i].slice, u->trl[i].link, u->trl[i].vport);
			/* gw-core holds one key per terminal: every vport that gives one agrees */
			if (o->trl_terminal == ep->trl_terminal && o->trl_key[0] != '\0' &&
			    ep->trl_key[0] != '\0' &&
			    (strcmp(o->trl_key, ep->trl_key) != 0 ||
			     o->trl_key_required != ep->trl_key_required))
				return mgr_fail(e, MGR_ALREADYEXISTS,
						"linkSliver '%s' vport '%s': terminal %u already has "
						"another key or auth setting (slice '%s' link '%s' "
						"vport '%s'); a terminal has one key",
						link->name, vp->name, ep->trl_terminal,
						u->trl[i].slice, u->trl[i].link, u->trl[i].vport);
		}
		return holder_add(&u->trl, &u->n_trl, slice, link, vp, e);
	} else if (ep->type == MGR_EP_IPSEC) {
		/* shares the port: its terminals are told apart by SA, not by the port */
		return 0;
	} else {
		if (p->untagged != NULL)
			return mgr_fail(e, MGR_ALREADYEXISTS,
					"linkSliver '%s' vport '%s': port '%s' is already taken "
					"untagged by slice '%s'", link->name, vp->name, ep->port,
					p->untagged);
		p->untagged = slice;
	}
	return 0;
}

/* Bandwidth: a link reserves its rate on every port it has an endpoint on (once). */
static int
used_bw(struct used *u, const struct mgr_plan_conf *c, const struct mgr_sliver *link,
	struct mgr_err *e)
{
	unsigned int i, j;

	for (i = 0; i < link->n_vports; i++) {
		const struct mgr_ep *ep = &link->vports[i].ep;
		struct used_port *p;

		if (!mgr_ep_in_gwc(ep->type))
			continue;
		for (j = 0; j < i; j++)
			if (mgr_ep_in_gwc(link->vports[j].ep.type) &&
			    strcmp(link->vports[j].ep.port, ep->port) == 0)
				break;
		if (j < i)
			continue;
		p = used_port(u, ep->port);
		if (p == NULL)
			return mgr_fail(e, MGR_SERVERERROR, "out of memory");
		p->bw += link->bandwidth_bps;
		if (c->port_capacity_bps != 0 && p->bw > c->port_capacity_bps)
			return mgr_fail(e, MGR_INSUFFICIENT_BANDWIDTH,
					"linkSliver '%s': %llu bit/s more on port '%s' exceeds its "
					"capacity of %llu bit/s (%llu bit/s are reserved already)",
					link->name, (unsigned long long)link->bandwidth_bps, ep->port,
					(unsigned long long)c->port_capacity_bps,
					(unsigned long long)(p->bw - link->bandwidth_bps));
	}
	return 0;
}

static int
account_slice(struct used *u, const struct mgr_plan_conf *c, const struct mgr_slice *sl,
	      bool only_decided, struct mgr_err *e)
{
	unsigned int i, j;

	for (i = 0; i < sl->n_slivers; i++) {
		const struct mgr_sliver *s = &sl->slivers[i];

		if (s->kind != MGR_LINK)
			continue;
		for (j = 0; j < s->n_vports; j++) {
			const struct mgr_ep *ep = &s->vports[j].ep;

			if (only_decided && ep->alloc != 0)
				continue;
			if (used_add(u, sl->id, s, &s->vports[j], e) != 0)
				return -1;
		}
		if (used_bw(u, c, s, e) != 0)
			return -1;
	}
	return 0;
}

/*
 * Validate 'sl' (the slice as it would be) and plan the endpoints of link vports with
 * none yet (ep.type NONE), allocating VIDs and GRE keys that were not given. The other
 * slices of 'reg' (not 'sl->id') hold what they hold.
 */
static int
plan_slice(const struct mgr_reg *reg, const struct mgr_plan_conf *c, struct mgr_slice *sl,
	   struct mgr_err *e)
{
	struct used u = { 0 };
	unsigned int i, j;
	int rc = -1;
	struct pending { struct mgr_sliver *link; struct mgr_vport *vp; bool vid, key; } *pend;
	unsigned int n_pend = 0, n_vports = 0;

	for (i = 0; i < sl->n_slivers; i++) {
		struct mgr_sliver *s = &sl->slivers[i];

		if (s->kind == MGR_LINK ? check_link_resources(s, e) : check_node(s, e))
			return -1;
	}
	if (check_binds(sl, e) != 0)
		return -1;

	for (i = 0; i < sl->n_slivers; i++)
		n_vports += sl->slivers[i].n_vports;
	pend = calloc(n_vports + 1, sizeof(*pend));
	if (pend == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	for (i = 0; i < sl->n_slivers; i++) {
		struct mgr_sliver *s = &sl->slivers[i];

		if (s->kind != MGR_LINK)
			continue;
		for (j = 0; j < s->n_vports; j++) {
			struct mgr_vport *vp = &s->vports[j];
			int end;

			if (vp->ep.type != MGR_EP_NONE) {
				/* decided earlier; its bind must still be there */
				if (find_bind(sl, s->name, vp->name, &end) < 0) {
					mgr_fail(e, MGR_BADARGS,
						 "linkSliver '%s' vport '%s' would be left unbound",
						 s->name, vp->name);
					goto out;
				}
				continue;
			}
			if (plan_ep_kind(sl, c, s, vp, e) != 0 ||
			    plan_ep_values(c, s, vp, &pend[n_pend].vid, &pend[n_pend].key, e) != 0)
				goto out;
			pend[n_pend].link = s;
			pend[n_pend].vp = vp;
			vp->ep.alloc = pend[n_pend].vid || pend[n_pend].key;
			n_pend++;
		}
	}

	/* Everything else first, then this slice's decided endpoints, then allocate. */
	for (i = 0; i < reg->n; i++)
		if (strcmp(reg->slices[i]->id, sl->id) != 0 &&
		    account_slice(&u, c, reg->slices[i], false, e) != 0) {
			/* a conflict among stored slices is not this request's fault */
			if (e != NULL && e->code != MGR_SERVERERROR)
				e->code = MGR_SERVERERROR;
			goto out;
		}
	if (account_slice(&u, c, sl, true, e) != 0)
		goto out;
	for (i = 0; i < n_pend; i++) {
		struct mgr_ep *ep = &pend[i].vp->ep;
		struct used_port *p;

		if (pend[i].vid) {
			unsigned int v;

			p = used_port(&u, ep->port);
			if (p == NULL) {
				mgr_fail(e, MGR_SERVERERROR, "out of memory");
				goto out;
			}
			for (v = c->vid_min; v <= c->vid_max; v++)
				if (!(p->vids[v / 64] & (1ull << (v % 64))))
					break;
			if (v > c->vid_max || v == 0) {
				mgr_fail(e, MGR_VLAN_UNAVAILABLE,
					 "linkSliver '%s' vport '%s': no free VID on port '%s' in "
					 "%u-%u", pend[i].link->name, pend[i].vp->name, ep->port,
					 c->vid_min, c->vid_max);
				goto out;
			}
			ep->vid = (uint16_t)v;
		} else if (pend[i].key) {
			uint64_t k;

			ep->has_key = true;
			for (k = c->key_min; k <= c->key_max; k++) {
				ep->key = (uint32_t)k;
				for (j = 0; j < u.n_gre; j++)
					if (gre_same(u.gre[j].ep, ep))
						break;
				if (j == u.n_gre)
					break;
			}
			if (k > c->key_max) {
				mgr_fail(e, MGR_ALREADYEXISTS,
					 "linkSliver '%s' vport '%s': no free GRE key to %s on "
					 "port '%s' in %u-%u", pend[i].link->name, pend[i].vp->name,
					 ep->remote, ep->port, c->key_min, c->key_max);
				goto out;
			}
		} else {
			continue;
		}
		ep->alloc = 0;
		if (used_add(&u, sl->id, pend[i].link, pend[i].vp, e) != 0)
			goto out;
	}
	rc = 0;
out:
	for (i = 0; i < n_pend; i++)
		pend[i].vp->ep.alloc = 0;
	free(pend);
	used_free(&u);
	return rc;
}

/* ---------------------------------------------------------------- plans */

static int
check_id(const char *id, struct mgr_err *e)
{
	if (id == NULL || !mgr_name_ok(id))
		return mgr_fail(e, MGR_BADARGS,
				"slice id '%.80s' is not a name: use 1-63 of A-Z a-z 0-9 _ . -",
				id != NULL ? id : "");
	return 0;
}

static const struct mgr_slice *
existing(const struct mgr_reg *reg, const char *id, struct mgr_err *e)
{
	const struct mgr_slice *sl;

	if (check_id(id, e) != 0)
		return NULL;
	sl = mgr_reg_find(reg, id);
	if (sl == NULL)
		mgr_fail(e, MGR_SEARCHFAILED, "no slice '%s'", id);
	return sl;
}

/* Plan 'sl' (owned); on success hand it over in *out. */
/* The ipsec vport of 'sl' (other than 'skip') that admits terminal 'key' ("terminal:ID"). */
static const struct mgr_vport *
terminal_holder(const struct mgr_slice *sl, const char *key, const struct mgr_vport *skip,
		const struct mgr_sliver **link)
{
	unsigned int i, j;

	for (i = 0; i < sl->n_slivers; i++)
		for (j = 0; j < sl->slivers[i].n_vports; j++) {
			const struct mgr_vport *vp = &sl->slivers[i].vports[j];

			if (vp != skip && vp->ep.type == MGR_EP_IPSEC &&
			    mgr_kv_get(&vp->params, key) != NULL) {
				*link = &sl->slivers[i];
				return vp;
			}
		}
	return NULL;
}

/*
 * A terminal's IKE identity picks its connection in charon, so it belongs to one
 * ipsec vport on this AGW: refuse one that another vport (of any slice) admits.
 */
static int
check_terminals(const struct mgr_reg *reg, const struct mgr_slice *sl, struct mgr_err *e)
{
	unsigned int i, j, k, r;

	for (i = 0; i < sl->n_slivers; i++)
		for (j = 0; j < sl->slivers[i].n_vports; j++) {
			const struct mgr_vport *vp = &sl->slivers[i].vports[j];

			if (vp->ep.type != MGR_EP_IPSEC)
				continue;
			for (k = 0; k < vp->params.n; k++) {
				const char *key = vp->params.v[k].key, *id = mgr_terminal_of(key);
				const struct mgr_sliver *ol;
				const struct mgr_vport *o;
				const char *in = sl->id;

				if (id == NULL)
					continue;
				o = terminal_holder(sl, key, vp, &ol);
				for (r = 0; o == NULL && r < reg->n; r++)
					if (strcmp(reg->slices[r]->id, sl->id) != 0) {
						o = terminal_holder(reg->slices[r], key, NULL, &ol);
						in = reg->slices[r]->id;
					}
				if (o != NULL)
					return mgr_fail(e, MGR_ALREADYEXISTS,
							"terminal '%.60s' is already admitted by slice '%s' "
							"linkSliver '%s' vport '%s': one IKE identity "
							"belongs to one IPsec link", id, in,
							ol->name, o->name);
			}
		}
	return 0;
}

static int
finish(const struct mgr_reg *reg, const struct mgr_plan_conf *c, struct mgr_slice *sl,
       struct mgr_slice **out, struct mgr_err *e)
{
	if (plan_slice(reg, c, sl, e) != 0 || check_terminals(reg, sl, e) != 0) {
		mgr_slice_free(sl);
		return -1;
	}
	*out = sl;
	return 0;
}

int
mgr_plan_create(const struct mgr_reg *reg, const struct mgr_plan_conf *c, const char *id,
		const struct mgr_slice *spec, struct mgr_slice **out, struct mgr_err *e)
{
	struct mgr_slice *sl;
	unsigned int i, j;

	*out = NULL;
	if (check_id(id, e) != 0)
		return -1;
	if (mgr_reg_find(reg, id) != NULL)
		return mgr_fail(e, MGR_ALREADYEXISTS, "slice '%s' exists already", id);
	if (spec->n_slivers == 0)
		return mgr_fail(e, MGR_BADARGS, "CreateSlice '%s': the spec defines no sliver", id);
	sl = mgr_slice_dup(spec);
	if (sl == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	snprintf(sl->id, sizeof(sl->id), "%s", id);
	sl->created = (int64_t)time(NULL);
	for (i = 0; i < sl->n_slivers; i++) {
		sl->slivers[i].state = MGR_CREATED;
		for (j = 0; j < sl->slivers[i].n_vports; j++)
			memset(&sl->slivers[i].vports[j].ep, 0, sizeof(struct mgr_ep));
	}
	return finish(reg, c, sl, out, e);
}

int
mgr_plan_add(const struct mgr_reg *reg, const struct mgr_plan_conf *c, const char *id,
	     const struct mgr_slice *spec, struct mgr_slice **out, struct mgr_err *e)
{
	const struct mgr_slice *cur = existing(reg, id, e);
	struct mgr_slice *sl;
	unsigned int i, j, first;

	*out = NULL;
	if (cur == NULL)
		return -1;
	if (spec->n_slivers == 0 && spec->n_binds == 0)
		return mgr_fail(e, MGR_BADARGS, "Add '%s': the spec adds no sliver and no bind", id);
	for (i = 0; i < spec->n_slivers; i++)
		if (mgr_slice_sliver(cur, spec->slivers[i].name) != NULL)
			return mgr_fail(e, MGR_ALREADYEXISTS, "slice '%s' has a sliver '%s' already",
					id, spec->slivers[i].name);
	sl = mgr_slice_dup(cur);
	if (sl == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	first = sl->n_slivers;
	if (slice_append(sl, spec) != 0) {
		mgr_slice_free(sl);
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	}
	for (i = first; i < sl->n_slivers; i++) {
		sl->slivers[i].state = MGR_CREATED;
		for (j = 0; j < sl->slivers[i].n_vports; j++)
			memset(&sl->slivers[i].vports[j].ep, 0, sizeof(struct mgr_ep));
	}
	return finish(reg, c, sl, out, e);
}

int
mgr_plan_delete(const struct mgr_reg *reg, const char *id, const char *const *names,
		unsigned int n, struct mgr_slice **out, struct mgr_err *e)
{
	const struct mgr_slice *cur = existing(reg, id, e);
	struct mgr_slice *sl;
	unsigned int i, j, k;

	*out = NULL;
	if (cur == NULL)
		return -1;
	if (n == 0)
		return mgr_fail(e, MGR_BADARGS, "Delete '%s': name at least one sliver", id);
	for (i = 0; i < n; i++) {
		if (mgr_slice_sliver(cur, names[i]) == NULL)
			return mgr_fail(e, MGR_SEARCHFAILED, "slice '%s' has no sliver '%.80s'", id,
					names[i]);
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return mgr_fail(e, MGR_BADARGS, "Delete '%s': sliver '%s' named twice",
						id, names[i]);
	}
	sl = mgr_slice_dup(cur);
	if (sl == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	/* binds touching a deleted sliver go; a link that stays must not lose its bind */
	for (i = 0; i < sl->n_binds;) {
		const struct mgr_bind *b = &sl->binds[i];
		bool gone[2] = { false, false };
		int end;

		for (end = 0; end < 2; end++)
			for (k = 0; k < n; k++)
				if (strcmp(b->sliver[end], names[k]) == 0)
					gone[end] = true;
		if (!gone[0] && !gone[1]) {
			i++;
			continue;
		}
		for (end = 0; end < 2; end++) {
			const struct mgr_sliver *s = mgr_slice_sliver(sl, b->sliver[end]);

			if (!gone[end] && s->kind == MGR_LINK) {
				mgr_fail(e, MGR_BADARGS,
					 "Delete '%s': link '%s' stays but its vport '%s' is bound to "
					 "'%s', which would go; delete '%s' as well", id, s->name,
					 b->vport[end], b->sliver[!end], s->name);
				mgr_slice_free(sl);
				return -1;
			}
		}
		sl->binds[i] = sl->binds[--sl->n_binds];
	}
	for (i = 0; i < sl->n_slivers;) {
		for (k = 0; k < n && strcmp(sl->slivers[i].name, names[k]) != 0; k++)
			;
		if (k == n) {
			i++;
			continue;
		}
		sliver_clear(&sl->slivers[i]);
		memmove(&sl->slivers[i], &sl->slivers[i + 1],
			(sl->n_slivers - i - 1) * sizeof(sl->slivers[0]));
		sl->n_slivers--;
	}
	*out = sl;
	return 0;
}

int
mgr_plan_transition(const struct mgr_reg *reg, const char *id, const char *const *names,
		    unsigned int n, enum mgr_state to, struct mgr_slice **out, struct mgr_err *e)
{
	const char *op = to == MGR_EXECUTED ? "Run" : "Stop";
	enum mgr_state from = to == MGR_EXECUTED ? MGR_CREATED : MGR_EXECUTED;
	const struct mgr_slice *cur = existing(reg, id, e);
	struct mgr_slice *sl;
	unsigned int i, j, moved = 0;

	*out = NULL;
	if (cur == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const struct mgr_sliver *s = mgr_slice_sliver(cur, names[i]);

		if (s == NULL)
			return mgr_fail(e, MGR_SEARCHFAILED, "slice '%s' has no sliver '%.80s'", id,
					names[i]);
		if (s->state != from)
			return mgr_fail(e, MGR_REFUSED,
					"%s: sliver '%s' of slice '%s' is %s; %s is allowed only from "
					"%s", op, s->name, id, mgr_state_name(s->state), op,
					mgr_state_name(from));
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return mgr_fail(e, MGR_BADARGS, "%s '%s': sliver '%s' named twice", op,
						id, names[i]);
	}
	sl = mgr_slice_dup(cur);
	if (sl == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	for (i = 0; i < sl->n_slivers; i++) {
		struct mgr_sliver *s = &sl->slivers[i];
		bool named = n == 0;

		for (j = 0; j < n && !named; j++)
			named = strcmp(s->name, names[j]) == 0;
		if (named && s->state == from) {
			s->state = to;
			moved++;
		}
	}
	if (moved == 0) {
		mgr_slice_free(sl);
		return mgr_fail(e, MGR_REFUSED, "%s: every sliver of slice '%s' is %s already%s",
				op, id, mgr_state_name(to),
				cur->n_slivers == 0 ? " (it has none)" : "");
	}
	*out = sl;
	return 0;
}

int
mgr_plan_delete_slice(const struct mgr_reg *reg, const char *id, struct mgr_slice **out,
		      struct mgr_err *e)
{
	*out = NULL;
	return existing(reg, id, e) == NULL ? -1 : 0;
}

/* Add "terminal:ID" = auth to 'kv', or (auth NULL) remove it. @return 0; -1 no memory. */
static int
kvs_set_terminal(struct mgr_kvs *kv, const char *key, const char *auth)
{
	struct mgr_kv *nv;
	unsigned int i;

	for (i = 0; i < kv->n; i++)
		if (strcmp(kv->v[i].key, key) == 0)
			break;
	if (auth == NULL) {
		free(kv->v[i].key);
		free(kv->v[i].value);
		memmove(&kv->v[i], &kv->v[i + 1], (kv->n - i - 1) * sizeof(*kv->v));
		kv->n--;
		return 0;
	}
	nv = realloc(kv->v, (kv->n + 1) * sizeof(*nv));
	if (nv == NULL)
		return -1;
	kv->v = nv;
	nv[kv->n].key = strdup(key);
	nv[kv->n].value = strdup(auth);
	kv->n++;
	return nv[kv->n - 1].key != NULL && nv[kv->n - 1].value != NULL ? 0 : -1;
}

int
mgr_plan_terminal(const struct mgr_reg *reg, const struct mgr_plan_conf *c, const char *id,
		  const char *link, const char *vport, const char *terminal, const char *auth,
		  struct mgr_slice **out, struct mgr_err *e)
{
	const struct mgr_slice *cur = existing(reg, id, e);
	const struct mgr_sliver *s;
	struct mgr_slice *sl;
	struct mgr_sliver *ls;
	struct mgr_vport *vp;
	char key[sizeof(MGR_TERMINAL_PREFIX) + MGR_IKE_ID_MAX];

	*out = NULL;
	if (cur == NULL)
		return -1;
	s = mgr_slice_sliver(cur, link);
	if (s == NULL || s->kind != MGR_LINK)
		return mgr_fail(e, MGR_SEARCHFAILED, "slice '%s' has no linkSliver '%s'", id, link);
	vp = sliver_vport(s, vport);
	if (vp == NULL)
		return mgr_fail(e, MGR_SEARCHFAILED, "slice '%s' linkSliver '%s' has no vport '%s'",
				id, link, vport);
	if (vp->ep.type != MGR_EP_IPSEC)
		return mgr_fail(e, MGR_BADARGS, "slice '%s' linkSliver '%s' vport '%s' is a %s "
				"endpoint: terminals join ipsec vports", id, link, vport,
				mgr_ep_type_name(vp->ep.type));
	if (!mgr_ike_id_ok(terminal))
		return mgr_fail(e, MGR_BADARGS, "terminal '%.40s': an IKE identity is 1-127 "
				"printable characters without spaces or quotes", terminal);
	snprintf(key, sizeof(key), "%s%s", MGR_TERMINAL_PREFIX, terminal);
	if (auth != NULL && mgr_kv_get(&vp->params, key) != NULL)
		return mgr_fail(e, MGR_ALREADYEXISTS, "slice '%s' linkSliver '%s' vport '%s' admits "
				"terminal '%s' already (RemoveTerminal first to change its key)",
				id, link, vport, terminal);
	if (auth == NULL && mgr_kv_get(&vp->params, key) == NULL)
		return mgr_fail(e, MGR_SEARCHFAILED, "slice '%s' linkSliver '%s' vport '%s' admits "
				"no terminal '%s'", id, link, vport, terminal);
	sl = mgr_slice_dup(cur);
	if (sl == NULL)
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	ls = mgr_slice_sliver(sl, link);
	vp = sliver_vport(ls, vport);
	if (kvs_set_terminal(&vp->params, key, auth) != 0) {
		mgr_slice_free(sl);
		return mgr_fail(e, MGR_SERVERERROR, "out of memory");
	}
	if (plan_ipsec(ls, vp, e) != 0) {
		mgr_slice_free(sl);
		return -1;
	}
	return finish(reg, c, sl, out, e);
}
