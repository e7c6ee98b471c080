/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * gw-core: the AGW data plane (DESIGN.md, "Data-plane model"). Slices are bridge
 * domains joining endpoints: an untagged port, an 802.1Q VLAN (port, VID), or an
 * Ethernet-over-GRE tunnel (RFC 2784 with the RFC 2890 key, protocol 0x6558, outer
 * IPv4). Workers learn MACs per slice and flood inside the slice only. The same
 * binary is the AGW and the SEP inter-domain gateway (seed 000): a gateway is a
 * gw-core whose slices join a VLAN on one port and a GRE tunnel on another.
 *
 * Threads: every function here is control-thread only (the EAL main lcore) unless
 * it says otherwise. Workers only run the burst loop of ppm.
 */
#ifndef GWC_H
#define GWC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>

#include "ppm.h"

#define GWC_MAX_PORTS 32     /**< ports: configured ones and those added at run time */
#define GWC_PORT_NEIGH_MAX 8 /**< static neighbours per port ("neighbour IP = MAC") */
#define GWC_SLICES_MAX 65535 /**< the largest [gw-core] max_slices (slice indexes are 16-bit) */
#define GWC_EPS_MAX (1u << 20) /**< the largest [gw-core] max_endpoints (endpoint ids are
                                  32-bit; GWC_EP_NONE is not one) */
#define GWC_MAX_WORKERS 16   /**< worker lcores */
#define GWC_NAME_MAX 64      /**< bytes, with the NUL, of a slice, endpoint or owner name */
#define GWC_ERR_MAX 256      /**< bytes of an error message */
#define GWC_EP_NONE UINT32_MAX /**< "no endpoint" in lookup tables */

/** Drop reasons, generated from gwc_drop.def. */
enum gwc_drop {
#define _(n, d) GWC_DROP_##n,
#include "gwc_drop.def"
#undef _
	GWC_DROP_MAX
};

/** @return the lower-case name of drop reason 'r' ("unknown_vid"); static storage. */
const char *gwc_drop_name(enum gwc_drop r);
/** @return the one-line description of drop reason 'r'; static storage. */
const char *gwc_drop_desc(enum gwc_drop r);

/** Role, from config. It changes nothing in forwarding; status reports it. */
enum gwc_role {
	GWC_ROLE_AGW = 0,  /**< access gateway (seed 003) */
	GWC_ROLE_SEP_GW,   /**< inter-domain gateway of a Slice Exchange Point (seed 000) */
};

/** Error detail for the caller: what was wrong and what to do. */
struct gwc_err {
	char msg[GWC_ERR_MAX];
	/** 1 + the index of the list entry refused (slice.add's 'endpoints'), 0: none; the
	 *  control socket's error reply carries it as "index" */
	unsigned int item;
};

/** One physical port, as configured. */
struct gwc_port_conf {
	char name[PPM_NAME_MAX];   /**< our name ("uplink") */
	char dev[256];             /**< devargs or PCI address, or an existing ethdev's name */
	bool has_ip;               /**< the port has an IPv4 address (GRE source, exception path) */
	uint32_t ip;               /**< IPv4 address, network order */
	uint8_t prefix;            /**< prefix length of 'ip' */
	bool has_gw;               /**< 'gateway' is set */
	uint32_t gateway;          /**< next hop for GRE remotes off-link, network order */
	uint8_t n_neigh;           /**< static neighbours in 'neigh' */
	struct {
		uint32_t ip;       /**< network order */
		struct rte_ether_addr mac;
	} neigh[GWC_PORT_NEIGH_MAX]; /**< 'neighbour IP = MAC' keys: next hops never ARPed
	                                (an outer next hop of GRE or an outbound SA) */
	char tap[16];              /**< exception TAP name; empty: "gwc-<name>" when has_ip */
	bool no_tap;               /**< tap = none: frames for the AGW itself are dropped */
	uint16_t rxd;              /**< rx descriptors; 0: 1024 */
	uint16_t txd;              /**< tx descriptors; 0: 1024 */
	uint16_t mtu;              /**< L3 MTU to set, bytes; 0: the device's */
	uint64_t rate_bps;         /**< the port's rate for shaped and weighted endpoints,
	                                bits/s (docs/isolation.md); 0: none (no endpoint on it
	                                may be shaped or weighted until gwc_port_rate_set()) */
};

