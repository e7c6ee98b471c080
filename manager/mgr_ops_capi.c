/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Common API 2.0 commands over the manager's operations (mgr_ops.h): the caller's
 * domain checked, the slice structure turned into slivers (mgr_capi.c), the same
 * mutations and queries as the VNode form, the federation record stored with the slice
 * in the same transaction, and the reply merged into the structure it answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agw_json.h"
#include "mgr_ops.h"

/* Is 'dn' one of the comma-separated 'list'? */
static bool
listed(const char *list, const char *dn)
{
	size_t n = strlen(dn);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, dn, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
		p = strchr(p, ',');
	}
	return false;
}

/* May 'who' give src_infra_name 'dn'? */
static int
speaks_for(const struct mgr_caller *who, const char *dn, struct mgr_err *e)
{
	if (who == NULL)
		return 0;
	if (who->domains != NULL && who->domains[0] != '\0') {
		if (listed(who->domains, dn) || strcmp(who->domains, "*") == 0)
			return 0;
		return mgr_fail(e, MGR_FORBIDDEN, "principal '%s' does not speak for domain "
				"'%.64s' (src_infra_name; its [principal] domains are %.128s)",
				who->principal, dn, who->domains);
	}
	if (who->admin)
		return 0;
	return mgr_fail(e, MGR_FORBIDDEN, "principal '%s' has no federated domains: set "
			"[principal %s] domains = DOMAIN[,DOMAIN...] to let it use the Common API",
			who->principal, who->principal);
}

/* A reply's head: command_version, src_infra_name, return_code 0. */
static struct json_object *
reply_head(const struct mgr_capi_cmd *c)
{
	struct json_object *o = json_object_new_object();

	agw_json_add_str(o, "command_version", MGR_CAPI_VERSION);
	agw_json_add_str(o, "src_infra_name", c->src_infra_name);
	agw_json_add_int(o, "return_code", 0);
	return o;
}

struct fed_arg {
	const struct mgr_capi_conf *conf;
	enum mgr_capi_method m;
	const struct mgr_capi_cmd *cmd;
};

static int
fed_record(void *arg, const struct mgr_slice *old, struct mgr_slice *want, struct mgr_err *e)
{
	struct fed_arg *f = arg;
	char *text;

	if (want == NULL)
		return 0;
	/* gw-core bridges a slice as one domain: two inter-domain links would hear each
	 * other (an Add may bring the second) */
	if (mgr_capi_gateway_links(f->conf, want) > 1)
		return mgr_fail(e, MGR_UNSUPPORTED, "this gateway carries one inter-domain virtual "
				"link per slice (a slice is one bridge domain in gw-core), and slice "
				"'%s' has one already; send each link crossing this gateway as a slice "
				"of its own", want->id);
	text = mgr_capi_record(f->m, f->cmd, old != NULL ? old->fed : NULL, e);
	if (text == NULL)
		return -1;
	free(want->fed);
	want->fed = text;
	return 0;
}

struct view_arg {
	struct json_object *structure;
	struct json_object *stats;
	struct json_object *res;
	char (*names)[MGR_NAME_MAX];
	unsigned int n;
};

static int
view_reply(struct mgr *m, const struct mgr_slice *sl, void *arg, struct mgr_err *e)
{
	struct view_arg *v = arg;

	v->res = mgr_capi_reply(&m->conf.capi, sl, v->stats);
	return v->res != NULL ? 0 : mgr_fail(e, MGR_SERVERERROR, "out of memory");
}

static int
view_names(struct mgr *m, const struct mgr_slice *sl, void *arg, struct mgr_err *e)
{
	struct view_arg *v = arg;
	const char *p[MGR_MAX_NAMES];
	int n, i;

	n = mgr_capi_names(&m->conf.capi, v->structure, sl, p, MGR_MAX_NAMES, e);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		snprintf(v->names[i], MGR_NAME_MAX, "%s", p[i]);
	v->n = (unsigned int)n;
	return 0;
}

