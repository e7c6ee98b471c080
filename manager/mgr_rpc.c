/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * XML-RPC methods of the manager (seed 000's Common API: CreateSlice, Add, Delete, Run,
 * Stop, DeleteSlice, ResourceInfo, Status, Statistics). Each mutating method: plan
 * (mgr_model.c) -> gw-core (mgr_gwc.c) -> SQLite (mgr_store.c) -> registry, undoing the
 * earlier steps when a later one fails, so a fault changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mgr_json.h"
#include "mgr_rpc.h"

#define MAX_NAMES 256

/* ---------------------------------------------------------------- values */

/* json-c value -> XML-RPC value (integers outside 32 bits become i8). */
static xmlrpc_value *
to_xmlrpc(xmlrpc_env *env, struct json_object *j)
{
	xmlrpc_value *v, *item;
	size_t i;

	switch (json_object_get_type(j)) {
	case json_type_boolean:
		return xmlrpc_bool_new(env, json_object_get_boolean(j));
	case json_type_int: {
		int64_t x = json_object_get_int64(j);

		return x >= INT32_MIN && x <= INT32_MAX ? xmlrpc_int_new(env, (int)x)
							: xmlrpc_i8_new(env, x);
	}
	case json_type_double:
		return xmlrpc_double_new(env, json_object_get_double(j));
	case json_type_string:
		return xmlrpc_string_new(env, json_object_get_string(j));
	case json_type_array:
		v = xmlrpc_array_new(env);
		for (i = 0; !env->fault_occurred && i < json_object_array_length(j); i++) {
			item = to_xmlrpc(env, json_object_array_get_idx(j, i));
			if (item != NULL) {
				xmlrpc_array_append_item(env, v, item);
				xmlrpc_DECREF(item);
			}
		}
		return v;
	case json_type_object: {
		v = xmlrpc_struct_new(env);
		json_object_object_foreach(j, k, jv) {
			if (env->fault_occurred)
				break;
			item = to_xmlrpc(env, jv);
			if (item != NULL) {
				xmlrpc_struct_set_value(env, v, k, item);
				xmlrpc_DECREF(item);
			}
		}
		return v;
	}
	default:
		return xmlrpc_string_new(env, "");
	}
}

static void
fault(xmlrpc_env *env, const struct mgr_err *e)
{
	xmlrpc_env_set_fault_formatted(env, e->code, "%s: %s", mgr_fault_name(e->code), e->msg);
}

/* Argument 'i' (0-based) of 'params' as a string (malloc'd into *out). */
static int
arg_str(xmlrpc_env *env, xmlrpc_value *params, int i, const char *method, const char *what,
	char **out, struct mgr_err *e)
{
	xmlrpc_value *v;
	const char *s;

	*out = NULL;
	xmlrpc_array_read_item(env, params, i, &v);
	if (env->fault_occurred) {
		xmlrpc_env_clean(env);
		xmlrpc_env_init(env);
		return mgr_fail(e, MGR_BADARGS, "%s: argument %d (%s) is missing", method, i + 1,
				what);
	}
	xmlrpc_read_string(env, v, &s);
	xmlrpc_DECREF(v);
	if (env->fault_occurred) {
		xmlrpc_env_clean(env);
		xmlrpc_env_init(env);
		return mgr_fail(e, MGR_BADARGS, "%s: argument %d (%s) must be a string", method,
				i + 1, what);
	}
	*out = (char *)s;
	return 0;
}

