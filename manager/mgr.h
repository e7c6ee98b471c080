/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's model: slices, node and link slivers, binds, and what the AGW makes of
 * them (gw-core endpoints). Pure in-memory logic, no I/O: the operations (mgr_ops.c)
 * plan a change here (mgr_plan.c, each endpoint type through mgr_ep.h, resources in
 * mgr_alloc.c), apply it to gw-core (mgr_gwc.c), charon (mgr_charon.c) and SQLite
 * (mgr_store.c), and only then commit it to the registry (mgr_model.c).
 *
 * Sources: seed 001 Figure 4 (the VT-part slice spec), seed 000 (Common API commands and
 * the slice / sliver state transitions), GENI AM API v3 (fault codes). docs/slice-spec.md
 * is the user-facing description.
 *
 * Thread context: none of these functions lock; the caller serialises access to a
 * registry (the manager holds one lock per RPC).
 */
#ifndef AGW_MGR_H
#define AGW_MGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MGR_NAME_MAX 64     /**< bytes, with the NUL, of a slice id, sliver, vport or port name */
#define MGR_MSG_MAX 512     /**< bytes of a fault message */

/** Fault codes, numbered as GENI AM API v3's (docs/manager-api.md lists when each is used). */
enum mgr_fault {
	MGR_OK = 0,
	MGR_BADARGS = 1,                 /**< malformed request or spec */
	MGR_ERROR = 2,                   /**< other */
	MGR_FORBIDDEN = 3,               /**< credentials refused */
	MGR_SERVERERROR = 5,             /**< manager-internal failure */
	MGR_TOOBIG = 6,                  /**< request body over the configured limit */
	MGR_REFUSED = 7,                 /**< not allowed in the current state */
	MGR_DBERROR = 9,                 /**< the SQLite store failed; nothing changed */
	MGR_UNAVAILABLE = 11,            /**< gw-core not reachable */
	MGR_SEARCHFAILED = 12,           /**< no such slice or sliver */
	MGR_UNSUPPORTED = 13,            /**< valid, but not something this AGW realizes (yet) */
	MGR_BUSY = 14,
	MGR_INPROGRESS = 16,             /**< another operation on this slice is running */
	MGR_ALREADYEXISTS = 17,          /**< slice, sliver, GRE key or port already taken */
	MGR_VLAN_UNAVAILABLE = 24,       /**< VID in use, or none left in the range */
	MGR_INSUFFICIENT_BANDWIDTH = 25, /**< the port's capacity would be exceeded */
};

/** A fault: code and a message naming the element at fault. */
struct mgr_err {
	int code;                 /**< enum mgr_fault */
	char msg[MGR_MSG_MAX];
};

