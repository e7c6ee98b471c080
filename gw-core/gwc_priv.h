/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core internals shared by the files of gw-core/ (not public): the published
 * tables workers read, the per-slice MAC table, per-lcore state and the control
 * thread's model of slices and endpoints.
 */
#ifndef GWC_PRIV_H
#define GWC_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_log.h>

#include "gwc.h"
#include "gwc_sa.h"
#include "ppm.h"

struct rte_hash;
struct rte_ring;
struct rte_rcu_qsbr;

extern int gwc_logtype;
#define RTE_LOGTYPE_GWC gwc_logtype
#define GWC_LOG(l, fmt, ...) RTE_LOG(l, GWC, fmt "\n", ##__VA_ARGS__)

#define GWC_OWNER_CONFIG "config"
#define GWC_GRE_HDR_MAX 50   /* outer Ethernet 14 + IPv4 20 + GRE 4 + key 4, rounded */
#define GWC_MAX_NEIGH 256
#define GWC_MAX_CLIENTS 32
#define GWC_MAX_L3_RULES 256   /* IPsec traffic selectors shorter than /32, all slices */
#define GWC_MAX_L3N 1024       /* slice-side neighbours of IPsec endpoints, all slices */
#define GWC_ESP_BATCH 64       /* ESP packets a worker collects per rx burst, each way */
#define GWC_HANDOFF_RING 1024  /* ESP waiting for the worker of its SA */

/* Exception ring (m->hash.usr): bit 31 clear: a port index (frames for the AGW itself);
 * set: GWC_EXC_* << 16 | endpoint id. The inject rings use GWC_INJ_* the same way. */
#define GWC_EXC_TAG (1u << 31)
#define GWC_EXC_ARP 1       /* a copy of an ARP frame seen in a slice with IPsec endpoints */
#define GWC_EXC_RESOLVE 2   /* a packet whose slice-side next hop needs ARP */
#define GWC_INJ_EP 1        /* send through this endpoint */
#define GWC_INJ_FLOOD 2     /* flood into this endpoint's slice, as if it came from it */

/* Parse 'text' ("02:00:00:00:00:01") into 'a'. @return true when it is a MAC address
 * a frame may be sent to: unicast and not all zero. Any thread. */
static inline bool
gwc_mac_parse_unicast(const char *text, struct rte_ether_addr *a)
{
	return rte_ether_unformat_addr(text, a) == 0 && rte_is_unicast_ether_addr(a) &&
	       !rte_is_zero_ether_addr(a);
}

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

/* ------------------------------------------------------------ MAC table */

/*
 * One slot: 'key' is (MAC as a 48-bit little-endian integer) << 16 | endpoint id,
 * 0 when empty; 'seen' the TSC of the last frame from it, GWC_MAC_STATIC for a
 * static entry. Any worker writes any slot with relaxed atomic stores: two workers
 * learning at once may leave a duplicate, which lookups and aging tolerate.
 */
#define GWC_MAC_WAYS 4
#define GWC_MAC_STATIC UINT64_MAX

struct gwc_mac_slot {
	uint64_t key;   /* any lcore, atomic */
	uint64_t seen;  /* any lcore, atomic */
};

/* The head of a set-associative aging table (the MAC and trailer flow tables). */
struct gwc_assoc {
	uint32_t bucket_mask;   /* control thread at creation, read-only after */
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
	uint16_t id;              /* endpoint id, index of gwc_tables.ep */
	uint16_t slice;           /* slice index */
	uint8_t type;             /* enum gwc_ep_type */
	uint8_t nh_ok;            /* GRE: next-hop MAC known, 'hdr' complete */
	uint8_t reappend;         /* TRAILER: conf.trl_reappend */
	uint16_t out_sa;          /* IPSEC: index of the SA toward the terminal, or GWC_SA_NONE;
	                             'hdr' holds the outer next hop's MAC then the port's */
	uint16_t port;            /* port index */
	rte_be16_t vid_be;        /* VLAN: VID, network order */
	uint16_t hdr_len;         /* GRE: bytes of 'hdr' */
	uint32_t ip_sum0;         /* GRE: raw checksum of the outer IPv4 header, length 0 */
	uint8_t hdr[GWC_GRE_HDR_MAX]; /* GRE: outer Ethernet + IPv4 + GRE template */
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
	uint16_t ep;
};

