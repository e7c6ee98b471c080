/* SPDX-License-Identifier: BSD-3-Clause */
/* The manager's side of gw-core: see mgr_gwc.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr_ep.h"
#include "mgr_gwc.h"
#include "agw_json.h"
#include "nsl.h"

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
		 (strcmp(what, "endpoint.add") == 0 || strcmp(what, "endpoint.shape") == 0 ||
		  ce->index >= 0))   /* one of slice.add's endpoints, not the slice itself */
		code = MGR_INSUFFICIENT_BANDWIDTH;   /* the port's endpoints or scheduler pipes */
	else if (ce->err == EBUSY && strcmp(what, "port.rate") == 0)
		code = MGR_REFUSED;   /* shaped endpoints use the port's present rate */
	if (rc == -2)
		snprintf(g->last_error, sizeof(g->last_error), "%s: %s", what, ce->message);
	return mgr_fail(e, code, "gw-core %s: %s", what, ce->message);
}

/* call(), and '*err' the errno gw-core refused it with (0: it did not refuse it). */
static int
call_err(struct mgr_gwc *g, const char *op, struct json_object *args, struct json_object **res,
	 int *err, struct mgr_err *e)
{
	struct gwc_conn_err ce;
	int rc;

	*err = 0;
	if (!mgr_gwc_up(g)) {
		json_object_put(args);
		return mgr_fail(e, MGR_UNAVAILABLE, "gw-core is not reachable at %s (%s)", g->sock,
				g->last_error[0] != '\0' ? g->last_error : "not connected");
	}
	rc = gwc_conn_call(&g->conn, op, args, res, &ce);
	if (rc == -1)
		*err = ce.err;
	return rc == 0 ? 0 : gfail(g, &ce, rc, op, e);
}

static int
call(struct mgr_gwc *g, const char *op, struct json_object *args, struct json_object **res,
     struct mgr_err *e)
{
	int err;