/** gw-core configuration. gwc_conf_defaults() gives working defaults. */
struct gwc_conf {
	enum gwc_role role;
	char control_socket[108];  /**< UNIX socket path */
	uint16_t burst;            /**< rx burst, mbufs (1..64) */
	uint32_t drain_us;         /**< tx drain period, us */
	uint32_t idle_sleep_us;    /**< worker sleep when idle, us; 0: busy poll */
	uint32_t mac_aging_ms;     /**< learned MAC lifetime, ms */
	uint32_t max_slices;       /**< slices at once (1..GWC_SLICES_MAX) */
	uint32_t max_endpoints;    /**< endpoints at once, all slices (1..GWC_EPS_MAX) */
	uint32_t max_sas;          /**< IPsec SAs at once, both directions (1..GWC_SAS_MAX) */
	uint32_t mac_table_size;   /**< MAC entries per slice (rounded up to 4 x 2^k) */
	uint32_t trailer_flows;    /**< trailer flow entries, all ports (rounded up to 4 x 2^k) */
	uint32_t trailer_flow_aging_ms; /**< a trailer flow unseen this long is forgotten, ms */
	uint32_t arp_retry_ms;     /**< ARP request period for an unresolved GRE next hop, ms */
	uint32_t arp_refresh_s;    /**< ARP re-request period for a resolved next hop, s */
	uint32_t sched_pipes;      /**< shaped or weighted endpoints a port's scheduler holds
	                                (a power of 2) */
	uint16_t sched_queue;      /**< frames a shaped endpoint's queue holds (a power of 2) */
	uint32_t sched_profiles;   /**< distinct (rate, burst, weight) a port's scheduler holds
	                                until gw-core restarts */
	unsigned int pool_mbufs;   /**< mbufs in the pool */
	unsigned int pool_cache;   /**< per-lcore mbuf cache */
	uint16_t data_room;        /**< bytes per mbuf, headroom included */
	bool has_router_mac;       /**< [ipsec] router_mac is set */
	struct rte_ether_addr router_mac; /**< [ipsec] router_mac: the router's MAC in slices */
	char crypto_pmd[32];       /**< [ipsec] crypto: "aesni_mb", "aesni_gcm", "openssl", "none";
	                                "": aesni_mb, else openssl, else IPsec off */
	/* EAL */
	char lcores[64];           /**< EAL -l; the first is the control lcore, the rest workers */
	enum ppm_huge huge;
	unsigned int memory_mb;    /**< with --no-huge */
	char file_prefix[64];
	char eal_args[256];        /**< appended to EAL's arguments */
	uint16_t n_ports;
	struct gwc_port_conf port[GWC_MAX_PORTS];
	void *cfgfile;             /**< the loaded rte_cfgfile, for [slice] sections; owned */
};

/** Fill 'c' with defaults (no ports). */
void gwc_conf_defaults(struct gwc_conf *c);

/**
 * Load the INI file 'path' into 'c' (defaults first). Unknown sections and keys are
 * errors, so a typo does not go unnoticed. The keys are documented in docs/configuration.md.
 * @return 0, or -EINVAL / -ENOENT with 'e' naming the file, section, key and problem.
 */
int gwc_conf_load(struct gwc_conf *c, const char *path, struct gwc_err *e);

/** Free what gwc_conf_load() allocated in 'c'. */
void gwc_conf_free(struct gwc_conf *c);

struct gwc; /* opaque */

