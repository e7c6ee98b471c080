/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * gw-core IPsec SAs: ESP (RFC 4303) in tunnel mode, IPv4 outer and inner, optionally
 * UDP-encapsulated (NAT-T, RFC 3948), done by DPDK's rte_ipsec over a cryptodev
 * (intel-ipsec-mb's crypto_aesni_mb by default, synchronous CPU crypto; any other
 * cryptodev in lookaside mode, e.g. crypto_openssl). Algorithms: AES-GCM with a
 * 16-byte ICV (RFC 4106; 128- or 256-bit keys) and AES-CBC (RFC 3602) with
 * HMAC-SHA-256-128 (RFC 4868). ESN is rte_ipsec's; the anti-replay window (RFC 4303
 * section 3.4.3) is gw-core's own (gwc_replay.h says why). The keys come from charon through our
 * kernel-ipsec plugin (seed 003 section 3.6: IPsec access for terminals).
 *
 * Threads: gwc_crypto_* and gwc_sa_create()/gwc_sa_destroy() are control-thread only.
 * gwc_sa_inbound()/gwc_sa_outbound() run on workers: any number of lcores may encrypt
 * with one outbound SA at once (rte_ipsec's RTE_IPSEC_SAFLAG_SQN_ATOM); an inbound
 * SA's replay window is updated under the SA's spinlock (held twice per burst, not
 * per packet), so any lcore may decrypt any SA (gw-core has each inbound SA decrypted
 * by one worker, so the lock is not contended), and lookaside mode takes the calling
 * worker's queue pair.
 */
#ifndef GWC_SA_H
#define GWC_SA_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>

struct rte_mbuf;
struct rte_mempool;
struct gwc_err;

#define GWC_SA_KEY_MAX 36       /**< bytes: AES-256 key + 4-byte GCM salt */
#define GWC_SA_INTEG_KEY_MAX 64 /**< bytes of an HMAC key */

/** ESP transforms. */
enum gwc_sa_alg {
	GWC_SA_AES_GCM_16 = 0,     /**< AES-GCM, 16-byte ICV, 8-byte IV (RFC 4106) */
	GWC_SA_AES_CBC_SHA256_128, /**< AES-CBC (RFC 3602) + HMAC-SHA-256-128 (RFC 4868) */
};

/** The crypto device every SA uses. */
struct gwc_crypto {
	bool ready;                 /**< gwc_crypto_init() succeeded */
	bool cpu;                   /**< synchronous CPU crypto; false: lookaside queue pairs */
	uint8_t dev_id;             /**< cryptodev id */
	uint16_t n_qp;              /**< queue pairs: one per worker (lookaside) */
	char driver[64];            /**< the PMD's name, for status */
	struct rte_mempool *ses_pool; /**< crypto sessions */
	struct rte_mempool *op_pool;  /**< crypto ops (lookaside) */
};

/**
 * Use cryptodev 'pmd' ("aesni_mb", "aesni_gcm", "openssl", or "" for the first that
 * works of aesni_mb then openssl): an existing device of that driver, else a vdev
 * gw-core creates ("crypto_<pmd>_gwc"). 'n_qp' queue pairs (one per worker), room
 * for 'max_sas' sessions.
 * @return 0, or -ENODEV / -ENOMEM / -EIO with 'e' naming the device and the problem.
 */
int gwc_crypto_init(struct gwc_crypto *c, const char *pmd, uint16_t n_qp, unsigned int max_sas,
		    int socket, struct gwc_err *e);

/** Stop and close what gwc_crypto_init() made. Safe on a zeroed or failed 'c'. */
void gwc_crypto_fini(struct gwc_crypto *c);

/** What an SA is. The caller fills it; gwc_sa_create() copies what it keeps. */
struct gwc_sa_conf {
	uint32_t spi;              /**< SPI, host order, not 0 */
	bool inbound;              /**< true: we decrypt (dst = us); false: we encrypt */
	rte_be32_t src, dst;       /**< outer addresses of the ESP packets, network order */
	uint16_t sport, dport;     /**< NAT-T UDP ports of the ESP packets, host order; 0: plain ESP */
	enum gwc_sa_alg alg;
	uint8_t key[GWC_SA_KEY_MAX]; /**< encryption key; for GCM the 4-byte salt follows it */
	uint8_t key_len;           /**< GCM: 20 or 36 (salt included); CBC: 16, 24 or 32 */
	uint8_t integ_key[GWC_SA_INTEG_KEY_MAX]; /**< CBC: the HMAC-SHA-256 key */
	uint8_t integ_key_len;     /**< CBC: 32 (RFC 4868 section 2.1.1); GCM: 0 */
	bool esn;                  /**< 64-bit extended sequence numbers */
	uint32_t replay_window;    /**< inbound anti-replay window, packets; 0: off */
	uint64_t sqn;              /**< first sequence number - 1 (outbound), or the highest
	                                seen (inbound): kept across a gw-core restart */
};

/** One SA, ready for the workers (opaque; gwc_sa.c). */
struct gwc_sa;

/**
 * Create an SA on 'c' from 'conf' (the keys are copied into the crypto session and
 * not kept elsewhere). 'userdata' is returned by gwc_sa_userdata().
 * @return the SA, or NULL with 'e' saying what was wrong (bad key length, SPI 0,
 *   a transform the device lacks, out of memory).
 */
struct gwc_sa *gwc_sa_create(const struct gwc_crypto *c, const struct gwc_sa_conf *conf,
			     uint64_t userdata, struct gwc_err *e);

/** Free 'sa' and its crypto session; no worker may still see it. NULL does nothing. */
void gwc_sa_destroy(const struct gwc_crypto *c, struct gwc_sa *sa);

/** The number of spans gwc_sa_hot() gives. */
#define GWC_SA_HOT 4

/**
 * Cache lines of the crypto session (from its start: the PMD's private data, which holds
 * the keys; intel-ipsec-mb's is 1408 bytes) worth prefetching with the rest once SAs
 * are many: 10,000 SAs, 16 lines: 1.19-1.45x the frames a second in A/B runs; with one
 * SA it cost 5 %.
 */
#define GWC_SA_SES_LINES 16

/**
 * Cache lines of the rte_ipsec SA read for every burst: DPDK 22.11's struct
 * rte_ipsec_sa is four lines, and a burst reads all four (the type and crypto-op
 * templates; the salt and lengths; the sequence state and the statistics it counts).
 */
#define GWC_SA_IPSEC_LINES 4

/** 'lines' cache lines from 'addr' (64-byte aligned) that the data path reads of an SA. */
struct gwc_sa_span {
	const void *addr;
	uint16_t lines;
};

/**
 * Fill 'hot' with the spans of 'sa' that gwc_sa_inbound() and gwc_sa_outbound() read,
 * in that order: its head (two lines), the rte_ipsec SA (GWC_SA_IPSEC_LINES), the
 * replay window's head (one line; NULL and 0 lines outbound), the crypto session
 * (GWC_SA_SES_LINES), for a worker to prefetch when it queues a packet for the SA: with
 * thousands of SAs each line is a cache miss otherwise. Control thread, when the
 * tables are built.
 */
void gwc_sa_hot(const struct gwc_sa *sa, struct gwc_sa_span hot[GWC_SA_HOT]);

/** @return the 'userdata' given to gwc_sa_create(). Any thread. */
uint64_t gwc_sa_userdata(const struct gwc_sa *sa);

/** @return bytes an outbound SA adds in front of an inner IPv4 packet (IPv4 [+ UDP] + ESP + IV). */
unsigned int gwc_sa_overhead(const struct gwc_sa *sa);

/**
 * Why gwc_sa_inbound() refused a packet. GWC_SA_ERR_* values.
 */
enum gwc_sa_err {
	GWC_SA_ERR_MALFORMED = 0, /**< too short, cipher text not a block multiple */
	GWC_SA_ERR_REPLAY,        /**< sequence number replayed or left of the window */
	GWC_SA_ERR_AUTH,          /**< ICV did not verify */
	GWC_SA_ERR_TRAILER,       /**< after decryption: padding or next header wrong */
	GWC_SA_ERR_MAX
};

/**
 * Decrypt 'n' ESP packets of 'sa' in place. Each mbuf starts with its outer Ethernet
 * header; m->l2_len is that header's length and m->l3_len the outer IPv4 header's,
 * plus 8 for NAT-T (so that the ESP header is at l2_len + l3_len). On success the
 * packet is the inner IPv4 packet alone (outer headers, ESP header, IV, padding,
 * trailer and ICV removed). A sequence number left of the replay window or seen
 * before is refused before decryption; one seen twice in the burst, after it (the
 * first copy passes). m->hash.usr is overwritten. Worker lcore 'qp' (its lookaside
 * queue pair).
 * @return k: pkts[0..k-1] are decrypted, in their order of arrival; pkts[k..n-1]
 *   failed, and err[i - k] says why for each; the caller still owns them all.
 */
uint16_t gwc_sa_inbound(const struct gwc_crypto *c, struct gwc_sa *sa, uint16_t qp,
			struct rte_mbuf **pkts, uint16_t n, uint8_t *err);

/**
 * @return the highest sequence number an inbound SA has accepted (its configured
 *   'sqn' until it accepts one); 0 for an outbound SA. Any thread (a relaxed read).
 */
uint64_t gwc_sa_highest(const struct gwc_sa *sa);

/**
 * Encrypt 'n' inner packets with 'sa' in place. Each mbuf starts with an Ethernet
 * header of m->l2_len bytes (14, or 18 tagged) followed by the inner IPv4 packet;
 * on success it is outer Ethernet (MACs zero: the caller writes them; type IPv4) +
 * outer IPv4 (checksum set) [+ UDP] + ESP. Needs gwc_sa_overhead() - l2_len + 14
 * bytes of headroom and up to 36 bytes of tailroom. Any worker lcore ('qp' its queue pair).
 * @return k: pkts[0..k-1] are encrypted; pkts[k..n-1] failed (no room, sequence
 *   number exhausted); the caller owns them.
 */
uint16_t gwc_sa_outbound(const struct gwc_crypto *c, struct gwc_sa *sa, uint16_t qp,
			 struct rte_mbuf **pkts, uint16_t n);

#endif /* GWC_SA_H */