	return call_err(g, op, args, res, &err, e);
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

/* Is 's' a node sliver whose vports are gw-core ports now (executed, and of a flavour
 * the runtime runs)? */
static bool
node_runs(const struct mgr_sliver *s)
{
	return s != NULL && s->kind == MGR_NODE && s->state == MGR_EXECUTED &&
	       nsl_flavour_of(s->instance) != NSL_NONE;
}

/* Does 'sl' (NULL: none) want node ports in gw-core? */
static bool
has_nports(const struct mgr_slice *sl)
{
	unsigned int i;

	for (i = 0; sl != NULL && i < sl->n_slivers; i++)
		if (node_runs(&sl->slivers[i]))
			return true;
	return false;
}

/* Does link sliver 's' have a vport toward a node sliver? */
static bool
link_to_node(const struct mgr_sliver *s)
{
	unsigned int j;

	for (j = 0; s->kind == MGR_LINK && j < s->n_vports; j++)
		if (s->vports[j].ep.type == MGR_EP_NSLIVER)
			return true;
	return false;
}

/*
 * The gw-core slice (a bridge) that link sliver 's' of slice 'id' is in. The links that
 * meet at the AGW itself share one, named 'id'; a link toward a node sliver has its own,
 * "ID/LINK" (or "nsl-HASH-HASH" when that is too long): a node sliver in the path
 * separates the broadcast domains on either side of it (docs/node-slivers.md).
 */
static void
gslice_of(const char *id, const struct mgr_sliver *s, char *out)
{
	char p[16];

	if (!link_to_node(s))
		snprintf(out, MGR_NAME_MAX, "%s", id);
	else if (strlen(id) + 1 + strlen(s->name) < MGR_NAME_MAX)
		snprintf(out, MGR_NAME_MAX, "%s/%s", id, s->name);
	else {
		struct nsl_vport_names nm;

		nsl_port_prefix(id, p);
		nsl_vport_names(id, s->name, "", 0, &nm);   /* a hash of (id, link) */
		snprintf(out, MGR_NAME_MAX, "%s%s", p, nm.port + strlen(p));
	}
}

#define MAX_GSLICES 64   /* links toward node slivers in one slice, plus one */

/* The gw-core slices of 'a' and of 'b' (either NULL), 'id' first, each once. */
static unsigned int
gslices(const char *id, const struct mgr_slice *a, const struct mgr_slice *b,
	char (*out)[MGR_NAME_MAX])
{
	const struct mgr_slice *both[2] = { a, b };
	unsigned int n = 1, i, k, j;

	snprintf(out[0], MGR_NAME_MAX, "%s", id);
	for (k = 0; k < 2; k++)
		for (i = 0; both[k] != NULL && i < both[k]->n_slivers && n < MAX_GSLICES; i++) {
			if (!link_to_node(&both[k]->slivers[i]))
				continue;
			gslice_of(id, &both[k]->slivers[i], out[n]);
			for (j = 0; j < n && strcmp(out[j], out[n]) != 0; j++)
				;
			n += j == n;
		}
	return n;
}

/* The endpoints 'sl' wants in gw-core slice 'gs' (gslice_of()). @return how many. */
static unsigned int
want_eps(const struct mgr_slice *sl, const char *gs, struct want_ep *w)
{
	char name[MGR_NAME_MAX];
	unsigned int i, j, n = 0;

	for (i = 0; sl != NULL && i < sl->n_slivers; i++) {
		const struct mgr_sliver *s = &sl->slivers[i];

		if (s->kind != MGR_LINK || s->state != MGR_EXECUTED)
			continue;
		gslice_of(sl->id, s, name);
		if (strcmp(name, gs) != 0)
			continue;
		for (j = 0; j < s->n_vports && n < MAX_WANT; j++) {
			if (!mgr_ep_in_gwc(s->vports[j].ep.type))
				continue;
			/* toward a node sliver: while it runs (its port exists) */
			if (s->vports[j].ep.type == MGR_EP_NSLIVER &&
			    !node_runs(mgr_slice_sliver(sl, s->vports[j].ep.node)))
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

/* The port named 'name' in 'ports' (gw-core's status "ports"; NULL: none), or NULL. */
static struct json_object *
port_named(struct json_object *ports, const char *name)
{
	size_t k;

	for (k = 0; ports != NULL && k < json_object_array_length(ports); k++)
		if (strcmp(agw_json_str(json_object_array_get_idx(ports, k), "name"), name) == 0)
			return json_object_array_get_idx(ports, k);
	return NULL;
}

/* Is port 'name' one of the node ports 'want' wants? */
static bool
nport_wanted(const struct mgr_slice *want, const char *name, struct nsl_vport_names *nm)
{
	unsigned int i, j;

	for (i = 0; want != NULL && i < want->n_slivers; i++) {
		const struct mgr_sliver *s = &want->slivers[i];

		for (j = 0; node_runs(s) && j < s->n_vports; j++) {
			nsl_vport_names(want->id, s->name, s->vports[j].name, j, nm);
			if (strcmp(nm->port, name) == 0)
				return true;
		}
	}
	return false;
}

/*
 * gw-core's node ports of slice 'id' (ours, named with its prefix; 'id' NULL: of every
 * slice, for a reconcile) made those 'want' wants: with 'add' the missing ones are added
 * (before the endpoints on them), else the others removed (after).
 */
static int
sync_nports(struct mgr_gwc *g, const char *id, const struct mgr_slice *want, bool add,
	    const struct mgr_reg *reg, struct mgr_err *e)
{
	struct json_object *res = NULL, *ports = NULL;
	struct nsl_vport_names nm;
	char prefix[16] = "nsl-";
	unsigned int i, j;
	size_t k, n = 0;
	int rc = -1;

	if (id != NULL)
		nsl_port_prefix(id, prefix);
	if (call(g, "status", NULL, &res, e) != 0)
		return -1;
	if (json_object_object_get_ex(res, "ports", &ports))
		n = json_object_array_length(ports);
	if (!add) {
		for (k = 0; k < n; k++) {
			struct json_object *o = json_object_array_get_idx(ports, k);
			const char *name = agw_json_str(o, "name");
			bool wanted = nport_wanted(want, name, &nm);

			for (i = 0; id == NULL && reg != NULL && i < reg->n && !wanted; i++)
				wanted = nport_wanted(reg->slices[i], name, &nm);
			if (strcmp(agw_json_str(o, "owner"), g->client) != 0 ||
			    strncmp(name, prefix, strlen(prefix)) != 0 || wanted)
				continue;
			if (call(g, "port.del", args1("name", name), NULL, e) != 0)
				goto out;
		}
		rc = 0;
		goto out;
	}
	for (i = 0; want != NULL && i < want->n_slivers; i++) {
		const struct mgr_sliver *s = &want->slivers[i];

		for (j = 0; node_runs(s) && j < s->n_vports; j++) {
			struct json_object *a;

			nsl_vport_names(want->id, s->name, s->vports[j].name, j, &nm);
			if (port_named(ports, nm.port) != NULL)
				continue;
			if (g->nsl != NULL)
				nsl_vport_devargs(g->nsl, want->id, s->name, nsl_flavour_of(s->instance),
						  nsl_vports_vhost(s->instance, &s->params), j, &nm);
			a = args1("name", nm.port);
			json_object_object_add(a, "dev", json_object_new_string(nm.devargs));
			if (call(g, "port.add", a, NULL, e) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	json_object_put(res);
	return rc;
}

static int sync_eps(struct mgr_gwc *g, const char *id, const struct mgr_slice *want,
		    struct mgr_err *e);

/* Make gw-core hold exactly what 'want' (NULL: nothing) wants for slice 'id', which was
 * 'old' (NULL: nothing, or unknown): its node ports (when 'nports': the slice has or had
 * some), its gw-core slices and their endpoints. */
static int
sync_slice(struct mgr_gwc *g, const char *id, const struct mgr_slice *old,
	   const struct mgr_slice *want, bool nports, struct mgr_err *e)
{
	static char gs[MAX_GSLICES][MGR_NAME_MAX];
	unsigned int n = gslices(id, old, want, gs), i;

	if (nports && sync_nports(g, id, want, true, NULL, e) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (sync_eps(g, gs[i], want, e) != 0)
			return -1;
	return nports ? sync_nports(g, id, want, false, NULL, e) : 0;
}

/* gw-core holds a slice 'id' of another owner ('why' says whose). @return -1. */
static int
not_ours(const char *id, const char *why, struct mgr_err *e)
{
	char w[MGR_MSG_MAX];

	snprintf(w, sizeof(w), "%s", why);   /* 'why' may be e->msg */
	return mgr_fail(e, MGR_ALREADYEXISTS,
			"gw-core already holds a slice '%s' that is not ours (%s: its config file, "
			"or another client); remove it there or pick another slice id", id, w);
}

/*
 * gw-core slice 'id' made with its endpoints w[0..n) in one request (slice.add's
 * 'endpoints': all or nothing; the shaped ones' port rates set first), instead of a
 * probe (slice.list) and a request for each: a slice's Run waited for four round trips
 * to gw-core, now one. '*err': the errno gw-core refused it with (EEXIST: the slice is
 * there already, or one of the endpoints exists elsewhere).
 * @return 0: done; 1: the slice was made alone (more than GWC_SLICE_ADD_EPS endpoints, or
 * a gw-core that ignored 'endpoints'): the caller adds them one by one; -1 with 'e'.
 */
static int
add_with_eps(struct mgr_gwc *g, const char *id, const struct want_ep *w, unsigned int n,
	     int *err, struct mgr_err *e)
{
	struct json_object *a = args1("name", id), *eps = json_object_new_array(), *res = NULL;
	unsigned int i;
	int rc;

	*err = 0;
	if (n > GWC_SLICE_ADD_EPS) {
		json_object_put(eps);
		return call_err(g, "slice.add", a, NULL, err, e) != 0 ? -1 : 1;
	}
	for (i = 0; i < n; i++) {
		struct json_object *x = mgr_ep_gwc_args(id, w[i].name, w[i].ep);

		json_object_object_del(x, "slice");
		json_object_array_add(eps, x);
		if (port_rate(g, w[i].ep, e) != 0) {
			json_object_put(a);
			json_object_put(eps);
			return -1;
		}
	}
	json_object_object_add(a, "endpoints", eps);
	if (call_err(g, "slice.add", a, &res, err, e) != 0)
		return -1;
	rc = json_object_object_get_ex(res, "endpoints", &eps) &&
	     json_object_array_length(eps) == n ? 0 : 1;
	json_object_put(res);
	return rc;
}

/* Make gw-core slice 'id' (one of gslices()) hold exactly the endpoints 'want' (NULL:
 * nothing) wants in it. 'e_out' NULL: the reason is not wanted (a rollback's). */
static int
sync_eps(struct mgr_gwc *g, const char *id, const struct mgr_slice *want, struct mgr_err *e_out)
{
	static struct want_ep w[MAX_WANT];
	unsigned int n = want_eps(want, id, w), i;
	struct json_object *res, *sl, *eps = NULL;
	bool have[MAX_WANT] = { false };
	struct mgr_err first = { 0 }, local, *e = e_out != NULL ? e_out : &local;
	int rc = -1, added, err;
	size_t k;

	if (n == 0) {   /* none wanted: no probe, slice.del refuses another's slice itself */
		if (call_err(g, "slice.del", args1("name", id), NULL, &err, e) == 0 || err == ENOENT)
			return 0;
		if (err == EPERM)
			return not_ours(id, e->msg, e);
		return -1;
	}
	/* the usual case, a slice gw-core does not hold: made in one request; else (EEXIST)
	   it is probed and made right endpoint by endpoint */
	added = add_with_eps(g, id, w, n, &err, &first);
	if (added == 0)
		return 0;
	if (added < 0 && err != EEXIST) {
		*e = first;
		return -1;
	}
	if (actual(g, id, &res, &sl, e) != 0)
		return -1;
	if (sl == NULL) {   /* the EEXIST was an endpoint's, or the slice went meanwhile */
		json_object_put(res);
		*e = first;
		return -1;
	}
	if (strcmp(agw_json_str(sl, "owner"), g->client) != 0) {
		char why[MGR_MSG_MAX];

		snprintf(why, sizeof(why), "it belongs to '%s'", agw_json_str(sl, "owner"));
		not_ours(id, why, e);
		goto out;
	}
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
	static char gs[MAX_GSLICES][MGR_NAME_MAX];
	bool nports = has_nports(old) || has_nports(want), same = !nports;
	unsigned int n = gslices(id, old, want, gs), k, i, na, nb;

	/* Nothing for gw-core to do (created links, node slivers not running): do not need
	 * it up. */
	for (k = 0; k < n && same; k++) {
		na = want_eps(old, gs[k], a);
		nb = want_eps(want, gs[k], b);
		same = na == nb;
		for (i = 0; i < na && same; i++)
			same = strcmp(a[i].name, b[i].name) == 0 &&
			       memcmp(a[i].ep, b[i].ep, sizeof(*a[i].ep)) == 0;
	}
	if (same)
		return 0;
	/* trailer keys change only with a slice that gives one (then all are looked at) */
	if (sync_slice(g, id, old, want, nports, e) == 0 &&
	    (!gives_keys(old) && !gives_keys(want) ? true :
	     mgr_gwc_keys(g, reg, id, old, want, e) == 0))
		return 0;
	if (mgr_gwc_up(g)) {   /* roll back; the fault is the first failure */
		sync_slice(g, id, want, old, nports, NULL);
		mgr_gwc_keys(g, reg, id, want, old, NULL);
	}
	return -1;
}

static int
read_ports(struct mgr_gwc *g, struct mgr_err *e)
{
	struct json_object *res = NULL, *ports;
	size_t i, n, k;

	if (call(g, "status", NULL, &res, e) != 0)
		return -1;
	free_ports(g);
	if (json_object_object_get_ex(res, "ports", &ports)) {
		n = json_object_array_length(ports);
		g->ports = calloc(n + 1, sizeof(*g->ports));
		for (i = 0, k = 0; g->ports != NULL && i < n; i++) {
			struct json_object *o = json_object_array_get_idx(ports, i);

			/* ports added at run time (node slivers' vports) are not the AGW's own */
			if (agw_json_str(o, "owner")[0] == '\0')
				g->ports[k++] = strdup(agw_json_str(o, "name"));
		}
	}
	json_object_put(res);
	return 0;
}

/* Is gw-core slice 'name' one of those the slices of 'reg' have (gslices())? */
static bool
gslice_desired(const struct mgr_reg *reg, const char *name)
{
	static char gs[MAX_GSLICES][MGR_NAME_MAX];
	const char *slash = strchr(name, '/');
	char id[MGR_NAME_MAX];
	unsigned int i, k, n;

	if (mgr_reg_find(reg, name) != NULL)
		return true;
	if (slash != NULL) {   /* "ID/LINK" */
		snprintf(id, sizeof(id), "%.*s", (int)(slash - name), name);
		if (mgr_reg_find(reg, id) == NULL)
			return false;
	} else if (strncmp(name, "nsl-", 4) != 0) {
		return false;
	}
	for (i = 0; i < reg->n; i++) {
		if (slash != NULL && strcmp(reg->slices[i]->id, id) != 0)
			continue;
		n = gslices(reg->slices[i]->id, reg->slices[i], NULL, gs);
		for (k = 1; k < n; k++)
			if (strcmp(gs[k], name) == 0)
				return true;
	}
	return false;
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
			if (!gslice_desired(reg, name) &&
			    call(g, "slice.del", args1("name", name), NULL, e) != 0)
				rc = -1;
		}
	json_object_put(res);
	/* node ports of ours that no slice of 'reg' names (their endpoints went with their
	 * slices above) */
	if (sync_nports(g, NULL, NULL, false, reg, e) != 0)
		rc = -1;
	for (i = 0; i < reg->n; i++)
		if (sync_slice(g, reg->slices[i]->id, NULL, reg->slices[i], true, e) != 0) {
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
mgr_gwc_links_up(struct mgr_gwc *g, const char *const *ports, unsigned int n, struct mgr_err *e)
{
	struct json_object *res = NULL, *arr = NULL, *o, *lu;
	unsigned int i, up = 0;

	if (call(g, "status", NULL, &res, e) != 0)
		return -1;
	json_object_object_get_ex(res, "ports", &arr);
	for (i = 0; i < n; i++)
		up += (o = port_named(arr, ports[i])) != NULL &&
		      json_object_object_get_ex(o, "link_up", &lu) && json_object_get_boolean(lu);
	json_object_put(res);
	return up == n;
}

int
mgr_gwc_worker_cpus(struct mgr_gwc *g, uint64_t *mask, struct mgr_err *e)
{
	struct json_object *res = NULL, *wk, *cpus;
	size_t i, k;

	*mask = 0;
	if (call(g, "status", NULL, &res, e) != 0)
		return -1;
	if (json_object_object_get_ex(res, "workers", &wk))
		for (i = 0; i < json_object_array_length(wk); i++)
			if (json_object_object_get_ex(json_object_array_get_idx(wk, i), "cpus", &cpus))
				for (k = 0; k < json_object_array_length(cpus); k++) {
					int c = json_object_get_int(json_object_array_get_idx(cpus, k));

					if (c >= 0 && c < 64)
						*mask |= 1ull << c;
				}
	json_object_put(res);
	return 0;
}

int
mgr_gwc_stats(struct mgr_gwc *g, const struct mgr_slice *sl, struct json_object **out,
	      struct json_object **drops, struct mgr_err *e)
{
	static char gs[MAX_GSLICES][MGR_NAME_MAX];
	unsigned int n = gslices(sl->id, sl, NULL, gs), k;
	struct json_object *res = NULL, *arr, *d, *o, *eps, *more;
	struct mgr_err le;
	size_t i;

	*out = NULL;
	*drops = NULL;
	for (k = 0; k < n; k++) {
		if (call(g, "stats", args1("slice", gs[k]), &res, &le) != 0) {
			if (le.code == MGR_BADARGS)
				continue;   /* gw-core has no such slice */
			if (e != NULL)
				*e = le;
			json_object_put(*out);
			json_object_put(*drops);
			*out = *drops = NULL;
			return -1;
		}
		o = json_object_object_get_ex(res, "slices", &arr) &&
			    json_object_array_length(arr) == 1 ?
			    json_object_array_get_idx(arr, 0) : NULL;
		if (*drops == NULL && json_object_object_get_ex(res, "drops", &d))
			*drops = json_object_get(d);
		if (o != NULL && *out == NULL) {
			*out = json_object_get(o);
		} else if (o != NULL && json_object_object_get_ex(*out, "endpoints", &eps) &&
			   json_object_object_get_ex(o, "endpoints", &more)) {
			/* a link's own bridge (toward a node sliver): its endpoints and counters
			 * join the slice's */
			static const char *const sum[] = { "rx_pkts", "rx_bytes", "flooded",
							   "learned", NULL };
			const char *const *key;

			for (i = 0; i < json_object_array_length(more); i++)
				json_object_array_add(eps, json_object_get(
							       json_object_array_get_idx(more, i)));
			for (key = sum; *key != NULL; key++)
				json_object_object_add(*out, *key, json_object_new_int64(
							       agw_json_int(*out, *key, 0, NULL) +
							       agw_json_int(o, *key, 0, NULL)));
		}
		json_object_put(res);
		res = NULL;
	}
	return 0;
}
