/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control half of shaping and weighted sharing (gwc_sched.h, docs/isolation.md):
 * a port's scheduler made and retired, pipes and profiles given to endpoints, and
 * the changes posted to the scheduler's owner. Control thread only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "gwc_model.h"
#include "gwc_sched.h"

static uint32_t sched_serial;       /* names of rings and schedulers */

/*
 * Let every frame 's''s queues hold out and free it: DPDK 22.11's rte_sched_port_free()
 * frees a queue's frames from its read to its write index, masked, so a full queue's
 * look empty and its frames would leak. Every pipe takes the first profile (the whole
 * port); with no pacer the scheduler's clock runs with what it sends, so all leaves in a
 * few rounds (bounded).
 */
static void
sched_empty(struct gwc_sched *s)
{
	struct rte_mbuf *pkts[64];
	unsigned int idle = 0, rounds, n, i;

	for (i = 0; i < s->n_pipes; i++)
		rte_sched_pipe_config(s->port, 0, i, 0);
	for (rounds = 0; rounds < 1000000 && idle < 64; rounds++) {
		n = (unsigned int)rte_sched_port_dequeue(s->port, pkts, RTE_DIM(pkts));
		idle = n == 0 ? idle + 1 : 0;
		for (i = 0; i < n; i++)
			rte_pktmbuf_free(pkts[i]);
	}
}

