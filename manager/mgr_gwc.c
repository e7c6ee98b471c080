/* SPDX-License-Identifier: BSD-3-Clause */
/* The manager's side of gw-core: see mgr_gwc.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr_ep.h"
#include "mgr_gwc.h"
#include "agw_json.h"

#define MAX_WANT 1024   /* endpoints of one slice */

struct want_ep {
	char name[2 * MGR_NAME_MAX];
	const struct mgr_ep *ep;
};

void
mgr_gwc_init(struct mgr_gwc *g, const char *sock, const char *client, int timeout_ms)
{
	memset(g, 0, sizeof(*g));
	snprintf(g->sock, sizeof(g->sock), "%s", sock);
	snprintf(g->client, sizeof(g->client), "%s", client);
	g->timeout_ms = timeout_ms;
	g->conn.fd = -1;
}

static void
free_ports(struct mgr_gwc *g)
{
	char **p;

	for (p = g->ports; p != NULL && *p != NULL; p++)
		free(*p);
	free(g->ports);
	g->ports = NULL;
}

void
mgr_gwc_fini(struct mgr_gwc *g)
{
	gwc_conn_close(&g->conn);
	free_ports(g);
}

/* Map a gw-core refusal or transport failure to a fault. */
static int
gfail(struct mgr_gwc *g, const struct gwc_conn_err *ce, int rc, const char *what,
      struct mgr_err *e)
{
	int code = MGR_SERVERERROR;

	if (rc == -2)
		code = MGR_UNAVAILABLE;
	else if (ce->err == EEXIST || ce->err == EADDRINUSE)
		code = MGR_ALREADYEXISTS;
	else if (ce->err == EINVAL || ce->err == ENODEV || ce->err == ENOENT)
		code = MGR_BADARGS;
	else if (ce->err == ENOSPC &&
		 (strcmp(what, "endpoint.add") == 0 || strcmp(what, "endpoint.shape") == 0))
		code = MGR_INSUFFICIENT_BANDWIDTH;   /* the port's endpoints or scheduler pipes */
	else if (ce->err == EBUSY && strcmp(what, "port.rate") == 0)
		code = MGR_REFUSED;   /* shaped endpoints use the port's present rate */
	if (rc == -2)
		snprintf(g->last_error, sizeof(g->last_error), "%s: %s", what, ce->message);
	return mgr_fail(e, code, "gw-core %s: %s", what, ce->message);
}

static int
call(struct mgr_gwc *g, const char *op, struct json_object *args, struct json_object **res,
     struct mgr_err *e)
{
	struct gwc_conn_err ce;
	int rc;

	if (!mgr_gwc_up(g)) {
		json_object_put(args);
		return mgr_fail(e, MGR_UNAVAILABLE, "gw-core is not reachable at %s (%s)", g->sock,
				g->last_error[0] != '\0' ? g->last_error : "not connected");
	}
	rc = gwc_conn_call(&g->conn, op, args, res, &ce);
	return rc == 0 ? 0 : gfail(g, &ce, rc, op, e);
}

static struct json_object *
args1(const char *k, const char *v)
{
	struct json_object *a = json_object_new_object();

	json_object_object_add(a, k, json_object_new_string(v));
	return a;
}

/* Arguments naming endpoint 'name' of slice 'id' (endpoint.del, .police, .shape). */
static struct json_object *
ep_ref(const char *id, const char *name)
{
	struct json_object *a = args1("slice", id);

	json_object_object_add(a, "name", json_object_new_string(name));
	return a;
}

/* A shaped or weighted endpoint's port has its scheduler at the planned rate (gw-core
 * keeps a rate it already has). */
static int
port_rate(struct mgr_gwc *g, const struct mgr_ep *ep, struct mgr_err *e)
{
	struct json_object *a;

	if (ep->shape_bps == 0 && ep->wfq_bps == 0)
		return 0;
	a = args1("port", ep->port);
	agw_json_add_u64(a, "rate", ep->port_rate_bps);
	return call(g, "port.rate", a, NULL, e);
}

/* Endpoint 'name' of slice 'id' exists in gw-core as planned but for its isolation
 * ('what' differs): change it live, policing off first where both change (the two
 * exclude each other). */
static int
qos_fix(struct mgr_gwc *g, const char *id, const char *name, const struct mgr_ep *ep,
	enum mgr_ep_qos what, struct mgr_err *e)
{
	struct json_object *a;