/* Optional argument 'i': a sliver name or an array of them. *n = 0 when absent. */
static int
arg_names(xmlrpc_env *env, xmlrpc_value *params, int i, const char *method, char **names,
	  unsigned int *n, struct mgr_err *e)
{
	xmlrpc_value *v, *item;
	const char *s;
	int k, len;

	*n = 0;
	if (xmlrpc_array_size(env, params) <= i)
		return 0;
	xmlrpc_array_read_item(env, params, i, &v);
	if (xmlrpc_value_type(v) == XMLRPC_TYPE_STRING) {
		xmlrpc_read_string(env, v, &s);
		names[(*n)++] = (char *)s;
		xmlrpc_DECREF(v);
		return 0;
	}
	if (xmlrpc_value_type(v) != XMLRPC_TYPE_ARRAY) {
		xmlrpc_DECREF(v);
		return mgr_fail(e, MGR_BADARGS,
				"%s: argument %d (sliver names) must be an array of strings", method,
				i + 1);
	}
	len = xmlrpc_array_size(env, v);
	if (len > MAX_NAMES) {
		xmlrpc_DECREF(v);
		return mgr_fail(e, MGR_BADARGS, "%s: more than %d sliver names", method, MAX_NAMES);
	}
	for (k = 0; k < len; k++) {
		xmlrpc_array_read_item(env, v, k, &item);
		xmlrpc_read_string(env, item, &s);
		xmlrpc_DECREF(item);
		if (env->fault_occurred) {
			xmlrpc_env_clean(env);
			xmlrpc_env_init(env);
			xmlrpc_DECREF(v);
			return mgr_fail(e, MGR_BADARGS, "%s: sliver name %d is not a string", method,
					k + 1);
		}
		names[(*n)++] = (char *)s;
	}
	xmlrpc_DECREF(v);
	return 0;
}

static void
free_names(char **names, unsigned int n)
{
	while (n > 0)
		free(names[--n]);
}

static int
max_args(xmlrpc_env *env, xmlrpc_value *params, int max, const char *method, struct mgr_err *e)
{
	int n = xmlrpc_array_size(env, params);

	if (n > max)
		return mgr_fail(e, MGR_BADARGS, "%s takes at most %d arguments (%d given)", method,
				max, n);
	return 0;
}

/* ---------------------------------------------------------------- status */

static struct json_object *
kv_struct(const struct mgr_kvs *kv)
{
	struct json_object *o = json_object_new_object();
	unsigned int i;

	for (i = 0; i < kv->n; i++)
		add_str(o, kv->v[i].key, kv->v[i].value);
	return o;
}

static struct json_object *
sliver_status(const struct mgr *m, const struct mgr_sliver *s)
{
	bool gwc_up = mgr_gwc_up(&m->gwc), ike_up = mgr_ike_up(&m->ike);
	struct json_object *o = json_object_new_object(), *vps = json_object_new_array();
	unsigned int i;

	add_str(o, "name", s->name);
	add_str(o, "kind", s->kind == MGR_LINK ? "link" : "node");
	add_str(o, "state", mgr_state_name(s->state));
	json_object_object_add(o, "resources", kv_struct(&s->resources));
	if (s->kind == MGR_NODE) {
		const char *role = strcmp(s->type, "_super") == 0 ? "network (_super)"
				   : strcmp(s->instance, "Terminal") == 0 ? "terminal"
									    : "node sliver";

		add_str(o, "role", role);
		if (s->instance[0] != '\0')
			add_str(o, "instance", s->instance);
		json_object_object_add(o, "params", kv_struct(&s->params));
		if (strcmp(s->instance, "SlowPath_VM") == 0)
			add_str(o, "note", "recorded; node slivers are not started yet");
	} else {
		add_int(o, "bandwidth_bps", (int64_t)s->bandwidth_bps);
	}
	for (i = 0; i < s->n_vports; i++) {
		const struct mgr_vport *vp = &s->vports[i];
		const struct mgr_ep *ep = &vp->ep;
		struct json_object *v = json_object_new_object();
		char name[2 * MGR_NAME_MAX];

		add_str(v, "name", vp->name);
		if (s->kind == MGR_LINK) {
			mgr_ep_to_json(v, ep);
			if (mgr_ep_in_gwc(ep->type)) {
				snprintf(name, sizeof(name), "%s.%s", s->name, vp->name);
				add_str(v, "gw_core_endpoint", name);
				add_str(v, "gw_core",
					s->state != MGR_EXECUTED ? "not programmed (created)"
					: gwc_up ? "programmed" : "pending (gw-core unreachable)");
			}
			if (ep->type == MGR_EP_IPSEC) {
				struct json_object *ids = json_object_new_array();
				unsigned int k;

				/* identities only: the keys stay in the store and charon */
				for (k = 0; k < vp->params.n; k++) {
					const char *tid = mgr_terminal_of(vp->params.v[k].key);

					if (tid != NULL)
						json_object_array_add(ids, json_object_new_string(tid));
				}
				json_object_object_add(v, "terminal_ids", ids);
				add_str(v, "charon",
					s->state != MGR_EXECUTED ? "not loaded (created)"
					: ike_up ? "loaded" : "pending (charon unreachable)");
			}
		}
		json_object_array_add(vps, v);
	}
	json_object_object_add(o, "vports", vps);
	return o;
}

