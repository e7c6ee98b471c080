/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's model of gw-core (not public): struct gwc and the slices,
 * endpoints, trailer keys, outer neighbours, SAs and slice-side neighbours it holds.
 * Control thread ONLY: workers see the published tables (gwc_tables.h) and their own
 * context (gwc_lcore.h), never this. Every change to the model is followed by
 * gwc_tables_publish(), which makes it visible to the workers at once.
 *
 * The files that own each object (control thread):
 *   gwc_core.c     life cycle: ports, TAPs, rings, workers
 *   gwc_model.c    finding slices, endpoints and ports; names; owner checks
 *   gwc_slice.c    slices, endpoints (through gwc_ep_ops.h), static MACs, owner flush
 *   gwc_sched.c    ports' schedulers: shaping and weighted sharing (gwc_sched.h)
 *   gwc_ep*.c      one endpoint type each (gwc_ep_ops.h)
 *   gwc_trlkey.c   trailer keys
 *   gwc_stats.c    counters summed over the lcores
 *   gwc_neigh.c    outer next hops (GRE remotes, terminals) and their ARP
 *   gwc_inject.c   frames from the control thread into a worker's inject ring
 *   gwc_exc.c      the exception path: exception ring <-> TAP
 *   gwc_ipsec.c    the IPsec SA model, lifetimes, the SA part of the tables
 *   gwc_l3.c       the slice router's control half: proxy ARP, slice-side neighbours
 *   gwc_tables.c   building and publishing the tables
 *   gwc_ctl*.c     the control socket (gwc_ctl.h)
 */
#ifndef GWC_MODEL_H
#define GWC_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "gwc.h"
#include "gwc_lcore.h"
#include "gwc_log.h"
#include "gwc_sa.h"
#include "gwc_tables.h"
#include "ppm.h"

struct rte_mbuf;
struct rte_mempool;
struct rte_rcu_qsbr;
struct gwc_ctl;

#define GWC_MAX_NEIGH 256
#define GWC_MAX_L3N 1024       /* slice-side neighbours of IPsec endpoints, all slices */

/* Parse 'text' ("02:00:00:00:00:01") into 'a'. @return true when it is a MAC address
 * a frame may be sent to: unicast and not all zero. Any thread. */
static inline bool
gwc_mac_parse_unicast(const char *text, struct rte_ether_addr *a)
{
	return rte_ether_unformat_addr(text, a) == 0 && rte_is_unicast_ether_addr(a) &&
	       !rte_is_zero_ether_addr(a);
}

/* ------------------------------------------------------------ control thread model */

struct gwc_slice_m {
	bool used;                   /* gwc_slice_link() / gwc_slice_unlink() only */
	uint32_t first_ep;           /* its endpoints: a list through gwc_ep_m.next */
	char name[GWC_NAME_MAX];
	char owner[GWC_NAME_MAX];
	bool changed;                /* marked for gwc_tables_publish_changes() */
	uint32_t n_routed;           /* endpoints of a routed type (not bridged: IPsec
					terminals); the slice router serves it while any */
	uint32_t n_flood;            /* entries of 'flood' */
	uint32_t *flood;             /* the published flood list (rte_malloc), or NULL */
	struct gwc_mac_table *mac;   /* GWC_MAC_START entries, grown by gwc_mac_poll() */
	uint64_t learned_checked;    /* its 'learned' counter when gwc_mac_poll() last looked */
	struct gwc_slice_stats base; /* counters at creation; reported values subtract it */
};

struct gwc_ep_m {
	bool used;                   /* gwc_ep_link() / gwc_ep_unlink() only */
	uint32_t next;               /* the slice's next endpoint, GWC_EP_NONE: none */
	bool changed;                /* marked for gwc_tables_publish_changes() */
	struct gwc_ep *pub;          /* the published copy (rte_malloc), or NULL */
	uint16_t first_sa;           /* IPSEC: its SAs, a list through gwc_sa_m.ep_next;
					GWC_SA_NONE: none */
	struct gwc_ep ep;            /* conf, slice, port, owner; the rest is filled at build */
	struct gwc_ep_stats base;
};