	if (what == MGR_EP_QOS_SAME)
		return 0;
	if (what == MGR_EP_QOS_BOTH) {
		a = ep_ref(id, name);
		agw_json_add_u64(a, "police_rate", 0);
		if (call(g, "endpoint.police", a, NULL, e) != 0)
			return -1;
	}
	if (what != MGR_EP_QOS_POLICE) {
		if (port_rate(g, ep, e) != 0)
			return -1;
		a = ep_ref(id, name);
		agw_json_add_u64(a, "shape_rate", ep->shape_bps);
		agw_json_add_u64(a, "shape_burst", ep->shape_burst);
		agw_json_add_u64(a, "wfq_rate", ep->wfq_bps);
		if (call(g, "endpoint.shape", a, NULL, e) != 0)
			return -1;
	}
	if (what == MGR_EP_QOS_SCHED || (what == MGR_EP_QOS_BOTH && ep->police_bps == 0))
		return 0;
	a = ep_ref(id, name);
	agw_json_add_u64(a, "police_rate", ep->police_bps);
	agw_json_add_u64(a, "police_burst", ep->police_burst);
	return call(g, "endpoint.police", a, NULL, e);
}

/* The endpoints 'sl' wants in gw-core. @return how many. */
static unsigned int
want_eps(const struct mgr_slice *sl, struct want_ep *w)
{
	unsigned int i, j, n = 0;

	for (i = 0; sl != NULL && i < sl->n_slivers; i++) {
		const struct mgr_sliver *s = &sl->slivers[i];

		if (s->kind != MGR_LINK || s->state != MGR_EXECUTED)
			continue;
		for (j = 0; j < s->n_vports && n < MAX_WANT; j++) {
			if (!mgr_ep_in_gwc(s->vports[j].ep.type))
				continue;
			snprintf(w[n].name, sizeof(w[n].name), "%s.%s", s->name, s->vports[j].name);
			w[n].ep = &s->vports[j].ep;
			n++;
		}
	}
	return n;
}



/* gw-core's view of slice 'id': *slice NULL when it has none. */
static int
actual(struct mgr_gwc *g, const char *id, struct json_object **res, struct json_object **slice,
       struct mgr_err *e)
{
	struct json_object *arr;
	struct mgr_err le;

	*slice = NULL;
	*res = NULL;
	if (call(g, "slice.list", args1("slice", id), res, &le) != 0) {
		if (le.code == MGR_BADARGS)   /* ENOENT: no such slice */
			return 0;
		if (e != NULL)
			*e = le;
		return -1;
	}
	if (json_object_object_get_ex(*res, "slices", &arr) && json_object_array_length(arr) == 1)
		*slice = json_object_array_get_idx(arr, 0);
	return 0;
}

/* Make gw-core hold exactly what 'want' (NULL: nothing) wants for slice 'id'. */
static int
sync_slice(struct mgr_gwc *g, const char *id, const struct mgr_slice *want, struct mgr_err *e)
{
	static struct want_ep w[MAX_WANT];
	unsigned int n = want_eps(want, w), i;
	struct json_object *res, *sl, *eps = NULL;
	bool have[MAX_WANT] = { false };
	size_t k;
	int rc = -1;

	if (actual(g, id, &res, &sl, e) != 0)
		return -1;
	if (sl != NULL && strcmp(agw_json_str(sl, "owner"), g->client) != 0) {
		mgr_fail(e, MGR_ALREADYEXISTS,
			 "gw-core already holds a slice '%s' that belongs to '%s' (its config "
			 "file, or another client); remove it there or pick another slice id", id,
			 agw_json_str(sl, "owner"));
		goto out;
	}
	if (n == 0) {
		rc = sl == NULL ? 0 : call(g, "slice.del", args1("name", id), NULL, e);
		goto out;
	}
	if (sl == NULL && call(g, "slice.add", args1("name", id), NULL, e) != 0)
		goto out;
	if (sl != NULL)
		json_object_object_get_ex(sl, "endpoints", &eps);
	for (k = 0; eps != NULL && k < json_object_array_length(eps); k++) {
		struct json_object *o = json_object_array_get_idx(eps, k);
		const char *name = agw_json_str(o, "name");

		/* the IKE plugin's terminal endpoints (ike-REQID) in our slice are its own */
		if (strcmp(agw_json_str(o, "owner"), g->client) != 0)
			continue;

		for (i = 0; i < n && strcmp(w[i].name, name) != 0; i++)
			;
		if (i < n && mgr_ep_gwc_matches(o, w[i].ep)) {
			have[i] = true;
			if (qos_fix(g, id, name, w[i].ep, mgr_ep_gwc_qos_matches(o, w[i].ep), e) != 0)
				goto out;
			continue;
		}
		if (call(g, "endpoint.del", ep_ref(id, name), NULL, e) != 0)
			goto out;
	}
	for (i = 0; i < n; i++)
		if (!have[i] && (port_rate(g, w[i].ep, e) != 0 ||
				 call(g, "endpoint.add", mgr_ep_gwc_args(id, w[i].name, w[i].ep),
				      NULL, e) != 0))
			goto out;
	rc = 0;
out:
	json_object_put(res);
	return rc;
}