static struct json_object *
slice_status(const struct mgr *m, const struct mgr_slice *sl)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	unsigned int i, executed = 0;

	add_str(o, "slice_id", sl->id);
	add_str(o, "state", "created");   /* seed 000: a slice is non-existing or created */
	add_str(o, "spec_class", sl->spec_class);
	add_int(o, "created", sl->created);
	for (i = 0; i < sl->n_slivers; i++) {
		executed += sl->slivers[i].state == MGR_EXECUTED;
		json_object_array_add(a, sliver_status(m, &sl->slivers[i]));
	}
	add_int(o, "slivers_executed", executed);
	add_int(o, "slivers_created", sl->n_slivers - executed);
	json_object_object_add(o, "slivers", a);
	return o;
}

static xmlrpc_value *
reply(xmlrpc_env *env, struct json_object *j)
{
	xmlrpc_value *v = to_xmlrpc(env, j);

	json_object_put(j);
	return v;
}

/* ---------------------------------------------------------------- mutations */

enum op { OP_CREATE, OP_ADD, OP_DELETE, OP_RUN, OP_STOP, OP_DELETE_SLICE, OP_ADD_TERMINAL,
	  OP_REMOVE_TERMINAL };

static const char *const op_names[] = { "CreateSlice", "Add", "Delete", "Run", "Stop",
					"DeleteSlice", "AddTerminal", "RemoveTerminal" };

/*
 * Make gw-core and charon go from 'old' to 'want' for slice 'id'. What takes things
 * away goes to charon first (its IKE_SAs close, and with them the plugin's SAs in
 * gw-core) and may proceed while a daemon is down (its reconnect reconciles); what adds
 * goes to gw-core first, so the link endpoint is there before a terminal's SA. A
 * failure undoes the other daemon's part.
 */
static int
apply(struct mgr *m, const char *id, const struct mgr_slice *old, const struct mgr_slice *want,
      bool shrink, struct mgr_err *e)
{
	if (shrink) {
		if (mgr_ike_apply(&m->ike, id, old, want, e) != 0 && e->code != MGR_UNAVAILABLE)
			return -1;
		if (mgr_gwc_apply(&m->gwc, &m->reg, id, old, want, e) != 0 &&
		    e->code != MGR_UNAVAILABLE) {
			mgr_ike_apply(&m->ike, id, want, old, NULL);
			return -1;
		}
		return 0;
	}
	if (mgr_gwc_apply(&m->gwc, &m->reg, id, old, want, e) != 0)
		return -1;
	if (mgr_ike_apply(&m->ike, id, old, want, e) != 0) {
		mgr_gwc_apply(&m->gwc, &m->reg, id, want, old, NULL);
		return -1;
	}
	return 0;
}

