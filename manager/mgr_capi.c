/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Common API 2.0 (mgr_capi.h): commands decoded from json-c, a slice structure
 * turned into this AGW's slivers and binds, the federation record, and the reply with
 * statuses, negotiated link parameters and counters merged into the structure it
 * answers. Pure logic over json-c and the model: no I/O, no locks.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agw_json.h"
#include "mgr_capi.h"
#include "mgr_plan.h"

#define CAPI_MAX_ITEMS 4096   /* nodes, links, binds, interfaces, domains of one command */

static const char *const method_names[] = {
	[MGR_CAPI_CREATE_SLICE] = "CreateSlice", [MGR_CAPI_ADD] = "Add",
	[MGR_CAPI_DELETE] = "Delete", [MGR_CAPI_RUN] = "Run", [MGR_CAPI_STOP] = "Stop",
	[MGR_CAPI_DELETE_SLICE] = "DeleteSlice", [MGR_CAPI_RESOURCE_INFO] = "ResourceInfo",
	[MGR_CAPI_STATUS] = "Status", [MGR_CAPI_STATISTICS] = "Statistics",
};

int
mgr_capi_method(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++)
		if (strcmp(method_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* ---------------------------------------------------------------- json helpers */

/* Member 'k' of struct 'o', or NULL. */
static struct json_object *
mem(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, k, &v))
		return NULL;
	return v;
}

/* A typed value {"$xmlrpc.TYPE": ...}: its TYPE, or NULL. */
static const char *
tagged(struct json_object *v)
{
	if (!json_object_is_type(v, json_type_object) || json_object_object_length(v) != 1)
		return NULL;
	json_object_object_foreach(v, k, x) {
		(void)x;
		if (strncmp(k, MGR_CAPI_TAG, strlen(MGR_CAPI_TAG)) == 0)
			return k + strlen(MGR_CAPI_TAG);
	}
	return NULL;
}