/**
 * Create gw-core after ppm_eal_init(): the mbuf pool, the ports, the exception TAPs,
 * the rings and the workers (not launched). 'c' is copied.
 * @return gw-core, or NULL with 'e' saying what failed. Caller frees with gwc_destroy().
 */
struct gwc *gwc_create(const struct gwc_conf *c, struct gwc_err *e);

/** Launch the workers. @return 0 or -errno. */
int gwc_start(struct gwc *g);

/** Stop the workers (they flush their tx buffers first). */
void gwc_stop(struct gwc *g);

/** Stop everything and free it. gwc_destroy(NULL) does nothing. */
void gwc_destroy(struct gwc *g);

/**
 * Create the [slice NAME] sections of the configuration as slices owned by "config".
 * @return 0, or -errno with 'e' naming the section and the problem (nothing half-made
 *   stays: a slice whose endpoint fails is removed).
 */
int gwc_conf_apply_slices(struct gwc *g, const struct gwc_conf *c, struct gwc_err *e);

/**
 * One pass of the control thread: the control socket (waiting at most 'timeout_ms'
 * for it), the exception path both ways, ARP for GRE next hops.
 * @return 0 or -errno if the control socket failed.
 */
int gwc_control_poll(struct gwc *g, int timeout_ms);

/** Listen on 'path' for control clients. @return 0 or -errno (logged). */
int gwc_ctl_listen(struct gwc *g, const char *path);

/* -------------------------------------------------------- slices and endpoints */

/** Endpoint kinds. */
enum gwc_ep_type {
	GWC_EP_PORT = 0,  /**< a whole port, untagged frames */
	GWC_EP_VLAN,      /**< 802.1Q (port, VID) */
	GWC_EP_GRE,       /**< Ethernet over GRE (port, remote IPv4, key), RFC 2784/2890 */
	GWC_EP_TRAILER,   /**< untagged IPv4 on a port whose trailer bytes (docs/trailer.md)
	                       carry a matching (terminal ID, app ID); seed 003 Figure 3(B) */
	GWC_EP_IPSEC,     /**< an IPsec terminal (seed 003 Figure 3(A)): the inner IPv4 traffic
	                       of its SAs (gwc_ipsec_sa_add()) on a port with an address, routed
	                       into the slice: the AGW answers ARP for the terminal's addresses
	                       with GWC's router MAC and resolves slice-side next hops by ARP */
	GWC_EP_NSLIVER,   /**< a node sliver's vport: the whole of a port added with
	                       gwc_port_add() (vhost-user, memif, af_packet), untagged */
};
#define GWC_EP_TYPES (GWC_EP_NSLIVER + 1) /**< the endpoint types */

#define GWC_POLICE_BURST_MIN 9300 /**< bytes: a jumbo frame (9216 + headers) fits a full bucket */
#define GWC_POLICE_RATE_MIN 8000   /**< bits/s: slower contracts are refused */
#define GWC_RATE_MAX 4000000000000ull /**< bits/s: faster contracts and port rates are refused */

/** A policing or shaping contract's burst, bytes: 'burst', or when 0 the default of 10 ms
 *  of 'bps' (bits/s), at least GWC_POLICE_BURST_MIN. */
static inline uint64_t
gwc_burst_or_default(uint64_t burst, uint64_t bps)
{
	uint64_t d = bps / 8 / 100;

	return burst != 0 ? burst : d > GWC_POLICE_BURST_MIN ? d : GWC_POLICE_BURST_MIN;
}
#define GWC_MAX_TS 4         /**< traffic-selector prefixes per side of an IPsec endpoint */

/** An IPv4 prefix. */
struct gwc_prefix {
	uint32_t addr;             /**< network order, host bits zero */
	uint8_t len;               /**< 0..32 */
};

#define GWC_MAX_TRL_RULES 64 /**< trailer endpoints on one port */
#define GWC_MAX_TRL_KEYS 1024 /**< terminals with a trailer key */