int
mgr_op_capi(struct mgr *m, const struct mgr_caller *who, enum mgr_capi_method meth,
	    struct json_object *cmd, struct json_object **res, struct mgr_err *e)
{
	static const enum mgr_op ops[] = {
		[MGR_CAPI_CREATE_SLICE] = MGR_OP_CREATE, [MGR_CAPI_ADD] = MGR_OP_ADD,
		[MGR_CAPI_DELETE] = MGR_OP_DELETE, [MGR_CAPI_RUN] = MGR_OP_RUN,
		[MGR_CAPI_STOP] = MGR_OP_STOP, [MGR_CAPI_DELETE_SLICE] = MGR_OP_DELETE_SLICE,
	};
	char names[MGR_MAX_NAMES][MGR_NAME_MAX];
	const char *np[MGR_MAX_NAMES];
	struct view_arg v = { .names = names };
	struct mgr_capi_cmd c;
	struct mgr_slice parsed = { 0 };
	struct fed_arg fa = { &m->conf.capi, meth, &c };
	struct mgr_req r = { 0 };
	struct json_object *tmp = NULL;
	unsigned int i;
	int rc = -1;

	*res = NULL;
	if (mgr_capi_decode(meth, cmd, &c, e) != 0 || speaks_for(who, c.src_infra_name, e) != 0)
		return -1;
	if (meth == MGR_CAPI_RESOURCE_INFO) {
		if (mgr_op_resource_info(m, &tmp, e) != 0)
			return -1;
		*res = reply_head(&c);
		agw_json_add_str(*res, "dst_infra_name", m->conf.capi.domain);
		json_object_object_add(*res, "resource_information",
				       mgr_capi_resources(&m->conf.capi, tmp));
		json_object_put(tmp);
		return 0;
	}
	v.structure = c.structure;
	if ((meth == MGR_CAPI_DELETE || meth == MGR_CAPI_RUN || meth == MGR_CAPI_STOP ||
	     meth == MGR_CAPI_STATISTICS) && c.structure != NULL &&
	    mgr_op_view(m, who, c.src_slice_id, view_names, &v, e) != 0)
		return -1;
	for (i = 0; i < v.n; i++)
		np[i] = names[i];
	switch (meth) {
	case MGR_CAPI_CREATE_SLICE:
	case MGR_CAPI_ADD:
		if (mgr_capi_slice(&m->conf.capi, c.structure, &parsed, e) != 0)
			return -1;
		/* fall through */
	case MGR_CAPI_DELETE:
	case MGR_CAPI_RUN:
	case MGR_CAPI_STOP:
	case MGR_CAPI_DELETE_SLICE:
		if (meth == MGR_CAPI_DELETE && v.n == 0)
			return mgr_fail(e, MGR_BADARGS, "Delete: slice_structure lists no node or "
					"link of this AGW's (DeleteSlice removes a whole slice)");
		r.op = ops[meth];
		r.who = who;
		r.id = c.src_slice_id;
		r.parsed = &parsed;
		r.names = np;
		r.n_names = v.n;
		r.fed = fed_record;
		r.fed_arg = &fa;
		rc = mgr_op_mutate(m, &r, &tmp, e);
		mgr_slice_clear(&parsed);
		json_object_put(tmp);
		if (rc != 0)
			return -1;
		if (meth == MGR_CAPI_DELETE_SLICE) {
			*res = reply_head(&c);
			agw_json_add_str(*res, "src_slice_id", c.src_slice_id);
			agw_json_add_str(*res, "slice_status", "non-existing");
			return 0;
		}
		break;
	case MGR_CAPI_STATISTICS:
		if (mgr_op_statistics(m, who, c.src_slice_id, np, v.n, &v.stats, e) != 0)
			return -1;
		break;
	default:
		break;
	}
	rc = mgr_op_view(m, who, c.src_slice_id, view_reply, &v, e);
	json_object_put(v.stats);
	*res = v.res;
	return rc;
}