/* Items of array 'a'; 0 when 'a' is NULL or not an array. */
static size_t
alen(struct json_object *a)
{
	return json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

/* String member 'k' of 'o', or NULL (absent or not a string). */
static const char *
str(struct json_object *o, const char *k)
{
	struct json_object *v = mem(o, k);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* Is 'v' a struct (and not a typed value)? */
static bool
is_struct(struct json_object *v)
{
	return json_object_is_type(v, json_type_object) && tagged(v) == NULL;
}

/* Array member 'k' of 'o' (absent: NULL, *n = 0). @return -1 with 'e' when it is there
 * but not an array, or too long. */
static int
arr(struct json_object *o, const char *k, const char *where, struct json_object **a,
    size_t *n, struct mgr_err *e)
{
	*a = mem(o, k);
	*n = 0;
	if (*a == NULL)
		return 0;
	if (!json_object_is_type(*a, json_type_array))
		return mgr_fail(e, MGR_BADARGS, "%s: '%s' must be an array", where, k);
	*n = json_object_array_length(*a);
	if (*n > CAPI_MAX_ITEMS)
		return mgr_fail(e, MGR_BADARGS, "%s: more than %d items in '%s'", where,
				CAPI_MAX_ITEMS, k);
	return 0;
}

/* Required name member 'k' of 'o' (1-63 of [A-Za-z0-9_.-]). */
static int
name(struct json_object *o, const char *k, const char *where, const char **out,
     struct mgr_err *e)
{
	*out = str(o, k);
	if (*out == NULL)
		return mgr_fail(e, MGR_BADARGS, "%s: member '%s' (a string) is required", where, k);
	if (!mgr_name_ok(*out))
		return mgr_fail(e, MGR_BADARGS, "%s: %s '%.80s' is not a name (1-63 of A-Z a-z "
				"0-9 _ . -)", where, k, *out);
	return 0;
}

/* A scalar member as text ("" absent): string, int, bool, double, or a typed i8. */
static int
scalar(struct json_object *v, char *buf, size_t size)
{
	const char *t = tagged(v);

	buf[0] = '\0';
	if (v == NULL)
		return 0;
	if (t != NULL && strcmp(t, "i8") == 0) {
		json_object_object_foreach(v, k, x) {
			(void)k;
			snprintf(buf, size, "%s", json_object_get_string(x));
		}
		return 0;
	}
	switch (json_object_get_type(v)) {
	case json_type_string:
	case json_type_int:
	case json_type_boolean:
	case json_type_double:
		snprintf(buf, size, "%s", json_object_get_string(v));
		return 0;
	default:
		return -1;
	}
}

/* ---------------------------------------------------------------- model helpers */

/* 'k' = 'v' into 'kv' unless 'kv' has 'k' already (given explicitly: it wins). */
static int
kv_set(struct mgr_kvs *kv, const char *k, const char *v, const char *where, struct mgr_err *e)
{
	return mgr_kv_get(kv, k) != NULL ? 0 : mgr_kvs_add(kv, k, v, where, e);
}

/* A struct of scalars ('resource_information') into 'kv'. */
static int
kvs_of(struct json_object *o, struct mgr_kvs *kv, const char *where, const char *what,
       struct mgr_err *e)
{
	char buf[1024];

	if (o == NULL)
		return 0;
	if (!is_struct(o))
		return mgr_fail(e, MGR_BADARGS, "%s: %s must be a struct", where, what);
	json_object_object_foreach(o, k, v) {
		if (scalar(v, buf, sizeof(buf)) != 0)
			return mgr_fail(e, MGR_BADARGS, "%s: %s '%.64s' must be a string or a "
					"number", where, what, k);
		if (kv_set(kv, k, buf, where, e) != 0)
			return -1;
	}
	return 0;
}

static int
add_bind(struct mgr_slice *sl, const char *s0, const char *v0, const char *s1, const char *v1,
	 const char *where, struct mgr_err *e)
{
	struct mgr_bind *b = mgr_slice_add_bind(sl, where, e);

	if (b == NULL)
		return -1;
	snprintf(b->sliver[0], MGR_NAME_MAX, "%s", s0);
	snprintf(b->vport[0], MGR_NAME_MAX, "%s", v0);
	snprintf(b->sliver[1], MGR_NAME_MAX, "%s", s1);
	snprintf(b->vport[1], MGR_NAME_MAX, "%s", v1);
	return 0;
}

/* ---------------------------------------------------------------- decoding */

int
mgr_capi_decode(enum mgr_capi_method m, struct json_object *cmd, struct mgr_capi_cmd *out,
		struct mgr_err *e)
{
	const char *mn = method_names[m], *v;

	memset(out, 0, sizeof(*out));
	out->method = m;
	if (!is_struct(cmd))
		return mgr_fail(e, MGR_BADARGS, "%s: a Common API 2.0 command is one struct "
				"(docs/common-api.md)", mn);
	v = str(cmd, "command_version");
	if (v == NULL)
		return mgr_fail(e, MGR_BADARGS, "%s: member 'command_version' (a string, \"%s\") "
				"is required", mn, MGR_CAPI_VERSION);
	if (strcmp(v, MGR_CAPI_VERSION) != 0)
		return mgr_fail(e, MGR_UNSUPPORTED, "%s: command_version '%.16s': this AGW speaks "
				"the Common API %s only", mn, v, MGR_CAPI_VERSION);
	out->src_infra_name = str(cmd, "src_infra_name");
	if (out->src_infra_name == NULL || out->src_infra_name[0] == '\0')
		return mgr_fail(e, MGR_BADARGS, "%s: member 'src_infra_name' (the requesting "
				"domain, a string) is required", mn);
	if (strlen(out->src_infra_name) >= MGR_NAME_MAX)
		return mgr_fail(e, MGR_BADARGS, "%s: src_infra_name is longer than %d bytes", mn,
				MGR_NAME_MAX - 1);
	if (m == MGR_CAPI_RESOURCE_INFO)
		return 0;
	out->src_slice_id = str(cmd, "src_slice_id");
	if (out->src_slice_id == NULL)
		return mgr_fail(e, MGR_BADARGS, "%s: member 'src_slice_id' (a string) is required",
				mn);
	if (mgr_slice_id_check(out->src_slice_id, e) != 0)
		return -1;
	out->developer = mem(cmd, "developer");
	if (out->developer != NULL && !is_struct(out->developer))
		return mgr_fail(e, MGR_BADARGS, "%s: 'developer' must be a struct", mn);
	if (m == MGR_CAPI_CREATE_SLICE &&
	    (out->developer == NULL || str(out->developer, "developer_name") == NULL))
		return mgr_fail(e, MGR_BADARGS, "%s: developer.developer_name (a string) is "
				"required", mn);
	out->structure = mem(cmd, "slice_structure");
	if (out->structure != NULL && !is_struct(out->structure))
		return mgr_fail(e, MGR_BADARGS, "%s: 'slice_structure' must be a struct", mn);
	if ((m == MGR_CAPI_CREATE_SLICE || m == MGR_CAPI_ADD) && out->structure == NULL)
		return mgr_fail(e, MGR_BADARGS, "%s: member 'slice_structure' is required", mn);
	return 0;
}

/* ---------------------------------------------------------------- the structure */

/* The structure's domain definition named 'dn', or NULL. */
static struct json_object *
domain_def(struct json_object *s, const char *dn)
{
	struct json_object *a = mem(s, "domains");
	size_t i;

	for (i = 0; i < alen(a);
	     i++) {
		const char *n = str(json_object_array_get_idx(a, i), "dst_infra_name");

		if (n != NULL && dn != NULL && strcmp(n, dn) == 0)
			return json_object_array_get_idx(a, i);
	}
	return NULL;
}

/* Item of array member 'k' of 'o' whose member 'key' is 'val', or NULL. */
static struct json_object *
item(struct json_object *o, const char *k, const char *key, const char *val)
{
	struct json_object *a = mem(o, k);
	size_t i;

	for (i = 0; i < alen(a);
	     i++) {
		const char *n = str(json_object_array_get_idx(a, i), key);

		if (n != NULL && strcmp(n, val) == 0)
			return json_object_array_get_idx(a, i);
	}
	return NULL;
}

/* The inter-domain bind with an end (resource 'rn', interface 'in'): its other end in
 * *orn, *oin, which must be an inter-domain virtual link's interface ('to_link') or a
 * domain's interface (not 'to_link'). */
static bool
inter_bind_other(struct json_object *s, const char *rn, const char *in, bool to_link,
		 const char **orn, const char **oin)
{
	struct json_object *a = mem(s, "inter_domain_binds");
	size_t i, j, k;

	for (i = 0; i < alen(a);
	     i++) {
		struct json_object *bi = mem(json_object_array_get_idx(a, i), "bind_information");
		size_t n = alen(bi);

		for (j = 0; j < n; j++) {
			struct json_object *x = json_object_array_get_idx(bi, j);
			const char *xr = str(x, "resource_name"), *xi = str(x, "interface_name");

			if (xr == NULL || xi == NULL || strcmp(xr, rn) != 0 || strcmp(xi, in) != 0)
				continue;
			for (k = 0; k < n; k++) {
				struct json_object *y = json_object_array_get_idx(bi, k);
				const char *yr = str(y, "resource_name"), *yi = str(y, "interface_name");

				if (k == j || yr == NULL || yi == NULL ||
				    (to_link ? item(s, "inter_domain_virtual_links",
						    "virtual_link_name", yr) == NULL
					     : domain_def(s, yr) == NULL))
					continue;
				*orn = yr;
				*oin = yi;
				return true;
			}
		}
	}
	return false;
}

/* The domain interface bound to interface 'lif' of inter-domain link 'link': its
 * domain's name and the interface definition; false if none. */
static bool
domain_if_of(struct json_object *s, const char *link, const char *lif, const char **dn,
	     struct json_object **dif)
{
	const char *in;

	if (!inter_bind_other(s, link, lif, false, dn, &in))
		return false;
	*dif = item(domain_def(s, *dn), "domain_interfaces", "logical_interface_name", in);
	return *dif != NULL;
}

static const struct mgr_capi_peer *
peer(const struct mgr_capi_conf *c, const char *dn)
{
	unsigned int i;

	for (i = 0; dn != NULL && i < c->n_peers; i++)
		if (strcmp(c->peers[i].domain, dn) == 0)
			return &c->peers[i];
	return NULL;
}

/* virtual_link_type as an endpoint type: "vlan" or "gre" (also 802.1Q, VLAN, GRE,
 * Ethernet-over-GRE); NULL for anything else. */
static const char *
link_type(const char *t)
{
	if (t == NULL)
		return NULL;
	if (strcasecmp(t, "vlan") == 0 || strcasecmp(t, "802.1Q") == 0)
		return "vlan";
	if (strcasecmp(t, "gre") == 0 || strcasecmp(t, "Ethernet-over-GRE") == 0)
		return "gre";
	return NULL;
}

/* The link negotiation of domain interface 'dif' onto link vport 'v''s params; 'far' is
 * the other end's resource information (its ip_address and mac_address), NULL: none;
 * 'p' the peer section when this AGW is the gateway. */
static int
negotiate(struct json_object *dif, const char *where, const struct mgr_capi_peer *p,
	  struct json_object *far, const char *port, struct mgr_vport *v, struct mgr_err *e)
{
	struct json_object *ln = mem(dif, "information_for_link_negotiation");
	const char *t, *ip = NULL, *mac = NULL;
	char vid[32], key[32];

	if (ln != NULL && !is_struct(ln))
		return mgr_fail(e, MGR_BADARGS, "%s: information_for_link_negotiation must be a "
				"struct", where);
	t = str(ln, "virtual_link_type");
	if (t != NULL && link_type(t) == NULL)
		return mgr_fail(e, MGR_BADARGS, "%s: virtual_link_type '%.32s' is not one this "
				"AGW carries (vlan, gre)", where, t);
	t = t != NULL ? link_type(t) : p != NULL ? (p->type == MGR_EP_GRE ? "gre" : "vlan") : NULL;
	if (t == NULL)
		return mgr_fail(e, MGR_BADARGS, "%s: information_for_link_negotiation needs "
				"virtual_link_type (vlan or gre)", where);
	if (scalar(mem(ln, "vlan_id"), vid, sizeof(vid)) != 0 ||
	    scalar(mem(ln, "gre_key"), key, sizeof(key)) != 0)
		return mgr_fail(e, MGR_BADARGS, "%s: vlan_id and gre_key must be integers",
				where);
	if (p != NULL) {   /* the gateway: the domain's end is the far one */
		ip = str(ln, "ip_address");
		mac = str(ln, "mac_address");
		if (ip == NULL && p->remote[0] != '\0')
			ip = p->remote;
		if (mac == NULL && p->remote_mac[0] != '\0')
			mac = p->remote_mac;
	} else if (far != NULL) {
		ip = str(far, "ip_address");
		mac = str(far, "mac_address");
	}
	if (kv_set(&v->params, "type", t, where, e) != 0 ||
	    (port != NULL && port[0] != '\0' && kv_set(&v->params, "port", port, where, e) != 0))
		return -1;
	if (strcmp(t, "vlan") == 0 && vid[0] != '\0' && strcmp(vid, "0") != 0 &&
	    kv_set(&v->params, "vid", vid, where, e) != 0)
		return -1;
	if (strcmp(t, "gre") == 0) {
		if (key[0] != '\0' && kv_set(&v->params, "key", key, where, e) != 0)
			return -1;
		if (ip != NULL && ip[0] != '\0' && kv_set(&v->params, "remote", ip, where, e) != 0)
			return -1;
		if (mac != NULL && mac[0] != '\0' &&
		    kv_set(&v->params, "nexthop_mac", mac, where, e) != 0)
			return -1;
	}
	return 0;
}

/* The link vport bound to node 'nn' (a domain interface's node): its link and vport. */
static struct mgr_vport *
bound_vport(const struct mgr_slice *sl, const char *nn, const struct mgr_sliver **link)
{
	unsigned int i;
	int k;

	for (i = 0; i < sl->n_binds; i++)
		for (k = 0; k < 2; k++) {
			const struct mgr_sliver *l;

			if (strcmp(sl->binds[i].sliver[k], nn) != 0)
				continue;
			l = mgr_slice_sliver(sl, sl->binds[i].sliver[1 - k]);
			if (l != NULL && l->kind == MGR_LINK) {
				*link = l;
				return mgr_sliver_vport(l, sl->binds[i].vport[1 - k]);
			}
		}
	return NULL;
}

/* This AGW's own domain definition 'd' (domain 'dn') into 'out'. */
static int
own_domain(struct json_object *s, const char *dn, struct json_object *d, struct mgr_slice *out,
	   struct mgr_err *e)
{
	struct json_object *ds = mem(d, "domain_structure"), *a, *x;
	char where[256];
	size_t n, i, j, k;

	if (ds != NULL && !is_struct(ds))
		return mgr_fail(e, MGR_UNSUPPORTED, "domain '%s': its domain_structure is not a "
				"struct (encrypted?): this AGW does not decrypt domain structures "
				"(send it in clear to this domain)", dn);
	/* domain interfaces: a network-side node each */
	if (arr(d, "domain_interfaces", "domain", &a, &n, e) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct mgr_sliver *s;
		const char *in;

		x = json_object_array_get_idx(a, i);
		snprintf(where, sizeof(where), "domain '%s' domain_interfaces[%zu]", dn, i);
		if (name(x, "logical_interface_name", where, &in, e) != 0 ||
		    (s = mgr_slice_add_sliver(out, in, MGR_NODE, where, e)) == NULL ||
		    mgr_sliver_add_vport(s, in, where, e) == NULL)
			return -1;
		snprintf(s->type, sizeof(s->type), "_super");
	}
	/* virtual nodes */
	if (arr(ds, "virtual_nodes", "domain_structure", &a, &n, e) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct mgr_sliver *s;
		struct json_object *ifs;
		const char *id, *t;
		size_t ni;

		x = json_object_array_get_idx(a, i);
		snprintf(where, sizeof(where), "domain '%s' virtual_nodes[%zu]", dn, i);
		if (name(x, "node_id", where, &id, e) != 0)
			return -1;
		snprintf(where, sizeof(where), "domain '%s' virtual node '%s'", dn, id);
		t = str(x, "node_type");
		if (t == NULL || t[0] == '\0' || strlen(t) >= MGR_NAME_MAX)
			return mgr_fail(e, MGR_BADARGS, "%s: member 'node_type' (Terminal, "
					"SlowPath_VM) is required", where);
		if ((s = mgr_slice_add_sliver(out, id, MGR_NODE, where, e)) == NULL)
			return -1;
		snprintf(s->instance, sizeof(s->instance), "%s", t);
		/* os_software_information: the node's params (bootImage, kernel, ...) */
		if (kvs_of(mem(x, "resource_information"), &s->resources, where,
			   "resource_information", e) != 0 ||
		    kvs_of(mem(x, "os_software_information"), &s->params, where,
			   "os_software_information", e) != 0 ||
		    arr(x, "node_interfaces", where, &ifs, &ni, e) != 0)
			return -1;
		for (j = 0; j < ni; j++) {
			const char *in;

			if (name(json_object_array_get_idx(ifs, j), "logical_interface_name", where,
				 &in, e) != 0 ||
			    mgr_sliver_add_vport(s, in, where, e) == NULL)
				return -1;
		}
	}
	/* virtual links */
	if (arr(ds, "virtual_links", "domain_structure", &a, &n, e) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct mgr_sliver *s;
		struct json_object *ifs;
		const char *ln, *t;
		size_t ni;

		x = json_object_array_get_idx(a, i);
		snprintf(where, sizeof(where), "domain '%s' virtual_links[%zu]", dn, i);
		if (name(x, "virtual_link_name", where, &ln, e) != 0)
			return -1;
		snprintf(where, sizeof(where), "domain '%s' virtual link '%s'", dn, ln);
		if ((s = mgr_slice_add_sliver(out, ln, MGR_LINK, where, e)) == NULL ||
		    kvs_of(mem(x, "resource_information"), &s->resources, where,
			   "resource_information", e) != 0)
			return -1;
		t = str(x, "link_type");
		if (t != NULL && t[0] != '\0' && kv_set(&s->resources, "protocol", t, where, e) != 0)
			return -1;
		if (arr(x, "virtual_link_interfaces", where, &ifs, &ni, e) != 0)
			return -1;
		for (j = 0; j < ni; j++) {
			struct json_object *y = json_object_array_get_idx(ifs, j);
			struct mgr_vport *v;
			const char *in;

			if (name(y, "interface_name", where, &in, e) != 0 ||
			    (v = mgr_sliver_add_vport(s, in, where, e)) == NULL ||
			    kvs_of(mem(y, "resource_information"), &v->params, where,
				   "resource_information", e) != 0)
				return -1;
		}
	}
	/* binds: a node or link of the domain, or one of its domain interfaces (by the
	 * domain's name) */
	if (arr(ds, "binds", "domain_structure", &a, &n, e) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct json_object *bi;
		const char *sn[2], *vn[2];
		size_t nb;

		x = json_object_array_get_idx(a, i);
		snprintf(where, sizeof(where), "domain '%s' binds[%zu]", dn, i);
		if (arr(x, "bind_information", where, &bi, &nb, e) != 0)
			return -1;
		if (nb != 2)
			return mgr_fail(e, MGR_BADARGS, "%s: bind_information must hold two ends "
					"(a virtual link's interface and a node's or domain's)", where);
		for (k = 0; k < 2; k++) {
			struct json_object *y = json_object_array_get_idx(bi, k);

			sn[k] = str(y, "resource_name");
			vn[k] = str(y, "interface_name");
			if (sn[k] == NULL || vn[k] == NULL)
				return mgr_fail(e, MGR_BADARGS, "%s: each end needs resource_name and "
						"interface_name", where);
			if (strcmp(sn[k], dn) == 0)   /* the domain interface's node */
				sn[k] = vn[k];
		}
		if (add_bind(out, sn[0], vn[0], sn[1], vn[1], where, e) != 0)
			return -1;
	}
	/* each domain interface's link negotiation onto the link vport bound to it */
	if (arr(d, "domain_interfaces", "domain", &a, &n, e) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct json_object *far = NULL, *ifo = NULL;
		const char *in, *lk = NULL, *lif = NULL;
		const struct mgr_sliver *ls;
		struct mgr_vport *v;

		x = json_object_array_get_idx(a, i);
		in = str(x, "logical_interface_name");
		snprintf(where, sizeof(where), "domain '%s' domain interface '%s'", dn, in);
		v = bound_vport(out, in, &ls);
		if (v == NULL)
			return mgr_fail(e, MGR_BADARGS, "%s: no bind joins it to a virtual link's "
					"interface", where);
		if (inter_bind_other(s, dn, in, true, &lk, &lif)) {
			ifo = item(item(s, "inter_domain_virtual_links", "virtual_link_name", lk),
				   "virtual_link_interfaces", "interface_name", lif);
			far = mem(ifo, "resource_information");
		}
		if (negotiate(x, where, NULL, far, str(x, "physical_interface_mapping"), v, e) != 0)
			return -1;
	}
	return 0;
}

/* Is inter-domain link 'l' this gateway's: every interface bound to a domain
 * interface of a domain with a [peer] section? */
static bool
gateway_link(const struct mgr_capi_conf *c, struct json_object *s, struct json_object *l)
{
	struct json_object *ifs = mem(l, "virtual_link_interfaces"), *dif;
	const char *ln = str(l, "virtual_link_name"), *dn;
	size_t i, n = alen(ifs);

	if (ln == NULL || n < 2)
		return false;
	for (i = 0; i < n; i++) {
		const char *in = str(json_object_array_get_idx(ifs, i), "interface_name");

		if (in == NULL || !domain_if_of(s, ln, in, &dn, &dif) || peer(c, dn) == NULL)
			return false;
	}
	return true;
}

/* Inter-domain link 'l' (this gateway's) into 'out': a link sliver, and per interface a
 * network-side node "DOMAIN.INTERFACE" on the peer's port. */
static int
gateway_slivers(const struct mgr_capi_conf *c, struct json_object *s, struct json_object *l,
		struct mgr_slice *out, struct mgr_err *e)
{
	struct json_object *ifs = mem(l, "virtual_link_interfaces");
	const char *ln = str(l, "virtual_link_name");
	size_t i, n = json_object_array_length(ifs);
	uint64_t bw = 0, x;
	bool vlan = false, gre = false;
	char where[256], buf[64], proto[32];
	struct mgr_sliver *ls;

	snprintf(where, sizeof(where), "inter-domain virtual link '%s'", ln);
	if (!mgr_name_ok(ln))
		return mgr_fail(e, MGR_BADARGS, "%s: not a name (1-63 of A-Z a-z 0-9 _ . -)",
				where);
	if ((ls = mgr_slice_add_sliver(out, ln, MGR_LINK, where, e)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		struct json_object *y = json_object_array_get_idx(ifs, i), *dif, *ri;
		const char *in = str(y, "interface_name"), *dn, *t;
		const struct mgr_capi_peer *p;
		struct mgr_sliver *ns;
		struct mgr_vport *v;
		char nn[2 * MGR_NAME_MAX + 2];

		domain_if_of(s, ln, in, &dn, &dif);
		p = peer(c, dn);
		snprintf(where, sizeof(where), "inter-domain virtual link '%s' interface '%s' "
			 "(domain '%s')", ln, in, dn);
		if (!mgr_name_ok(in))
			return mgr_fail(e, MGR_BADARGS, "%s: interface_name is not a name", where);
		snprintf(nn, sizeof(nn), "%s.%s", dn, str(dif, "logical_interface_name"));
		if (!mgr_name_ok(nn))
			return mgr_fail(e, MGR_BADARGS, "%s: '%s' (DOMAIN.INTERFACE, the gateway's "
					"name for it) is not a name of 1-63 of A-Z a-z 0-9 _ . -",
					where, nn);
		/* the node first: adding a sliver moves the array 'ls' points into */
		if ((ns = mgr_slice_add_sliver(out, nn, MGR_NODE, where, e)) == NULL ||
		    mgr_sliver_add_vport(ns, nn, where, e) == NULL)
			return -1;
		ls = mgr_slice_sliver(out, ln);
		if ((v = mgr_sliver_add_vport(ls, in, where, e)) == NULL)
			return -1;
		snprintf(ns->type, sizeof(ns->type), "_super");
		ri = mem(y, "resource_information");
		if (scalar(mem(ri, "bandwidth"), buf, sizeof(buf)) == 0 && buf[0] != '\0') {
			if (mgr_parse_si(buf, &x) != 0)
				return mgr_fail(e, MGR_BADARGS, "%s: bandwidth '%.32s' is not a rate "
						"in bits/s (100M, 1G)", where, buf);
			bw = x > bw ? x : bw;
		}
		if (negotiate(dif, where, p, NULL, p->port, v, e) != 0 ||
		    add_bind(out, ln, in, nn, nn, where, e) != 0)
			return -1;
		t = mgr_kv_get(&v->params, "type");
		vlan |= strcmp(t, "vlan") == 0;
		gre |= strcmp(t, "gre") == 0;
	}
	if (bw == 0)
		return mgr_fail(e, MGR_BADARGS, "inter-domain virtual link '%s': give its bandwidth "
				"(bits/s, e.g. 100M) in resource_information of an interface", ln);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)bw);
	snprintf(proto, sizeof(proto), "802.3%s%s", vlan ? ",802.1Q" : "", gre ? ",GRE" : "");
	ls = mgr_slice_sliver(out, ln);
	return kv_set(&ls->resources, "bandwidth", buf, where, e) != 0 ||
	       kv_set(&ls->resources, "protocol", proto, where, e) != 0 ? -1 : 0;
}

unsigned int
mgr_capi_gateway_links(const struct mgr_capi_conf *c, const struct mgr_slice *sl)
{
	unsigned int i, j, n = 0;

	for (i = 0; sl != NULL && i < sl->n_slivers; i++) {
		const struct mgr_sliver *l = &sl->slivers[i];
		bool all = l->kind == MGR_LINK && l->n_vports > 0;

		for (j = 0; all && j < l->n_vports; j++) {
			const struct mgr_sliver *node = NULL;
			const char *dot;
			char dn[MGR_NAME_MAX];
			unsigned int b;
			int k;

			for (b = 0; node == NULL && b < sl->n_binds; b++)
				for (k = 0; k < 2; k++)
					if (strcmp(sl->binds[b].sliver[k], l->name) == 0 &&
					    strcmp(sl->binds[b].vport[k], l->vports[j].name) == 0)
						node = mgr_slice_sliver(sl, sl->binds[b].sliver[1 - k]);
			/* "DOMAIN.INTERFACE": either may hold dots; some prefix is a peer */
			all = false;
			dot = node != NULL && strcmp(node->type, "_super") == 0 ? node->name : NULL;
			while (!all && dot != NULL && (dot = strchr(dot, '.')) != NULL) {
				snprintf(dn, sizeof(dn), "%.*s", (int)(dot - node->name), node->name);
				all = peer(c, dn) != NULL;
				dot++;
			}
		}
		n += all;
	}
	return n;
}

int
mgr_capi_slice(const struct mgr_capi_conf *c, struct json_object *s, struct mgr_slice *out,
	       struct mgr_err *e)
{
	struct json_object *a, *d;
	size_t n, i, nb;

	memset(out, 0, sizeof(*out));
	snprintf(out->spec_class, sizeof(out->spec_class), "common-api-2.0");
	if (arr(s, "domains", "slice_structure", &a, &n, e) != 0 ||
	    arr(s, "inter_domain_virtual_links", "slice_structure", &a, &n, e) != 0 ||
	    arr(s, "inter_domain_binds", "slice_structure", &a, &n, e) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (arr(json_object_array_get_idx(a, i), "bind_information", "inter_domain_binds",
			&d, &nb, e) != 0)
			goto fail;
	a = mem(s, "domains");
	for (i = 0; a != NULL && i < json_object_array_length(a); i++) {
		d = json_object_array_get_idx(a, i);
		if (!is_struct(d) || str(d, "dst_infra_name") == NULL) {
			mgr_fail(e, MGR_BADARGS, "slice_structure domains[%zu]: a struct with "
				 "dst_infra_name (the domain's name) is required", i);
			goto fail;
		}
	}
	d = c->domain[0] != '\0' ? domain_def(s, c->domain) : NULL;
	if (d != NULL && own_domain(s, c->domain, d, out, e) != 0)
		goto fail;
	a = mem(s, "inter_domain_virtual_links");
	for (i = 0, nb = 0; a != NULL && i < json_object_array_length(a); i++) {
		struct json_object *l = json_object_array_get_idx(a, i);

		if (!is_struct(l) || !gateway_link(c, s, l))
			continue;
		/* gw-core bridges a slice as one domain: two links would hear each other */
		if (nb++ > 0) {
			mgr_fail(e, MGR_UNSUPPORTED, "inter-domain virtual link '%s': this gateway "
				 "carries one inter-domain virtual link per slice (a slice is one "
				 "bridge domain in gw-core), and the slice has another; send each "
				 "link crossing this gateway as a slice of its own",
				 str(l, "virtual_link_name"));
			goto fail;
		}
		if (gateway_slivers(c, s, l, out, e) != 0)
			goto fail;
	}
	if (out->n_slivers == 0) {
		mgr_fail(e, MGR_SEARCHFAILED, "the slice structure holds nothing for this AGW: no "
			 "domain definition named '%s' ([manager] domain_name) and no "
			 "inter-domain virtual link between domains it has [peer] sections for",
			 c->domain);
		goto fail;
	}
	return 0;
fail:
	mgr_slice_clear(out);
	return -1;
}

/* ---------------------------------------------------------------- names */

static int
add_name(const struct mgr_slice *sl, const char *nm, const char **names, unsigned int *n,
	 unsigned int max, struct mgr_err *e)
{
	const struct mgr_sliver *s = mgr_slice_sliver(sl, nm);
	unsigned int i;

	if (s == NULL)
		return mgr_fail(e, MGR_SEARCHFAILED, "slice '%s' has no node or link '%.80s' on "
				"this AGW", sl->id, nm);
	for (i = 0; i < *n; i++)
		if (names[i] == s->name)
			return 0;
	if (*n == max)
		return mgr_fail(e, MGR_BADARGS, "more than %u nodes and links in one command", max);
	names[(*n)++] = s->name;
	return 0;
}

/* Link 'ln''s network-side (domain interface) nodes into 'names'. */
static int
add_link_ends(const struct mgr_slice *sl, const char *ln, const char **names, unsigned int *n,
	      unsigned int max, struct mgr_err *e)
{
	unsigned int i;
	int k;

	for (i = 0; i < sl->n_binds; i++)
		for (k = 0; k < 2; k++) {
			const struct mgr_sliver *o;

			if (strcmp(sl->binds[i].sliver[k], ln) != 0)
				continue;
			o = mgr_slice_sliver(sl, sl->binds[i].sliver[1 - k]);
			if (o != NULL && strcmp(o->type, "_super") == 0 &&
			    add_name(sl, o->name, names, n, max, e) != 0)
				return -1;
		}
	return 0;
}

int
mgr_capi_names(const struct mgr_capi_conf *c, struct json_object *s,
	       const struct mgr_slice *sl, const char **names, unsigned int max,
	       struct mgr_err *e)
{
	struct json_object *d = c->domain[0] != '\0' ? domain_def(s, c->domain) : NULL;
	struct json_object *ds = mem(d, "domain_structure"), *a;
	unsigned int n = 0;
	size_t i;

	a = mem(ds, "virtual_nodes");
	for (i = 0; i < alen(a);
	     i++) {
		const char *id = str(json_object_array_get_idx(a, i), "node_id");

		if (id != NULL && add_name(sl, id, names, &n, max, e) != 0)
			return -1;
	}
	a = mem(ds, "virtual_links");
	for (i = 0; i < alen(a);
	     i++) {
		const char *ln = str(json_object_array_get_idx(a, i), "virtual_link_name");

		if (ln != NULL && (add_name(sl, ln, names, &n, max, e) != 0 ||
				   add_link_ends(sl, ln, names, &n, max, e) != 0))
			return -1;
	}
	a = mem(s, "inter_domain_virtual_links");
	for (i = 0; i < alen(a);
	     i++) {
		const char *ln = str(json_object_array_get_idx(a, i), "virtual_link_name");
		const struct mgr_sliver *ls = ln != NULL ? mgr_slice_sliver(sl, ln) : NULL;

		/* another gateway's link is not ours to name */
		if (ls != NULL && ls->kind == MGR_LINK &&
		    (add_name(sl, ln, names, &n, max, e) != 0 ||
		     add_link_ends(sl, ln, names, &n, max, e) != 0))
			return -1;
	}
	return (int)n;
}

/* ---------------------------------------------------------------- the record */

/* Append the items of array member 'k' of 'from' to that of 'to' (made if absent). */
static void
append(struct json_object *to, struct json_object *from, const char *k)
{
	struct json_object *fa = mem(from, k), *ta = mem(to, k);
	size_t i;

	if (!json_object_is_type(fa, json_type_array))
		return;
	if (!json_object_is_type(ta, json_type_array)) {
		ta = json_object_new_array();
		json_object_object_add(to, k, ta);
	}
	for (i = 0; i < json_object_array_length(fa); i++)
		json_object_array_add(ta, json_object_get(json_object_array_get_idx(fa, i)));
}

/* Does bind 'b' name resource 'rn' at one of its ends? */
static bool
bind_names(struct json_object *b, const char *rn)
{
	struct json_object *bi = mem(b, "bind_information");
	size_t i;

	for (i = 0; i < alen(bi);
	     i++) {
		const char *x = str(json_object_array_get_idx(bi, i), "resource_name");

		if (x != NULL && strcmp(x, rn) == 0)
			return true;
	}
	return false;
}

/* Remove from array member 'k' of 'o' the items whose member 'key' is 'val' (or, with
 * key NULL, the binds naming 'val'). */
static void
drop(struct json_object *o, const char *k, const char *key, const char *val)
{
	struct json_object *a = mem(o, k), *na;
	size_t i;

	if (!json_object_is_type(a, json_type_array))
		return;
	na = json_object_new_array();
	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *x = json_object_array_get_idx(a, i);
		const char *v = key != NULL ? str(x, key) : NULL;

		if (key != NULL ? v != NULL && strcmp(v, val) == 0 : bind_names(x, val))
			continue;
		json_object_array_add(na, json_object_get(x));
	}
	json_object_object_add(o, k, na);
}

/* Merge Add's structure 'add' into the record's 'st'. */
static void
merge_add(struct json_object *st, struct json_object *add)
{
	struct json_object *a = mem(add, "domains"), *sd = mem(st, "domains");
	size_t i;

	for (i = 0; i < alen(a);
	     i++) {
		struct json_object *d = json_object_array_get_idx(a, i), *od, *ods, *ds;

		od = domain_def(st, str(d, "dst_infra_name"));
		if (od == NULL) {
			if (!json_object_is_type(sd, json_type_array)) {
				sd = json_object_new_array();
				json_object_object_add(st, "domains", sd);
			}
			json_object_array_add(sd, json_object_get(d));
			continue;
		}
		append(od, d, "domain_interfaces");
		ds = mem(d, "domain_structure");
		ods = mem(od, "domain_structure");
		if (!is_struct(ds))
			continue;
		if (!is_struct(ods)) {
			json_object_object_add(od, "domain_structure", json_object_get(ds));
			continue;
		}
		append(ods, ds, "virtual_nodes");
		append(ods, ds, "virtual_links");
		append(ods, ds, "binds");
		append(ods, ds, "mappings");
	}
	append(st, add, "inter_domain_virtual_links");
	append(st, add, "inter_domain_binds");
}

/* Take what Delete's structure 'del' lists out of the record's 'st'. */
static void
merge_delete(struct json_object *st, struct json_object *del)
{
	struct json_object *a = mem(del, "domains"), *x;
	size_t i, j;

	for (i = 0; i < alen(a);
	     i++) {
		struct json_object *d = json_object_array_get_idx(a, i);
		struct json_object *od = domain_def(st, str(d, "dst_infra_name"));
		struct json_object *ds = mem(d, "domain_structure");
		struct json_object *ods = mem(od, "domain_structure");

		if (!is_struct(ods) || !is_struct(ds))
			continue;
		x = mem(ds, "virtual_nodes");
		for (j = 0; j < alen(x); j++) {
			const char *id = str(json_object_array_get_idx(x, j), "node_id");

			if (id != NULL) {
				drop(ods, "virtual_nodes", "node_id", id);
				drop(ods, "binds", NULL, id);
			}
		}
		x = mem(ds, "virtual_links");
		for (j = 0; j < alen(x); j++) {
			const char *ln = str(json_object_array_get_idx(x, j), "virtual_link_name");

			if (ln != NULL) {
				drop(ods, "virtual_links", "virtual_link_name", ln);
				drop(ods, "binds", NULL, ln);
			}
		}
	}
	x = mem(del, "inter_domain_virtual_links");
	for (j = 0; j < alen(x);
	     j++) {
		const char *ln = str(json_object_array_get_idx(x, j), "virtual_link_name");

		if (ln != NULL) {
			drop(st, "inter_domain_virtual_links", "virtual_link_name", ln);
			drop(st, "inter_domain_binds", NULL, ln);
		}
	}
}

char *
mgr_capi_record(enum mgr_capi_method m, const struct mgr_capi_cmd *cmd, const char *old,
		struct mgr_err *e)
{
	struct json_object *r = NULL, *st;
	char *text = NULL;

	if (m == MGR_CAPI_CREATE_SLICE || old == NULL) {
		r = json_object_new_object();
		agw_json_add_str(r, "command_version", MGR_CAPI_VERSION);
		agw_json_add_str(r, "src_infra_name", cmd->src_infra_name);
		agw_json_add_str(r, "src_slice_id", cmd->src_slice_id);
		if (cmd->developer != NULL)
			json_object_object_add(r, "developer", json_object_get(cmd->developer));
		if (m == MGR_CAPI_CREATE_SLICE && cmd->structure != NULL)
			json_object_object_add(r, "slice_structure",
					       json_object_get(cmd->structure));
		else
			json_object_object_add(r, "slice_structure", json_object_new_object());
	} else {
		r = json_tokener_parse(old);
		if (!is_struct(r)) {
			json_object_put(r);
			mgr_fail(e, MGR_SERVERERROR, "the slice's federation record is malformed");
			return NULL;
		}
	}
	st = mem(r, "slice_structure");
	if (st == NULL) {
		st = json_object_new_object();
		json_object_object_add(r, "slice_structure", st);
	}
	if (m == MGR_CAPI_ADD && cmd->structure != NULL)
		merge_add(st, cmd->structure);
	else if (m == MGR_CAPI_DELETE && cmd->structure != NULL)
		merge_delete(st, cmd->structure);
	text = strdup(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN));
	json_object_put(r);
	if (text == NULL)
		mgr_fail(e, MGR_SERVERERROR, "out of memory");
	return text;
}