/** What an endpoint is. The caller fills it; it is copied. */
struct gwc_ep_conf {
	char name[GWC_NAME_MAX];   /**< unique inside its slice */
	enum gwc_ep_type type;
	char port[PPM_NAME_MAX];   /**< our port name */
	uint16_t vid;              /**< VLAN: 1..4094 */
	bool has_key;              /**< GRE: the key field is present */
	uint32_t key;              /**< GRE key, host order */
	uint32_t remote;           /**< GRE: remote tunnel address, network order */
	bool has_nh;               /**< GRE: 'nh_mac' is configured (no ARP) */
	struct rte_ether_addr nh_mac; /**< GRE: outer next-hop MAC */
	uint32_t trl_terminal;     /**< TRAILER: terminal ID matched; 0: any terminal */
	uint32_t trl_app_lo;       /**< TRAILER: lowest app ID matched (>= 1) */
	uint32_t trl_app_hi;       /**< TRAILER: highest app ID matched (>= trl_app_lo) */
	bool trl_reappend;         /**< TRAILER: frames leaving to the terminal get a trailer
	                                (trl_terminal, trl_app_lo), 16 bytes, no tag; needs one
	                                terminal and one app */
	uint8_t n_ts_remote;       /**< IPSEC: prefixes in 'ts_remote' (1..GWC_MAX_TS) */
	struct gwc_prefix ts_remote[GWC_MAX_TS]; /**< IPSEC: the terminal's inner addresses (its
	                                virtual IP, /32): inbound sources allowed, and what the
	                                slice routes to it (RFC 7296 TSi) */
	uint8_t n_ts_local;        /**< IPSEC: prefixes in 'ts_local'; 0: any destination */
	struct gwc_prefix ts_local[GWC_MAX_TS]; /**< IPSEC: inbound destinations allowed (TSr) */
	uint32_t l3_addr;          /**< IPSEC: the AGW's address in the slice, the sender of its
	                                ARP requests there; 0: 0.0.0.0 (RFC 5227 probe form) */
	uint32_t l3_gateway;       /**< IPSEC: slice-side next hop for every destination,
	                                network order; 0: each destination is resolved by ARP */
	bool has_gw_mac;           /**< IPSEC: 'gw_mac' is set */
	struct rte_ether_addr gw_mac; /**< IPSEC: the slice-side next hop's MAC for every
	                                destination: no ARP in the slice at all */
	uint64_t police_bps;       /**< every type: police what leaves through it to this rate,
	                                bits/s of the slice's L2 frames (the tag, GRE or ESP the
	                                AGW adds not counted; docs/isolation.md): RFC 2698 trTCM
	                                with PIR = CIR, red frames dropped ('policed'); 0: none */
	uint32_t police_burst;     /**< its burst, CBS = PBS, bytes; 0: 10 ms of the rate, at
	                                least GWC_POLICE_BURST_MIN */
	uint64_t shape_bps;        /**< every type: shape what leaves through it to this rate,
	                                bits/s of the slice's L2 frames as for police_bps: a pipe
	                                of its port's scheduler, frames held in its queue, dropped
	                                ('queue_full') when it is full; 0: none. Needs the port's
	                                rate; excludes police_bps and wfq_bps */
	uint32_t shape_burst;      /**< its token bucket, bytes; 0: 10 ms of the rate, at least
	                                GWC_POLICE_BURST_MIN */
	uint64_t wfq_bps;          /**< every type but IPSEC: the endpoint's reservation, bits/s:
	                                it may use the whole port rate, and when the port is
	                                oversubscribed the scheduled endpoints share it in
	                                proportion to their reservations (in 16ths of the port;
	                                the shares settle within seconds: docs/isolation.md);
	                                0: none. Needs the port's rate; excludes police_bps and
	                                shape_bps */
	char link[GWC_NAME_MAX];   /**< IPSEC: "" or the slice's ipsec endpoint this terminal
	                                joins through (its IPsec link sliver): 'port',
	                                'l3_addr', 'gateway' and, when none are given,
	                                'ts_local' come from it; every 'ts_remote' prefix must
	                                lie inside one of the link's (its address pool) */
};