static xmlrpc_value *
mutate(xmlrpc_env *env, struct mgr *m, enum op op, xmlrpc_value *params)
{
	const char *method = op_names[op];
	char *id = NULL, *spec_xml = NULL, *names[MAX_NAMES], *term[4] = { NULL };
	unsigned int n_names = 0, i;
	bool shrink = op == OP_STOP || op == OP_DELETE || op == OP_DELETE_SLICE ||
		      op == OP_REMOVE_TERMINAL;
	struct mgr_slice spec = { 0 }, *want = NULL;
	const struct mgr_slice *old;
	struct mgr_err e = { 0 };
	xmlrpc_value *res = NULL;
	int rc;

	if (max_args(env, params, op == OP_DELETE_SLICE ? 1 : op == OP_ADD_TERMINAL ? 5 :
				  op == OP_REMOVE_TERMINAL ? 4 : 2, method, &e) != 0 ||
	    arg_str(env, params, 0, method, "slice_id", &id, &e) != 0)
		goto out;
	if (op == OP_ADD_TERMINAL || op == OP_REMOVE_TERMINAL) {
		static const char *const what[] = { "link_sliver", "vport", "terminal", "auth" };

		for (i = 0; i < (op == OP_ADD_TERMINAL ? 4u : 3u); i++)
			if (arg_str(env, params, (int)i + 1, method, what[i], &term[i], &e) != 0)
				goto out;
	} else if (op == OP_CREATE || op == OP_ADD) {
		if (arg_str(env, params, 1, method, "spec", &spec_xml, &e) != 0 ||
		    mgr_spec_parse(spec_xml, strlen(spec_xml), &spec, &e) != 0)
			goto out;
	} else if (op != OP_DELETE_SLICE) {
		if (arg_names(env, params, 1, method, names, &n_names, &e) != 0)
			goto out;
		if (op == OP_DELETE && n_names == 0) {
			mgr_fail(&e, MGR_BADARGS,
				 "Delete(slice_id, sliver_names): name the slivers (DeleteSlice "
				 "removes a whole slice)");
			goto out;
		}
	}

	pthread_mutex_lock(&m->lock);
	m->calls++;
	m->conf.plan.ports = (const char *const *)m->gwc.ports;
	switch (op) {
	case OP_CREATE:
		rc = mgr_plan_create(&m->reg, &m->conf.plan, id, &spec, &want, &e);
		break;
	case OP_ADD:
		rc = mgr_plan_add(&m->reg, &m->conf.plan, id, &spec, &want, &e);
		break;
	case OP_DELETE:
		rc = mgr_plan_delete(&m->reg, id, (const char *const *)names, n_names, &want, &e);
		break;
	case OP_RUN:
	case OP_STOP:
		rc = mgr_plan_transition(&m->reg, id, (const char *const *)names, n_names,
					 op == OP_RUN ? MGR_EXECUTED : MGR_CREATED, &want, &e);
		break;
	case OP_ADD_TERMINAL:
	case OP_REMOVE_TERMINAL:
		rc = mgr_plan_terminal(&m->reg, &m->conf.plan, id, term[0], term[1], term[2],
				       term[3], &want, &e);
		break;
	default:
		rc = mgr_plan_delete_slice(&m->reg, id, &want, &e);
		break;
	}
	if (rc != 0)
		goto unlock;
	old = mgr_reg_find(&m->reg, id);
	if (apply(m, id, old, want, shrink, &e) != 0)
		goto unlock;
	rc = want != NULL ? mgr_store_put(m->st, want, &e) : mgr_store_del(m->st, id, &e);
	if (rc != 0) {
		struct mgr_err ue;

		apply(m, id, want, old, !shrink, &ue);
		goto unlock;
	}
	if (want != NULL) {
		struct json_object *st = slice_status(m, want);

		if (mgr_reg_commit(&m->reg, id, want) != 0) {
			json_object_put(st);
			mgr_fail(&e, MGR_SERVERERROR, "out of memory");
			goto unlock;
		}
		want = NULL;
		res = reply(env, st);
	} else {
		struct json_object *o = json_object_new_object();

		mgr_reg_commit(&m->reg, id, NULL);
		add_str(o, "slice_id", id);
		add_str(o, "state", "non-existing");
		res = reply(env, o);
	}
unlock:
	pthread_mutex_unlock(&m->lock);
out:
	mgr_slice_free(want);
	mgr_slice_clear(&spec);
	free(id);
	free(spec_xml);
	free_names(names, n_names);
	for (i = 0; i < 4; i++) {
		if (term[i] != NULL && i == 3)
			explicit_bzero(term[i], strlen(term[i]));   /* the terminal's key */
		free(term[i]);
	}
	if (res == NULL && !env->fault_occurred) {
		if (e.code == MGR_OK)
			mgr_fail(&e, MGR_SERVERERROR, "%s failed", method);
		fault(env, &e);
	}
	return res;
}

