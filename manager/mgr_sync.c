/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The monitor: keeps the connections to gw-core and charon, and after each (re)connect
 * reconciles the daemon with the registry (mgr_gwc_check(), mgr_charon_check()). It works
 * on its own copy of the registry, refreshed whenever a commit changed it (m->gen), and
 * holds only m->io_lock while it talks to a daemon: Status never waits for it. The copy
 * is taken with m->lock held and m->io_lock then taken before m->lock is let go, so no
 * commit can come between the copy and the reconcile (every commit holds both).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mgr_ops.h"

/* The monitor's copy of the registry. */
struct snap {
	struct mgr_reg reg;
	uint64_t gen;
	bool valid;
};

/* Make 's' a copy of m->reg unless it is one already. m->lock held. @return 0, -1 (out
 * of memory: 's' is left empty and invalid). */
static int
snap_refresh(struct snap *s, const struct mgr *m)
{
	unsigned int i;

	if (s->valid && s->gen == m->gen)
		return 0;
	mgr_reg_clear(&s->reg);
	s->valid = false;
	for (i = 0; i < m->reg.n; i++) {
		struct mgr_slice *c = mgr_slice_dup(m->reg.slices[i]);

		if (c == NULL || mgr_reg_commit(&s->reg, c->id, c) != 0) {
			mgr_slice_free(c);
			mgr_reg_clear(&s->reg);
			return -1;
		}
	}
	s->gen = m->gen;
	s->valid = true;
	return 0;
}

/*
 * Node slivers the registry has executed whose process is gone (it ended, or was killed
 * behind the manager's back): each is recorded failed with its console's last line and
 * stopped by a Stop of the manager's own, so that gw-core lets go of its ports and its
 * state is the truth. No lock held; 's' is the monitor's copy.
 */
static void
reap_nodes(struct mgr *m, const struct snap *s)
{
	unsigned int i, j;

	for (i = 0; i < s->reg.n; i++) {
		const struct mgr_slice *sl = s->reg.slices[i];

		for (j = 0; j < sl->n_slivers; j++) {
			const struct mgr_sliver *n = &sl->slivers[j];
			const char *names[1] = { n->name };
			struct mgr_req r = { .op = MGR_OP_STOP, .id = sl->id, .names = names,
					     .n_names = 1 };
			char why[NSL_ERR_MAX], tail[160];
			struct json_object *res = NULL;
			struct mgr_err e = { 0 };
			struct nsl_proc p;

			if (n->kind != MGR_NODE || n->state != MGR_EXECUTED ||
			    nsl_flavour_of(n->instance) == NSL_NONE)
				continue;
			nsl_proc_find(&m->conf.nsl, sl->id, n->name, &p);
			if (p.running)
				continue;
			nsl_console_tail(p.console, tail, sizeof(tail));
			snprintf(why, sizeof(why), "its process (pid %d) ended%s%s", p.pid,
				 tail[0] ? "; console: " : "", tail);
			fprintf(stderr, "manager: slice '%s' node sliver '%s': %s; stopping it\n",
				sl->id, n->name, why);
			if (mgr_op_mutate(m, &r, &res, &e) != 0)
				fprintf(stderr, "manager: slice '%s' node sliver '%s': stop: %s\n",
					sl->id, n->name, e.msg);
			else
				nsl_mark_failed(&m->conf.nsl, sl->id, n->name, why);
			json_object_put(res);
		}
	}
}

void
mgr_sync_stop(struct mgr_sync *s)
{
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
}

void *
mgr_sync_run(void *arg)
{
	struct mgr_sync *sy = arg;
	struct mgr *m = sy->m;
	bool was_up = false, ike_was_up = false;
	char ike_said[MGR_MSG_MAX] = "";
	struct snap s = { 0 };

	while (!__atomic_load_n(&sy->stop, __ATOMIC_RELAXED)) {
		struct mgr_err e = { 0 };
		struct timespec ts = { .tv_sec = m->conf.gwc_check_ms / 1000,
				       .tv_nsec = (long)(m->conf.gwc_check_ms % 1000) * 1000000 };
		int rc;

		pthread_mutex_lock(&m->lock);
		rc = snap_refresh(&s, m);
		pthread_mutex_lock(&m->io_lock);
		pthread_mutex_unlock(&m->lock);
		if (rc != 0) {
			pthread_mutex_unlock(&m->io_lock);
			fprintf(stderr, "manager: monitor: out of memory for a copy of the slices\n");
			nanosleep(&ts, NULL);
			continue;
		}
		if (mgr_gwc_check(&m->gwc, &s.reg, &e) != 0 && was_up)
			fprintf(stderr, "manager: gw-core: %s\n", e.msg);
		if (was_up && !mgr_gwc_up(&m->gwc))
			fprintf(stderr, "manager: lost gw-core; will re-program it when it is back\n");
		was_up = mgr_gwc_up(&m->gwc);
		e.msg[0] = '\0';
		if (mgr_charon_check(&m->charon, &s.reg, &e) != 0 && (ike_was_up || mgr_charon_up(&m->charon)) &&
		    strcmp(e.msg, ike_said) != 0) {
			fprintf(stderr, "manager: charon: %s\n", e.msg);   /* once, not per check */
			snprintf(ike_said, sizeof(ike_said), "%s", e.msg);
		}
		if (mgr_charon_up(&m->charon) && m->charon.synced)
			ike_said[0] = '\0';
		if (ike_was_up && !mgr_charon_up(&m->charon))
			fprintf(stderr, "manager: lost charon; will re-load its connections when it "
					"is back\n");
		ike_was_up = mgr_charon_up(&m->charon);
		pthread_mutex_unlock(&m->io_lock);
		reap_nodes(m, &s);
		nanosleep(&ts, NULL);
	}
	mgr_reg_clear(&s.reg);
	return NULL;
}