/**
 * Add slice 'name' owned by 'owner'.
 * @return the slice's index (>= 0), or -EINVAL (bad name), -EEXIST, -ENOSPC, -ENOMEM,
 *   with 'e' saying why. Nothing changes on failure.
 */
int gwc_slice_add(struct gwc *g, const char *owner, const char *name, struct gwc_err *e);

/**
 * Remove slice 'name' and every endpoint in it. Only its owner may.
 * @return 0, -ENOENT, -EPERM (another owner's), with 'e' saying why.
 */
int gwc_slice_del(struct gwc *g, const char *owner, const char *name, struct gwc_err *e);

/**
 * Add endpoint 'c' to slice 'slice', owned by 'owner'. Validates everything first
 * (port exists, VID 1..4094 and free on that port, one untagged endpoint per port,
 * GRE needs an IPv4 address on its port and a free (remote, key), a trailer
 * endpoint's app range must not overlap another's with the same terminal ID on that
 * port (a terminal-specific endpoint wins over an any-terminal one), at most
 * GWC_MAX_TRL_RULES trailer endpoints per port, name unique in the slice), then
 * publishes the new tables to the workers.
 * @return the endpoint id (>= 0), or -EINVAL, -ENOENT, -EEXIST, -EADDRINUSE, -ENOSPC,
 *   -ENOMEM, with 'e' saying why. Nothing changes on failure.
 */
int gwc_ep_add(struct gwc *g, const char *owner, const char *slice, const struct gwc_ep_conf *c,
	       struct gwc_err *e);

/**
 * Remove endpoint 'name' of slice 'slice'. Only the endpoint's owner or the slice's
 * owner may. Learned MACs pointing at it are forgotten.
 * @return 0, -ENOENT, -EPERM, with 'e' saying why.
 */
int gwc_ep_del(struct gwc *g, const char *owner, const char *slice, const char *name,
	       struct gwc_err *e);

/**
 * Give terminal 'terminal' (1..2^32-1) the trailer key 'key' ('len' bytes,
 * TRL_KEY_MIN..TRL_KEY_MAX; docs/trailer.md "Authentication tag"), owned by 'owner'.
 * Its trailers with a tag are then checked (a failure is dropped as trailer_bad_tag);
 * with 'required', its trailers without one are dropped too. Trailers with a tag from a
 * terminal without a key are always dropped: a tag nobody can check is a failed tag.
 * Replacing a key is atomic for the workers. The key is copied into per-worker HMAC
 * contexts and never logged or reported.
 * @return 0, or -EINVAL (terminal 0, key length), -EPERM (another owner's terminal),
 *   -ENOSPC (GWC_MAX_TRL_KEYS), -ENOMEM, with 'e' saying why. Nothing changes on failure.
 */
int gwc_trl_key_set(struct gwc *g, const char *owner, uint32_t terminal, const uint8_t *key,
		    size_t len, bool required, struct gwc_err *e);

/**
 * Remove terminal 'terminal''s trailer key. Only its owner may.
 * @return 0, -ENOENT, -EPERM, with 'e' saying why.
 */
int gwc_trl_key_del(struct gwc *g, const char *owner, uint32_t terminal, struct gwc_err *e);

/* -------------------------------------------------------- IPsec SAs */

#define GWC_SAS_MAX 65535    /**< the largest [gw-core] max_sas (SA indexes are 16-bit,
                                  GWC_SA_NONE is not one) */
#define GWC_SA_NONE 0xffff   /**< "no SA" */

struct gwc_sa_conf;          /* gwc_sa.h */