/** Fill 'e' (may be NULL) and return -1. printf-style message. */
int mgr_fail(struct mgr_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Name of a fault code ("BADARGS"); "ERROR" for an unknown one. */
const char *mgr_fault_name(int code);

/** @return whether 'code' is a fault of enum mgr_fault (MGR_OK is not one). */
bool mgr_fault_known(int code);

/** key = value pairs of <resources> and <params>. Strings are owned (malloc). */
struct mgr_kv {
	char *key, *value;
};
struct mgr_kvs {
	struct mgr_kv *v;
	unsigned int n;
};

/** Value of 'key' in 'kv', or NULL. */
const char *mgr_kv_get(const struct mgr_kvs *kv, const char *key);

enum mgr_kind { MGR_NODE = 1, MGR_LINK = 2 };

/** Seed 000's sliver states ("non-existing" is the absence of the sliver). */
enum mgr_state { MGR_CREATED = 1, MGR_EXECUTED = 2 };

/** What the node at the other end of a link vport's bind is, for the AGW. */
enum mgr_role {
	MGR_ROLE_NONE = 0,
	MGR_ROLE_NETWORK,    /**< nodeSliver type="_super": the network side, via an uplink */
	MGR_ROLE_TERMINAL,   /**< instance type="Terminal": user terminals on an access port */
	MGR_ROLE_NSLIVER,    /**< instance type="SlowPath_VM": a node sliver on this AGW */
};

/** How a link vport is realized: gw-core's endpoint types, in gw-core's order (enum
 *  gwc_ep_type), then the manager's own. Each has a struct mgr_ep_ops (mgr_ep.h). */
enum mgr_ep_type {
	MGR_EP_NONE = 0,
	MGR_EP_PORT,       /**< gw-core: a whole port, untagged */
	MGR_EP_VLAN,       /**< gw-core: (port, VID) */
	MGR_EP_GRE,        /**< gw-core: Ethernet over GRE (port, remote, key) */
	MGR_EP_TRAILER,    /**< gw-core: trailer bytes on a port, by (terminal ID, app IDs) */
	MGR_EP_IPSEC,      /**< gw-core: the slice's IPsec link (an ipsec endpoint whose
	                        terminals charon admits; docs/ike.md) */
	MGR_EP_NSLIVER,    /**< to a node sliver: recorded, realized by the node-sliver work */
};

#define MGR_TERMINAL_PREFIX "terminal:"  /**< ipsec vport param "terminal:ID" = "psk:SECRET"
                                            or MGR_AUTH_PUBKEY */
#define MGR_AUTH_PUBKEY "pubkey"  /**< a terminal with an X.509 certificate (RFC 7296 section
                                       2.15 signature auth) for its identity, issued by the
                                       CA in [manager] ike_cacert */
#define MGR_IKE_ID_MAX 128              /**< bytes, with the NUL, of a terminal's IKE identity */

/** A link vport's endpoint, decided (and VID / GRE key allocated) when the link is created. */
struct mgr_ep {
	enum mgr_ep_type type;
	enum mgr_role role;
	char node[MGR_NAME_MAX];        /**< the bound node sliver */
	char node_port[MGR_NAME_MAX];   /**< its vport */
	char port[MGR_NAME_MAX];        /**< gw-core port (PORT, VLAN, GRE) */
	uint16_t vid;                   /**< VLAN: 1-4094 */
	bool has_key;                   /**< GRE: key field present */
	uint32_t key;                   /**< GRE key */
	char remote[16];                /**< GRE: remote IPv4, dotted quad */
	char nexthop_mac[18];           /**< GRE: configured next-hop MAC, or "" for ARP */
	uint32_t trl_terminal;          /**< TRAILER: terminal ID, 0: any */
	uint32_t trl_app_lo, trl_app_hi; /**< TRAILER: app IDs taken, inclusive */
	char trl_key[2 * 64 + 1];       /**< TRAILER: the terminal's key, lower-case hex (16-64
	                                     bytes), "" for none. A secret: stored, sent to
	                                     gw-core, never reported */
	bool trl_key_required;          /**< TRAILER with a key: trailers without a tag refused */
	bool trl_reappend;              /**< TRAILER: frames to the terminal get the trailer back
	                                     (one terminal, one app) */
	char ipsec_pool[19];            /**< IPSEC: the terminals' virtual IPs, "a.b.c.d/len"
	                                     (charon's pool, gw-core's ts_remote) */
	char ipsec_addr[16];            /**< IPSEC: the AGW's IPv4 address in the slice */
	char ipsec_gateway[16];         /**< IPSEC: slice-side next hop, "" = ARP per destination */
	unsigned int ipsec_terminals;   /**< IPSEC: "terminal:ID" params (their secrets stay there) */
	uint64_t police_bps;            /**< every gw-core type: the link's bandwidth when its
	                                     performanceIsolation is policing, else 0
	                                     (docs/isolation.md) */
	uint32_t police_burst;          /**< its burstSize, bytes; 0: gw-core's default */
	uint64_t shape_bps;             /**< every gw-core type but IPSEC: the link's bandwidth
	                                     when its performanceIsolation is shaping, else 0 */
	uint32_t shape_burst;           /**< its burstSize, bytes; 0: gw-core's default */
	uint64_t wfq_bps;               /**< every gw-core type but IPSEC: the link's bandwidth
	                                     when its performanceIsolation is wfq, else 0 */
	uint64_t port_rate_bps;         /**< shaping or wfq: the rate of the port's scheduler
	                                     ([manager] port_capacity), bits/s */
	uint8_t alloc;                  /**< inside planning only: VID / key still to allocate */
};

