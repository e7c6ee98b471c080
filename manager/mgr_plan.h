/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Planning internals shared by the files of manager/ that plan (not used outside):
 * small parsers and slice helpers of mgr_model.c, and the resource accounting of
 * mgr_alloc.c. Pure; no locks.
 */
#ifndef AGW_MGR_PLAN_H
#define AGW_MGR_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "mgr.h"
#include "nsl.h"

/* ---------------------------------------------------------------- mgr_model.c */

/** Decimal 's' (digits only) up to 'max' into '*v'. @return 0, -1. */
int mgr_parse_u32(const char *s, unsigned long long max, uint32_t *v);
/** IPv4 's' as a dotted quad into 'out' (16 bytes), its host-order value into '*host'
 *  (may be NULL). @return 0, -1 when 's' is NULL or not an address. */
int mgr_ipv4_norm(const char *s, char *out, uint32_t *host);
/** Append copies of the slivers and binds of 'add' to 'sl'. @return 0, -1 (out of memory). */
int mgr_slice_append(struct mgr_slice *sl, const struct mgr_slice *add);
/** The vport 'name' of sliver 's', or NULL. */
struct mgr_vport *mgr_sliver_vport(const struct mgr_sliver *s, const char *name);
/** Free what sliver 's' holds. */
void mgr_sliver_clear(struct mgr_sliver *s);

/* ---------------------------------------------------------------- mgr_alloc.c
 * What the AGW's endpoints hold: VIDs per port, GRE (port, remote, key), untagged ports,
 * trailer (terminal, apps) per port and terminals' keys, and each port's reserved
 * bandwidth against [manager] port_capacity; what node slivers take against
 * [nsliver]'s cores, memory and disk. Every conflict is a fault naming both
 * holders. */

struct mgr_alloc;

/**
 * @return an empty account, or NULL (out of memory). With a 'base' (the registry's
 * account, mgr_reg.acct), it is a request's: what 'base' holds counts too, but for what
 * 'old' (the stored version of slice 'self', or NULL) holds there. 'base' must not
 * change while it is in use.
 */
struct mgr_alloc *mgr_alloc_new(const struct mgr_alloc *base, const struct mgr_slice *old,
				const char *self);
/**
 * The registry's account 'a': slice 'old' (NULL: none) is replaced by 'sl' (NULL:
 * removed). Before 'old' is freed: its holders point into it.
 */
void mgr_alloc_commit(struct mgr_alloc *a, const struct mgr_slice *old,
		      const struct mgr_slice *sl);
/** Free 'a' (NULL: nothing). */
void mgr_alloc_free(struct mgr_alloc *a);
/**
 * Account every endpoint and link bandwidth of 'sl' (with 'only_decided', not the
 * endpoints still waiting for a VID or key), and the cores, memory and disk of its node
 * slivers against c->nsl ([nsliver]; c NULL: nothing checked). @return 0; -1 with 'e'
 * (VLAN_UNAVAILABLE, ALREADYEXISTS, INSUFFICIENT_BANDWIDTH, REFUSED: node-sliver
 * capacity, SERVERERROR).
 */
int mgr_alloc_account(struct mgr_alloc *a, const struct mgr_plan_conf *c,
		      const struct mgr_slice *sl, bool only_decided, struct mgr_err *e);
/** Give 'vp' of slice 'slice' the lowest free VID of [manager] vid_range on its port,
 *  and account it. @return 0; -1 with 'e' (VLAN_UNAVAILABLE). */
int mgr_alloc_vid(struct mgr_alloc *a, const struct mgr_plan_conf *c, const char *slice,
		  const struct mgr_sliver *link, struct mgr_vport *vp, struct mgr_err *e);
/** Give 'vp' the lowest GRE key of [manager] gre_key_range free toward its remote on
 *  its port, and account it. @return 0; -1 with 'e' (ALREADYEXISTS). */
int mgr_alloc_key(struct mgr_alloc *a, const struct mgr_plan_conf *c, const char *slice,
		  const struct mgr_sliver *link, struct mgr_vport *vp, struct mgr_err *e);

/** What the node slivers of 'sl' (NULL: none) take together: cores, memory, disk. */
struct nsl_demand mgr_slice_nsl(const struct mgr_slice *sl);

#endif /* AGW_MGR_PLAN_H */
