/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's side of node slivers' runtime (nsliver/nsl.h): a mutation starts the
 * node slivers it moves to executed before gw-core gets their ports, and stops those
 * it moves away after gw-core let go of them (mgr_ops.c, apply()). The monitor
 * (mgr_sync.c) stops, through a Stop of its own, a node sliver whose process is gone,
 * so that its state is the truth. Caller holds m->lock and m->io_lock.
 */
#define _GNU_SOURCE   /* cpu_set_t, sched_getaffinity() */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mgr_ops.h"
#include "mgr_plan.h"

/* Is node sliver 'name' executed in 'sl' (NULL: absent)? */
static bool
executed(const struct mgr_slice *sl, const char *name)
{
	const struct mgr_sliver *s = sl != NULL ? mgr_slice_sliver(sl, name) : NULL;

	return s != NULL && s->state == MGR_EXECUTED;
}

/* Does this mutation start node sliver 's' of the slice after it ('old': before)? */
static bool
starting(const struct mgr_slice *old, const struct mgr_sliver *s)
{
	return s->kind == MGR_NODE && s->state == MGR_EXECUTED && !executed(old, s->name) &&
	       nsl_flavour_of(s->instance) != NSL_NONE;
}

/* 's''s vport names into 'v'. @return how many. */
static unsigned int
vport_names(const struct mgr_sliver *s, const char **v)
{
	unsigned int j;

	for (j = 0; j < s->n_vports && j < MGR_MAX_VPORTS; j++)
		v[j] = s->vports[j].name;
	return j;
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

		if (!starting(old, s))
			continue;
		/* its vports are nothing without gw-core: nothing is started while it is down */
		if (!mgr_gwc_up(&m->gwc)) {
			mgr_fail(e, MGR_UNAVAILABLE,
				 "Run: nodeSliver '%s' of slice '%s': gw-core is not connected (%s); "
				 "its vports would lead nowhere", s->name, want->id,
				 m->gwc.last_error[0] ? m->gwc.last_error : "not yet");
			goto fail;
		}
		if (nsl_plan_node(&m->conf.nsl, s->name, s->instance, &s->resources, &s->params,
				  &plan, e) != 0)
			goto fail;
		j = vport_names(s, vports);
		fprintf(stderr, "manager: slice '%s' node sliver '%s': starting %s (%s %s)\n",
			want->id, s->name, plan.flavour == NSL_VM ? "a VM" : "a container",
			plan.image_url[0] ? "image" : "kernel",
			plan.image_url[0] ? plan.image_url : plan.kernel_url);
		/* a VM, or a container with vhost-user vports, is only made ready: QEMU and a
		 * DPDK program need gw-core's vhost-user ports at start-up (mgr_nsl_launch(),
		 * after gw-core got them) */
		if ((plan.flavour == NSL_VM ?
		     nsl_vm_prepare(&m->conf.nsl, want->id, s->name, &plan, err, sizeof(err)) :
		     plan.vhost_user ?
		     nsl_container_prepare(&m->conf.nsl, want->id, s->name, &plan, vports, j, &p,
					   err, sizeof(err)) :
		     nsl_container_start(&m->conf.nsl, want->id, s->name, &plan, vports, j, &p, err,
					 sizeof(err))) != 0) {
			mgr_fail(e, MGR_REFUSED, "Run: nodeSliver '%s' of slice '%s' did not start: %s",
				 s->name, want->id, err);
			fprintf(stderr, "manager: %s\n", e->msg);
			goto fail;
		}
		if (plan.flavour != NSL_VM && !plan.vhost_user)
			fprintf(stderr, "manager: slice '%s' node sliver '%s' running (pid %d, netns "
					"%s)\n", want->id, s->name, p.pid, p.netns);
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

/*
 * cpumode=dedicated: 'need' cores of this machine that neither gw-core's workers nor a
 * running dedicated node sliver use, the lowest first. @return them (bit i: CPU i); 0
 * with 'e' (REFUSED: too few, naming who has them; UNAVAILABLE).
 */
static uint64_t
dedicated_cpus(struct mgr *m, const char *slice, const char *node, unsigned int need,
	       struct mgr_err *e)
{
	uint64_t online = 0, workers = 0, taken = nsl_dedicated_taken(&m->conf.nsl), free_, pick = 0;
	char a[200], b[200], c[200];
	cpu_set_t cs;
	unsigned int i, n = 0;

	if (sched_getaffinity(0, sizeof(cs), &cs) == 0)
		for (i = 0; i < 64; i++)
			if (CPU_ISSET(i, &cs))
				online |= 1ull << i;
	if (mgr_gwc_worker_cpus(&m->gwc, &workers, e) != 0)
		return 0;
	free_ = online & ~workers & ~taken;
	for (i = 0; i < 64 && n < need; i++)
		if (free_ >> i & 1) {
			pick |= 1ull << i;
			n++;
		}
	if (n == need)
		return pick;
	nsl_cpus_str(online, a, sizeof(a));
	nsl_cpus_str(workers, b, sizeof(b));
	nsl_cpus_str(taken, c, sizeof(c));
	mgr_fail(e, MGR_REFUSED, "Run: nodeSliver '%s' of slice '%s' asks %u dedicated cores "
		 "(cpumode=dedicated) and %u are free: of CPUs %s, gw-core's workers run on %s and "
		 "other dedicated node slivers hold %s", node, slice, need, n, a, b[0] ? b : "none",
		 c[0] ? c : "none");
	return 0;
}

int
mgr_nsl_launch(struct mgr *m, const struct mgr_slice *old, const struct mgr_slice *want,
	       struct mgr_err *e)
{
	const char *vports[MGR_MAX_VPORTS];
	char err[NSL_ERR_MAX];
	unsigned int i, j;
	uint64_t cpus;

	for (i = 0; want != NULL && i < want->n_slivers; i++) {
		const struct mgr_sliver *s = &want->slivers[i];
		struct nsl_plan plan;
		struct nsl_proc p;

		if (!starting(old, s) || !nsl_vports_vhost(s->instance, &s->params))
			continue;
		if (nsl_plan_node(&m->conf.nsl, s->name, s->instance, &s->resources, &s->params,
				  &plan, e) != 0)
			return -1;   /* mgr_nsl_start() planned it a moment ago */
		j = vport_names(s, vports);
		cpus = plan.flavour == NSL_VM && plan.dedicated ?
			       dedicated_cpus(m, want->id, s->name, plan.need.cpus, e) : 0;
		if (plan.flavour == NSL_VM && plan.dedicated && cpus == 0) {
			nsl_mark_failed(&m->conf.nsl, want->id, s->name, e->msg);
			return -1;
		}
		/* a container with attach=vhost-user, or a VM: its sockets are there now */
		if ((plan.flavour == NSL_CONTAINER ?
		     nsl_container_launch(&m->conf.nsl, want->id, s->name, &plan, &p, err,
					  sizeof(err)) :
		     nsl_vm_start(&m->conf.nsl, want->id, s->name, &plan, vports, j, cpus, &p, err,
				  sizeof(err))) != 0) {
			mgr_fail(e, MGR_REFUSED, "Run: nodeSliver '%s' of slice '%s' did not start: %s",
				 s->name, want->id, err);
			fprintf(stderr, "manager: %s\n", e->msg);
			return -1;   /* the caller stops those this call started */
		}
		fprintf(stderr, "manager: slice '%s' node sliver '%s' running (pid %d, %s)\n",
			want->id, s->name, p.pid, plan.flavour == NSL_CONTAINER ?
			"vhost-user vports" : nsl_vm_accel(&m->conf.nsl));
	}
	return 0;
}

struct mgr_nsl_started {
	unsigned int n;
	struct {
		char node[MGR_NAME_MAX];
		unsigned int n_ports;
		char port[MGR_MAX_VPORTS][32];
	} v[];
};

struct mgr_nsl_started *
mgr_nsl_started(const struct mgr_slice *old, const struct mgr_slice *want)
{
	struct mgr_nsl_started *st;
	unsigned int i, j, n = 0;

	for (i = 0; want != NULL && i < want->n_slivers; i++) {
		const struct mgr_sliver *s = &want->slivers[i];

		n += starting(old, s);
	}
	if (n == 0)
		return NULL;
	st = calloc(1, sizeof(*st) + n * sizeof(st->v[0]));
	if (st == NULL)
		return NULL;   /* then Run does not wait: Status says booting until connected */
	for (i = 0; i < want->n_slivers; i++) {
		const struct mgr_sliver *s = &want->slivers[i];
		struct nsl_vport_names nm;

		if (!starting(old, s))
			continue;
		snprintf(st->v[st->n].node, sizeof(st->v[0].node), "%s", s->name);
		for (j = 0; j < s->n_vports && j < MGR_MAX_VPORTS; j++) {
			nsl_vport_names(want->id, s->name, s->vports[j].name, j, &nm);
			snprintf(st->v[st->n].port[j], sizeof(st->v[0].port[0]), "%s", nm.port);
		}
		st->v[st->n].n_ports = j;
		st->n++;
	}
	return st;
}

int
mgr_nsl_wait(struct mgr *m, const char *id, struct mgr_nsl_started *st, struct mgr_err *e)
{
	struct timespec t0, now, nap = { 0, 100 * 1000000L };
	unsigned int i, k;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; st != NULL && i < st->n; i++) {
		const char *ports[MGR_MAX_VPORTS];
		struct mgr_err le;
		int up;

		for (k = 0; k < st->v[i].n_ports; k++)
			ports[k] = st->v[i].port[k];
		for (;;) {
			pthread_mutex_lock(&m->io_lock);
			up = mgr_gwc_links_up(&m->gwc, ports, st->v[i].n_ports, &le);
			pthread_mutex_unlock(&m->io_lock);
			if (up == 1)
				break;
			{   /* a program that ended will not connect: no need to wait it out */
				struct nsl_proc pr;
				char tail[160];

				nsl_proc_find(&m->conf.nsl, id, st->v[i].node, &pr);
				if (!pr.running) {
					nsl_console_tail(pr.console, tail, sizeof(tail));
					mgr_fail(e, MGR_REFUSED, "Run: nodeSliver '%s' of slice '%s' "
						 "started, but its process ended before its vports "
						 "connected%s%s; it is stopped again", st->v[i].node, id,
						 tail[0] ? " (console: " : "", tail);
					if (tail[0])
						strncat(e->msg, ")", sizeof(e->msg) - strlen(e->msg) - 1);
					return -1;
				}
			}
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec - t0.tv_sec >= (time_t)m->conf.nsl.start_timeout_s) {
				char why[NSL_ERR_MAX];

				snprintf(why, sizeof(why), "its vports did not connect within %u s "
						      "([nsliver] start_timeout_s)%s%s",
					 m->conf.nsl.start_timeout_s, up < 0 ? ": " : "",
					 up < 0 ? le.msg : "");
				mgr_fail(e, MGR_REFUSED, "Run: nodeSliver '%s' of slice '%s' started, "
					 "but %s; it is stopped again", st->v[i].node, id, why);
				return -1;
			}
			nanosleep(&nap, NULL);
		}
		nsl_mark_connected(&m->conf.nsl, id, st->v[i].node);
	}
	return 0;
}

void
mgr_nsl_unwind(struct mgr *m, const char *id, const struct mgr_nsl_started *st, const char *why)
{
	const char *names[MGR_MAX_NAMES];
	struct json_object *res = NULL;
	struct mgr_req r = { .op = MGR_OP_STOP, .id = id, .names = names };
	struct mgr_err e = { 0 };
	unsigned int i;

	for (i = 0; i < st->n && i < MGR_MAX_NAMES; i++)
		names[r.n_names++] = st->v[i].node;
	if (mgr_op_mutate(m, &r, &res, &e) != 0)
		fprintf(stderr, "manager: slice '%s': stopping node slivers that did not connect: "
				"%s\n", id, e.msg);
	json_object_put(res);
	for (i = 0; i < st->n; i++)
		nsl_mark_failed(&m->conf.nsl, id, st->v[i].node, why);
}