/* ---------------------------------------------------------------- the reply */

/* Statistics of vport 'vp' of link 'ln' from mgr_report_statistics()'s object. */
static struct json_object *
vport_stats(struct json_object *stats, const char *ln, const char *vp)
{
	struct json_object *a = mem(stats, "slivers"), *ea;
	size_t i, j;

	for (i = 0; i < alen(a);
	     i++) {
		struct json_object *so = json_object_array_get_idx(a, i);
		const char *n = str(so, "name");

		if (n == NULL || strcmp(n, ln) != 0)
			continue;
		ea = mem(so, "endpoints");
		for (j = 0; j < alen(ea); j++) {
			struct json_object *eo = json_object_array_get_idx(ea, j), *c = NULL;
			const char *v = str(eo, "vport");

			if (v == NULL || strcmp(v, vp) != 0)
				continue;
			if (json_object_deep_copy(eo, &c, NULL) != 0)
				return NULL;
			json_object_object_del(c, "vport");
			return c;
		}
	}
	return NULL;
}

/* Put the endpoint 'ep' chose into domain interface 'dif''s link negotiation. */
static void
fill_negotiation(struct json_object *dif, const struct mgr_ep *ep)
{
	struct json_object *ln = mem(dif, "information_for_link_negotiation");

	if (!is_struct(ln)) {
		ln = json_object_new_object();
		json_object_object_add(dif, "information_for_link_negotiation", ln);
	}
	if (ep->type == MGR_EP_VLAN) {
		agw_json_add_str(ln, "virtual_link_type", "vlan");
		agw_json_add_int(ln, "vlan_id", ep->vid);
	} else if (ep->type == MGR_EP_GRE) {
		agw_json_add_str(ln, "virtual_link_type", "gre");
		if (ep->has_key)
			agw_json_add_int(ln, "gre_key", (int64_t)ep->key);
	}
}