#define MUTATOR(fn, op)                                                                     \
	static xmlrpc_value *fn(xmlrpc_env *env, xmlrpc_value *params, void *srv, void *call) \
	{                                                                                   \
		(void)call;                                                                 \
		return mutate(env, srv, op, params);                                        \
	}
MUTATOR(m_create, OP_CREATE)
MUTATOR(m_add, OP_ADD)
MUTATOR(m_delete, OP_DELETE)
MUTATOR(m_run, OP_RUN)
MUTATOR(m_stop, OP_STOP)
MUTATOR(m_delete_slice, OP_DELETE_SLICE)
MUTATOR(m_add_terminal, OP_ADD_TERMINAL)
MUTATOR(m_remove_terminal, OP_REMOVE_TERMINAL)

/* ---------------------------------------------------------------- queries */

static xmlrpc_value *
m_status(xmlrpc_env *env, xmlrpc_value *params, void *srv, void *call)
{
	struct mgr *m = srv;
	struct mgr_err e = { 0 };
	struct json_object *o = NULL;
	char *id = NULL;
	unsigned int i;

	(void)call;
	if (max_args(env, params, 1, "Status", &e) != 0 ||
	    (xmlrpc_array_size(env, params) == 1 &&
	     arg_str(env, params, 0, "Status", "slice_id or \"all\"", &id, &e) != 0)) {
		fault(env, &e);
		return NULL;
	}
	pthread_mutex_lock(&m->lock);
	m->calls++;
	if (id == NULL || strcmp(id, "all") == 0) {
		struct json_object *a = json_object_new_array();

		for (i = 0; i < m->reg.n; i++)
			json_object_array_add(a, slice_status(m, m->reg.slices[i]));
		o = json_object_new_object();
		json_object_object_add(o, "slices", a);
	} else if (mgr_reg_find(&m->reg, id) != NULL) {
		o = slice_status(m, mgr_reg_find(&m->reg, id));
	} else {
		mgr_fail(&e, MGR_SEARCHFAILED, "no slice '%.80s'", id);
	}
	pthread_mutex_unlock(&m->lock);
	free(id);
	if (o == NULL) {
		fault(env, &e);
		return NULL;
	}
	return reply(env, o);
}

static struct json_object *
pick(struct json_object *o, const char *const *keys)
{
	struct json_object *r = json_object_new_object(), *v;

	for (; *keys != NULL; keys++)
		if (json_object_object_get_ex(o, *keys, &v))
			json_object_object_add(r, *keys, json_object_get(v));
	return r;
}

/* Add the numbers of object 'from' to those of the same keys in 'to' ('keys' NULL: all). */
static void
numbers_add(struct json_object *to, struct json_object *from, const char *const *keys)
{
	struct json_object *cur;

	json_object_object_foreach(from, k, n) {
		const char *const *kk;
		int64_t v;

		for (kk = keys; kk != NULL && *kk != NULL && strcmp(*kk, k) != 0; kk++)
			;
		if ((kk != NULL && *kk == NULL) || !json_object_is_type(n, json_type_int))
			continue;
		v = json_object_get_int64(n);
		if (json_object_object_get_ex(to, k, &cur))
			v += json_object_get_int64(cur);
		add_int(to, k, v);
	}
}

/* The slice's drops by reason: the sum of its gw-core endpoints' "drops" objects. */
static struct json_object *
drops_sum(struct json_object *eps)
{
	struct json_object *sum = json_object_new_object(), *d;
	size_t x;

	for (x = 0; eps != NULL && x < json_object_array_length(eps); x++)
		if (json_object_object_get_ex(json_object_array_get_idx(eps, x), "drops", &d))
			numbers_add(sum, d, NULL);
	return sum;
}

/*
 * An ipsec link vport's traffic flows through its terminals' endpoints (ike-REQID,
 * added by kernel-agw with link = the vport's endpoint): add theirs to 'eo' and count
 * them as "terminal_tunnels".
 */