struct gwc_term_m {
	bool used;
	bool required;
	uint32_t terminal;
	char owner[GWC_NAME_MAX];
};

struct gwc_neigh {
	bool used;
	bool resolved;
	bool is_static;              /* from the port's 'neighbour IP = MAC': never ARPed */
	uint16_t port;
	rte_be32_t ip;
	struct rte_ether_addr mac;
	uint64_t last_req_tsc;
	uint32_t requests;
};

/* The key of gwc.sa_index: zero-padded. An inbound SA is found by its SPI alone (dst 0). */
struct gwc_sa_key {
	uint32_t spi;
	rte_be32_t dst;
	uint32_t inbound;
};

struct gwc_sa_m {
	bool used;
	bool soft_expired, hard_expired;
	bool changed;                /* marked for the next publication (gwc_ipsec.c) */
	uint32_t ep;
	uint16_t ep_next;            /* the next SA of 'ep' (gwc_ep_m.first_sa), GWC_SA_NONE */
	uint32_t serial;             /* order of addition: the newest outbound SA wins */
	uint16_t lcore;              /* inbound: the worker that decrypts it */
	struct gwc_sa_conf conf;     /* keys included: for gwc_ipsec_sa_update(); never shown */
	struct gwc_sa_life life;
	struct gwc_sa *sa;
	char owner[GWC_NAME_MAX];
	struct gwc_sa_stats base;    /* counters when the index was taken */
};

/* A slice-side neighbour of the IPsec router (control thread). */
struct gwc_l3n {
	bool used;
	bool resolved;
	uint16_t slice;
	uint32_t ep;                 /* the IPsec endpoint whose packet asked (ARP goes from it) */
	rte_be32_t ip;
	struct rte_ether_addr mac;
	uint64_t last_req_tsc, last_seen_tsc;
	unsigned int requests;       /* ARP requests unanswered while pending */
};