/** Lifetime limits of an SA (RFC 4301 section 4.4.2.1); 0: none. */
struct gwc_sa_life {
	uint64_t soft_bytes, hard_bytes;     /**< bytes of inner packets */
	uint64_t soft_packets, hard_packets; /**< packets */
};

/**
 * Add SA 'c' (gwc_sa.h) to IPsec endpoint 'ep' of slice 'slice', owned by 'owner'.
 * An inbound SA is found by its SPI, which must be unique among inbound SAs; its
 * packets reach us on the endpoint's port, as ESP or UDP-encapsulated on port 4500.
 * An outbound SA becomes the endpoint's SA for traffic to the terminal at once, so a
 * rekeyed CHILD_SA switches atomically; the older one stays until deleted. The keys
 * are copied into the crypto session and into the model (for gwc_ipsec_sa_update())
 * and are never logged or reported.
 * @return the SA's index (>= 0), or -EINVAL (parameters, 'ep' not IPsec), -ENOENT,
 *   -EPERM (another owner's endpoint), -EEXIST (SPI in use), -ENOSPC, -ENOTSUP (no
 *   crypto device), -ENOMEM, with 'e' saying why. Nothing changes on failure.
 */
int gwc_ipsec_sa_add(struct gwc *g, const char *owner, const char *slice, const char *ep,
		     const struct gwc_sa_conf *c, const struct gwc_sa_life *life,
		     struct gwc_err *e);

/**
 * Remove the SA with SPI 'spi' (host order) in direction 'inbound' and, for an
 * outbound SA, destination 'dst' (network order; 0: any). Only its owner may. When it
 * was its endpoint's outbound SA, the newest other outbound SA of that endpoint
 * takes over.
 * @return 0, -ENOENT, -EPERM, with 'e' saying why.
 */
int gwc_ipsec_sa_del(struct gwc *g, const char *owner, bool inbound, uint32_t spi, uint32_t dst,
		     struct gwc_err *e);

/** @return the index of that SA (as gwc_ipsec_sa_del() finds it), or -ENOENT. */
int gwc_ipsec_sa_find(const struct gwc *g, bool inbound, uint32_t spi, uint32_t dst);

/** SA counters, summed over the lcores (only uint64_t members). */
struct gwc_sa_stats {
	uint64_t pkts, bytes;        /**< inner packets and their bytes, decrypted or encrypted */
	uint64_t last_tsc;           /**< TSC of the last packet; 0: none yet */
	uint64_t replay, auth, malformed, trailer, selector; /**< inbound refusals by reason */
};

/** Sum SA 'idx''s counters into 'out'. */
void gwc_ipsec_sa_stats_get(const struct gwc *g, int idx, struct gwc_sa_stats *out);

/** @return the router MAC gw-core uses inside slices with IPsec endpoints (borrowed). */
const struct rte_ether_addr *gwc_l3_mac(const struct gwc *g);

/**
 * Add a static MAC entry (never ages, learning does not move it) in slice 'slice'
 * pointing at endpoint 'ep'.
 * @return 0, -ENOENT, -EPERM, -ENOSPC (its bucket is full of static entries).
 */
int gwc_mac_add_static(struct gwc *g, const char *owner, const char *slice,
		       const struct rte_ether_addr *mac, const char *ep, struct gwc_err *e);

/** Remove every object 'owner' created. @return how many slices and endpoints went. */
int gwc_owner_flush(struct gwc *g, const char *owner);

/* -------------------------------------------------------- counters */

/**
 * Endpoint counters: frames as received (after decapsulation) and as sent, and the
 * drops that belong to this endpoint: on the way in once the frame is known to come
 * from it (BAD_SRC_MAC, SAME_ENDPOINT, NO_DESTINATION) and on the way out to it
 * (NO_NEXTHOP, NO_HEADROOM, TOO_BIG, NO_MBUF for a flood copy). Drops before a frame
 * has an endpoint (RUNT, UNKNOWN_VID, UNKNOWN_GRE_KEY, ...) and TX_FULL (a port's
 * queue) are only in gwc_drops_get(). Each per-endpoint drop is in both.
 * Only uint64_t members: gwc_core.c sums the struct as an array.
 */