/* Domain interface 'dif' (node 'nn' in 'sl'): status, negotiated values, statistics. */
static void
fill_domain_if(struct json_object *dif, const struct mgr_slice *sl, const char *nn,
	       struct json_object *stats, bool status)
{
	const struct mgr_sliver *l = NULL;
	const struct mgr_vport *v = bound_vport(sl, nn, &l);
	struct json_object *sd;

	if (v == NULL)
		return;
	if (status)
		agw_json_add_str(dif, "interface_status", mgr_state_name(l->state));
	fill_negotiation(dif, &v->ep);
	if (stats != NULL && (sd = vport_stats(stats, l->name, v->name)) != NULL)
		json_object_object_add(dif, "statistical_data", sd);
}

static void
reply_own(struct json_object *d, const struct mgr_slice *sl, struct json_object *stats)
{
	struct json_object *ds = mem(d, "domain_structure"), *a, *x;
	size_t i, j;

	agw_json_add_str(d, "domain_status", "created");
	a = mem(d, "domain_interfaces");
	for (i = 0; i < alen(a);
	     i++) {
		x = json_object_array_get_idx(a, i);
		if (str(x, "logical_interface_name") != NULL)
			fill_domain_if(x, sl, str(x, "logical_interface_name"), stats, true);
	}
	if (!is_struct(ds))
		return;
	a = mem(ds, "virtual_nodes");
	for (i = 0; i < alen(a);
	     i++) {
		const struct mgr_sliver *s;

		x = json_object_array_get_idx(a, i);
		s = str(x, "node_id") != NULL ? mgr_slice_sliver(sl, str(x, "node_id")) : NULL;
		if (s != NULL)
			agw_json_add_str(x, "node_status", mgr_state_name(s->state));
	}
	a = mem(ds, "virtual_links");
	for (i = 0; i < alen(a);
	     i++) {
		struct json_object *ifs;
		const struct mgr_sliver *s;

		x = json_object_array_get_idx(a, i);
		s = str(x, "virtual_link_name") != NULL
			    ? mgr_slice_sliver(sl, str(x, "virtual_link_name")) : NULL;
		if (s == NULL)
			continue;
		agw_json_add_str(x, "link_status", mgr_state_name(s->state));
		ifs = mem(x, "virtual_link_interfaces");
		for (j = 0; stats != NULL && j < alen(ifs); j++) {
			struct json_object *y = json_object_array_get_idx(ifs, j), *sd;

			if (str(y, "interface_name") != NULL &&
			    (sd = vport_stats(stats, s->name, str(y, "interface_name"))) != NULL)
				json_object_object_add(y, "statistical_data", sd);
		}
	}
}