struct mgr_vport {
	char name[MGR_NAME_MAX];
	struct mgr_kvs params;          /**< AGW-side parameters (link vports) */
	struct mgr_ep ep;               /**< link vports, once planned */
};

/** Link protocol tokens of resource "protocol" (bit set). */
enum {
	MGR_PROTO_ETH = 1u << 0,     /**< 802.3 */
	MGR_PROTO_VLAN = 1u << 1,    /**< 802.1Q, VLAN */
	MGR_PROTO_IPV4 = 1u << 2,
	MGR_PROTO_IPV6 = 1u << 3,
	MGR_PROTO_GRE = 1u << 4,
	MGR_PROTO_IPSEC = 1u << 5,
	MGR_PROTO_TRAILER = 1u << 6,
};

struct mgr_sliver {
	char name[MGR_NAME_MAX];
	enum mgr_kind kind;
	enum mgr_state state;
	char type[MGR_NAME_MAX];       /**< node: the nodeSliver's type attribute ("_super"), or "" */
	char instance[MGR_NAME_MAX];   /**< node: instance type ("SlowPath_VM", "Terminal"), or "" */
	struct mgr_kvs resources;
	struct mgr_kvs params;
	struct mgr_vport *vports;
	unsigned int n_vports;
	/* links, from resources (filled by planning) */
	uint64_t bandwidth_bps;        /**< bits/s */
	uint64_t burst_bytes;          /**< bytes */
	unsigned int protocols;        /**< MGR_PROTO_* */
};

/** One structure/bind: two (sliver, vport) ends. */
struct mgr_bind {
	char sliver[2][MGR_NAME_MAX];
	char vport[2][MGR_NAME_MAX];
};

struct mgr_slice {
	char id[MGR_NAME_MAX];
	char spec_class[MGR_NAME_MAX];   /**< slicespec's class attribute, as given */
	char owner[MGR_NAME_MAX];        /**< the principal that created it; "": before
					  *   principals (the [manager] user's) */
	int64_t created;                 /**< s since the epoch */
	char *fed;                       /**< a slice made over the Common API 2.0: its
					  *   federation record (JSON text, mgr_capi.h), malloc'd;
					  *   NULL for one made with the VNode form */
	struct mgr_sliver *slivers;
	unsigned int n_slivers;
	struct mgr_bind *binds;
	unsigned int n_binds;
};

/** All slices the manager holds. */
struct mgr_reg {
	struct mgr_slice **slices;
	unsigned int n;
	struct mgr_alloc *acct;   /**< what the slices hold (mgr_plan.h), kept by
				       mgr_reg_commit(); NULL until the first commit */
	void *by_id;              /**< tsearch tree: slice id -> index in 'slices' */
};

struct nsl_conf;

/** What planning needs from the manager's configuration ([manager] in agw.conf). */
struct mgr_plan_conf {
	char uplink_port[MGR_NAME_MAX];   /**< default port of network-side endpoints */
	char access_port[MGR_NAME_MAX];   /**< default port of terminal-side endpoints */
	uint16_t vid_min, vid_max;        /**< VIDs the manager allocates from */
	uint32_t key_min, key_max;        /**< GRE keys the manager allocates from */
	char gre_remote[16];              /**< default GRE remote, "" = the spec must name it */
	uint64_t port_capacity_bps;       /**< bandwidth a port can carry, bits/s; 0 = no limit */
	const char *const *ports;         /**< gw-core's port names, NULL-terminated; NULL = unknown */
	const struct nsl_conf *nsl;       /**< [nsliver]: node slivers' capacity and image
					       server (nsliver/nsl.h); NULL: no capacity
					       checked, no image server */
};

/* ---------------------------------------------------------------- spec */