struct gwc {
	struct gwc_conf conf;
	struct rte_mempool *pool;
	struct rte_mempool *big_pool;            /* see gwc_big_pool() in gwc_core.c */
	struct gwc_dp dp;                        /* what workers share (gwc_lcore.h) */
	struct ppm_port port[GWC_MAX_PORTS];
	struct ppm_port tap[GWC_MAX_PORTS];      /* started == false: no TAP */
	struct ppm_worker worker[GWC_MAX_WORKERS];
	struct gwc_lcore *lc[GWC_MAX_WORKERS];
	bool running;
	struct rte_rcu_qsbr *qsbr;
	uint32_t version;                        /* of the tables last published */
	struct gwc_tables *tables_spare;         /* retired tables, reused by the next build */
	uint32_t spare_version;                  /* the version 'tables_spare' holds */
	bool last_full;                          /* the last publication was a full build */
	uint32_t *last_ep;                       /* what the last publication marked (the
						    spare then differs from the published
						    tables in these entries only) */
	uint16_t *last_slice;
	uint32_t n_last_ep, n_last_slice;
	uint64_t tables_delta;                   /* builds that started from the spare and
						    copied only the last publication's marks */
	/* model */
	struct gwc_slice_m *slice;               /* [conf.max_slices] (heap) */
	struct gwc_ep_m *ep;                     /* [conf.max_endpoints] (heap) */
	uint64_t *slice_used;                    /* bitmap of the used slices (heap) */
	uint64_t *ep_used;                       /* bitmap of the used endpoints (heap) */
	uint32_t n_slices, n_eps;                /* used */
	uint64_t *ep_type_used[GWC_EP_TYPES];    /* bitmaps of the used endpoints by type */
	uint32_t n_eps_type[GWC_EP_TYPES];       /* used endpoints by type */
	uint32_t vid_ep[GWC_MAX_PORTS][4096];    /* (port, VID) -> VLAN endpoint id or
						    GWC_EP_NONE: its validate's index */
	uint32_t *changed_ep;                    /* marked since the last publication */
	uint16_t *changed_slice;
	uint32_t n_changed_ep, n_changed_slice;
	struct rte_hash *gre_keys;               /* the GRE hash kept across tables
						    (gwc_ep_gre.c), or NULL */
	struct rte_hash *slice_names;            /* name -> slice index */
	struct rte_hash *ep_names;               /* (slice, name) -> endpoint id */
	uint32_t next_ep;                        /* round-robin id allocation */
	uint32_t police_gen;                     /* last police_gen given (gwc_slice.c) */
	struct gwc_sched *sched[GWC_MAX_PORTS];  /* each port's scheduler or NULL (gwc_sched.c) */
	char port_owner[GWC_MAX_PORTS][GWC_NAME_MAX]; /* added ports' owners (gwc_port.c);
						    "" for configured ports and free slots */
	struct gwc_term_m term[GWC_MAX_TRL_KEYS]; /* trailer keys by slot */
	struct gwc_neigh neigh[GWC_MAX_NEIGH];
	uint64_t last_arp_tsc;
	bool neigh_stale;                        /* gwc_neigh_ep_removed() since the last sync */
	uint64_t last_mac_tsc;                   /* gwc_mac_poll()'s last look */
	uint32_t mac_entries_max;                /* the largest MAC table grown so far */
	/* IPsec */
	struct gwc_crypto crypto;
	struct gwc_sa_m *sa;                     /* [conf.max_sas] (heap) */
	uint64_t *sa_used;                       /* bitmap of the used SAs (heap) */
	uint16_t *changed_sa;                    /* SAs marked since the last publication */
	uint32_t n_changed_sa;
	uint16_t *last_sa;                       /* SAs the last publication marked */
	uint32_t n_last_sa;
	uint32_t n_sas;                          /* used SAs */
	uint32_t n_sa_in;                        /* used inbound SAs */
	uint32_t n_sa_life;                      /* used SAs with a lifetime */
	uint32_t sa_in_lcore[GWC_MAX_WORKERS];   /* used inbound SAs each worker decrypts */
	struct rte_hash *sa_index;               /* (direction, SPI, destination) -> SA index */
	struct rte_hash *spi_keys;               /* the SPI hash kept across tables (t->spi):
						    inbound SPI -> SA index, or NULL */
	uint16_t *spi_slot;                      /* the SPI slots kept with it (t->spi_slot;
						    gwc_tables.h), or NULL */
	uint32_t spi_slot_mask;                  /* slots - 1 */
	struct rte_hash *l3_routes;              /* the /32 route hash kept across tables
						    (t->l3_route, gwc_ep_ipsec.c), or NULL */
	uint64_t *route_bits;                    /* its filter (gwc_route_maybe()), made with it */
	uint8_t *route_cnt;                      /* keys per filter bit (255: stays set) */
	uint8_t route_shift;                     /* the filter has 2^(64 - route_shift) bits */
	uint32_t sa_serial;
	uint64_t last_life_tsc;
	struct gwc_l3n l3n[GWC_MAX_L3N];
	uint16_t n_l3_rules;                     /* the slice router's selectors shorter than
						    /32, longest first (gwc_l3.c) */
	struct gwc_l3_rule l3_rule[GWC_MAX_L3_RULES];
	uint8_t l3_rule_k[GWC_MAX_L3_RULES];     /* each one's place in its endpoint's list */
	/* exception path counters */
	uint64_t exc_to_tap, exc_from_tap, exc_no_tap, inject_full, arp_sent;
	struct gwc_ctl *ctl;                     /* the control socket (gwc_ctl.c); NULL: none */
};

/* ------------------------------------------------------------ gwc_model.c */

/*
 * The model's arrays and indexes for conf.max_slices and conf.max_endpoints: the slice
 * and endpoint arrays, their bitmaps of used entries, and the name hashes (rte_hash),
 * so that finding, adding and walking cost what is used, not what is configured.
 * @return 0, or -ENOMEM with 'e' saying why (gwc_model_fini() frees what was made).
 */