/* The trailer keys slice 'sl' gives (running link vports), appended to *w (n, cap). */
static int
want_keys(const struct mgr_slice *sl, const struct mgr_ep ***w, unsigned int *n, unsigned int *cap)
{
	unsigned int i, j;

	for (i = 0; sl != NULL && i < sl->n_slivers; i++) {
		const struct mgr_sliver *s = &sl->slivers[i];

		if (s->kind != MGR_LINK || s->state != MGR_EXECUTED)
			continue;
		for (j = 0; j < s->n_vports; j++) {
			const struct mgr_ep *ep = &s->vports[j].ep;

			if (ep->type != MGR_EP_TRAILER || ep->trl_key[0] == '\0')
				continue;
			if (*n == *cap) {
				const struct mgr_ep **nw = realloc(*w, (*cap + 64) * sizeof(*nw));

				if (nw == NULL)
					return -1;
				*w = nw;
				*cap += 64;
			}
			(*w)[(*n)++] = ep;
		}
	}
	return 0;
}

/* Does slice 'sl' (NULL: none) give any trailer key? */
static bool
gives_keys(const struct mgr_slice *sl)
{
	const struct mgr_ep **w = NULL;
	unsigned int n = 0, cap = 0;

	if (want_keys(sl, &w, &n, &cap) != 0)
		n = 1;   /* out of memory: look at all of them, as before */
	free(w);
	return n != 0;
}

/* Does slice 'sl' give terminal ep->trl_terminal the same key and setting as 'ep'? */
static bool
gives_key(const struct mgr_slice *sl, const struct mgr_ep *ep)
{
	const struct mgr_ep **w = NULL;
	unsigned int n = 0, cap = 0, i;
	bool same = false;

	if (want_keys(sl, &w, &n, &cap) != 0)
		return false;   /* then the key is set again: harmless */
	for (i = 0; i < n && !same; i++)
		same = w[i]->trl_terminal == ep->trl_terminal &&
		       strcmp(w[i]->trl_key, ep->trl_key) == 0 &&
		       w[i]->trl_key_required == ep->trl_key_required;
	free(w);
	return same;
}

int
mgr_gwc_keys(struct mgr_gwc *g, const struct mgr_reg *reg, const char *id,
	     const struct mgr_slice *old, const struct mgr_slice *want, struct mgr_err *e)
{
	const struct mgr_ep **w = NULL;
	unsigned int n = 0, cap = 0, n_reg, i;
	struct json_object *res = NULL, *arr;
	int rc = -1;
	size_t k;

	for (i = 0; i < reg->n; i++)
		if ((id == NULL || strcmp(reg->slices[i]->id, id) != 0) &&
		    want_keys(reg->slices[i], &w, &n, &cap) != 0)
			goto oom;
	n_reg = n;   /* w[0, n_reg): other slices' keys, in gw-core already (but after a connect) */
	if (id != NULL && want_keys(want, &w, &n, &cap) != 0)
		goto oom;
	if (call(g, "trailer.key.list", NULL, &res, e) != 0)
		goto out;
	/* ours, no longer given by any slice */
	if (json_object_object_get_ex(res, "terminals", &arr))
		for (k = 0; k < json_object_array_length(arr); k++) {
			struct json_object *o = json_object_array_get_idx(arr, k), *a;
			int64_t t = agw_json_int(o, "terminal", -1, NULL);

			if (strcmp(agw_json_str(o, "owner"), g->client) != 0)
				continue;
			for (i = 0; i < n && w[i]->trl_terminal != t; i++)
				;
			if (i < n)
				continue;
			a = json_object_new_object();
			json_object_object_add(a, "terminal", json_object_new_int64(t));
			if (call(g, "trailer.key.del", a, NULL, e) != 0)
				goto out;
		}
	for (i = id != NULL ? n_reg : 0; i < n; i++) {
		struct json_object *a;

		if (id != NULL && gives_key(old, w[i]))
			continue;
		a = json_object_new_object();
		json_object_object_add(a, "terminal", json_object_new_int64(w[i]->trl_terminal));
		json_object_object_add(a, "key", json_object_new_string(w[i]->trl_key));
		json_object_object_add(a, "required",
				       json_object_new_string(w[i]->trl_key_required ? "yes" : "no"));
		if (call(g, "trailer.key.set", a, NULL, e) != 0)
			goto out;
	}
	rc = 0;
	goto out;
oom:
	mgr_fail(e, MGR_SERVERERROR, "out of memory");
out:
	json_object_put(res);
	free(w);
	return rc;
}

