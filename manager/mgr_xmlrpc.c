/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VNode front end: the manager's XML-RPC methods (docs/manager-api.md; seed 000's
 * Common API command set in the VNode two-argument form, plus AddTerminal and
 * RemoveTerminal). Each method decodes its xmlrpc_value arguments into a struct mgr_req
 * or plain strings, calls the transport-neutral operation (mgr_ops.h), and encodes the
 * json-c result, or the struct mgr_err as a fault, exactly once. The only file that
 * touches xmlrpc_env. Runs on Abyss's connection threads.
 */
#define _GNU_SOURCE   /* memmem */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <xmlrpc-c/base.h>
#include <xmlrpc-c/server.h>

#include "mgr_ops.h"
#include "mgr_xml.h"
#include "mgr_xmlrpc.h"

/* ---------------------------------------------------------------- values */

/* A typed value of mgr_capi.h ({"$xmlrpc.TYPE": TEXT}) back to XML-RPC; NULL if 'j' is
 * not one. */
static xmlrpc_value *
typed_to_xmlrpc(xmlrpc_env *env, struct json_object *j)
{
	size_t tl = strlen(MGR_CAPI_TAG);

	if (json_object_object_length(j) != 1)
		return NULL;
	json_object_object_foreach(j, k, jv) {
		const char *t = k + tl, *text = json_object_get_string(jv);

		if (strncmp(k, MGR_CAPI_TAG, tl) != 0)
			return NULL;
		if (strcmp(t, "i8") == 0)
			return xmlrpc_i8_new(env, strtoll(text, NULL, 10));
		if (strcmp(t, "nil") == 0)
			return xmlrpc_nil_new(env);
		if (strcmp(t, "dateTime.iso8601") == 0)
			return xmlrpc_datetime_new_str(env, text);
		if (strcmp(t, "base64") == 0) {
			size_t n = strlen(text), pad = 0;
			unsigned char *b = malloc(n / 4 * 3 + 3);
			xmlrpc_value *v;
			int len;

			if (b == NULL)
				return NULL;
			len = EVP_DecodeBlock(b, (const unsigned char *)text, (int)n);
			pad = n >= 2 ? (text[n - 1] == '=') + (text[n - 2] == '=') : 0;
			v = xmlrpc_base64_new(env, len > 0 ? (size_t)len - pad : 0, b);
			free(b);
			return v;
		}
	}
	return NULL;
}

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
		if ((v = typed_to_xmlrpc(env, j)) != NULL)
			return v;
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

static struct json_object *
typed(const char *type, struct json_object *text)
{
	struct json_object *o = json_object_new_object();
	char k[48];

	snprintf(k, sizeof(k), "%s%s", MGR_CAPI_TAG, type);
	json_object_object_add(o, k, text);
	return o;
}