struct gwc_port_tab {
	uint16_t untagged_ep;     /* endpoint id or GWC_EP_NONE */
	uint16_t n_trl;           /* trailer endpoints: rules in 'trl' */
	uint8_t has_ip;
	uint8_t tx_multiseg;      /* flood copies may chain a header mbuf */
	rte_be32_t ip;            /* port address, network order */
	uint16_t mtu;             /* L3 MTU, bytes */
	uint16_t vlan_ep[4096];   /* VID -> endpoint id or GWC_EP_NONE */
	struct gwc_trl_rule trl[GWC_MAX_TRL_RULES]; /* terminal-specific rules first */
};

struct gwc_slice_tab {
	struct gwc_mac_table *mac; /* borrowed from the model; NULL: no slice */
	uint8_t l3;               /* has IPsec endpoints: the router MAC and ARP matter */
	uint16_t n_flood;         /* endpoints in 'flood' */
	const uint16_t *flood;    /* endpoint ids of the slice */
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
	uint16_t ep;              /* its IPsec endpoint */
	uint16_t lcore;           /* inbound: the worker that decrypts it (SA-to-lcore affinity) */
};

/* A traffic selector shorter than /32: slice-side destinations routed to 'ep'. */
struct gwc_l3_rule {
	uint16_t slice, ep;
	uint32_t addr, mask;      /* network order */
};

/* A terminal with a trailer key: its per-lcore HMAC contexts are lc->trl_key[slot]. */
struct gwc_trl_term {
	uint32_t terminal;
	uint16_t slot;
	uint8_t required;         /* its trailers must carry a tag */
};

/* Built by the control thread, published by atomic pointer swap, freed after a grace period. */
struct gwc_tables {
	uint32_t version;
	uint16_t n_ports;
	struct rte_hash *gre;     /* gwc_gre_key -> endpoint id; NULL when there is no GRE endpoint */
	const struct gwc_ep *ep[GWC_MAX_EPS];
	struct gwc_slice_tab slice[GWC_MAX_SLICES];
	struct gwc_port_tab port[GWC_MAX_PORTS];
	uint16_t n_terms;
	struct gwc_trl_term term[GWC_MAX_TRL_KEYS]; /* sorted by terminal */
	struct rte_hash *spi;     /* inbound SPI (host order) -> SA index; NULL: none */
	struct rte_hash *l3_route; /* slice << 32 | IPv4 (network order) -> IPsec endpoint id */
	struct rte_hash *l3_neigh; /* slice << 32 | IPv4 -> MAC (gwc_mac48 form) + 1 */
	uint16_t n_l3_rules;
	struct gwc_l3_rule l3_rule[GWC_MAX_L3_RULES]; /* longest prefix first */
	struct gwc_sa_tab sa[GWC_MAX_SAS];
	/* endpoint copies and flood lists follow in the same allocation */
};

/* ------------------------------------------------------------ per lcore */

/* An SA's counters on one lcore (owner lcore writes; only uint64_t: summed as an array). */
struct gwc_sa_lstats {
	uint64_t pkts, bytes, last_tsc;
	uint64_t replay, auth, malformed, trailer, selector;
};

struct gwc_esp_job {
	struct rte_mbuf *m;
	uint16_t sa, ep;
};

struct __rte_cache_aligned gwc_lcore {
	struct gwc *g;                           /* read-only */
	unsigned int index;                      /* worker index */
	struct rte_ring *inject;                 /* control -> this worker (SP/SC) */
	struct rte_ring *handoff;                /* other workers -> this one: ESP of its SAs
						    (MP/SC; NULL with one worker) */
	struct rte_mempool *pool;
	struct ppm_txbuf tx[GWC_MAX_PORTS];      /* owner lcore */
	/* Counters: owner lcore writes, readers sum (torn reads are harmless). */
	uint64_t drops[GWC_DROP_MAX];
	uint64_t punted;
	uint64_t injected;
	uint64_t handed_off;                     /* ESP passed to the worker of its SA */
	uint64_t handed_in;                      /* ESP taken from the hand-off ring */
	uint64_t flows_learned;                  /* trailer flows (re)written */
	uint64_t flow_hits;                      /* untagged frames sent by a known flow */
	uint64_t trl_reappended;                 /* frames to a terminal given a trailer */
	struct gwc_slice_stats slice[GWC_MAX_SLICES];
	struct gwc_ep_stats ep[GWC_MAX_EPS];
	/* Trailer keys by slot (trl_auth.h): set by the control thread before the tables
	 * that name the slot are published, freed after the tables that did are retired. */
	struct trl_key *trl_key[GWC_MAX_TRL_KEYS];
	/* ESP collected during a burst, processed at its end grouped by SA */
	uint16_t n_esp_in, n_esp_out;
	struct gwc_esp_job esp_in[GWC_ESP_BATCH], esp_out[GWC_ESP_BATCH];
	/* ESP of other workers' SAs collected during a burst, by worker */
	uint16_t n_ho[GWC_MAX_WORKERS];
	struct rte_mbuf *ho[GWC_MAX_WORKERS][GWC_ESP_BATCH];
	struct gwc_sa_lstats sa[GWC_MAX_SAS];
};