static void
ipsec_terminals_add(struct json_object *eo, struct json_object *eps, const char *name)
{
	static const char *const nums[] = { "rx_pkts", "rx_bytes", "tx_pkts", "tx_bytes", NULL };
	struct json_object *lv, *d, *ed;
	int64_t n = 0;
	size_t x;

	for (x = 0; eps != NULL && x < json_object_array_length(eps); x++) {
		struct json_object *c = json_object_array_get_idx(eps, x);

		if (!json_object_object_get_ex(c, "link", &lv) ||
		    strcmp(json_object_get_string(lv), name) != 0)
			continue;
		numbers_add(eo, c, nums);
		if (json_object_object_get_ex(c, "drops", &d) &&
		    json_object_object_get_ex(eo, "drops", &ed))
			numbers_add(ed, d, NULL);
		n++;
	}
	add_int(eo, "terminal_tunnels", n);
}

static xmlrpc_value *
m_statistics(xmlrpc_env *env, xmlrpc_value *params, void *srv, void *call)
{
	static const char *const slice_keys[] = { "rx_pkts", "rx_bytes", "flooded", "learned",
						  NULL };
	static const char *const ep_keys[] = { "rx_pkts", "rx_bytes", "tx_pkts", "tx_bytes",
					       "drops", NULL };
	struct mgr *m = srv;
	struct mgr_err e = { 0 };
	struct json_object *o = NULL, *gs = NULL, *drops = NULL, *eps = NULL, *a;
	const struct mgr_slice *sl;
	char *id = NULL, *names[MAX_NAMES];
	unsigned int n_names = 0, i, j, k;

	(void)call;
	if (max_args(env, params, 2, "Statistics", &e) != 0 ||
	    arg_str(env, params, 0, "Statistics", "slice_id", &id, &e) != 0 ||
	    arg_names(env, params, 1, "Statistics", names, &n_names, &e) != 0)
		goto out;
	pthread_mutex_lock(&m->lock);
	m->calls++;
	sl = mgr_reg_find(&m->reg, id);
	if (sl == NULL) {
		mgr_fail(&e, MGR_SEARCHFAILED, "no slice '%.80s'", id);
		goto unlock;
	}
	for (k = 0; k < n_names; k++)
		if (mgr_slice_sliver(sl, names[k]) == NULL) {
			mgr_fail(&e, MGR_SEARCHFAILED, "slice '%s' has no sliver '%.80s'", id,
				 names[k]);
			goto unlock;
		}
	if (mgr_gwc_stats(&m->gwc, id, &gs, &drops, &e) != 0)
		goto unlock;
	o = gs != NULL ? pick(gs, slice_keys) : json_object_new_object();
	add_str(o, "slice_id", id);
	add_int(o, "time", (int64_t)time(NULL));
	if (gs != NULL)
		json_object_object_get_ex(gs, "endpoints", &eps);
	json_object_object_add(o, "drops", drops_sum(eps));
	a = json_object_new_array();
	for (i = 0; i < sl->n_slivers; i++) {
		const struct mgr_sliver *s = &sl->slivers[i];
		struct json_object *so, *ea;
		bool named = n_names == 0;

		for (k = 0; k < n_names && !named; k++)
			named = strcmp(names[k], s->name) == 0;
		if (!named)
			continue;
		so = json_object_new_object();
		add_str(so, "name", s->name);
		add_str(so, "state", mgr_state_name(s->state));
		ea = json_object_new_array();
		for (j = 0; s->kind == MGR_LINK && j < s->n_vports; j++) {
			char name[2 * MGR_NAME_MAX];
			struct json_object *eo = NULL;
			size_t x;

			if (!mgr_ep_in_gwc(s->vports[j].ep.type))
				continue;
			snprintf(name, sizeof(name), "%s.%s", s->name, s->vports[j].name);
			for (x = 0; eps != NULL && x < json_object_array_length(eps); x++) {
				struct json_object *c = json_object_array_get_idx(eps, x), *nv;

				if (json_object_object_get_ex(c, "name", &nv) &&
				    strcmp(json_object_get_string(nv), name) == 0)
					eo = pick(c, ep_keys);
			}
			if (eo == NULL) {   /* not programmed: zero */
				eo = json_object_new_object();
				add_int(eo, "rx_pkts", 0);
				add_int(eo, "rx_bytes", 0);
				add_int(eo, "tx_pkts", 0);
				add_int(eo, "tx_bytes", 0);
				json_object_object_add(eo, "drops", json_object_new_object());
			}
			if (s->vports[j].ep.type == MGR_EP_IPSEC)
				ipsec_terminals_add(eo, eps, name);
			add_str(eo, "vport", s->vports[j].name);
			add_str(eo, "gw_core_endpoint", name);
			json_object_array_add(ea, eo);
		}
		json_object_object_add(so, "endpoints", ea);
		json_object_array_add(a, so);
	}
	json_object_object_add(o, "slivers", a);
	json_object_object_add(o, "gw_core_drops", drops != NULL ? drops : json_object_new_object());
	drops = NULL;
unlock:
	pthread_mutex_unlock(&m->lock);
out:
	json_object_put(gs);
	json_object_put(drops);
	free(id);
	free_names(names, n_names);
	if (o == NULL) {
		if (!env->fault_occurred)
			fault(env, &e);
		return NULL;
	}
	return reply(env, o);
}

