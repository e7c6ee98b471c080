/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's operations without a transport (mgr_ops.h): each mutation plans,
 * applies to the daemons with rollback, stores and commits; the queries read the
 * registry (and gw-core's counters). Any front-end thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agw_json.h"
#include "mgr_ops.h"

static const char *const op_names[] = {
	[MGR_OP_CREATE] = "CreateSlice", [MGR_OP_ADD] = "Add", [MGR_OP_DELETE] = "Delete",
	[MGR_OP_RUN] = "Run", [MGR_OP_STOP] = "Stop", [MGR_OP_DELETE_SLICE] = "DeleteSlice",
	[MGR_OP_ADD_TERMINAL] = "AddTerminal", [MGR_OP_REMOVE_TERMINAL] = "RemoveTerminal",
};

const char *
mgr_op_name(enum mgr_op op)
{
	return (unsigned int)op < sizeof(op_names) / sizeof(op_names[0]) ? op_names[op] : "?";
}

/* May 'who' see and change slice 'sl'? */
static bool
may(const struct mgr_caller *who, const struct mgr_slice *sl)
{
	return who == NULL || who->admin || strcmp(sl->owner, who->principal) == 0;
}

/* Slice 'id' as 'who' may see it: NULL when it does not exist or is another's. */
static const struct mgr_slice *
find(struct mgr *m, const struct mgr_caller *who, const char *id)
{
	const struct mgr_slice *sl = mgr_reg_find(&m->reg, id);

	return sl != NULL && may(who, sl) ? sl : NULL;
}

/* A fault for 'who' names no slice it may not see: "slice 'ID'" of another principal's
 * slice becomes "another principal's slice" (conflicts name their holder). */
static void
redact(const struct mgr *m, const struct mgr_caller *who, struct mgr_err *e)
{
	char pat[MGR_NAME_MAX + 16], *at;
	static const char other[] = "another principal's slice";
	unsigned int i;

	for (i = 0; who != NULL && !who->admin && i < m->reg.n; i++) {
		if (may(who, m->reg.slices[i]))
			continue;
		snprintf(pat, sizeof(pat), "slice '%s'", m->reg.slices[i]->id);
		while ((at = strstr(e->msg, pat)) != NULL) {
			size_t pl = strlen(pat), ol = strlen(other), rest = strlen(at + pl) + 1;

			if ((size_t)(at - e->msg) + ol + rest > sizeof(e->msg))
				break;
			memmove(at + ol, at + pl, rest);
			memcpy(at, other, ol);
		}
	}
}

/*
 * Make the node slivers, gw-core and charon go from 'old' to 'want' for slice 'id'. What
 * takes things away goes to charon first (its IKE_SAs close, and with them the plugin's
 * SAs in gw-core) and may proceed while a daemon is down (its reconnect reconciles), and
 * node slivers stop last, once gw-core let go of their ports; what adds starts node
 * slivers first (a container's veths must exist for gw-core's ports), then gw-core,
 * then VMs (QEMU needs gw-core's vhost-user sockets at start-up), then charon, so the
 * link endpoint is there before a terminal's SA. A failure undoes the others' part.
 */
static int
apply(struct mgr *m, const char *id, const struct mgr_slice *old, const struct mgr_slice *want,
      bool shrink, struct mgr_err *e)
{
	if (shrink) {
		if (mgr_charon_apply(&m->charon, id, old, want, e) != 0 && e->code != MGR_UNAVAILABLE)
			return -1;
		if (mgr_gwc_apply(&m->gwc, &m->reg, id, old, want, e) != 0 &&
		    e->code != MGR_UNAVAILABLE) {
			mgr_charon_apply(&m->charon, id, want, old, NULL);
			return -1;
		}
		mgr_nsl_stop(m, old, want);
		return 0;
	}
	if (mgr_nsl_start(m, old, want, e) != 0)
		return -1;
	if (mgr_gwc_apply(&m->gwc, &m->reg, id, old, want, e) != 0) {
		mgr_nsl_stop(m, want, old);
		return -1;
	}
	if (mgr_nsl_launch(m, old, want, e) != 0) {   /* VMs: after their vhost-user ports */
		mgr_gwc_apply(&m->gwc, &m->reg, id, want, old, NULL);
		mgr_nsl_stop(m, want, old);
		return -1;
	}
	if (mgr_charon_apply(&m->charon, id, old, want, e) != 0) {
		mgr_gwc_apply(&m->gwc, &m->reg, id, want, old, NULL);
		mgr_nsl_stop(m, want, old);
		return -1;
	}
	return 0;
}

/* Plan 'r' ('spec': its parsed spec) against the registry. @return 0 with '*want' the
 * slice after it (NULL for DeleteSlice), or -1 with 'e'. m->lock and m->io_lock held
 * (the port list is gw-core's). */
static int
plan(struct mgr *m, const struct mgr_req *r, const struct mgr_slice *spec,
     struct mgr_slice **want, struct mgr_err *e)
{
	m->conf.plan.ports = (const char *const *)m->gwc.ports;
	switch (r->op) {
	case MGR_OP_CREATE:
		return mgr_plan_create(&m->reg, &m->conf.plan, r->id, spec, want, e);
	case MGR_OP_ADD:
		return mgr_plan_add(&m->reg, &m->conf.plan, r->id, spec, want, e);
	case MGR_OP_DELETE:
		return mgr_plan_delete(&m->reg, r->id, r->names, r->n_names, want, e);
	case MGR_OP_RUN:
	case MGR_OP_STOP:
		return mgr_plan_transition(&m->reg, r->id, r->names, r->n_names,
					   r->op == MGR_OP_RUN ? MGR_EXECUTED : MGR_CREATED, want, e);
	case MGR_OP_ADD_TERMINAL:
	case MGR_OP_REMOVE_TERMINAL:
		return mgr_plan_terminal(&m->reg, &m->conf.plan, r->id, r->link, r->vport,
					 r->terminal, r->op == MGR_OP_ADD_TERMINAL ? r->auth : NULL,
					 want, e);
	case MGR_OP_DELETE_SLICE:
		return mgr_plan_delete_slice(&m->reg, r->id, want, e);
	}
	return mgr_fail(e, MGR_BADARGS, "unknown operation %d", (int)r->op);
}

int
mgr_op_mutate(struct mgr *m, const struct mgr_req *r, struct json_object **res,
	      struct mgr_err *e)
{
	bool shrink = r->op == MGR_OP_STOP || r->op == MGR_OP_DELETE ||
		      r->op == MGR_OP_DELETE_SLICE || r->op == MGR_OP_REMOVE_TERMINAL;
	struct mgr_slice spec = { 0 }, *want = NULL;
	struct mgr_nsl_started *started = NULL;
	const struct mgr_slice *old;
	struct mgr_err ue;
	int rc = -1;

	*res = NULL;
	if (r->n_names > MGR_MAX_NAMES)
		return mgr_fail(e, MGR_BADARGS, "%s: more than %d sliver names", mgr_op_name(r->op),
				MGR_MAX_NAMES);
	if (r->op == MGR_OP_DELETE && r->n_names == 0)
		return mgr_fail(e, MGR_BADARGS,
				"Delete(slice_id, sliver_names): name the slivers (DeleteSlice "
				"removes a whole slice)");
	/* the request is checked before anything is locked */
	if (mgr_slice_id_check(r->id, e) != 0)
		return -1;
	if ((r->op == MGR_OP_CREATE || r->op == MGR_OP_ADD) && r->parsed == NULL &&
	    mgr_spec_parse(r->spec, r->spec_len, &spec, e) != 0)
		return -1;
	pthread_mutex_lock(&m->lock);
	pthread_mutex_lock(&m->io_lock);
	m->calls++;
	old = mgr_reg_find(&m->reg, r->id);
	if (old != NULL && r->op != MGR_OP_CREATE && !may(r->who, old)) {
		mgr_fail(e, MGR_SEARCHFAILED, "no slice '%.80s'", r->id);
		goto unlock;
	}
	if (plan(m, r, r->parsed != NULL ? r->parsed : &spec, &want, e) != 0) {
		redact(m, r->who, e);
		goto unlock;
	}
	if (r->fed != NULL && r->fed(r->fed_arg, old, want, e) != 0)
		goto unlock;
	if (r->op == MGR_OP_CREATE && r->who != NULL)
		snprintf(want->owner, sizeof(want->owner), "%s", r->who->principal);
	if (apply(m, r->id, old, want, shrink, e) != 0)
		goto unlock;
	if ((want != NULL ? mgr_store_put(m->st, want, e) : mgr_store_del(m->st, r->id, e)) != 0) {
		apply(m, r->id, want, old, !shrink, &ue);
		goto unlock;
	}
	if (want != NULL) {
		struct json_object *st;

		started = mgr_nsl_started(old, want);
		st = started == NULL ? mgr_report_slice(m, want) : NULL;   /* after the wait */

		if (mgr_reg_commit(&m->reg, r->id, want) != 0) {
			json_object_put(st);
			mgr_fail(e, MGR_SERVERERROR, "out of memory");
			goto unlock;
		}
		want = NULL;
		*res = st;
	} else {
		mgr_reg_commit(&m->reg, r->id, NULL);
		*res = json_object_new_object();
		agw_json_add_str(*res, "slice_id", r->id);
		agw_json_add_str(*res, "state", "non-existing");
	}
	m->gen++;
	rc = 0;
unlock:
	pthread_mutex_unlock(&m->io_lock);
	pthread_mutex_unlock(&m->lock);
	mgr_slice_free(want);
	mgr_slice_clear(&spec);
	/* node slivers just started: Run answers once their vports are connected; Status
	 * says booting meanwhile (no lock is held while waiting) */
	if (rc == 0 && started != NULL) {
		if (mgr_nsl_wait(m, r->id, started, e) != 0) {
			char why[MGR_MSG_MAX];

			snprintf(why, sizeof(why), "%s", e->msg);
			mgr_nsl_unwind(m, r->id, started, strstr(why, "but ") ? strstr(why, "but ") + 4
									      : why);
			rc = -1;
		} else {
			rc = mgr_op_status(m, r->who, r->id, res, e);
		}
	}
	free(started);
	if (rc != 0 && e->code == MGR_OK)
		mgr_fail(e, MGR_SERVERERROR, "%s failed", mgr_op_name(r->op));
	return rc;
}

int
mgr_op_status(struct mgr *m, const struct mgr_caller *who, const char *id,
	      struct json_object **res, struct mgr_err *e)
{
	const struct mgr_slice *sl;
	unsigned int i;
	int rc = 0;

	*res = NULL;
	if (id != NULL && strcmp(id, "all") != 0 && mgr_slice_id_check(id, e) != 0)
		return -1;
	pthread_mutex_lock(&m->lock);
	m->calls++;
	if (id == NULL || strcmp(id, "all") == 0) {
		struct json_object *a = json_object_new_array();

		for (i = 0; i < m->reg.n; i++)
			if (may(who, m->reg.slices[i]))
				json_object_array_add(a, mgr_report_slice(m, m->reg.slices[i]));
		*res = json_object_new_object();
		json_object_object_add(*res, "slices", a);
	} else if ((sl = find(m, who, id)) != NULL) {
		*res = mgr_report_slice(m, sl);
	} else {
		rc = mgr_fail(e, MGR_SEARCHFAILED, "no slice '%.80s'", id);
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

int
mgr_op_statistics(struct mgr *m, const struct mgr_caller *who, const char *id,
		  const char *const *names, unsigned int n, struct json_object **res,
		  struct mgr_err *e)
{
	struct json_object *gs = NULL, *drops = NULL;
	const struct mgr_slice *sl;
	unsigned int k;
	int rc = -1;

	*res = NULL;
	if (mgr_slice_id_check(id, e) != 0)
		return -1;
	if (n > MGR_MAX_NAMES)
		return mgr_fail(e, MGR_BADARGS, "Statistics: more than %d sliver names",
				MGR_MAX_NAMES);
	pthread_mutex_lock(&m->lock);
	pthread_mutex_lock(&m->io_lock);
	m->calls++;
	sl = find(m, who, id);
	if (sl == NULL) {
		mgr_fail(e, MGR_SEARCHFAILED, "no slice '%.80s'", id);
		goto unlock;
	}
	for (k = 0; k < n; k++)
		if (mgr_slice_sliver(sl, names[k]) == NULL) {
			mgr_fail(e, MGR_SEARCHFAILED, "slice '%s' has no sliver '%.80s'", id, names[k]);
			goto unlock;
		}
	if (mgr_gwc_stats(&m->gwc, sl, &gs, &drops, e) != 0)
		goto unlock;
	*res = mgr_report_statistics(sl, names, n, gs, drops);
	rc = 0;
unlock:
	pthread_mutex_unlock(&m->io_lock);
	pthread_mutex_unlock(&m->lock);
	json_object_put(gs);
	if (rc != 0)
		json_object_put(drops);
	return rc;
}

int
mgr_op_view(struct mgr *m, const struct mgr_caller *who, const char *id,
	    int (*fn)(struct mgr *m, const struct mgr_slice *sl, void *arg, struct mgr_err *e),
	    void *arg, struct mgr_err *e)
{
	const struct mgr_slice *sl;
	int rc;

	if (mgr_slice_id_check(id, e) != 0)
		return -1;
	pthread_mutex_lock(&m->lock);
	m->calls++;
	sl = find(m, who, id);
	rc = sl != NULL ? fn(m, sl, arg, e) : mgr_fail(e, MGR_SEARCHFAILED, "no slice '%.80s'", id);
	pthread_mutex_unlock(&m->lock);
	return rc;
}

int
mgr_op_resource_info(struct mgr *m, struct json_object **res, struct mgr_err *e)
{
	(void)e;
	pthread_mutex_lock(&m->lock);
	pthread_mutex_lock(&m->io_lock);
	m->calls++;
	*res = mgr_report_resources(m);
	pthread_mutex_unlock(&m->io_lock);
	pthread_mutex_unlock(&m->lock);
	return 0;
}
