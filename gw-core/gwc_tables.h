/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tables workers read (not public). On every change the control thread builds the
 * next struct gwc_tables from its model (gwc_model.h): a copy of the published one with
 * the marked endpoints, slices and SAs made anew (gwc_tables_publish_changes()), or all
 * of it anew (gwc_tables_publish()); it publishes it with an atomic pointer store; from
 * then on it is immutable, and it is freed after an rte_rcu_qsbr grace period
 * (gwc_tables.c). The GRE, SPI and /32 route hashes are kept across tables
 * (gwc_hash_lf_new()). The MAC and trailer flow tables are the exception: any worker
 * writes their slots with relaxed atomic stores (gwc_mac.h, gwc_flow.h).
 *
 * Who builds what: gwc_tables.c the ports, the endpoint copies (through each endpoint
 * type's build, gwc_ep_ops.h) and the flood lists; the features that own other fields
 * (IPsec SAs, the slice router, trailer keys) register a struct gwc_tables_builder.
 */
#ifndef GWC_TABLES_H
#define GWC_TABLES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_meter.h>

#include "gwc.h"
#include "gwc_sa.h"   /* GWC_SA_HOT */

struct rte_hash;
struct gwc;
struct gwc_sa;
struct gwc_sched;

#define GWC_GRE_HDR_MAX 50     /* outer Ethernet 14 + IPv4 20 + GRE 4 + key 4, rounded */
#define GWC_MAX_L3_RULES 256   /* IPsec traffic selectors shorter than /32, all slices */

/* GRE (RFC 2784, key and sequence number from RFC 2890) as gw-core writes and reads it. */
#define GWC_GRE_F_CSUM 0x8000
#define GWC_GRE_F_KEY 0x2000
#define GWC_GRE_F_SEQ 0x1000
#define GWC_GRE_F_MBZ 0x4fff     /* routing, strict route, recursion, flags, version */
#define GWC_GRE_PROTO_TEB 0x6558 /* transparent Ethernet bridging */

/* ------------------------------------------------------------ IPv4 prefixes */

/* The netmask of a /'len' prefix (0..32), network order. */
static inline uint32_t
gwc_prefix_mask(unsigned int len)
{
	return len == 0 ? 0 : rte_cpu_to_be_32(~0u << (32 - len));
}

/* Is 'a' (network order) inside one of the 'n' prefixes 'p'? n == 0: anything is. Any thread. */
static inline bool
gwc_prefix_match(const struct gwc_prefix *p, unsigned int n, uint32_t a)
{
	unsigned int i;

	if (n == 0)
		return true;
	for (i = 0; i < n; i++)
		if (((a ^ p[i].addr) & gwc_prefix_mask(p[i].len)) == 0)
			return true;
	return false;
}


/*
 * The top 64 - 'shift' bits of 'key' x 2^64/phi: Fibonacci hashing (Knuth, TAOCP 6.4),
 * a table index of 2^(64 - 'shift') entries. A product bit depends only on the key bits
 * at or below it, so only the top bits see every bit of the key: take the index from
 * them (the MAC table's buckets, the route filter's bits).
 */
static inline uint64_t
gwc_fib_hash(uint64_t key, uint8_t shift)
{
	return (key * 0x9e3779b97f4a7c15ull) >> shift;
}

/* ------------------------------------------------------------ MAC table */

/*
 * One slot, 16 bytes (a bucket of GWC_MAC_WAYS is one cache line), holding a 32-bit
 * endpoint id in two halves:
 *   key  = (MAC as a 48-bit little-endian integer) << 16 | endpoint id bits 0..15,
 *          0 when empty;
 *   seen = tick << 16 | endpoint id bits 16..31, where tick is the TSC of the last
 *          frame from it >> GWC_MAC_TICK_SHIFT (48 bits: it never wraps), or
 *          GWC_MAC_STATIC for a static entry.
 * Any worker writes any slot with relaxed atomic stores, 'seen' before 'key': two
 * workers learning at once may leave a duplicate, which lookups and aging tolerate; a
 * lookup racing a learn into the same slot may pair one entry's low half with the
 * other's high half, so a reader trusts an id only below the table's endpoint count
 * and inside its own slice (gwc_dp_bridge.h).
 */
#define GWC_MAC_WAYS 4
#define GWC_MAC_TICK_SHIFT 16              /* a tick is 65,536 TSC cycles (22 us at 3 GHz) */
#define GWC_MAC_STATIC 0xffffffffffffull   /* the tick of a static entry */

struct gwc_mac_slot {
	uint64_t key;   /* any lcore, atomic */
	uint64_t seen;  /* any lcore, atomic */
};

/* The head of a set-associative aging table (the MAC and trailer flow tables). */
struct gwc_assoc {
	uint32_t bucket_mask;   /* control thread at creation, read-only after */
	uint8_t hash_shift;     /* MAC tables: 64 - log2(buckets), so a bucket is the
				   product's top bits, which every bit of the MAC reaches */
	uint64_t age_tsc;       /* entries unseen this long are misses */
	uint64_t refresh_tsc;   /* 'seen' is rewritten no more often than this */
};

struct gwc_mac_table {
	struct gwc_assoc a;
	/* (a.bucket_mask + 1) * GWC_MAC_WAYS: a bucket is one cache line */
	struct gwc_mac_slot slot[] __rte_cache_aligned;
};

#define GWC_FLOW_WAYS 4

struct gwc_flow_slot {
	uint64_t k0, k1;  /* the flow (gwc_flow_key); any lcore, atomic */
	uint64_t val;     /* check word << 32 | endpoint id; 0: empty; any lcore, atomic */
	uint64_t seen;    /* TSC when last used; any lcore, atomic */
};

struct gwc_flow_table {
	struct gwc_assoc a;
	/* (a.bucket_mask + 1) * GWC_FLOW_WAYS: a bucket is two cache lines */
	struct gwc_flow_slot slot[] __rte_cache_aligned;
};


/* ------------------------------------------------------------ published tables */

/* An endpoint as workers see it. Immutable once published. */
struct gwc_ep {
	uint32_t id;              /* endpoint id, index of gwc_tables.ep */
	uint32_t gen;             /* which endpoint of id 'id' this is (counts up at each
				     endpoint given the id): trailer flows learned for an
				     earlier one do not match it (gwc_flow.h) */
	uint16_t slice;           /* slice index */
	uint8_t type;             /* enum gwc_ep_type */
	uint8_t nh_ok;            /* GRE: next-hop MAC known, 'hdr' complete */
	uint8_t reappend;         /* TRAILER: conf.trl_reappend */
	uint16_t out_sa;          /* IPSEC: index of the SA toward the terminal, or GWC_SA_NONE;
	                             'hdr' holds the outer next hop's MAC then the port's */
	uint16_t port;            /* port index */
	rte_be16_t vid_be;        /* VLAN: VID, network order */
	uint16_t hdr_len;         /* GRE: bytes of 'hdr' */
	/* every output reads these two: in the first cache line with the above (a VLAN
	   endpoint's output reads that line alone) */
	uint8_t policed;          /* conf.police_bps != 0: the QoS stage meters it */
	uint8_t shaped;           /* conf.shape_bps or wfq_bps != 0: it has a pipe of its port's
				     scheduler (gwc_sched.h) */
	uint16_t sched_pipe;      /* that pipe */
	uint32_t ip_sum0;         /* GRE: raw checksum of the outer IPv4 header, length 0 */
	uint8_t hdr[GWC_GRE_HDR_MAX]; /* GRE: outer Ethernet + IPv4 + GRE template */
	uint32_t police_gen;      /* changes with the contract: the lcores' meters restart */
	struct rte_meter_trtcm_profile police; /* CIR = PIR, CBS = PBS (gwc_dp_qos.h) */
	/* Cold: configuration, kept for the control thread and the stats reply. */
	struct gwc_ep_conf conf;
	rte_be32_t local;         /* GRE: source address (the port's) */
	rte_be32_t nh_ip;         /* GRE, IPSEC: next hop resolved by ARP */
	char owner[GWC_NAME_MAX];
};

/* A trailer endpoint's match on its port: terminal (0: any) and app range. */
struct gwc_trl_rule {
	uint32_t terminal;
	uint32_t app_lo, app_hi;
	uint32_t ep;
};

struct gwc_port_tab {
	uint32_t untagged_ep;     /* endpoint id or GWC_EP_NONE */
	uint16_t n_trl;           /* trailer endpoints: rules in 'trl' */
	uint8_t has_ip;
	uint8_t tx_multiseg;      /* flood copies may chain a header mbuf */
	rte_be32_t ip;            /* port address, network order */
	uint16_t mtu;             /* L3 MTU, bytes */
	struct gwc_sched *sched;  /* the port's scheduler (gwc_sched.h), or NULL */
	uint32_t vlan_ep[4096];   /* VID -> endpoint id or GWC_EP_NONE */
	struct gwc_trl_rule trl[GWC_MAX_TRL_RULES]; /* terminal-specific rules first */
};

struct gwc_slice_tab {
	struct gwc_mac_table *mac; /* borrowed from the model; NULL: no slice */
	uint8_t l3;               /* has IPsec endpoints: the router MAC and ARP matter */
	uint32_t n_flood;         /* endpoints in 'flood' */
	const uint32_t *flood;    /* endpoint ids of the slice */
};

struct gwc_gre_key {
	rte_be32_t remote;
	uint32_t key;
	uint16_t port;
	uint16_t has_key;
	uint32_t zero;      /* 16 bytes: rte_hash compares 16-byte keys with one vector compare */
};

/*
 * Fill 'k' with one 16-byte store. rte_hash reads the key in 8-byte words (CRC) and as
 * one 16-byte vector (compare); a load that spans several smaller stores is not
 * forwarded from them and waits until they reach the cache (perf: most of
 * rte_hash_crc's cycles when the fields were stored one by one).
 */
static inline void
gwc_gre_key_set(struct gwc_gre_key *k, rte_be32_t remote, uint32_t key, uint16_t port,
		bool has_key)
{
	typedef uint64_t gwc_v2u64 __attribute__((vector_size(16)));
	gwc_v2u64 v;

	RTE_BUILD_BUG_ON(sizeof(*k) != sizeof(v));
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	v = (gwc_v2u64){ (uint64_t)key << 32 | remote, (uint64_t)has_key << 16 | port };
#else
	v = (gwc_v2u64){ (uint64_t)remote << 32 | key,
			 (uint64_t)port << 48 | (uint64_t)has_key << 32 };
#endif
	memcpy(k, &v, sizeof(v));
}

/*
 * The hash of a GRE key: the t->gre table's hash function (rte_hash_crc, from
 * GWC_GRE_HASH_INIT), which workers compute inline and hand to
 * rte_hash_lookup_with_hash_data() instead of having rte_hash call it through a pointer.
 */
#define GWC_GRE_HASH_INIT 0u

static inline uint32_t
gwc_gre_hash(const struct gwc_gre_key *k)
{
	return rte_hash_crc(k, sizeof(*k), GWC_GRE_HASH_INIT);
}

struct trl_key;

/* An SA as workers see it. */
struct gwc_sa_tab {
	struct gwc_sa *sa;        /* NULL: no SA (or expired) */
	uint32_t ep;              /* its IPsec endpoint */
	uint32_t spi_in;          /* inbound: its SPI (host order), which a worker checks an SPI
				     slot's answer against; 0 outbound */
	uint16_t lcore;           /* inbound: the worker that decrypts it (SA-to-lcore affinity) */
	struct gwc_sa_span hot[GWC_SA_HOT]; /* prefetched when a packet is queued for it
					       (gwc_sa_hot()) */
};

/*
 * The SPI slots: slot 'spi & mask' holds an inbound SA's index + 1 (0: empty), the first
 * SA whose SPI took the slot; the others with those low bits are in the SPI hash alone.
 * A worker trusts a slot only when the tables' entry it names has that SPI (spi_in), so
 * a slot stale or taken by another SPI costs a hash look-up and nothing else. Slots:
 * at least 65,536, which kernel-agw relies on when it picks SPIs whose low 16 bits no
 * other of its inbound SAs has (agw/kernel-agw/kernel_agw_ipsec.c, get_spi); 2 bytes
 * each. At 10,000 SAs, each packet of another, it gave 13-15 % more frames a second than
 * the hash alone in two A/Bs (docs/benchmarks.md).
 */
#define GWC_SPI_SLOTS_MIN 65536

/* A traffic selector shorter than /32: slice-side destinations routed to 'ep'. */
struct gwc_l3_rule {
	uint16_t slice;
	uint32_t ep;
	uint32_t addr, mask;      /* network order */
};

/* A terminal with a trailer key: its per-lcore HMAC contexts are lc->trl_key[slot]. */
struct gwc_trl_term {
	uint32_t terminal;
	uint16_t slot;
	uint8_t required;         /* its trailers must carry a tag */
};

/*
 * When the tables turn bridge_prefetch() (gwc_dp_bridge.h) on: this many slices, or a MAC
 * table grown this large (entries). Below both it cost about 15 % of VID rewrite's
 * cycles with one slice; with 100,000 MACs it gave 58 % more frames a second, with
 * 16,384 slices 13 %.
 */
#define GWC_BRIDGE_PREFETCH_SLICES 1024
/* When the tables turn the prefetch of every hot line of an SA on, not only each span's
 * first (gwc_sa_hot(); the session's GWC_SA_SES_LINES), and of an inbound packet's
 * terminal (esp_term_prefetch(), gwc_dp_esp.h): this many SAs. */
#define GWC_SA_PREFETCH_WHOLE 1024
#define GWC_BRIDGE_PREFETCH_MACS 16384

/* Built by the control thread, published by atomic pointer swap, freed after a grace period. */
struct gwc_tables {
	uint32_t version;
	uint16_t n_ports;
	uint16_t n_sched;         /* ports with a scheduler */
	uint8_t bridge_prefetch;  /* the slices' state no longer stays in the cache: bridge_vec()
				     prefetches it (gwc_dp_bridge.h) */
	uint8_t sa_prefetch_whole; /* SAs are many (GWC_SA_PREFETCH_WHOLE): a queued ESP packet's
				     SA is prefetched whole, crypto session included, not
				     only each span's first line (gwc_dp_esp.h) */
	uint8_t full;             /* control thread, while building: made from the whole model
				     (gwc_tables_publish()), not a copy of the published tables
				     with the marked changes (gwc_tables_publish_changes()) */
	uint8_t delta;            /* control thread, while building a copy: it started as the
				     spare (the tables before the published ones), and only the
				     entries the last publication marked were copied into it;
				     a builder that owns an array brings its entries up the same
				     way (gwc_model.h's last_* lists) */
	struct rte_hash *gre;     /* gwc_gre_key -> endpoint id, kept across tables (gwc_ep_gre.c);
				     NULL when there is no GRE endpoint */
	uint32_t n_ep;            /* entries of 'ep': [gw-core] max_endpoints */
	uint32_t n_slice;         /* entries of 'slice': [gw-core] max_slices */
	const struct gwc_ep **ep; /* by endpoint id; NULL: none */
	struct gwc_slice_tab *slice; /* by slice index */
	struct gwc_port_tab port[GWC_MAX_PORTS]; /* [n_ports]: the rest is not set */
	uint16_t n_terms;
	struct gwc_trl_term term[GWC_MAX_TRL_KEYS]; /* sorted by terminal */
	struct rte_hash *spi;     /* inbound SPI (host order) -> SA index, kept across tables
				     (gwc_ipsec.c); NULL: no inbound SA */
	const uint16_t *spi_slot; /* the SPI slots (GWC_SPI_SLOTS_MIN), kept with 'spi' */
	uint32_t spi_slot_mask;
	struct rte_hash *l3_route; /* slice << 32 | IPv4 (network order) -> IPsec endpoint id,
				     kept across tables (gwc_ep_ipsec.c); NULL: none */
	const uint64_t *l3_route_bits; /* its filter (gwc_route_maybe()), kept with it */
	uint8_t l3_route_shift;
	struct rte_hash *l3_neigh; /* slice << 32 | IPv4 -> MAC (gwc_mac48 form) + 1 */
	uint16_t n_l3_rules;
	struct gwc_l3_rule l3_rule[GWC_MAX_L3_RULES]; /* longest prefix first */
	uint32_t n_sa;            /* entries of 'sa': [gw-core] max_sas */
	struct gwc_sa_tab *sa;    /* by SA index (in the same allocation; a copy of the
				     published one, the marked SAs made anew by gwc_ipsec.c) */
	/* 'slice' and 'ep' follow in the same allocation; the endpoint copies and flood
	   lists are the model's (gwc_ep_m.pub, gwc_slice_m.flood), shared by tables */
};


/*
 * The endpoint of id 'id' in tables 't', or NULL: no endpoint has it in 't', or 'id' is
 * GWC_EP_NONE or past the tables' endpoints. An id a worker finds outside 't' may be
 * either: a key of a hash kept across tables goes in before the tables naming its
 * endpoint are out, and a torn MAC slot pairs two ids' halves (gwc_mac.h). Any lcore.
 */
static inline const struct gwc_ep *
gwc_tables_ep(const struct gwc_tables *t, uint32_t id)
{
	return id < t->n_ep ? t->ep[id] : NULL;
}

/* ------------------------------------------------------------ building and publishing */

/*
 * A feature's part of the tables: 'build' fills the fields it owns in 't' (zero when it
 * starts, but for the SA array: unless 't->full', the published one's entries, or with
 * 't->delta' the spare's, which its builder brings up to them) from the control thread's
 * model, after the ports, endpoint copies and flood lists are in. It runs at every
 * publication, so its cost should follow what the feature holds, not the slices or
 * endpoints. The copies of the endpoints marked
 * changed (gwc_ep_m.changed; all of them in a full build) are fresh in 't' ('t->ep[i]'
 * of one may be written through a cast until 't' is published); the others are shared
 * with the published tables and are read-only.
 * @return 0 or -ENOMEM (the whole build is then dropped). 'free' releases what 'build'
 * allocated in 't' (NULL: nothing); it may be called on a table 'build' never saw.
 * 'published' (NULL: none) runs after every publication, once the tables before it
 * are freed: what only they named may go then. 'fini' (NULL: none) releases what the
 * feature kept across tables, when gw-core is destroyed.
 */
struct gwc_tables_builder {
	const char *name;
	int (*build)(struct gwc *g, struct gwc_tables *t);
	void (*free)(struct gwc_tables *t);
	void (*published)(struct gwc *g);
	void (*fini)(struct gwc *g);
	struct gwc_tables_builder *next;   /* gwc_tables.c's list */
};

/* Add 'b' to the builders every publication runs. At start-up (a constructor). */
void gwc_tables_register(struct gwc_tables_builder *b);

/* Register builder 'nm' (its build, free, published and fini functions) from a
 * constructor. */
#define GWC_TABLES_BUILDER(nm, build_fn, free_fn, published_fn, fini_fn)                   \
	static struct gwc_tables_builder gwc_tables_builder_##nm = {                       \
		.name = #nm, .build = build_fn, .free = free_fn, .published = published_fn, \
		.fini = fini_fn };                                                         \
	RTE_INIT(gwc_tables_builder_init_##nm)                                             \
	{                                                                                  \
		gwc_tables_register(&gwc_tables_builder_##nm);                             \
	}

/*
 * Build the tables from 'g''s whole model and publish them; the old ones are freed
 * after the grace period. Every endpoint copy and flood list is made anew: after a
 * change whose reach is not one endpoint or slice (a next hop, an SA, a port). Control
 * thread. @return 0, or -ENOMEM (nothing changed for the workers).
 */
int gwc_tables_publish(struct gwc *g);

/*
 * Mark endpoint 'id' (added, changed or removed in the model; its slice with it) or
 * slice 's' for the next gwc_tables_publish_changes(). Control thread.
 */
void gwc_tables_ep_changed(struct gwc *g, int id);
void gwc_tables_slice_changed(struct gwc *g, int s);

/*
 * Publish the tables with what was marked changed since the last publication: the new
 * tables start as a copy of the published ones, and only the marked endpoints' copies
 * and slices' flood lists (and the IPsec endpoints', which their builder rewrites) are
 * made anew, so the cost follows the change, not what is configured. Atomic for the
 * workers as gwc_tables_publish() is. Control thread. @return 0, or -ENOMEM (nothing
 * changed for the workers; the marks stay for the next publication).
 */
int gwc_tables_publish_changes(struct gwc *g);

/* Free 't' and everything its builders allocated (not the endpoint copies and flood
 * lists, which the model owns). gwc_tables_free(NULL) does nothing. */
void gwc_tables_free(struct gwc_tables *t);

/* Free the published tables, every endpoint copy and flood list, and what the
 * builders keep across tables. When gw-core is destroyed. */
void gwc_tables_fini(struct gwc *g);

/*
 * A hash kept across tables, which workers read while the control thread adds and
 * deletes keys: lock-free (RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF), room for 'n' keys
 * however they collide (RTE_HASH_EXTRA_FLAGS_EXT_TABLE), hashed with rte_hash_crc
 * from 0; a deleted key's slot is reused only after the workers' grace period
 * (rte_hash_rcu_qsbr_add(), defer queue). A key added while the published tables
 * do not yet name what it leads to must lead to nothing there (a NULL entry), and a
 * key is deleted once the tables without its target are published ('retire', or a
 * builder's 'published'). Named "gwc_<what>_<g>". @return it, or NULL. Control thread.
 */
struct rte_hash *gwc_hash_lf_new(struct gwc *g, const char *what, uint32_t n, uint32_t key_len);

/* Give hash 'h' (NULL: nothing) a key compare of its own when its keys are 4 or 8 bytes
 * (rte_hash's default for those is memcmp()). Control thread, before any look-up.
 * @return 'h'. */
struct rte_hash *gwc_hash_small_keys(struct rte_hash *h, uint32_t key_len);

/* Delete 'key' from hash 'h' (NULL: nothing) if it still leads to 'data': a kept hash's
 * key goes with what it named, not with a newer owner of the same key. Control thread.
 * @return true when it was deleted. */
bool gwc_hash_del_if(struct rte_hash *h, const void *key, uintptr_t data);

/*
 * The filter in front of the slice router's /32 route hash (t->l3_route): bit
 * gwc_route_bit() of a key (slice << 32 | IPv4) is set while a key with that bit is in
 * the hash (the control thread counts them, gwc_ep_ipsec.c). Every decrypted packet
 * into a slice is looked up there, and misses; a clear bit answers "no route" for the
 * cost of one load. The bit of 'key' for a filter of 2^(64 - 'shift') bits.
 */
static inline uint32_t
gwc_route_bit(uint64_t key, uint8_t shift)
{
	return (uint32_t)gwc_fib_hash(key, shift);
}

/* May the filter 'bits' (2^(64 - 'shift') bits) hold 'key'? false: the hash does not.
 * Any lcore. */
static inline bool
gwc_route_maybe(const uint64_t *bits, uint8_t shift, uint64_t key)
{
	uint32_t b = gwc_route_bit(key, shift);

	return (__atomic_load_n(&bits[b / 64], __ATOMIC_RELAXED) >> (b % 64) & 1) != 0;
}

/*
 * An rte_hash for a table of version 'version': about 'n' keys (room for twice as
 * many, at least 16) of 'key_len' bytes, hashed with rte_hash_crc from 0, named
 * "gwc_<what>_<version>". @return it, or NULL. Control thread.
 */
struct rte_hash *gwc_hash_new(const char *what, uint32_t version, uint32_t n, uint32_t key_len);

#endif /* GWC_TABLES_H */