struct gwc_ep_stats {
	uint64_t rx_pkts, rx_bytes;  /**< frames into the slice from this endpoint, bytes of the inner frame */
	uint64_t tx_pkts, tx_bytes;  /**< frames handed to the port, bytes of the frame on the wire (no FCS) */
	uint64_t drops[GWC_DROP_MAX]; /**< frames dropped for this endpoint, by reason */
	uint64_t police_pkts[3];     /**< policed frames by colour: green (conforming), yellow
	                                  (exceeding; never with PIR = CIR), red (violating,
	                                  dropped) */
	uint64_t police_bytes[3];    /**< their bytes, as metered */
	uint64_t sched_pkts;         /**< shaped or weighted: frames given to the port's
	                                  scheduler (those it sent are tx_pkts; those its full
	                                  queue dropped, drops[QUEUE_FULL]) */
	uint64_t sched_bytes;        /**< their bytes, as scheduled (the slice's L2 frame) */
};

/** Slice counters (only uint64_t members, as for gwc_ep_stats). */
struct gwc_slice_stats {
	uint64_t rx_pkts, rx_bytes;  /**< frames that entered the slice */
	uint64_t flooded;            /**< of those, frames flooded (broadcast, multicast, unknown) */
	uint64_t learned;            /**< MAC entries learned or moved */
};

/**
 * Set the policing contract of endpoint 'ep' of slice 'slice' live: 'bps' bits/s (0:
 * none) with a 'burst' of bytes (0: the default; struct gwc_ep_conf). The workers see it
 * with the next tables, their meters restart full; other traffic does not pause. Only
 * the endpoint's owner may. Control thread.
 * @return 0, or -ENOENT, -EPERM, -EINVAL (a rate below GWC_POLICE_RATE_MIN, a burst
 *   below GWC_POLICE_BURST_MIN), -ENOMEM, with 'e' saying why; nothing changes then.
 */
int gwc_ep_police_set(struct gwc *g, const char *owner, const char *slice, const char *ep,
		      uint64_t bps, uint32_t burst, struct gwc_err *e);

/**
 * Set the shaping (shape_bps, shape_burst) or weighted sharing (wfq_bps) of endpoint
 * 'ep' of slice 'slice' live (all 0: neither; struct gwc_ep_conf); the frames its
 * pipe holds are kept. Only the endpoint's owner may. Control thread.
 * @return 0, or -ENOENT, -EPERM, -EINVAL (no rate on the port, a rate above it, both
 *   asked, policed too), -ENOSPC (the port's pipes or profiles all in use), -ENOMEM, with 'e' saying why;
 *   nothing changes then.
 */
int gwc_ep_shape_set(struct gwc *g, const char *owner, const char *slice, const char *ep,
		     uint64_t shape_bps, uint32_t shape_burst, uint64_t wfq_bps,
		     struct gwc_err *e);

/**
 * Set port 'port''s rate for shaping and weighted sharing, bits/s (0: none): its
 * scheduler is made anew. Control thread.
 * @return 0, or -ENOENT (no such port), -EINVAL (below GWC_POLICE_RATE_MIN), -EBUSY
 *   (a shaped or weighted endpoint uses the port and the rate differs), -ENOMEM, with
 *   'e' saying why; nothing changes then.
 */
int gwc_port_rate_set(struct gwc *g, const char *port, uint64_t bps, struct gwc_err *e);