/**
 * Parse a VNode slice spec (seed 001 Figure 4 shape; docs/slice-spec.md) into 'out'
 * (slivers and binds; id, states and endpoints are left for planning). Accepts both
 * `slicespec` and Figure 4's `sllicespec`, both `slivername` and `slivename`; skips
 * `<extension>` elements. Checks syntax only: names, duplicates inside the spec, known
 * elements and attributes. The XML is parsed without network access or entity expansion.
 * @param xml  'len' bytes, need not be NUL-terminated
 * @return 0 ('out' owned by the caller: mgr_slice_clear()); -1 with 'e' (BADARGS) and
 *         'out' empty.
 */
int mgr_spec_parse(const char *xml, size_t len, struct mgr_slice *out, struct mgr_err *e);

/* ---------------------------------------------------------------- slices */

/** Free what 'sl' holds and zero it. */
void mgr_slice_clear(struct mgr_slice *sl);

/** Deep copy; NULL when out of memory. */
struct mgr_slice *mgr_slice_dup(const struct mgr_slice *sl);

/** Free a slice from mgr_slice_dup() or a plan. NULL is fine. */
void mgr_slice_free(struct mgr_slice *sl);

#define MGR_MAX_SLIVERS 256   /**< slivers one spec or Common API command may give */
#define MGR_MAX_VPORTS 64     /**< vports of one sliver in one spec or command */
#define MGR_MAX_KV 64         /**< resources, or params, of one sliver or vport */
#define MGR_MAX_BINDS 512     /**< binds of one spec or command */

/**
 * Append a zeroed sliver 'name' of 'kind' to 'sl' (a spec being decoded).
 * @return it, valid until the next append (the array moves); NULL with 'e': BADARGS
 *   ('where' names the place) when 'sl' holds MGR_MAX_SLIVERS already or a sliver
 *   'name', SERVERERROR out of memory.
 */
struct mgr_sliver *mgr_slice_add_sliver(struct mgr_slice *sl, const char *name,
					enum mgr_kind kind, const char *where, struct mgr_err *e);

/**
 * Append a zeroed vport 'name' to sliver 's' (a spec being decoded).
 * @return it, valid until the next append; NULL with 'e': BADARGS ('where' names the
 *   place) when 's' holds MGR_MAX_VPORTS already or a vport 'name', SERVERERROR.
 */
struct mgr_vport *mgr_sliver_add_vport(struct mgr_sliver *s, const char *name,
				       const char *where, struct mgr_err *e);

/**
 * Append copies of 'key' = 'value' to 'kv' (a spec being decoded).
 * @return 0; -1 with 'e': BADARGS ('where' names the place) when 'kv' holds
 *   MGR_MAX_KV already or 'key', SERVERERROR.
 */
int mgr_kvs_add(struct mgr_kvs *kv, const char *key, const char *value, const char *where,
		struct mgr_err *e);

/**
 * Append a zeroed bind to 'sl' (a spec being decoded).
 * @return it, valid until the next append; NULL with 'e': BADARGS ('where' names the
 *   place) when 'sl' holds MGR_MAX_BINDS already, SERVERERROR.
 */
struct mgr_bind *mgr_slice_add_bind(struct mgr_slice *sl, const char *where,
				    struct mgr_err *e);

/** The sliver named 'name', or NULL. */
struct mgr_sliver *mgr_slice_sliver(const struct mgr_slice *sl, const char *name);

/** The slice 'id' in 'reg', or NULL. */
struct mgr_slice *mgr_reg_find(const struct mgr_reg *reg, const char *id);

/**
 * Put 'sl' (owned by the registry from now on) in place of the slice with its id, or
 * add it; with sl == NULL remove slice 'id'. Frees the slice it replaces.
 * @return 0; -1 out of memory (nothing changed, 'sl' still the caller's).
 */
int mgr_reg_commit(struct mgr_reg *reg, const char *id, struct mgr_slice *sl);

/** Free every slice. */
void mgr_reg_clear(struct mgr_reg *reg);