int gwc_model_init(struct gwc *g, struct gwc_err *e);
void gwc_model_fini(struct gwc *g);
/*
 * An rte_hash kept for gw-core 'g''s life (the model's indexes, the tables' kept
 * hashes): room for 'entries' keys of 'key_len' bytes however they collide
 * (RTE_HASH_EXTRA_FLAGS_EXT_TABLE, plus 'extra_flag'), hashed with rte_hash_crc from
 * 0, named "gwc_<what>_<g>". @return it, or NULL. Control thread.
 */
struct rte_hash *gwc_hash_kept(const struct gwc *g, const char *what, uint32_t entries,
			       uint32_t key_len, uint32_t extra_flag);
/* The link and unlink functions also mark what they change for
 * gwc_tables_publish_changes(). */
/* Mark slice 's' used and findable by its name (set before). */
void gwc_slice_link(struct gwc *g, int s);
/* Mark slice 's' unused (its endpoints must be unlinked first). */
void gwc_slice_unlink(struct gwc *g, int s);
/* Mark endpoint 'id' used: findable by (slice, name), in its slice's list. */
void gwc_ep_link(struct gwc *g, int id);
/* Mark endpoint 'id' unused. Its gwc_ep_m keeps everything else. */
void gwc_ep_unlink(struct gwc *g, int id);

/* The first set bit of 'bm' (of 'n' bits) at or after 'from'; 'n' when none. */
static inline uint32_t
gwc_bm_next(const uint64_t *bm, uint32_t n, uint32_t from)
{
	uint32_t w = from / 64;
	uint64_t v;

	if (from >= n)
		return n;
	v = bm[w] & (~0ull << (from % 64));
	while (v == 0) {
		if (++w * 64 >= n)
			return n;
		v = bm[w];
	}
	from = w * 64 + (uint32_t)__builtin_ctzll(v);
	return from < n ? from : n;
}

/* The first clear bit of 'bm' (of 'n' bits) at or after 'from', wrapping round to 0;
 * 'n' when every bit is set. */
static inline uint32_t
gwc_bm_next_free_from(const uint64_t *bm, uint32_t n, uint32_t from)
{
	uint32_t pass, i, w;

	for (pass = 0; pass < 2; pass++, from = 0)
		for (i = from; i < n; i = (w + 1) * 64) {
			uint64_t v;

			w = i / 64;
			v = ~bm[w] & (~0ull << (i % 64));
			if (v != 0) {
				i = w * 64 + (uint32_t)__builtin_ctzll(v);
				if (i < n)
					return i;
				break;
			}
		}
	return n;
}

/* The first clear bit of 'bm' (of 'n' bits); 'n' when every bit is set. */
static inline uint32_t
gwc_bm_next_free(const uint64_t *bm, uint32_t n)
{
	return gwc_bm_next_free_from(bm, n, 0);
}

/* Each used slice index 'i' (unsigned), in order. */
#define GWC_SLICE_FOREACH(g, i)                                                            \
	for ((i) = gwc_bm_next((g)->slice_used, (g)->conf.max_slices, 0);                    \
	     (i) < (g)->conf.max_slices;                                                     \
	     (i) = gwc_bm_next((g)->slice_used, (g)->conf.max_slices, (i) + 1))
/* Each used endpoint id 'i' (unsigned), in order. */
#define GWC_EP_FOREACH(g, i)                                                               \
	for ((i) = gwc_bm_next((g)->ep_used, (g)->conf.max_endpoints, 0);                    \
	     (i) < (g)->conf.max_endpoints;                                                  \
	     (i) = gwc_bm_next((g)->ep_used, (g)->conf.max_endpoints, (i) + 1))
/* Each used endpoint id 'i' of type 'type' (enum gwc_ep_type), in order. */
#define GWC_EP_FOREACH_TYPE(g, type, i)                                                    \
	for ((i) = gwc_bm_next((g)->ep_type_used[type], (g)->conf.max_endpoints, 0);         \
	     (i) < (g)->conf.max_endpoints;                                                  \
	     (i) = gwc_bm_next((g)->ep_type_used[type], (g)->conf.max_endpoints, (i) + 1))