/**
 * Add port 'name' while gw-core runs: DPDK hot-plug (rte_dev_probe()) of the virtual
 * device 'dev' (devargs "DRIVER[SUFFIX],k=v,..."; DRIVER one of net_vhost, net_memif,
 * net_af_packet, net_af_xdp, net_tap: a node sliver's vport, docs/node-slivers.md),
 * one rx and one tx queue per worker (net_vhost's 'queues' and net_af_packet's 'qpairs'
 * are added when absent), MTU 'mtu' bytes (0: the device's). Its rx queues join the
 * workers' poll lists through RCU (ppm_worker_commit()): traffic on the other ports
 * never stops. No exception TAP, no address. 'owner' owns it (owner.flush removes it).
 * Control thread.
 * @return the port's index, or -EINVAL (bad name or devargs, a driver not listed, a
 *   PCI device), -EEXIST (a port of that name, or a device of that name), -ENOSPC (all
 *   GWC_MAX_PORTS in use), -ENODEV/-errno (DPDK refused the device or its start), with
 *   'e' saying why; nothing is left behind then.
 */
int gwc_port_add(struct gwc *g, const char *owner, const char *name, const char *dev,
		 uint16_t mtu, struct gwc_err *e);

/**
 * Remove port 'name' that gwc_port_add() added: its queues leave the poll lists (one
 * grace period), the frames its tx buffers hold are sent (bounded wait of 1 s), then
 * the device is stopped, closed and unplugged (rte_dev_remove()). Control thread.
 * @return 0, or -ENOENT (no such port), -EPERM (a configured port, or another owner's),
 *   -EBUSY (endpoints still use it: they are named), with 'e' saying why.
 */
int gwc_port_del(struct gwc *g, const char *owner, const char *name, struct gwc_err *e);

/** @return whether port index 'p' was added by gwc_port_add(). */
bool gwc_port_is_hotplug(const struct gwc *g, int p);

/** @return the entries slice 'idx''s MAC table holds now (it starts small and grows
 * as it fills, up to mac_table_size), 0 when there is no such slice. Control thread. */
uint32_t gwc_slice_mac_entries(const struct gwc *g, int idx);
/** @return the slice index of 'name', or -ENOENT. */
int gwc_slice_find(const struct gwc *g, const char *name);
/** @return the endpoint id of 'name' in slice 'slice', or -ENOENT. */
int gwc_ep_find(const struct gwc *g, int slice, const char *name);
/** Sum endpoint 'id''s counters over all lcores into 'out' (since it was created). */
void gwc_ep_stats_get(const struct gwc *g, int id, struct gwc_ep_stats *out);
/** Sum slice 'idx''s counters over all lcores into 'out' (since it was created). */
void gwc_slice_stats_get(const struct gwc *g, int idx, struct gwc_slice_stats *out);
/** Sum drops by reason over all lcores into 'out[GWC_DROP_MAX]' (since start). */
void gwc_drops_get(const struct gwc *g, uint64_t out[GWC_DROP_MAX]);

/* -------------------------------------------------------- for tests and benchmarks */

/**
 * Run one loop iteration of worker 'w' on the calling thread (rx, process, drain)
 * and drain again so that every buffered frame is sent. For unit tests with
 * workers not launched. @return mbufs received.
 */
unsigned int gwc_worker_poll_once(struct gwc *g, unsigned int w);

/**
 * Process 'n' frames as if worker 'w' had received them on port 'port_idx', then
 * drain. Takes ownership of 'pkts'. Workers must not be launched.
 */
void gwc_worker_inject(struct gwc *g, unsigned int w, uint16_t port_idx, struct rte_mbuf **pkts,
		       uint16_t n);

/** @return the mbuf pool (borrowed). */
struct rte_mempool *gwc_pool(struct gwc *g);
/** @return the ppm port of port 'idx' (borrowed), or NULL. */
const struct ppm_port *gwc_port(const struct gwc *g, uint16_t idx);
/** @return the number of workers. */
unsigned int gwc_n_workers(const struct gwc *g);
/** @return the tables version; each publication adds one. */
uint32_t gwc_tables_version(const struct gwc *g);

#endif /* GWC_H */
