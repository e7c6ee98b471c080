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

/* [nsliver] restart = yes: node slivers the monitor stopped and starts again. */
struct restart {
	char slice[MGR_NAME_MAX], node[MGR_NAME_MAX];
	unsigned int count;       /* restarts in a row */
	time_t at;                /* the next one; 0: none due (it runs) */
	time_t since;             /* it was last started */
};

#define MAX_RESTARTS 256

struct restarts {
	unsigned int n;
	struct restart r[MAX_RESTARTS];
};

static struct restart *
restart_of(struct restarts *rs, const char *slice, const char *node, bool make)
{
	unsigned int i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i].slice, slice) == 0 && strcmp(rs->r[i].node, node) == 0)
			return &rs->r[i];
	if (!make || rs->n == MAX_RESTARTS)
		return NULL;
	memset(&rs->r[rs->n], 0, sizeof(rs->r[0]));
	snprintf(rs->r[rs->n].slice, sizeof(rs->r[0].slice), "%s", slice);
	snprintf(rs->r[rs->n].node, sizeof(rs->r[0].node), "%s", node);
	return &rs->r[rs->n++];
}

/* Count one more restart of 'r' and put it 1, 2, 4 ... 60 s off. @return the delay, s. */
static unsigned int
backoff(struct restart *r)
{
	unsigned int d = r->count >= 6 ? 60 : 1u << r->count;

	r->count++;
	r->at = time(NULL) + d;
	return d;
}

/* Start node sliver 'n' of slice 'sl' again if its restart is due (Run of the manager's
 * own); a failed Run is recorded and the next one put off further. */
static void
restart_due(struct mgr *m, struct restarts *rs, const struct mgr_slice *sl,
	    const struct mgr_sliver *n)
{
	struct restart *r = restart_of(rs, sl->id, n->name, false);
	const char *names[1] = { n->name };
	struct mgr_req q = { .op = MGR_OP_RUN, .id = sl->id, .names = names, .n_names = 1 };
	struct json_object *res = NULL;
	struct mgr_err e = { 0 };
	char why[NSL_ERR_MAX];

	if (r == NULL || r->at == 0 || time(NULL) < r->at)
		return;
	r->at = 0;
	if (mgr_op_mutate(m, &q, &res, &e) == 0) {
		fprintf(stderr, "manager: slice '%s' node sliver '%s' restarted (%u in a row)\n",
			sl->id, n->name, r->count);
		r->since = time(NULL);
	} else if (r->count < m->conf.nsl.restart_max) {
		unsigned int d = backoff(r);

		snprintf(why, sizeof(why), "restart %u did not start (%s); next in %u s", r->count - 1,
			 e.msg, d);
		nsl_mark_failed(&m->conf.nsl, sl->id, n->name, why);
	}
	json_object_put(res);
}

/*
 * Node slivers the registry has executed whose process is gone (it ended, or was killed
 * behind the manager's back): each is recorded failed with its console's last line and
 * stopped by a Stop of the manager's own, so that gw-core lets go of its ports and its
 * state is the truth. With [nsliver] restart = yes it is started again after a back-off
 * (1, 2, 4 ... 60 s; restart_max in a row, a minute of running resets the count). No lock
 * held; 's' is the monitor's copy.
 */
static void
reap_nodes(struct mgr *m, const struct snap *s, struct restarts *rs)
{
	unsigned int i, j;

	for (i = 0; i < s->reg.n; i++) {
		const struct mgr_slice *sl = s->reg.slices[i];

		for (j = 0; j < sl->n_slivers; j++) {
			const struct mgr_sliver *n = &sl->slivers[j];
			const char *names[1] = { n->name };
			struct mgr_req q = { .op = MGR_OP_STOP, .id = sl->id, .names = names,
					     .n_names = 1 };
			char why[NSL_ERR_MAX], tail[160];
			struct json_object *res = NULL;
			struct mgr_err e = { 0 };
			struct nsl_proc p;

			struct restart *r;

			if (n->kind != MGR_NODE || nsl_flavour_of(n->instance) == NSL_NONE)
				continue;
			if (n->state != MGR_EXECUTED) {
				if (m->conf.nsl.restart)
					restart_due(m, rs, sl, n);
				continue;
			}
			nsl_proc_find(&m->conf.nsl, sl->id, n->name, &p);
			r = restart_of(rs, sl->id, n->name, false);
			if (p.running) {
				if (r != NULL && r->count != 0 && time(NULL) - r->since >= 60)
					r->count = 0;   /* it has run a minute: a fresh start */
				continue;
			}
			nsl_console_tail(p.console, tail, sizeof(tail));
			snprintf(why, sizeof(why), "its process (pid %d) ended%s%s", p.pid,
				 tail[0] ? "; console: " : "", tail);
			fprintf(stderr, "manager: slice '%s' node sliver '%s': %s; stopping it\n",
				sl->id, n->name, why);
			if (mgr_op_mutate(m, &q, &res, &e) != 0) {
				fprintf(stderr, "manager: slice '%s' node sliver '%s': stop: %s\n",
					sl->id, n->name, e.msg);
				json_object_put(res);
				continue;
			}
			json_object_put(res);
			r = m->conf.nsl.restart ? restart_of(rs, sl->id, n->name, true) : NULL;
			if (r != NULL && r->count < m->conf.nsl.restart_max) {
				unsigned int d = backoff(r);
				size_t l = strlen(why);

				snprintf(why + l, sizeof(why) - l, "; restart %u of %u in %u s", r->count,
					 m->conf.nsl.restart_max, d);
			} else if (r != NULL) {
				size_t l = strlen(why);

				snprintf(why + l, sizeof(why) - l, "; not restarted: %u restarts in a "
					 "row ([nsliver] restart_max)", r->count);
			}
			nsl_mark_failed(&m->conf.nsl, sl->id, n->name, why);
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
	static struct restarts rs;   /* the monitor's alone */

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
		reap_nodes(m, &s, &rs);
		nanosleep(&ts, NULL);
	}
	mgr_reg_clear(&s.reg);
	return NULL;
}