/* ---------------------------------------------------------------- planning
 * Each plan validates the whole request against the registry and returns the slice as
 * it would be after the operation, leaving 'reg' untouched. *out is the new slice (the
 * caller commits or frees it); for DeleteSlice it is NULL.
 */

/** CreateSlice: 'spec' (parsed) becomes slice 'id', every sliver created. */
int mgr_plan_create(const struct mgr_reg *reg, const struct mgr_plan_conf *c, const char *id,
		    const struct mgr_slice *spec, struct mgr_slice **out, struct mgr_err *e);

/** Add: slivers and binds of 'spec' join slice 'id' (binds may name its existing slivers). */
int mgr_plan_add(const struct mgr_reg *reg, const struct mgr_plan_conf *c, const char *id,
		 const struct mgr_slice *spec, struct mgr_slice **out, struct mgr_err *e);

/** Delete: slivers 'names' (n >= 1) leave slice 'id', with their binds. */
int mgr_plan_delete(const struct mgr_reg *reg, const char *id, const char *const *names,
		    unsigned int n, struct mgr_slice **out, struct mgr_err *e);

/**
 * Run (to_state EXECUTED) or Stop (CREATED): slivers 'names', or with n == 0 every
 * sliver of the slice that is in the other state (at least one must be).
 * A named sliver already in 'to_state' is refused (REFUSED).
 */
int mgr_plan_transition(const struct mgr_reg *reg, const char *id, const char *const *names,
			unsigned int n, enum mgr_state to_state, struct mgr_slice **out,
			struct mgr_err *e);

/** DeleteSlice: slice 'id' must exist; *out = NULL. */
int mgr_plan_delete_slice(const struct mgr_reg *reg, const char *id, struct mgr_slice **out,
			  struct mgr_err *e);

/**
 * AddTerminal (auth "psk:SECRET") or RemoveTerminal (auth NULL): terminal 'terminal'
 * (an IKE identity) joins or leaves the ipsec vport 'vport' of link sliver 'link' of
 * slice 'id'; its param "terminal:ID" is added or removed, checked as in a spec.
 * Faults: SEARCHFAILED (no such slice, link sliver or vport; removing a terminal the
 * vport does not admit), BADARGS (not an ipsec vport, bad identity or key),
 * UNSUPPORTED (auth "pubkey"), ALREADYEXISTS (the identity is admitted already, by
 * this vport or any other IPsec link).
 */
int mgr_plan_terminal(const struct mgr_reg *reg, const struct mgr_plan_conf *c, const char *id,
		      const char *link, const char *vport, const char *terminal, const char *auth,
		      struct mgr_slice **out, struct mgr_err *e);

/* ---------------------------------------------------------------- names */

const char *mgr_state_name(enum mgr_state s);      /**< "created", "executed" */
const char *mgr_ep_type_name(enum mgr_ep_type t);  /**< "vlan", "gre", "port", "nsliver", "none" */
const char *mgr_role_name(enum mgr_role r);        /**< "network", "terminal", "nsliver" */

/** Does endpoint type 't' live in gw-core? (mgr_ep.c) */
bool mgr_ep_in_gwc(enum mgr_ep_type t);

/** The IKE identity an ipsec vport param key "terminal:ID" admits (a pointer into 'key'),
 *  or NULL for another key. */
const char *mgr_terminal_of(const char *key);

/** A terminal's IKE identity as the manager accepts it: 1-127 printable ASCII, no
 *  space, quote or backslash (it is written into charon's config through VICI). */
bool mgr_ike_id_ok(const char *id);

/** A slice/sliver/vport name: 1-63 of [A-Za-z0-9_.-]. */
bool mgr_name_ok(const char *s);

/** @return 0 if 'id' is a valid slice id (mgr_name_ok()); -1 with 'e' BADARGS naming it. */
int mgr_slice_id_check(const char *id, struct mgr_err *e);

/** Parse "1G", "100M", "1500k", "64000" (SI: k=10^3...) into *v. @return 0, -1 if malformed. */
int mgr_parse_si(const char *s, uint64_t *v);

#endif