static void
reply_gateway(const struct mgr_capi_conf *c, struct json_object *s, const struct mgr_slice *sl,
	      struct json_object *stats)
{
	struct json_object *a = mem(s, "inter_domain_virtual_links");
	size_t i, j;

	for (i = 0; i < alen(a);
	     i++) {
		struct json_object *l = json_object_array_get_idx(a, i), *ifs;
		const char *ln = str(l, "virtual_link_name");
		const struct mgr_sliver *ls = ln != NULL ? mgr_slice_sliver(sl, ln) : NULL;

		if (ls == NULL || ls->kind != MGR_LINK)
			continue;
		agw_json_add_str(l, "virtual_link_status", mgr_state_name(ls->state));
		ifs = mem(l, "virtual_link_interfaces");
		for (j = 0; j < alen(ifs); j++) {
			struct json_object *y = json_object_array_get_idx(ifs, j), *dif, *ri, *sd;
			const char *in = str(y, "interface_name"), *dn;
			const struct mgr_capi_peer *p;
			const struct mgr_vport *v;

			if (in == NULL || !domain_if_of(s, ln, in, &dn, &dif) ||
			    (v = mgr_sliver_vport(ls, in)) == NULL)
				continue;
			fill_negotiation(dif, &v->ep);
			p = peer(c, dn);
			if (p != NULL && (p->local_ip[0] != '\0' || p->local_mac[0] != '\0')) {
				ri = mem(y, "resource_information");
				if (!is_struct(ri)) {
					ri = json_object_new_object();
					json_object_object_add(y, "resource_information", ri);
				}
				if (p->local_ip[0] != '\0')
					agw_json_add_str(ri, "ip_address", p->local_ip);
				if (p->local_mac[0] != '\0')
					agw_json_add_str(ri, "mac_address", p->local_mac);
			}
			if (stats != NULL && (sd = vport_stats(stats, ln, in)) != NULL)
				json_object_object_add(y, "statistical_data", sd);
		}
	}
}

