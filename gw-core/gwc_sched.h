/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shaping and weighted sharing (not public; docs/isolation.md): one DPDK hierarchical
 * scheduler (rte_sched) per egress port that has a rate, with one subport (the port)
 * and one pipe per shaped or weighted endpoint, each pipe using only its best-effort
 * traffic class's queue 0.
 *
 *  - shaping (conf.shape_bps): the pipe's token bucket at the contract (tb_rate =
 *    tc_rate = shape_bps / 8, tb_size = shape_burst); frames wait in the pipe's queue
 *    (sched_queue frames) and are tail-dropped when it is full (QUEUE_FULL).
 *  - weighted sharing (conf.wfq_bps): the pipe may use the whole port rate; when the
 *    pipes together ask for more than the port, rte_sched's best-effort
 *    oversubscription limits each one to a common watermark times its tc_ov_weight,
 *    which is its reservation as a share of the port in 16ths (1..16; coarser than
 *    rte_sched's 1..255 because the watermark cannot go below one frame and moves
 *    by 1/128 a period: see sched_new()), so busy pipes share the
 *    port in proportion to their reservations and an idle one's share is used by the
 *    others.
 *
 * Why one subport: rte_sched_port_dequeue() serves the subports in turn, a call's worth
 * of frames each, whatever their rates; the weighted oversubscription works only among
 * the pipes of one subport.
 *
 * The port rate: rte_sched counts time in bytes of its port and assumes the port
 * sends no faster than its rate (a NIC of that speed). A veth, or a 10G NIC with a 1G
 * contract, would let it run ahead, so the owner paces its dequeues itself: a token
 * bucket at the port rate, GWC_SCHED_PACE_FRAMES full frames or GWC_SCHED_PACE_US of
 * the rate deep, whichever is more, of the bytes rte_sched counts: the slice's L2
 * frames, as the contracts (the tag, GRE header or trailer the AGW adds, and the wire's
 * preamble, FCS and gap, are not counted), so that the two agree on when the port is
 * full. The credit keeps its fraction: the owner runs up to millions of times a second,
 * a few bytes' worth each.
 *
 * Threads: every rte_sched call on a port's scheduler (but rte_sched_port_pkt_write(),
 * which only reads) is made by one worker, its owner (port index modulo workers).
 * Other workers pass the frames they shape to the owner's 'in' ring (MP/SC); the
 * control thread passes pipe and profile changes through 'cmd' (SP/SC) and keeps its
 * own mirror of the pipes and profiles, so it can refuse what will not fit before
 * anything is posted. Pipes in use and profiles only grow in the owner in the order
 * they were posted, so both sides number them alike.
 */
#ifndef GWC_SCHED_H
#define GWC_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_sched.h>

#include "gwc.h"

struct rte_ring;
struct gwc;
struct gwc_ep;
struct gwc_ep_conf;