static void
sched_free(struct gwc_sched *s)
{
	struct rte_mbuf *m;

	if (s == NULL)
		return;
	if (s->port != NULL)   /* its subport configured: sched_new() */
		sched_empty(s);   /* no worker uses it any more: a grace period passed */
	if (s->in != NULL) {
		while (rte_ring_sc_dequeue(s->in, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(s->in);
	}
	rte_ring_free(s->cmd);
	rte_sched_port_free(s->port);
	rte_free(s->touched);
	rte_free(s->is_touched);
	rte_free(s->pipe_ep);
	rte_free(s->qlen);
	rte_free(s->ctl_pipe_ep);
	rte_free(s->profile);
	rte_free(s);
}

/*
 * rte_sched refills a traffic class's credits every period without carrying any over,
 * so a period must hold two frames of the port's largest at the rate, or a slow pipe
 * could never send: GWC_SCHED_PERIOD_MS, longer for slow rates. ms.
 */
static uint64_t
period_ms(uint64_t bps, uint32_t frame_max, uint64_t min_ms)
{
	uint64_t ms = ((uint64_t)frame_max * 2 * 8 * 1000 + bps - 1) / bps;

	return RTE_MAX(ms, min_ms);
}

/*
 * A pipe's profile: shaped, a token bucket of 'bps' and 'burst' (0: 10 ms of the rate);
 * weighted, the whole port. Its oversubscription weight is 'bps' as a share of the port.
 */
static void
pipe_params(uint64_t port_bps, uint64_t bps, uint32_t burst, bool shaped, uint32_t frame_max,
	    struct rte_sched_pipe_params *pp)
{
	uint64_t w;
	unsigned int i;

	memset(pp, 0, sizeof(*pp));
	pp->tb_rate = (shaped ? bps : port_bps) / 8;
	pp->tb_size = gwc_burst_or_default(burst, pp->tb_rate * 8);
	pp->tc_rate[GWC_SCHED_TC] = pp->tb_rate;
	pp->tc_period = period_ms(pp->tb_rate * 8, frame_max, GWC_SCHED_PERIOD_MS);
	/* the reservation as a share of the port, in GWC_SCHED_WEIGHTS ths, rounded up */
	w = (bps * GWC_SCHED_WEIGHTS + port_bps - 1) / port_bps;
	pp->tc_ov_weight = (uint8_t)RTE_MIN(RTE_MAX(w, (uint64_t)1), (uint64_t)GWC_SCHED_WEIGHTS);
	for (i = 0; i < RTE_SCHED_BE_QUEUES_PER_PIPE; i++)
		pp->wrr_weights[i] = 1;
}

static struct gwc_sched *
sched_new(struct gwc *g, uint16_t p, uint64_t bps, struct gwc_err *e)
{
	struct rte_sched_subport_profile_params sp;
	struct rte_sched_subport_params sub;
	struct rte_sched_port_params pp;
	uint32_t n_pipes = rte_align32pow2(g->conf.sched_pipes), i;
	uint16_t qsize = (uint16_t)rte_align32pow2(g->conf.sched_queue);
	uint32_t frame_max = (uint32_t)g->port[p].mtu + RTE_ETHER_HDR_LEN + 8;
	uint64_t rate = bps / 8;
	struct gwc_sched *s;
	char name[RTE_RING_NAMESIZE];
	int sock = (int)rte_socket_id();
	uint32_t serial = ++sched_serial;

	RTE_BUILD_BUG_ON(sizeof(struct gwc_sched_cmd) % 4 != 0);
	s = rte_zmalloc("gwc_sched", sizeof(*s), RTE_CACHE_LINE_SIZE);
	if (s == NULL)
		goto nomem;
	s->port_idx = p;
	s->owner = (uint16_t)(p % RTE_MAX(g->dp.n_workers, 1u));
	s->rate_bps = bps;
	s->n_pipes = n_pipes;
	s->frame_max = frame_max;
	s->pace_per_tsc = (double)rate / (double)rte_get_tsc_hz();
	/* 8 frames, or 50 us of the port at high rates (the owner runs once a burst) */
	s->pace_max = RTE_MAX((double)GWC_SCHED_PACE_FRAMES * frame_max,
			      (double)rate * GWC_SCHED_PACE_US / 1e6);
	s->pace_credit = s->pace_max;
	s->pace_tsc = rte_rdtsc();
	s->max_profiles = g->conf.sched_profiles;
	s->touched = rte_zmalloc("gwc_sched", n_pipes * sizeof(*s->touched), 0);
	s->is_touched = rte_zmalloc("gwc_sched", n_pipes, 0);
	s->pipe_ep = rte_malloc("gwc_sched", n_pipes * sizeof(*s->pipe_ep), 0);
	s->ctl_pipe_ep = rte_malloc("gwc_sched", n_pipes * sizeof(*s->ctl_pipe_ep), 0);
	s->qlen = rte_zmalloc("gwc_sched", n_pipes * sizeof(*s->qlen), 0);
	s->profile = rte_zmalloc("gwc_sched", s->max_profiles * sizeof(*s->profile), 0);
	snprintf(name, sizeof(name), "gwc_sched_in%u", serial);
	s->in = rte_ring_create(name, GWC_SCHED_RING, sock, RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "gwc_sched_cmd%u", serial);
	s->cmd = rte_ring_create_elem(name, sizeof(struct gwc_sched_cmd), GWC_SCHED_CMDS, sock,
				      RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (s->touched == NULL || s->is_touched == NULL || s->pipe_ep == NULL ||
	    s->ctl_pipe_ep == NULL || s->qlen == NULL || s->profile == NULL || s->in == NULL ||
	    s->cmd == NULL)
		goto nomem;
	for (i = 0; i < n_pipes; i++)
		s->pipe_ep[i] = s->ctl_pipe_ep[i] = GWC_EP_NONE;

	memset(&sp, 0, sizeof(sp));
	sp.tb_rate = rate;
	sp.tb_size = RTE_MAX(rate / 100, (uint64_t)GWC_SCHED_PACE_FRAMES * frame_max);
	for (i = 0; i < RTE_SCHED_TRAFFIC_CLASSES_PER_PIPE; i++)
		sp.tc_rate[i] = rate;
	/* The subport's period paces the weighted sharing: in a period each busy pipe may
	 * send its weight times a watermark, which moves by 1/128 a period and is at least
	 * a frame; so a period holds 2 x GWC_SCHED_WEIGHTS frames (weights can then be
	 * told apart), and is as short as that allows (1 ms at least), so that the
	 * watermark settles quickly (about 350 periods from the top). */
	sp.tc_period = period_ms(bps, frame_max * GWC_SCHED_WEIGHTS, 1);
	snprintf(name, sizeof(name), "gwc_sched%u", serial);
	memset(&pp, 0, sizeof(pp));
	pp.name = name;
	pp.socket = sock;
	pp.rate = rate;
	pp.mtu = frame_max;
	pp.frame_overhead = 0;   /* the slice's L2 bytes, as the contracts and the pacer */
	pp.n_subports_per_port = 1;
	pp.subport_profiles = &sp;
	pp.n_subport_profiles = 1;
	pp.n_max_subport_profiles = 1;
	pp.n_pipes_per_subport = n_pipes;
	s->port = rte_sched_port_config(&pp);
	if (s->port == NULL) {
		gwc_errf(e, "port '%s': rte_sched refused a scheduler of %llu bits/s, %u pipes",
			 g->conf.port[p].name, (unsigned long long)bps, n_pipes);
		sched_free(s);
		return NULL;
	}
	pipe_params(bps, bps, 0, false, frame_max, &s->profile[0]);
	s->n_profiles = 1;
	memset(&sub, 0, sizeof(sub));
	sub.n_pipes_per_subport_enabled = n_pipes;
	sub.qsize[GWC_SCHED_TC] = qsize;
	sub.pipe_profiles = s->profile;
	sub.n_pipe_profiles = 1;
	sub.n_max_pipe_profiles = s->max_profiles;
	if (rte_sched_subport_config(s->port, 0, &sub, 0) != 0) {
		gwc_errf(e, "port '%s': rte_sched refused %u pipes of %u frames (memory?)",
			 g->conf.port[p].name, n_pipes, qsize);
		/* no subport: nothing queued, and sched_empty() would use the missing subport */
		rte_sched_port_free(s->port);
		s->port = NULL;
		sched_free(s);
		return NULL;
	}
	return s;
nomem:
	sched_free(s);
	gwc_errf(e, "port '%s': out of memory for a scheduler", g->conf.port[p].name);
	return NULL;
}

int
gwc_sched_port_set(struct gwc *g, uint16_t p, uint64_t bps, struct gwc_err *e)
{
	struct gwc_sched *old = g->sched[p], *s = NULL;
	int rc;

	if (bps != 0 && (bps < GWC_POLICE_RATE_MIN || bps > GWC_RATE_MAX)) {
		gwc_errf(e, "port '%s': rate %llu bits/s: 0 (none) or %u to 4T",
			 g->conf.port[p].name, (unsigned long long)bps, GWC_POLICE_RATE_MIN);
		return -EINVAL;
	}
	if (old != NULL && old->rate_bps == bps)
		return 0;
	if (old != NULL && old->n_pipes_used != 0) {
		gwc_errf(e, "port '%s': %u shaped or weighted endpoints use its rate of %llu bits/s; "
			    "remove them first", g->conf.port[p].name, old->n_pipes_used,
			 (unsigned long long)old->rate_bps);
		return -EBUSY;
	}
	if (bps != 0 && (s = sched_new(g, p, bps, e)) == NULL)
		return -ENOMEM;
	g->sched[p] = s;
	rc = gwc_tables_publish(g);
	if (rc != 0) {
		g->sched[p] = old;
		sched_free(s);
		gwc_errf(e, "port '%s': out of memory for tables", g->conf.port[p].name);
		return rc;
	}
	sched_free(old);   /* no worker sees it after the publication's grace period */
	g->conf.port[p].rate_bps = bps;
	GWC_LOG(INFO, "port %s: rate %llu bits/s%s", g->conf.port[p].name,
		(unsigned long long)bps, bps == 0 ? " (no scheduler)" : "");
	return 0;
}

int
gwc_port_rate_set(struct gwc *g, const char *port, uint64_t bps, struct gwc_err *e)
{
	int p = gwc_port_find(g, port);

	if (p < 0) {
		gwc_errf(e, "no port '%s'", port);
		return -ENOENT;
	}
	return gwc_sched_port_set(g, (uint16_t)p, bps, e);
}

void
gwc_sched_free_all(struct gwc *g)
{
	unsigned int p;

	for (p = 0; p < GWC_MAX_PORTS; p++) {
		sched_free(g->sched[p]);
		g->sched[p] = NULL;
	}
}

/* The index of 'pp' among 's''s profiles, or -1. */
static int
profile_find(const struct gwc_sched *s, const struct rte_sched_pipe_params *pp)
{
	uint32_t i;

	for (i = 0; i < s->n_profiles; i++)
		if (memcmp(&s->profile[i], pp, sizeof(*pp)) == 0)
			return (int)i;
	return -1;
}

static bool
ep_wants(const struct gwc_ep_conf *c)
{
	return c->shape_bps != 0 || c->wfq_bps != 0;
}

static void
ep_params(const struct gwc_sched *s, const struct gwc_ep_conf *c, struct rte_sched_pipe_params *pp)
{
	if (c->shape_bps != 0)
		pipe_params(s->rate_bps, c->shape_bps, c->shape_burst, true, s->frame_max, pp);
	else
		pipe_params(s->rate_bps, c->wfq_bps, 0, false, s->frame_max, pp);
}

int
gwc_sched_ep_check(const struct gwc *g, int port, const struct gwc_ep_conf *c, int self,
		   struct gwc_err *e)
{
	const struct gwc_sched *s = g->sched[port];
	struct rte_sched_pipe_params pp;
	const char *what = c->shape_bps != 0 ? "shape_rate" : "wfq_rate";
	uint64_t bps = c->shape_bps != 0 ? c->shape_bps : c->wfq_bps;

	if ((c->police_bps != 0) + (c->shape_bps != 0) + (c->wfq_bps != 0) > 1) {
		gwc_errf(e, "endpoint '%s': police_rate, shape_rate and wfq_rate exclude each other "
			    "(one isolation an endpoint, docs/isolation.md)", c->name);
		return -EINVAL;
	}
	if (c->shape_burst != 0 && c->shape_bps == 0) {
		gwc_errf(e, "endpoint '%s': shape_burst without shape_rate", c->name);
		return -EINVAL;
	}
	if (!ep_wants(c))
		return 0;
	if (c->type == GWC_EP_IPSEC) {
		gwc_errf(e, "endpoint '%s': an IPsec terminal can be policed (police_rate), not "
			    "shaped or weighted", c->name);
		return -EINVAL;
	}
	if (s == NULL) {
		gwc_errf(e, "endpoint '%s': %s needs the rate of port '%s': set [port %s] rate, or "
			    "port.rate (docs/isolation.md)", c->name, what, g->conf.port[port].name,
			 g->conf.port[port].name);
		return -EINVAL;
	}
	if (bps < GWC_POLICE_RATE_MIN || bps > s->rate_bps) {
		gwc_errf(e, "endpoint '%s': %s %llu bits/s: %u to the rate of port '%s', %llu",
			 c->name, what, (unsigned long long)bps, GWC_POLICE_RATE_MIN,
			 g->conf.port[port].name, (unsigned long long)s->rate_bps);
		return -EINVAL;
	}
	if (c->shape_burst != 0 && c->shape_burst < GWC_POLICE_BURST_MIN) {
		gwc_errf(e, "endpoint '%s': shape_burst %u bytes: at least %u (a jumbo frame), "
			    "or 0 for 10 ms of the rate", c->name, c->shape_burst, GWC_POLICE_BURST_MIN);
		return -EINVAL;
	}
	if ((self < 0 || !g->ep[self].ep.shaped) && s->n_pipes_used >= s->n_pipes) {
		gwc_errf(e, "endpoint '%s': the scheduler of port '%s' has all its %u pipes in use "
			    "(sched_pipes)", c->name, g->conf.port[port].name, s->n_pipes);
		return -ENOSPC;
	}
	ep_params(s, c, &pp);
	if (profile_find(s, &pp) < 0 && s->n_profiles >= s->max_profiles) {
		gwc_errf(e, "endpoint '%s': the scheduler of port '%s' holds %u distinct contracts "
			    "already (sched_profiles; a restart of gw-core forgets unused ones)",
			 c->name, g->conf.port[port].name, s->max_profiles);
		return -ENOSPC;
	}
	if (rte_ring_free_count(s->cmd) < 2) {
		gwc_errf(e, "endpoint '%s': the scheduler of port '%s' takes no changes: its worker "
			    "is not running", c->name, g->conf.port[port].name);
		return -EBUSY;
	}
	return 0;
}

/* Post a change to 's''s owner: room was checked by gwc_sched_ep_check(). */
static void
post(struct gwc_sched *s, struct gwc_sched_cmd *c)
{
	if (rte_ring_sp_enqueue_elem(s->cmd, c, sizeof(*c)) != 0)
		GWC_LOG(ERR, "scheduler of port %u: change of pipe %u lost (ring full)",
			s->port_idx, c->pipe);
}

void
gwc_sched_ep_release(struct gwc *g, struct gwc_ep *ep)
{
	struct gwc_sched *s = g->sched[ep->port];
	struct gwc_sched_cmd c;

	if (!ep->shaped || s == NULL)
		return;
	memset(&c, 0, sizeof(c));
	c.pipe = ep->sched_pipe;
	c.profile = -1;
	c.ep = GWC_EP_NONE;
	post(s, &c);
	s->ctl_pipe_ep[ep->sched_pipe] = GWC_EP_NONE;
	s->n_pipes_used--;
	ep->shaped = 0;
	ep->sched_pipe = 0;
}

void
gwc_sched_ep_apply(struct gwc *g, struct gwc_ep *ep)
{
	struct gwc_sched *s = g->sched[ep->port];
	struct gwc_sched_cmd c;
	uint32_t i;
	int prof;

	if (!ep_wants(&ep->conf) || s == NULL) {
		gwc_sched_ep_release(g, ep);
		return;
	}
	memset(&c, 0, sizeof(c));
	if (!ep->shaped) {
		/* round-robin from the last given: a freed pipe, whose queue may still hold
		 * its old endpoint's frames, comes back as late as possible */
		for (i = s->next_pipe; s->ctl_pipe_ep[i] != GWC_EP_NONE; i = (i + 1) % s->n_pipes)
			;   /* a pipe is free: gwc_sched_ep_check() */
		s->next_pipe = (i + 1) % s->n_pipes;
		s->ctl_pipe_ep[i] = ep->id;
		s->n_pipes_used++;
		ep->sched_pipe = (uint16_t)i;
		ep->shaped = 1;
	}
	ep_params(s, &ep->conf, &c.params);
	prof = profile_find(s, &c.params);
	if (prof < 0) {
		prof = (int)s->n_profiles;
		s->profile[s->n_profiles++] = c.params;
		c.add = true;
	}
	c.pipe = ep->sched_pipe;
	c.profile = prof;
	c.ep = ep->id;
	post(s, &c);
}

uint32_t
gwc_sched_ep_qlen(const struct gwc *g, const struct gwc_ep *ep)
{
	const struct gwc_sched *s = g->sched[ep->port];

	return ep->shaped && s != NULL ? s->qlen[ep->sched_pipe] : 0;
}

/* The tables name each port's scheduler. */
static int
sched_tables(struct gwc *g, struct gwc_tables *t)
{
	uint16_t p;

	t->n_sched = 0;
	for (p = 0; p < t->n_ports; p++) {
		t->port[p].sched = g->sched[p];
		t->n_sched += g->sched[p] != NULL;
	}
	return 0;
}

GWC_TABLES_BUILDER(sched, sched_tables, NULL, NULL, NULL)