/* XML-RPC value -> json-c, the types JSON lacks as typed values (mgr_capi.h). */
static struct json_object *
from_xmlrpc(xmlrpc_env *env, xmlrpc_value *v)
{
	struct json_object *j = NULL;
	int i, n;

	switch (xmlrpc_value_type(v)) {
	case XMLRPC_TYPE_INT: {
		int x;

		xmlrpc_read_int(env, v, &x);
		return json_object_new_int(x);
	}
	case XMLRPC_TYPE_BOOL: {
		xmlrpc_bool b;

		xmlrpc_read_bool(env, v, &b);
		return json_object_new_boolean(b);
	}
	case XMLRPC_TYPE_DOUBLE: {
		double d;

		xmlrpc_read_double(env, v, &d);
		return json_object_new_double(d);
	}
	case XMLRPC_TYPE_I8: {
		xmlrpc_int64 x;
		char buf[32];

		xmlrpc_read_i8(env, v, &x);
		snprintf(buf, sizeof(buf), "%lld", (long long)x);
		return typed("i8", json_object_new_string(buf));
	}
	case XMLRPC_TYPE_NIL:
		return typed("nil", json_object_new_string(""));
	case XMLRPC_TYPE_DATETIME: {
		const char *t;

		xmlrpc_read_datetime_str(env, v, &t);
		if (env->fault_occurred)
			return NULL;
		j = typed("dateTime.iso8601", json_object_new_string(t));
		free((char *)t);
		return j;
	}
	case XMLRPC_TYPE_BASE64: {
		const unsigned char *b;
		unsigned char *t;
		size_t len;

		xmlrpc_read_base64(env, v, &len, &b);
		if (env->fault_occurred)
			return NULL;
		t = malloc(len / 3 * 4 + 8);
		if (t != NULL) {
			EVP_EncodeBlock(t, b, (int)len);
			j = typed("base64", json_object_new_string((char *)t));
		}
		free(t);
		free((void *)b);
		return j;
	}
	case XMLRPC_TYPE_STRING: {
		const char *t;
		size_t len;

		xmlrpc_read_string_lp(env, v, &len, &t);
		if (env->fault_occurred)
			return NULL;
		j = json_object_new_string_len(t, (int)len);
		free((char *)t);
		return j;
	}
	case XMLRPC_TYPE_ARRAY:
		j = json_object_new_array();
		n = xmlrpc_array_size(env, v);
		for (i = 0; !env->fault_occurred && i < n; i++) {
			xmlrpc_value *it;
			struct json_object *x;

			xmlrpc_array_read_item(env, v, i, &it);
			if (env->fault_occurred)
				break;
			x = from_xmlrpc(env, it);
			xmlrpc_DECREF(it);
			if (x != NULL)
				json_object_array_add(j, x);
		}
		break;
	case XMLRPC_TYPE_STRUCT:
		j = json_object_new_object();
		n = xmlrpc_struct_size(env, v);
		for (i = 0; !env->fault_occurred && i < n; i++) {
			xmlrpc_value *k, *it;
			const char *ks;
			struct json_object *x;

			xmlrpc_struct_read_member(env, v, (unsigned int)i, &k, &it);
			if (env->fault_occurred)
				break;
			xmlrpc_read_string(env, k, &ks);
			if (!env->fault_occurred) {
				/* the key is ours to free even when its value fails below */
				x = from_xmlrpc(env, it);
				if (x != NULL)
					json_object_object_add(j, ks, x);
				free((char *)ks);
			}
			xmlrpc_DECREF(k);
			xmlrpc_DECREF(it);
		}
		break;
	default:
		return json_object_new_string("");
	}
	if (env->fault_occurred) {
		json_object_put(j);
		return NULL;
	}
	return j;
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
	if (len > MGR_MAX_NAMES) {
		xmlrpc_DECREF(v);
		return mgr_fail(e, MGR_BADARGS, "%s: more than %d sliver names", method, MGR_MAX_NAMES);
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

/* The operation's answer as the method's result ('j' put), or its fault. */
static xmlrpc_value *
answer(xmlrpc_env *env, int rc, struct json_object *j, const struct mgr_err *e)
{
	xmlrpc_value *v;

	if (rc != 0) {
		fault(env, e);
		return NULL;
	}
	v = to_xmlrpc(env, j);
	json_object_put(j);
	return v;
}

/* ---------------------------------------------------------------- Common API 2.0 */

static xmlrpc_value *answer(xmlrpc_env *env, int rc, struct json_object *j,
			    const struct mgr_err *e);

/* Is this call the Common API 2.0 form (one struct argument)? */
static bool
is_capi(xmlrpc_env *env, xmlrpc_value *params)
{
	xmlrpc_value *v;
	bool yes;

	if (xmlrpc_array_size(env, params) != 1)
		return false;
	xmlrpc_array_read_item(env, params, 0, &v);
	if (env->fault_occurred) {
		xmlrpc_env_clean(env);
		xmlrpc_env_init(env);
		return false;
	}
	yes = xmlrpc_value_type(v) == XMLRPC_TYPE_STRUCT;
	xmlrpc_DECREF(v);
	return yes;
}

static xmlrpc_value *
capi(xmlrpc_env *env, struct mgr *m, const struct mgr_caller *who, enum mgr_capi_method meth,
     xmlrpc_value *params)
{
	struct json_object *cmd, *res = NULL;
	struct mgr_err e = { 0 };
	xmlrpc_value *v;
	int rc;

	xmlrpc_array_read_item(env, params, 0, &v);
	if (env->fault_occurred)
		return NULL;
	cmd = from_xmlrpc(env, v);
	xmlrpc_DECREF(v);
	if (cmd == NULL) {
		if (!env->fault_occurred)
			xmlrpc_env_set_fault(env, MGR_SERVERERROR, "SERVERERROR: out of memory");
		return NULL;
	}
	rc = mgr_op_capi(m, who, meth, cmd, &res, &e);
	json_object_put(cmd);
	return answer(env, rc, res, &e);
}

/* ---------------------------------------------------------------- mutations */

/* The arguments each mutation takes after slice_id (the VNode form). */
static xmlrpc_value *
mutate(xmlrpc_env *env, struct mgr *m, const struct mgr_caller *who, enum mgr_op op,
       xmlrpc_value *params)
{
	static const char *const what[] = { "link_sliver", "vport", "terminal", "auth" };
	const char *method = mgr_op_name(op);
	char *id = NULL, *spec = NULL, *names[MGR_MAX_NAMES], *term[4] = { NULL };
	struct mgr_req r = { .op = op, .who = who };
	struct json_object *res = NULL;
	struct mgr_err e = { 0 };
	unsigned int n_names = 0, i;
	int rc = -1;

	if (op <= MGR_OP_DELETE_SLICE && is_capi(env, params))
		return capi(env, m, who, (enum mgr_capi_method)mgr_capi_method(method), params);
	if (max_args(env, params, op == MGR_OP_DELETE_SLICE ? 1 : op == MGR_OP_ADD_TERMINAL ? 5 :
				  op == MGR_OP_REMOVE_TERMINAL ? 4 : 2, method, &e) != 0 ||
	    arg_str(env, params, 0, method, "slice_id", &id, &e) != 0)
		goto out;
	if (op == MGR_OP_ADD_TERMINAL || op == MGR_OP_REMOVE_TERMINAL) {
		for (i = 0; i < (op == MGR_OP_ADD_TERMINAL ? 4u : 3u); i++)
			if (arg_str(env, params, (int)i + 1, method, what[i], &term[i], &e) != 0)
				goto out;
	} else if (op == MGR_OP_CREATE || op == MGR_OP_ADD) {
		if (arg_str(env, params, 1, method, "spec", &spec, &e) != 0)
			goto out;
	} else if (op != MGR_OP_DELETE_SLICE) {
		if (arg_names(env, params, 1, method, names, &n_names, &e) != 0)
			goto out;
	}
	r.id = id;
	r.spec = spec;
	r.spec_len = spec != NULL ? strlen(spec) : 0;
	r.names = (const char *const *)names;
	r.n_names = n_names;
	r.link = term[0];
	r.vport = term[1];
	r.terminal = term[2];
	r.auth = term[3];
	rc = mgr_op_mutate(m, &r, &res, &e);
out:
	free(id);
	free(spec);
	free_names(names, n_names);
	for (i = 0; i < 4; i++) {
		if (term[i] != NULL && i == 3)
			explicit_bzero(term[i], strlen(term[i]));   /* the terminal's key */
		free(term[i]);
	}
	if (env->fault_occurred)
		return NULL;
	return answer(env, rc, res, &e);
}

#define MUTATOR(fn, op)                                                                     \
	static xmlrpc_value *fn(xmlrpc_env *env, xmlrpc_value *params, void *srv, void *call) \
	{                                                                                   \
		return mutate(env, srv, call, op, params);                                  \
	}
MUTATOR(xr_create, MGR_OP_CREATE)
MUTATOR(xr_add, MGR_OP_ADD)
MUTATOR(xr_delete, MGR_OP_DELETE)
MUTATOR(xr_run, MGR_OP_RUN)
MUTATOR(xr_stop, MGR_OP_STOP)
MUTATOR(xr_delete_slice, MGR_OP_DELETE_SLICE)
MUTATOR(xr_add_terminal, MGR_OP_ADD_TERMINAL)
MUTATOR(xr_remove_terminal, MGR_OP_REMOVE_TERMINAL)

/* ---------------------------------------------------------------- queries */

static xmlrpc_value *
xr_status(xmlrpc_env *env, xmlrpc_value *params, void *srv, void *call)
{
	struct json_object *res = NULL;
	struct mgr_err e = { 0 };
	char *id = NULL;
	int rc = -1;

	if (is_capi(env, params))
		return capi(env, srv, call, MGR_CAPI_STATUS, params);
	if (max_args(env, params, 1, "Status", &e) == 0 &&
	    (xmlrpc_array_size(env, params) == 0 ||
	     arg_str(env, params, 0, "Status", "slice_id or \"all\"", &id, &e) == 0))
		rc = mgr_op_status(srv, call, id, &res, &e);
	free(id);
	return answer(env, rc, res, &e);
}

static xmlrpc_value *
xr_statistics(xmlrpc_env *env, xmlrpc_value *params, void *srv, void *call)
{
	struct json_object *res = NULL;
	struct mgr_err e = { 0 };
	char *id = NULL, *names[MGR_MAX_NAMES];
	unsigned int n_names = 0;
	int rc = -1;

	if (is_capi(env, params))
		return capi(env, srv, call, MGR_CAPI_STATISTICS, params);
	if (max_args(env, params, 2, "Statistics", &e) == 0 &&
	    arg_str(env, params, 0, "Statistics", "slice_id", &id, &e) == 0 &&
	    arg_names(env, params, 1, "Statistics", names, &n_names, &e) == 0)
		rc = mgr_op_statistics(srv, call, id, (const char *const *)names, n_names, &res,
				       &e);
	free(id);
	free_names(names, n_names);
	if (env->fault_occurred)
		return NULL;
	return answer(env, rc, res, &e);
}

static xmlrpc_value *
xr_resource_info(xmlrpc_env *env, xmlrpc_value *params, void *srv, void *call)
{
	struct json_object *res = NULL;
	struct mgr_err e = { 0 };
	int rc = -1;

	if (is_capi(env, params))
		return capi(env, srv, call, MGR_CAPI_RESOURCE_INFO, params);
	if (max_args(env, params, 0, "ResourceInfo", &e) == 0)
		rc = mgr_op_resource_info(srv, &res, &e);
	return answer(env, rc, res, &e);
}

/* ---------------------------------------------------------------- registration */

static int
register_methods(xmlrpc_env *env, xmlrpc_registry *reg, struct mgr *m)
{
	const struct xmlrpc_method_info3 methods[] = {
		{ "CreateSlice", xr_create, m, 0, "S:ss,S:S",
		  "CreateSlice(slice_id, spec): create slice slice_id from a VNode slice spec "
		  "(XML, docs/slice-spec.md); every sliver becomes 'created'. Returns the slice's "
		  "status." },
		{ "Add", xr_add, m, 0, "S:ss,S:S",
		  "Add(slice_id, spec): add the slivers and binds of spec to an existing slice; "
		  "binds may name its slivers. New slivers are 'created'." },
		{ "Delete", xr_delete, m, 0, "S:sA,S:S",
		  "Delete(slice_id, sliver_names): remove slivers (and their binds) from a slice; "
		  "a link that stays may not lose its bind." },
		{ "Run", xr_run, m, 0, "S:s,S:sA,S:S",
		  "Run(slice_id[, sliver_names]): created -> executed; link slivers are "
		  "programmed into gw-core. Without names, every created sliver." },
		{ "Stop", xr_stop, m, 0, "S:s,S:sA,S:S",
		  "Stop(slice_id[, sliver_names]): executed -> created; link slivers leave "
		  "gw-core. Without names, every executed sliver." },
		{ "DeleteSlice", xr_delete_slice, m, 0, "S:s,S:S",
		  "DeleteSlice(slice_id): remove the slice and all its slivers." },
		{ "AddTerminal", xr_add_terminal, m, 0, "S:sssss",
		  "AddTerminal(slice_id, link_sliver, vport, terminal, auth): the IPsec vport "
		  "admits terminal (its IKE identity) with auth \"psk:SECRET\" or \"pubkey\" (an X.509 "
		  "certificate for that identity from the CA in [manager] ike_cacert); running, "
		  "charon gets its connection at once. Returns the slice's status." },
		{ "RemoveTerminal", xr_remove_terminal, m, 0, "S:ssss",
		  "RemoveTerminal(slice_id, link_sliver, vport, terminal): the IPsec vport no "
		  "longer admits terminal; its tunnel is closed." },
		{ "ResourceInfo", xr_resource_info, m, 0, "S:,S:S",
		  "ResourceInfo(): gw-core connection, ports with reserved bandwidth and VIDs in "
		  "use, allocation ranges, counts." },
		{ "Status", xr_status, m, 0, "S:,S:s,S:S",
		  "Status(slice_id | \"all\"): state of a slice and its slivers (with the "
		  "endpoints chosen for link vports), or of every slice." },
		{ "Statistics", xr_statistics, m, 0, "S:s,S:sA,S:S",
		  "Statistics(slice_id[, sliver_names]): packets, bytes and drops by reason per "
		  "slice and per link-sliver endpoint, read from gw-core; gw-core's drops by "
		  "reason (all slices). Every method also takes one struct: the Common API 2.0 "
		  "form (docs/common-api.md)." },
	};
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		xmlrpc_registry_add_method3(env, reg, &methods[i]);
		if (env->fault_occurred)
			return -1;
	}
	return 0;
}

struct mgr_xmlrpc {
	struct mgr *m;
	xmlrpc_registry *registry;
	struct mgr_xml_limits lim;
};

/* A method name the registry does not hold: BADARGS, as any other bad request. */
static xmlrpc_value *
unknown_method(xmlrpc_env *env, const char *call, const char *method, xmlrpc_value *params,
	       void *srv)
{
	struct mgr_err e;

	(void)call;
	(void)params;
	(void)srv;
	mgr_fail(&e, MGR_BADARGS, "no method '%.64s' (system.listMethods lists them)", method);
	fault(env, &e);
	return NULL;
}

/* system.shutdown: not over the API (systemctl stop agw, or SIGTERM). */
static void
no_shutdown(xmlrpc_env *env, void *ctx, const char *comment, void *call)
{
	struct mgr_err e;

	(void)ctx;
	(void)comment;
	(void)call;
	mgr_fail(&e, MGR_UNSUPPORTED, "system.shutdown is not offered: stop the manager with "
		 "its service (SIGTERM)");
	fault(env, &e);
}

struct mgr_xmlrpc *
mgr_xmlrpc_new(struct mgr *m)
{
	struct mgr_xmlrpc *x = calloc(1, sizeof(*x));
	xmlrpc_env env;

	if (x == NULL)
		return NULL;
	x->m = m;
	x->lim.max_depth = m->conf.limits.max_xml_depth;
	x->lim.max_text_bytes = m->conf.limits.max_string_bytes;
	x->lim.max_children = m->conf.limits.max_array_items;
	x->lim.xmlrpc = true;
	xmlrpc_env_init(&env);
	/* Our gate is stricter; these only keep xmlrpc-c's own checks consistent with it. */
	xmlrpc_limit_set(XMLRPC_XML_SIZE_LIMIT_ID, m->conf.max_request_bytes);
	xmlrpc_limit_set(XMLRPC_NESTING_LIMIT_ID, m->conf.limits.max_xml_depth);
	x->registry = xmlrpc_registry_new(&env);
	if (!env.fault_occurred)
		register_methods(&env, x->registry, m);
	if (!env.fault_occurred)
		xmlrpc_registry_set_default_method(&env, x->registry, unknown_method, m);
	if (!env.fault_occurred)
		xmlrpc_registry_set_shutdown(x->registry, no_shutdown, m);
	if (env.fault_occurred) {
		fprintf(stderr, "agw-manager: XML-RPC registry: %s\n", env.fault_string);
		xmlrpc_env_clean(&env);
		mgr_xmlrpc_destroy(x);
		return NULL;
	}
	xmlrpc_env_clean(&env);
	return x;
}

/* 'e' as a serialized methodResponse. */
static int
fault_response(const struct mgr_err *e, char **out, size_t *out_len)
{
	xmlrpc_mem_block *mb;
	xmlrpc_env env, f;
	int rc = -1;

	xmlrpc_env_init(&env);
	xmlrpc_env_init(&f);
	fault(&f, e);
	mb = XMLRPC_MEMBLOCK_NEW(char, &env, 0);
	if (!env.fault_occurred)
		xmlrpc_serialize_fault(&env, mb, &f);
	if (!env.fault_occurred) {
		*out_len = XMLRPC_MEMBLOCK_SIZE(char, mb);
		*out = malloc(*out_len + 1);
		if (*out != NULL) {
			memcpy(*out, XMLRPC_MEMBLOCK_CONTENTS(char, mb), *out_len);
			rc = 0;
		}
	}
	if (mb != NULL)
		XMLRPC_MEMBLOCK_FREE(char, mb);
	xmlrpc_env_clean(&f);
	xmlrpc_env_clean(&env);
	return rc;
}

/* Is the response 'xml' a fault of xmlrpc-c's own (a negative code: -503 for a body
 * that is not a methodCall, its system.* methods' argument checks)? Then 'e' is it as
 * BADARGS, or SERVERERROR for -500, with xmlrpc-c's message. */
static bool
own_fault(const char *xml, size_t len, struct mgr_err *e)
{
	const char *msg = NULL;
	xmlrpc_value *res = NULL;
	xmlrpc_env env;
	int code = 0;

	if (memmem(xml, len < 128 ? len : 128, "<fault>", 7) == NULL)
		return false;
	xmlrpc_env_init(&env);
	xmlrpc_parse_response2(&env, xml, len, &res, &code, &msg);
	if (res != NULL)
		xmlrpc_DECREF(res);
	if (!env.fault_occurred && msg != NULL && code < 0)
		mgr_fail(e, code == -500 ? MGR_SERVERERROR : MGR_BADARGS, "%s", msg);
	free((char *)msg);
	xmlrpc_env_clean(&env);
	return code < 0;
}

int
mgr_xmlrpc_call(struct mgr_xmlrpc *x, const struct mgr_caller *who, const char *body,
		size_t len, char **out, size_t *out_len)
{
	xmlrpc_mem_block *mb = NULL;
	struct mgr_err e = { 0 };
	xmlrpc_env env;
	int rc = -1;

	*out = NULL;
	*out_len = 0;
	if (mgr_xml_check(body, len, "request", &x->lim, &e) != 0)
		return fault_response(&e, out, out_len);
	xmlrpc_env_init(&env);
	xmlrpc_registry_process_call2(&env, x->registry, body, len, (void *)who, &mb);
	if (env.fault_occurred) {
		/* xmlrpc-c could not even make a fault response of it */
		mgr_fail(&e, MGR_SERVERERROR, "XML-RPC: %s", env.fault_string);
		xmlrpc_env_clean(&env);
		return fault_response(&e, out, out_len);
	}
	*out_len = XMLRPC_MEMBLOCK_SIZE(char, mb);
	if (own_fault(XMLRPC_MEMBLOCK_CONTENTS(char, mb), *out_len, &e)) {
		XMLRPC_MEMBLOCK_FREE(char, mb);
		xmlrpc_env_clean(&env);
		return fault_response(&e, out, out_len);
	}
	*out = malloc(*out_len + 1);
	if (*out != NULL) {
		memcpy(*out, XMLRPC_MEMBLOCK_CONTENTS(char, mb), *out_len);
		rc = 0;
	}
	XMLRPC_MEMBLOCK_FREE(char, mb);
	xmlrpc_env_clean(&env);
	return rc;
}

void
mgr_xmlrpc_destroy(struct mgr_xmlrpc *x)
{
	if (x == NULL)
		return;
	if (x->registry != NULL)
		xmlrpc_registry_free(x->registry);
	free(x);
}