#define GWC_SCHED_PERIOD_MS 10      /* rte_sched's traffic class period (pipes, subport) */
#define GWC_SCHED_PACE_FRAMES 8     /* the pacer's depth, frames of the port's MTU, */
#define GWC_SCHED_PACE_US 50        /* or this long at the port rate, if more */
#define GWC_SCHED_STAGE 32          /* frames a worker collects per port before passing
				       them to the scheduler (or its owner's ring) */
#define GWC_SCHED_RING 4096         /* frames from other workers waiting for the owner */
#define GWC_SCHED_CMDS 4096         /* control commands waiting for the owner */
#define GWC_SCHED_HARVEST_US 1000   /* how often the owner reads its queues' counters */
#define GWC_SCHED_TC RTE_SCHED_TRAFFIC_CLASS_BE
#define GWC_SCHED_WEIGHTS 16        /* a reservation's weight: its share of the port in
				       16ths (1..16), rte_sched's tc_ov_weight */

/* A change the control thread asks a scheduler's owner to make. */
struct gwc_sched_cmd {
	uint32_t pipe;
	int32_t profile;                /* -1: the pipe is no longer used */
	uint32_t ep;                    /* the endpoint the pipe now serves */
	bool add;                       /* add 'params' as profile 'profile' first */
	struct rte_sched_pipe_params params;
};

struct gwc_sched {
	/* Set at creation, read-only after. */
	struct rte_sched_port *port;    /* owner lcore only (rte_sched_port_pkt_write: any) */
	struct rte_ring *in;            /* other workers -> owner: frames (MP/SC) */
	struct rte_ring *cmd;           /* control -> owner: struct gwc_sched_cmd * (SP/SC) */
	uint16_t port_idx;
	uint16_t owner;                 /* worker index */
	uint64_t rate_bps;              /* the port rate, bits/s */
	uint32_t n_pipes;
	uint32_t frame_max;             /* the port's largest frame, bytes */
	double pace_per_tsc;            /* wire bytes a TSC cycle */
	double pace_max;                /* the pacer's depth, bytes */
	/* Owner lcore. */
	uint64_t pace_tsc;
	double pace_credit;             /* bytes, with their fraction: the owner runs up to
					   millions of times a second, a few bytes' worth each */
	uint64_t harvest_tsc;
	uint32_t n_touched;             /* pipes in 'touched' */
	uint32_t *touched;              /* pipes given frames since the last harvest */
	uint8_t *is_touched;            /* [n_pipes] */
	uint32_t *pipe_ep;              /* [n_pipes] the endpoint each pipe serves */
	uint64_t cmd_errors;            /* commands rte_sched refused (none expected) */
	/* Owner writes, control reads (torn reads harmless). */
	uint32_t *qlen;                 /* [n_pipes] frames queued at the last harvest */
	/* Control thread. */
	uint32_t *ctl_pipe_ep;          /* [n_pipes] GWC_EP_NONE: free */
	uint32_t n_pipes_used;
	uint32_t next_pipe;             /* where the search for a free pipe starts */
	uint32_t n_profiles, max_profiles;
	struct rte_sched_pipe_params *profile; /* [max_profiles]: what was posted */
};

/*
 * Give port 'port' a scheduler at 'bps' bits/s (0: none), replacing the one it has.
 * Control thread; publishes the tables. @return 0, or -EINVAL (a rate below
 * GWC_POLICE_RATE_MIN), -EBUSY (endpoints of the port are shaped or weighted: the rate
 * of a port in use does not change), -ENOMEM, with 'e' saying why.
 */
int gwc_sched_port_set(struct gwc *g, uint16_t port, uint64_t bps, struct gwc_err *e);

/* Free every port's scheduler (after the workers stopped). */
void gwc_sched_free_all(struct gwc *g);

/*
 * May endpoint configuration 'c' on port 'port' be shaped or weighted as it asks
 * ('self': the endpoint id it replaces, or -1)? @return 0, or -EINVAL (no scheduler
 * on the port, a rate above the port's, bad burst), -ENOSPC (all pipes or profiles in
 * use), with 'e' saying why. Control thread.
 */
int gwc_sched_ep_check(const struct gwc *g, int port, const struct gwc_ep_conf *c, int self,
		       struct gwc_err *e);

/*
 * Make endpoint 'ep' (in the model, its id and port set) follow its conf.shape_* and
 * conf.wfq_bps: give it a pipe and profile (posted to the owner) or take them away.
 * Call after gwc_sched_ep_check() accepted the conf and before publishing.
 * Control thread.
 */
void gwc_sched_ep_apply(struct gwc *g, struct gwc_ep *ep);

/* Endpoint 'ep' goes: its pipe is released. Control thread, before publishing. */
void gwc_sched_ep_release(struct gwc *g, struct gwc_ep *ep);

/* Frames queued in 'ep''s pipe at the owner's last look (0: not scheduled). */
uint32_t gwc_sched_ep_qlen(const struct gwc *g, const struct gwc_ep *ep);

/* Worker side: gwc_dp_sched.h. */

#endif /* GWC_SCHED_H */