/* Each used SA index 'i' (unsigned), in order. */
#define GWC_SA_FOREACH(g, i)                                                               \
	for ((i) = gwc_bm_next((g)->sa_used, (g)->conf.max_sas, 0);                          \
	     (i) < (g)->conf.max_sas;                                                        \
	     (i) = gwc_bm_next((g)->sa_used, (g)->conf.max_sas, (i) + 1))
/* Each SA index 'i' of endpoint 'id' (unsigned); 'i' must not be unlinked in the loop. */
#define GWC_EP_SA_FOREACH(g, id, i)                                                        \
	for ((i) = (g)->ep[id].first_sa; (i) != GWC_SA_NONE; (i) = (g)->sa[i].ep_next)
/* Each endpoint id 'i' of slice 's'; 'i' must not be unlinked in the loop. */
#define GWC_SLICE_EP_FOREACH(g, s, i)                                                      \
	for ((i) = (g)->slice[s].first_ep; (i) != GWC_EP_NONE; (i) = (g)->ep[i].next)

/* @return whether 's' is a valid slice or endpoint name: 1 to GWC_NAME_MAX - 1
 * printable characters, no spaces, quotes or backslashes. */
bool gwc_name_ok(const char *s);
/* @return the index of port 'name', or -ENOENT. */
int gwc_port_find(const struct gwc *g, const char *name);
/*
 * Slice 'slice', which 'owner' must own. @return its index, or -ENOENT (no such
 * slice), -EPERM (another owner's), with 'e' saying why.
 */
int gwc_slice_owned(const struct gwc *g, const char *owner, const char *slice,
		    struct gwc_err *e);
/*
 * Endpoint 'name' of slice 'slice', which 'owner' must own, or own the slice of
 * ('slice_owner_ok'). @return the endpoint id, or -ENOENT, -EPERM, with 'e' saying why.
 */
int gwc_ep_owned(const struct gwc *g, const char *owner, const char *slice, const char *name,
		 bool slice_owner_ok, struct gwc_err *e);

/* ------------------------------------------------------------ gwc_slice.c */

/* MAC entries a slice's table starts with (at most [gw-core] mac_table_size). */
#define GWC_MAC_START 64
/* How often gwc_mac_poll() looks at the slices' MAC tables, ms. */
#define GWC_MAC_POLL_MS 100

/*
 * Each GWC_MAC_POLL_MS: a slice whose MAC table is more than half live, or that learned
 * as many entries as the table holds since the last look, gets a table 4 times the
 * size, up to mac_table_size (published like any change). Each control pass.
 */
void gwc_mac_poll(struct gwc *g);

/* ------------------------------------------------------------ gwc_port.c */
/* Join port index 'p' to worker 'w': its tx buffer toward the port, and the port's rx
 * queue 'w' (when it has one) at the end of the worker's rx queue list (published by
 * ppm_worker_commit(), or by the worker's launch). At creation for the configured
 * ports, at port.add for an added one. Control thread. */
void gwc_port_join_worker(struct gwc *g, unsigned int w, uint16_t p);

/* ------------------------------------------------------------ gwc_neigh.c */

/* The next hop toward 'remote' (network order) out of port 'port': 'remote' itself on
 * the port's subnet or without a gateway, else the port's gateway. */
rte_be32_t gwc_nexthop_ip(const struct gwc *g, uint16_t port, rte_be32_t remote);
/* The neighbour entry of (port, ip), or NULL. */
const struct gwc_neigh *gwc_neigh_find(const struct gwc *g, uint16_t port, rte_be32_t ip);
/* Keep one neighbour per (port, next hop) a GRE endpoint or an outbound SA needs, and
 * only those: O(endpoints + SAs), so a change adds its own (gwc_neigh_ep_added(),
 * gwc_neigh_need()) and a removal leaves the rest to gwc_neigh_poll(). */