/* ------------------------------------------------------------ control thread model */

struct gwc_slice_m {
	bool used;
	char name[GWC_NAME_MAX];
	char owner[GWC_NAME_MAX];
	struct gwc_mac_table *mac;
	struct gwc_slice_stats base; /* counters at creation; reported values subtract it */
};

struct gwc_ep_m {
	bool used;
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

struct gwc_sa_m {
	bool used;
	bool soft_expired, hard_expired;
	uint16_t ep;
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
	uint16_t ep;                 /* the IPsec endpoint whose packet asked (ARP goes from it) */
	rte_be32_t ip;
	struct rte_ether_addr mac;
	uint64_t last_req_tsc, last_seen_tsc;
	unsigned int requests;       /* ARP requests unanswered while pending */
};

struct gwc_client {
	int fd;                      /* -1: free */
	char owner[GWC_NAME_MAX];
	size_t len;                  /* bytes in 'buf' */
	char buf[65536];
};

struct gwc {
	struct gwc_conf conf;
	struct rte_mempool *pool;
	uint16_t n_ports;
	struct ppm_port port[GWC_MAX_PORTS];
	struct ppm_port tap[GWC_MAX_PORTS];      /* started == false: no TAP */
	unsigned int n_workers;
	struct ppm_worker worker[GWC_MAX_WORKERS];
	struct gwc_lcore *lc[GWC_MAX_WORKERS];
	bool running;
	struct rte_rcu_qsbr *qsbr;
	struct gwc_tables *tables;               /* control writes (atomic), workers read */
	struct gwc_flow_table *flows;            /* trailer flows; any lcore (gwc_flow.h) */
	uint32_t version;
	struct rte_ring *exc;                    /* workers -> control (MP/SC); m->hash.usr = port index */
	/* model: control thread only */
	struct gwc_slice_m slice[GWC_MAX_SLICES];
	struct gwc_ep_m ep[GWC_MAX_EPS];
	uint16_t next_ep;                        /* round-robin id allocation */
	struct gwc_term_m term[GWC_MAX_TRL_KEYS]; /* trailer keys by slot */
	struct gwc_neigh neigh[GWC_MAX_NEIGH];
	uint64_t last_arp_tsc;
	/* IPsec */
	struct gwc_crypto crypto;
	struct gwc_sa_m sa[GWC_MAX_SAS];
	uint32_t sa_serial;
	uint64_t last_life_tsc;
	struct rte_ether_addr l3_mac;            /* router MAC inside slices */
	struct gwc_l3n l3n[GWC_MAX_L3N];
	/* exception path counters (control thread) */
	uint64_t exc_to_tap, exc_from_tap, exc_no_tap, inject_full, arp_sent;
	/* control socket */
	int listen_fd;
	char sock_path[108];
	unsigned int next_client;
	struct gwc_client *client[GWC_MAX_CLIENTS];
};

/* gwc_mac.c */
/*
 * A zeroed table of 'head' bytes then 'ways'-slot buckets of 'slot' bytes, for at
 * least 'entries' entries (buckets a power of two), its struct gwc_assoc (first) set.
 * Control thread. @return it (rte_free() it), or NULL.
 */
void *gwc_assoc_create(const char *name, size_t head, size_t slot, unsigned int ways,
		       uint32_t entries, uint64_t age_tsc);
/*
 * Clear the 64-bit word at byte 'off' of every slot whose value there is non-zero with
 * 'ep' in its low 16 bits. Control thread, with workers running.
 */
void gwc_assoc_forget_ep(const struct gwc_assoc *a, void *slots, size_t slot, unsigned int ways,
			 size_t off, uint16_t ep);

/* Trailer flow table (fast path in gwc_flow.h). Control thread. */
struct gwc_flow_table *gwc_flow_create(uint32_t entries, uint64_t age_tsc);
/* Forget every flow classified to endpoint 'ep' (it is going, or its id is reused). */
void gwc_flow_forget_ep(struct gwc_flow_table *t, uint16_t ep);

struct gwc_mac_table *gwc_mac_create(uint32_t entries, uint64_t age_tsc);
void gwc_mac_destroy(struct gwc_mac_table *t);
void gwc_mac_forget_ep(struct gwc_mac_table *t, uint16_t ep);
int gwc_mac_set_static(struct gwc_mac_table *t, const struct rte_ether_addr *mac, uint16_t ep);
typedef void (*gwc_mac_walk_fn)(void *arg, const struct rte_ether_addr *mac, uint16_t ep,
				bool is_static, uint64_t age_ms);
void gwc_mac_walk(const struct gwc_mac_table *t, uint64_t now, gwc_mac_walk_fn fn, void *arg);

/* gwc_tables.c */
int gwc_tables_publish(struct gwc *g);
void gwc_tables_free(struct gwc_tables *t);

/* gwc_worker.c */
void gwc_worker_burst(void *ctx, const struct ppm_rxq *q, struct rte_mbuf **pkts, uint16_t n);
void gwc_worker_drain(void *ctx);

/* gwc_exc.c */
/* Queue 'm' on worker 0's inject ring with m->hash.usr = 'usr' (a port index, or
 * GWC_EXC_TAG | GWC_INJ_* << 16 | endpoint id). Consumes 'm'. */
void gwc_inject(struct gwc *g, uint32_t usr, struct rte_mbuf *m);
/* An Ethernet + ARP frame (RFC 826) from 'sha'. @return it, or NULL (no mbuf). */
struct rte_mbuf *gwc_arp_build(struct gwc *g, uint16_t op, const struct rte_ether_addr *dst,
			       const struct rte_ether_addr *sha, rte_be32_t sip,
			       const struct rte_ether_addr *tha, rte_be32_t tip);
void gwc_exc_poll(struct gwc *g);
void gwc_neigh_sync(struct gwc *g);
const struct gwc_neigh *gwc_neigh_find(const struct gwc *g, uint16_t port, rte_be32_t ip);
rte_be32_t gwc_nexthop_ip(const struct gwc *g, uint16_t port, rte_be32_t remote);

/* gwc_ipsec.c */
int gwc_ipsec_init(struct gwc *g, struct gwc_err *e);
void gwc_ipsec_fini(struct gwc *g);
/* Free the SAs whose endpoint is gone. The tables skip such SAs, so this is safe
 * right after a publication (gwc_tables_publish() calls it). */
void gwc_ipsec_gc(struct gwc *g);
/* Forget the slice-side neighbours learned in slice 's' (gone: its index may be reused). */
void gwc_ipsec_slice_gone(struct gwc *g, uint16_t s);
/* Control thread: an exception-ring frame tagged GWC_EXC_TAG. Consumes 'm'. */
void gwc_ipsec_exc(struct gwc *g, struct rte_mbuf *m);
/* Control thread, each pass: lifetimes, neighbour requests. */
void gwc_ipsec_poll(struct gwc *g);
/* Tables: fill t->spi, t->sa, t->l3_* from the model. @return 0 or -ENOMEM. */
int gwc_ipsec_tables(struct gwc *g, struct gwc_tables *t);
void gwc_ipsec_tables_free(struct gwc_tables *t);

/* gwc_ctl.c */
void gwc_ctl_close(struct gwc *g);
int gwc_ctl_poll(struct gwc *g, int timeout_ms);
struct json_object;
int gwc_ep_conf_from_json(struct gwc_ep_conf *c, struct json_object *args, struct gwc_err *e);

/* Set 'e''s message (printf-like); 'e' may be NULL. */
void gwc_errf(struct gwc_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Put "PREFIX: " (printf-like) in front of 'e''s message. */
void gwc_err_prefix(struct gwc_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* GWC_PRIV_H */