int
mgr_gwc_apply(struct mgr_gwc *g, const struct mgr_reg *reg, const char *id,
	      const struct mgr_slice *old, const struct mgr_slice *want, struct mgr_err *e)
{
	static struct want_ep a[MAX_WANT], b[MAX_WANT];
	unsigned int na = want_eps(old, a), nb = want_eps(want, b), i;

	/* Nothing for gw-core to do (node slivers, created links): do not need it up. */
	if (na == nb) {
		for (i = 0; i < na; i++)
			if (strcmp(a[i].name, b[i].name) != 0 ||
			    memcmp(a[i].ep, b[i].ep, sizeof(*a[i].ep)) != 0)
				break;
		if (i == na)
			return 0;
	}
	/* trailer keys change only with a slice that gives one (then all are looked at) */
	if (sync_slice(g, id, want, e) == 0 &&
	    (!gives_keys(old) && !gives_keys(want) ? true :
	     mgr_gwc_keys(g, reg, id, old, want, e) == 0))
		return 0;
	if (mgr_gwc_up(g)) {   /* roll back; the fault is the first failure */
		sync_slice(g, id, old, NULL);
		mgr_gwc_keys(g, reg, id, want, old, NULL);
	}
	return -1;
}

static int
read_ports(struct mgr_gwc *g, struct mgr_err *e)
{
	struct json_object *res = NULL, *ports;
	size_t i, n;

	if (call(g, "status", NULL, &res, e) != 0)
		return -1;
	free_ports(g);
	if (json_object_object_get_ex(res, "ports", &ports)) {
		n = json_object_array_length(ports);
		g->ports = calloc(n + 1, sizeof(*g->ports));
		for (i = 0; g->ports != NULL && i < n; i++)
			g->ports[i] = strdup(agw_json_str(json_object_array_get_idx(ports, i), "name"));
	}
	json_object_put(res);
	return 0;
}

static int
reconcile(struct mgr_gwc *g, const struct mgr_reg *reg, struct mgr_err *e)
{
	struct json_object *res = NULL, *arr;
	unsigned int i;
	size_t k;
	int rc = 0;

	if (call(g, "slice.list", NULL, &res, e) != 0)
		return -1;
	/* ours, but no longer desired */
	if (json_object_object_get_ex(res, "slices", &arr))
		for (k = 0; k < json_object_array_length(arr); k++) {
			struct json_object *o = json_object_array_get_idx(arr, k);
			const char *name = agw_json_str(o, "name");

			if (strcmp(agw_json_str(o, "owner"), g->client) != 0)
				continue;
			if (mgr_reg_find(reg, name) == NULL &&
			    call(g, "slice.del", args1("name", name), NULL, e) != 0)
				rc = -1;
		}
	json_object_put(res);
	for (i = 0; i < reg->n; i++)
		if (sync_slice(g, reg->slices[i]->id, reg->slices[i], e) != 0) {
			fprintf(stderr, "manager: reconcile slice '%s': %s\n", reg->slices[i]->id,
				e != NULL ? e->msg : "failed");
			rc = -1;
			if (!mgr_gwc_up(g))
				break;
		}
	if (mgr_gwc_up(g) && mgr_gwc_keys(g, reg, NULL, NULL, NULL, e) != 0) {
		fprintf(stderr, "manager: reconcile trailer keys: %s\n", e != NULL ? e->msg : "failed");
		rc = -1;
	}
	return rc;
}

int
mgr_gwc_check(struct mgr_gwc *g, const struct mgr_reg *reg, struct mgr_err *e)
{
	struct gwc_conn_err ce;

	if (mgr_gwc_up(g) && call(g, "ping", NULL, NULL, NULL) == 0)
		return 0;
	if (gwc_conn_open(&g->conn, g->sock, g->client, g->timeout_ms, &ce) != 0) {
		snprintf(g->last_error, sizeof(g->last_error), "%s", ce.message);
		return mgr_fail(e, MGR_UNAVAILABLE, "%s", ce.message);
	}
	g->connects++;
	g->last_error[0] = '\0';
	fprintf(stderr, "manager: connected to gw-core %s (%s) at %s; reconciling %u slices\n",
		g->conn.version, g->conn.role, g->sock, reg->n);
	if (read_ports(g, e) != 0)
		return -1;
	return reconcile(g, reg, e);
}

int
mgr_gwc_stats(struct mgr_gwc *g, const char *id, struct json_object **out,
	      struct json_object **drops, struct mgr_err *e)
{
	struct json_object *res = NULL, *arr, *d;
	struct mgr_err le;

	*out = NULL;
	*drops = NULL;
	if (call(g, "stats", args1("slice", id), &res, &le) != 0) {
		if (le.code == MGR_BADARGS)
			return 0;
		if (e != NULL)
			*e = le;
		return -1;
	}
	if (json_object_object_get_ex(res, "slices", &arr) && json_object_array_length(arr) == 1)
		*out = json_object_get(json_object_array_get_idx(arr, 0));
	if (json_object_object_get_ex(res, "drops", &d))
		*drops = json_object_get(d);
	json_object_put(res);
	return 0;
}