static xmlrpc_value *
m_resource_info(xmlrpc_env *env, xmlrpc_value *params, void *srv, void *call)
{
	const struct mgr_plan_conf *c;
	struct mgr *m = srv;
	struct json_object *o = json_object_new_object(), *g = json_object_new_object();
	struct json_object *ports = json_object_new_array();
	unsigned int i, j, k, n_slivers = 0;
	char buf[64];

	(void)call;
	(void)params;
	pthread_mutex_lock(&m->lock);
	m->calls++;
	c = &m->conf.plan;
	json_object_object_add(g, "connected", json_object_new_boolean(mgr_gwc_up(&m->gwc)));
	add_str(g, "socket", m->gwc.sock);
	add_str(g, "version", m->gwc.conn.version);
	add_str(g, "role", m->gwc.conn.role);
	add_int(g, "connects", (int64_t)m->gwc.connects);
	add_str(g, "last_error", m->gwc.last_error);
	json_object_object_add(o, "gw_core", g);
	g = json_object_new_object();
	json_object_object_add(g, "enabled", json_object_new_boolean(m->ike.conf.enabled));
	json_object_object_add(g, "connected", json_object_new_boolean(mgr_ike_up(&m->ike)));
	add_str(g, "vici_socket", m->ike.conf.uri);
	add_str(g, "ike_id", m->ike.conf.local_id);
	add_str(g, "ike_cert", m->ike.conf.cert_file);   /* "": PSK terminals only */
	add_str(g, "ike_cacert", m->ike.conf.cacert_file);
	add_int(g, "connects", (int64_t)m->ike.connects);
	add_str(g, "last_error", m->ike.last_error);
	json_object_object_add(o, "charon", g);
	for (i = 0; m->gwc.ports != NULL && m->gwc.ports[i] != NULL; i++) {
		struct json_object *p = json_object_new_object(), *vids = json_object_new_array();
		uint64_t bw = 0;
		unsigned int keys = 0;
		const char *pn = m->gwc.ports[i];

		for (j = 0; j < m->reg.n; j++) {
			const struct mgr_slice *sl = m->reg.slices[j];

			for (k = 0; k < sl->n_slivers; k++) {
				const struct mgr_sliver *s = &sl->slivers[k];
				unsigned int v;
				bool on = false;

				for (v = 0; s->kind == MGR_LINK && v < s->n_vports; v++) {
					const struct mgr_ep *ep = &s->vports[v].ep;

					if (!mgr_ep_in_gwc(ep->type) || strcmp(ep->port, pn) != 0)
						continue;
					on = true;
					if (ep->type == MGR_EP_VLAN)
						json_object_array_add(vids,
								      json_object_new_int(ep->vid));
					keys += ep->type == MGR_EP_GRE;
				}
				bw += on ? s->bandwidth_bps : 0;
			}
		}
		add_str(p, "name", pn);
		add_int(p, "capacity_bps", (int64_t)c->port_capacity_bps);
		add_int(p, "reserved_bps", (int64_t)bw);
		json_object_object_add(p, "vids_used", vids);
		add_int(p, "gre_endpoints", keys);
		json_object_array_add(ports, p);
	}
	json_object_object_add(o, "ports", ports);
	snprintf(buf, sizeof(buf), "%u-%u", c->vid_min, c->vid_max);
	add_str(o, "vid_range", buf);
	snprintf(buf, sizeof(buf), "%u-%u", c->key_min, c->key_max);
	add_str(o, "gre_key_range", buf);
	add_str(o, "uplink_port", c->uplink_port);
	add_str(o, "access_port", c->access_port);
	for (i = 0; i < m->reg.n; i++)
		n_slivers += m->reg.slices[i]->n_slivers;
	add_int(o, "slices", m->reg.n);
	add_int(o, "slivers", n_slivers);
	add_int(o, "started", m->started);
	add_int(o, "calls", (int64_t)m->calls);
	pthread_mutex_unlock(&m->lock);
	return reply(env, o);
}