struct json_object *
mgr_capi_reply(const struct mgr_capi_conf *c, const struct mgr_slice *sl,
	       struct json_object *stats)
{
	struct json_object *r = sl->fed != NULL ? json_tokener_parse(sl->fed) : NULL, *o, *st, *d;

	if (!is_struct(r)) {   /* a VNode-form slice asked over the Common API */
		json_object_put(r);
		r = json_object_new_object();
		agw_json_add_str(r, "command_version", MGR_CAPI_VERSION);
		agw_json_add_str(r, "src_slice_id", sl->id);
		json_object_object_add(r, "slice_structure", json_object_new_object());
	}
	o = json_object_new_object();
	json_object_object_foreach(r, k, v) {
		if (strcmp(k, "slice_structure") != 0)
			json_object_object_add(o, k, json_object_get(v));
	}
	agw_json_add_int(o, "return_code", 0);
	st = mem(r, "slice_structure");
	d = c->domain[0] != '\0' ? domain_def(st, c->domain) : NULL;
	if (d != NULL)
		reply_own(d, sl, stats);
	reply_gateway(c, st, sl, stats);
	json_object_object_add(o, "slice_structure", json_object_get(st));
	json_object_put(r);
	return o;
}

/* ---------------------------------------------------------------- ResourceInfo */

