/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Endpoint types (not public): one struct gwc_ep_ops per type, in a file of its own
 * (gwc_ep_port.c, gwc_ep_vlan.c, gwc_ep_gre.c, gwc_ep_trailer.c, gwc_ep_ipsec.c), listed
 * once in gwc_ep.c (the OVS netdev_class idea). The table holds everything about a type
 * that the control thread needs: its name and fields (the schema the control socket, the
 * config's "endpoint NAME = TYPE key=value ..." lines and the help share), parsing,
 * validation against the model, its JSON form, and its part of the published tables.
 * Its data-plane halves are the stage headers gwc_dp_*.h; the output stage
 * (gwc_dp_out.h) switches over every enum gwc_ep_type with no default arm.
 *
 * Adding a type: a value in enum gwc_ep_type (gwc.h), a gwc_ep_<type>.c with its ops,
 * one line in gwc_ep.c's list, and its arm in gwc_dp_out.h (the compiler names a
 * missing arm).
 *
 * Control thread only.
 */
#ifndef GWC_EP_OPS_H
#define GWC_EP_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "gwc.h"

struct json_object;
struct gwc;
struct gwc_ep;
struct gwc_tables;

struct gwc_ep_ops {
	enum gwc_ep_type type;
	const char *name;      /* the control socket's and the config's 'type' ("vlan") */
	const char *alias;     /* another name accepted on input, or NULL */
	const char *schema;    /* its fields, for help: "port= vid=1..4094" */
	/* Frames are bridged to it: it can be a MAC entry's destination and is on its
	 * slice's flood list. false: it takes only what a stage routes to it (an IPsec
	 * terminal gets the frames to the slice router's MAC, encrypted). */
	bool bridged;
	/*
	 * Fill 'c''s fields of this type from 'args' (c->name and c->port are set).
	 * @return 0, or -EINVAL with 'e' naming the field and its range.
	 */
	int (*parse)(struct gwc_ep_conf *c, struct json_object *args, struct gwc_err *e);
	/*
	 * Complete 'c' from the model before its port is looked up (NULL: nothing to do):
	 * an IPsec terminal takes its link's port and addresses. @return 0 or -errno, 'e'.
	 */
	int (*prepare)(const struct gwc *g, int slice, struct gwc_ep_conf *c, struct gwc_err *e);
	/*
	 * Check 'c' on port index 'port' of slice 'slice' against the model: its fields,
	 * what the port needs, and conflicts with the endpoints already there. The generic
	 * checks (name, unique in the slice) are done. @return 0, or -EINVAL, -EADDRINUSE,
	 * -ENOSPC with 'e' saying why.
	 */
	int (*validate)(const struct gwc *g, int slice, int port, const struct gwc_ep_conf *c,
			struct gwc_err *e);
	/* Add this type's fields of endpoint 'id' to 'o' (its config and what the published
	 * tables resolved: next hops, SAs). */
	void (*to_json)(const struct gwc *g, int id, struct json_object *o);
	/*
	 * Fill endpoint 'ep''s copy (fresh, unpublished) and what indexes it in 't' (an
	 * unpublished table: the port's VID map, trailer rules; the GRE hash, which is kept
	 * across tables and may already hold it). @return 0 or -ENOMEM.
	 */
	int (*build)(struct gwc *g, struct gwc_tables *t, struct gwc_ep *ep);
	/*
	 * Take the published copy 'old' out of what indexes it in 't', an unpublished table
	 * copied from the published one (NULL: nothing to take out, or only 'retire' has).
	 * Then 'build' may put its successor in.
	 */
	void (*unbuild)(struct gwc_tables *t, const struct gwc_ep *old);
	/*
	 * The tables without 'old' are published and no worker sees it: drop what indexes
	 * it across tables, unless endpoint old->id still uses it (NULL: nothing).
	 */
	void (*retire)(struct gwc *g, const struct gwc_ep *old);
};

extern const struct gwc_ep_ops gwc_ep_port_ops, gwc_ep_nsliver_ops, gwc_ep_vlan_ops, gwc_ep_gre_ops,
	gwc_ep_trailer_ops, gwc_ep_ipsec_ops;

/* @return the ops of type 't', or NULL for a value that is not a type. */
const struct gwc_ep_ops *gwc_ep_ops_of(enum gwc_ep_type t);

/* @return the ops whose name or alias is 'name', or NULL. */
const struct gwc_ep_ops *gwc_ep_ops_by_name(const char *name);

/* Write "type=port|vlan|... ; port: ... ; vlan: ..." (every type and its fields) into
 * 'buf' of 'len' bytes, NUL-terminated, truncated if need be. @return 'buf'. */
const char *gwc_ep_schema(char *buf, size_t len);

/*
 * The endpoint config in 'args' (the control socket's endpoint.add, or a config
 * "endpoint" line made JSON): 'name', 'type', 'port' (not needed by a type whose
 * prepare fills it when 'link' is given), then the type's own fields.
 * @return 0, or -EINVAL with 'e' saying what was wrong.
 */
int gwc_ep_conf_from_json(struct gwc_ep_conf *c, struct json_object *args, struct gwc_err *e);

/* Endpoint 'id' as JSON (name, type, port, owner, id, the type's fields; with
 * 'counters', its counters). @return a new object the caller puts. */
struct json_object *gwc_ep_json(const struct gwc *g, int id, bool counters);

/*
 * Is 'bps' bits/s with a 'burst' of bytes a policing contract gw-core takes (struct
 * gwc_ep_conf)? @return 0, or -EINVAL with 'e' naming endpoint 'name' and the bound.
 */
int gwc_ep_police_check(const char *name, uint64_t bps, uint32_t burst, struct gwc_err *e);

/*
 * Make 'ep''s policing state follow its conf.police_*: the trTCM profile (CIR = PIR,
 * CBS = PBS; the default burst filled in) and a new police_gen, so that every lcore's
 * meter restarts with the next tables. Control thread; the contract passed
 * gwc_ep_police_check().
 */
void gwc_ep_police_apply(struct gwc *g, struct gwc_ep *ep);

/*
 * Check 'c' as endpoint of slice 'slice' on port 'port': name, unique in the slice,
 * then the type's own validate. 'c->type' must be a type (gwc_ep_ops_of() not NULL).
 * @return 0 or -errno with 'e' saying why.
 */
int gwc_ep_validate(const struct gwc *g, int slice, int port, const struct gwc_ep_conf *c,
		    struct gwc_err *e);

/*
 * Walk the endpoints of type 'type' on port index 'port' (a type's validate checks
 * its conflicts with them): '*i' starts at -1. @return the next one, or NULL.
 */
const struct gwc_ep *gwc_ep_next_on_port(const struct gwc *g, int port, enum gwc_ep_type type,
					 int *i);

#endif /* GWC_EP_OPS_H */