/* ---------------------------------------------------------------- registration */

int
mgr_rpc_register(xmlrpc_env *env, xmlrpc_registry *reg, struct mgr *m)
{
	const struct xmlrpc_method_info3 methods[] = {
		{ "CreateSlice", m_create, m, 0, "S:ss",
		  "CreateSlice(slice_id, spec): create slice slice_id from a VNode slice spec "
		  "(XML, docs/slice-spec.md); every sliver becomes 'created'. Returns the slice's "
		  "status." },
		{ "Add", m_add, m, 0, "S:ss",
		  "Add(slice_id, spec): add the slivers and binds of spec to an existing slice; "
		  "binds may name its slivers. New slivers are 'created'." },
		{ "Delete", m_delete, m, 0, "S:sA",
		  "Delete(slice_id, sliver_names): remove slivers (and their binds) from a slice; "
		  "a link that stays may not lose its bind." },
		{ "Run", m_run, m, 0, "S:s,S:sA",
		  "Run(slice_id[, sliver_names]): created -> executed; link slivers are "
		  "programmed into gw-core. Without names, every created sliver." },
		{ "Stop", m_stop, m, 0, "S:s,S:sA",
		  "Stop(slice_id[, sliver_names]): executed -> created; link slivers leave "
		  "gw-core. Without names, every executed sliver." },
		{ "DeleteSlice", m_delete_slice, m, 0, "S:s",
		  "DeleteSlice(slice_id): remove the slice and all its slivers." },
		{ "AddTerminal", m_add_terminal, m, 0, "S:sssss",
		  "AddTerminal(slice_id, link_sliver, vport, terminal, auth): the IPsec vport "
		  "admits terminal (its IKE identity) with auth \"psk:SECRET\" or \"pubkey\" (an X.509 "
		  "certificate for that identity from the CA in [manager] ike_cacert); running, "
		  "charon gets its connection at once. Returns the slice's status." },
		{ "RemoveTerminal", m_remove_terminal, m, 0, "S:ssss",
		  "RemoveTerminal(slice_id, link_sliver, vport, terminal): the IPsec vport no "
		  "longer admits terminal; its tunnel is closed." },
		{ "ResourceInfo", m_resource_info, m, 0, "S:",
		  "ResourceInfo(): gw-core connection, ports with reserved bandwidth and VIDs in "
		  "use, allocation ranges, counts." },
		{ "Status", m_status, m, 0, "S:,S:s",
		  "Status(slice_id | \"all\"): state of a slice and its slivers (with the "
		  "endpoints chosen for link vports), or of every slice." },
		{ "Statistics", m_statistics, m, 0, "S:s,S:sA",
		  "Statistics(slice_id[, sliver_names]): packets, bytes and drops by reason per "
		  "slice and per link-sliver endpoint, read from gw-core; gw-core's drops by "
		  "reason (all slices)." },
	};
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		xmlrpc_registry_add_method3(env, reg, &methods[i]);
		if (env->fault_occurred)
			return -1;
	}
	return 0;
}