/* The ranges of lo..hi not in 'used' (an array of ints) as ["A-B", "C", ...]. */
static struct json_object *
free_ranges(struct json_object *used, long lo, long hi)
{
	struct json_object *a = json_object_new_array();
	unsigned char *taken = calloc((size_t)(hi - lo + 1), 1);
	long v, start = -1;
	char buf[32];
	size_t i;

	if (taken == NULL)
		return a;
	for (i = 0; i < alen(used); i++) {
		v = (long)json_object_get_int64(json_object_array_get_idx(used, i));
		if (v >= lo && v <= hi)
			taken[v - lo] = 1;
	}
	for (v = lo; v <= hi + 1; v++) {
		bool is_free = v <= hi && !taken[v - lo];

		if (is_free && start < 0)
			start = v;
		if (!is_free && start >= 0) {
			if (start == v - 1)
				snprintf(buf, sizeof(buf), "%ld", start);
			else
				snprintf(buf, sizeof(buf), "%ld-%ld", start, v - 1);
			json_object_array_add(a, json_object_new_string(buf));
			start = -1;
		}
	}
	free(taken);
	return a;
}

struct json_object *
mgr_capi_resources(const struct mgr_capi_conf *c, struct json_object *report)
{
	struct json_object *o = json_object_new_object(), *ports = json_object_new_array();
	struct json_object *pa = mem(report, "ports"), *peers = json_object_new_array();
	long lo = 1, hi = 4094;
	unsigned int i;
	size_t k;

	if (str(report, "vid_range") != NULL)
		sscanf(str(report, "vid_range"), "%ld-%ld", &lo, &hi);
	for (k = 0; k < alen(pa);
	     k++) {
		struct json_object *p = json_object_array_get_idx(pa, k), *q = json_object_new_object();
		int64_t cap = json_object_get_int64(mem(p, "capacity_bps"));
		int64_t res = json_object_get_int64(mem(p, "reserved_bps"));

		agw_json_add_str(q, "name", str(p, "name") != NULL ? str(p, "name") : "");
		agw_json_add_int(q, "capacity_bps", cap);
		agw_json_add_int(q, "reserved_bps", res);
		/* capacity 0: the manager does not limit the port */
		agw_json_add_int(q, "free_bps", cap == 0 ? 0 : cap > res ? cap - res : 0);
		json_object_object_add(q, "vids_free", free_ranges(mem(p, "vids_used"), lo, hi));
		agw_json_add_int(q, "gre_endpoints", json_object_get_int64(mem(p, "gre_endpoints")));
		json_object_array_add(ports, q);
	}
	json_object_object_add(o, "ports", ports);
	json_object_object_add(o, "vid_range", json_object_get(mem(report, "vid_range")));
	json_object_object_add(o, "gre_key_range", json_object_get(mem(report, "gre_key_range")));
	for (i = 0; i < c->n_peers; i++) {
		const struct mgr_capi_peer *p = &c->peers[i];
		struct json_object *q = json_object_new_object();

		agw_json_add_str(q, "dst_infra_name", p->domain);
		agw_json_add_str(q, "port", p->port);
		agw_json_add_str(q, "virtual_link_type", p->type == MGR_EP_GRE ? "gre" : "vlan");
		if (p->local_ip[0] != '\0')
			agw_json_add_str(q, "ip_address", p->local_ip);
		if (p->local_mac[0] != '\0')
			agw_json_add_str(q, "mac_address", p->local_mac);
		json_object_array_add(peers, q);
	}
	json_object_object_add(o, "peers", peers);
	json_object_object_add(o, "gw_core", json_object_get(mem(report, "gw_core")));
	return o;
}