void gwc_neigh_sync(struct gwc *g);
/* Endpoint 'id' was added: the next hop it needs, if any, has an entry (as
 * gwc_neigh_sync() would give it, without looking at every other endpoint). */
void gwc_neigh_ep_added(struct gwc *g, int id);
/* The next hop toward 'remote' out of 'port' (an outbound SA's destination) has an
 * entry, as gwc_neigh_sync() would give it, without looking at every other user. */
void gwc_neigh_need(struct gwc *g, uint16_t port, rte_be32_t remote);
/* Endpoints or outbound SAs were removed: entries nothing needs any more go at the next
 * gwc_neigh_poll() (gwc_neigh_sync() there), or at once when the table is full. */
void gwc_neigh_ep_removed(struct gwc *g);
/* Learn a next hop's MAC from an ARP frame 'm' that came in on 'port'.
 * @return true when a MAC changed (the tables need publishing). */
bool gwc_neigh_learn(struct gwc *g, uint16_t port, const struct rte_mbuf *m);
/* Ask (again) for the next hops due for an ARP request. Each control pass. */
void gwc_neigh_poll(struct gwc *g);

/* ------------------------------------------------------------ gwc_inject.c */

/* Queue 'm' on worker 0's inject ring, to go out of port index 'port'. Consumes 'm'
 * (counted inject_full and freed when the ring is full). */
void gwc_inject(struct gwc *g, uint32_t port, struct rte_mbuf *m);
/* Likewise, to go through endpoint 'ep' ('kind' GWC_INJ_EP) or flood into its slice as
 * if it came from it (GWC_INJ_FLOOD). */
void gwc_inject_ep(struct gwc *g, uint32_t kind, uint32_t ep, struct rte_mbuf *m);
/* An Ethernet + ARP frame (RFC 826) from 'sha'. @return it (the caller owns it), or NULL
 * (no mbuf). */
struct rte_mbuf *gwc_arp_build(struct gwc *g, uint16_t op, const struct rte_ether_addr *dst,
			       const struct rte_ether_addr *sha, rte_be32_t sip,
			       const struct rte_ether_addr *tha, rte_be32_t tip);

/* ------------------------------------------------------------ gwc_exc.c */

/* The exception path, each control pass: the exception ring to the TAPs (and the
 * tagged frames to the slice router), the TAPs to worker 0. */
void gwc_exc_poll(struct gwc *g);

/* ------------------------------------------------------------ gwc_ipsec.c */

/* The router MAC and the crypto device ([ipsec] of the config). @return 0, or -errno
 * with 'e' saying why (only when a named crypto device fails). */
int gwc_ipsec_init(struct gwc *g, struct gwc_err *e);
/* Free every SA and close the crypto device. */
void gwc_ipsec_fini(struct gwc *g);
/* Lifetimes, each control pass (a hard limit takes the SA out of the tables). */
void gwc_ipsec_poll(struct gwc *g);

/* ------------------------------------------------------------ gwc_ep_ipsec.c */

/* The IPsec terminals' /32 selectors gw-core routes, all slices: two per endpoint of
 * [gw-core] max_endpoints (one more is refused). */
uint32_t gwc_ipsec_routes_max(const struct gwc *g);

/* ------------------------------------------------------------ gwc_l3.c */

/* Forget the slice-side neighbours learned in slice 's' (gone: its index may be reused). */
void gwc_l3_slice_gone(struct gwc *g, uint16_t s);
/* An exception-ring frame tagged GWC_EXC_TAG (ARP in a slice, a packet to resolve).
 * Consumes 'm'. */
void gwc_l3_exc(struct gwc *g, struct rte_mbuf *m);
/* Slice-side neighbours: refresh, retry, forget. Each control pass. */
void gwc_l3_poll(struct gwc *g);

/* ------------------------------------------------------------ gwc_ctl.c */

/* Close the control socket and its clients. */
void gwc_ctl_close(struct gwc *g);

#endif /* GWC_MODEL_H */
