/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's side of node slivers' runtime (nsliver/nsl.h): a mutation starts the
 * node slivers it moves to executed before gw-core gets their ports, and stops those
 * it moves away after gw-core let go of them (mgr_ops.c, apply()). The monitor
 * (mgr_sync.c) stops, through a Stop of its own, a node sliver whose process is gone,
 * so that its state is the truth. Caller holds m->lock and m->io_lock.
 */
#include <stdio.h>
#include <string.h>

#include "mgr_ops.h"
#include "mgr_plan.h"

/* Is node sliver 'name' executed in 'sl' (NULL: absent)? */
static bool
executed(const struct mgr_slice *sl, const char *name)
{
	const struct mgr_sliver *s = sl != NULL ? mgr_slice_sliver(sl, name) : NULL;

	return s != NULL && s->state == MGR_EXECUTED;
}

void
mgr_nsl_stop(struct mgr *m, const struct mgr_slice *old, const struct mgr_slice *want)
{
	char err[NSL_ERR_MAX];
	unsigned int i;

	for (i = 0; old != NULL && i < old->n_slivers; i++) {
		const struct mgr_sliver *s = &old->slivers[i];
		bool gone = want == NULL || mgr_slice_sliver(want, s->name) == NULL;

		if (s->kind != MGR_NODE || nsl_flavour_of(s->instance) == NSL_NONE)
			continue;
		if (!gone && !(s->state == MGR_EXECUTED && !executed(want, s->name)))
			continue;
		if (nsl_stop(&m->conf.nsl, old->id, s->name, gone, err, sizeof(err)) != 0)
			fprintf(stderr, "manager: slice '%s' node sliver '%s': stop: %s\n", old->id,
				s->name, err);
		else if (s->state == MGR_EXECUTED)
			fprintf(stderr, "manager: slice '%s' node sliver '%s' stopped\n", old->id,
				s->name);
	}
}

int
mgr_nsl_start(struct mgr *m, const struct mgr_slice *old, const struct mgr_slice *want,
	      struct mgr_err *e)
{
	const char *vports[MGR_MAX_VPORTS];
	char err[NSL_ERR_MAX];
	unsigned int i, j;

	for (i = 0; want != NULL && i < want->n_slivers; i++) {
		const struct mgr_sliver *s = &want->slivers[i];
		struct nsl_plan plan;
		struct nsl_proc p;

		if (s->kind != MGR_NODE || s->state != MGR_EXECUTED || executed(old, s->name) ||
		    nsl_flavour_of(s->instance) == NSL_NONE)
			continue;
		if (nsl_plan_node(&m->conf.nsl, s->name, s->instance, &s->resources, &s->params,
				  &plan, e) != 0)
			goto fail;
		if (plan.flavour == NSL_VM) {
			mgr_fail(e, MGR_UNSUPPORTED,
				 "Run: nodeSliver '%s' of slice '%s' is a SlowPath_VM, and this AGW "
				 "does not start VMs yet (instance type Container runs); Run the "
				 "other slivers by name", s->name, want->id);
			goto fail;
		}
		for (j = 0; j < s->n_vports && j < MGR_MAX_VPORTS; j++)
			vports[j] = s->vports[j].name;
		fprintf(stderr, "manager: slice '%s' node sliver '%s': starting (image %s)\n",
			want->id, s->name, plan.image_url);
		if (nsl_container_start(&m->conf.nsl, want->id, s->name, &plan, vports, j, &p, err,
					sizeof(err)) != 0) {
			mgr_fail(e, MGR_REFUSED, "Run: nodeSliver '%s' of slice '%s' did not start: %s",
				 s->name, want->id, err);
			fprintf(stderr, "manager: %s\n", e->msg);
			goto fail;
		}
		fprintf(stderr, "manager: slice '%s' node sliver '%s' running (pid %d, netns %s)\n",
			want->id, s->name, p.pid, p.netns);
	}
	return 0;
fail:
	/* those started before this one go again */
	{
		struct mgr_slice part = *want;

		part.n_slivers = i;
		mgr_nsl_stop(m, &part, old);
	}
	return -1;
}
