/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core IPsec SAs (gwc_sa.h) against ESP packets built independently by
 * tests/unit/vectors/gen_esp_vectors.py (python3-cryptography, RFC 4303/4106/3602/
 * 4868/3948): outbound byte-exact for AES-GCM-128, NAT-T, AES-CBC + HMAC-SHA-256-128
 * and ESN; inbound decryption of each; the replay window's edges; a bad ICV, a
 * truncated packet and a wrong next header refused for the right reason; no mbuf
 * leaked.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "esp_vectors.h"
#include "gwc.h"
#include "gwc_replay.h"
#include "gwc_sa.h"

#define POOL_N 512

static struct rte_mempool *pool;
static struct gwc_crypto crypto_mb, crypto_ossl;
static struct gwc_crypto *cc = &crypto_mb; /* the device the tests use */

static int
suite_init(void)
{
	struct gwc_err e = { "" };

	pool = rte_pktmbuf_pool_create("sa_test", POOL_N, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (pool == NULL)
		return -1;
	if (gwc_crypto_init(&crypto_mb, "aesni_mb", 1, 64, 0, &e) != 0 ||
	    gwc_crypto_init(&crypto_ossl, "openssl", 1, 64, 0, &e) != 0) {
		fprintf(stderr, "gwc_sa suite: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int
suite_clean(void)
{
	gwc_crypto_fini(&crypto_mb);
	gwc_crypto_fini(&crypto_ossl);
	rte_mempool_free(pool);
	return 0;
}

static struct rte_mbuf *
mbuf_of(const uint8_t *b, size_t n)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	CU_ASSERT_FATAL(m != NULL);
	memcpy(rte_pktmbuf_append(m, (uint16_t)n), b, n);
	return m;
}

static bool
mbuf_equals(const struct rte_mbuf *m, const uint8_t *b, size_t n)
{
	return m->pkt_len == n && m->nb_segs == 1 && memcmp(rte_pktmbuf_mtod(m, void *), b, n) == 0;
}

static uint32_t next_window = 64;   /* the replay window of the next sa_new(); then 64 */

static struct gwc_sa *
sa_new(bool inbound, enum gwc_sa_alg alg, uint32_t spi, uint16_t sport, uint16_t dport, bool esn,
       uint64_t sqn, const uint8_t *key, uint8_t key_len)
{
	struct gwc_sa_conf c = {
		.spi = spi, .inbound = inbound, .sport = sport, .dport = dport, .alg = alg,
		.key_len = key_len, .esn = esn, .replay_window = next_window, .sqn = sqn,
	};
	struct gwc_err e = { "" };
	struct gwc_sa *sa;
	/* 198u: DPDK 22.11's RTE_IPV4 shifts its first octet as an int (UB from 128 up) */
	const rte_be32_t agw = RTE_BE32(RTE_IPV4(198u, 51, 100, 1));
	const rte_be32_t term = RTE_BE32(RTE_IPV4(198u, 51, 100, 2));

	next_window = 64;
	c.src = inbound ? term : agw;
	c.dst = inbound ? agw : term;
	memcpy(c.key, key, key_len);
	if (alg == GWC_SA_AES_CBC_SHA256_128) {
		memcpy(c.integ_key, key_hmac, sizeof(key_hmac));
		c.integ_key_len = sizeof(key_hmac);
	}
	sa = gwc_sa_create(cc, &c, spi, &e);
	if (sa == NULL)
		fprintf(stderr, "gwc_sa_create: %s\n", e.msg);
	CU_ASSERT_FATAL(sa != NULL);
	return sa;
}

/* Encrypt the inner packet behind a 14-byte slice-side Ethernet header; compare. */
static void
check_out(struct gwc_sa *sa, const uint8_t *want, size_t want_len)
{
	uint8_t frame[sizeof(esp_inner_out) + RTE_ETHER_HDR_LEN] = { 0 };
	struct rte_mbuf *m;

	frame[12] = 0x08;
	memcpy(frame + RTE_ETHER_HDR_LEN, esp_inner_out, sizeof(esp_inner_out));
	m = mbuf_of(frame, sizeof(frame));
	m->l2_len = RTE_ETHER_HDR_LEN;
	CU_ASSERT_EQUAL_FATAL(gwc_sa_outbound(cc, sa, 0, &m, 1), 1);
	CU_ASSERT(mbuf_equals(m, want, want_len));
	rte_pktmbuf_free(m);
}

static void
test_outbound_vectors(void)
{
	struct gwc_sa *sa;

	sa = sa_new(false, GWC_SA_AES_GCM_16, 0x1001, 0, 0, false, 0, key_gcm128, 20);
	CU_ASSERT_EQUAL(gwc_sa_overhead(sa), 20 + 8 + 8);
	check_out(sa, esp_gcm128_out, sizeof(esp_gcm128_out));
	gwc_sa_destroy(cc, sa);

	sa = sa_new(false, GWC_SA_AES_GCM_16, 0x1002, 4500, 40001, false, 0, key_gcm128, 20);
	CU_ASSERT_EQUAL(gwc_sa_overhead(sa), 20 + 8 + 8 + 8);
	check_out(sa, esp_gcm128_natt_out, sizeof(esp_gcm128_natt_out));
	gwc_sa_destroy(cc, sa);

	sa = sa_new(false, GWC_SA_AES_CBC_SHA256_128, 0x1003, 0, 0, false, 0, key_cbc,
		    sizeof(key_cbc));
	check_out(sa, esp_cbc_out, sizeof(esp_cbc_out));
	gwc_sa_destroy(cc, sa);

	sa = sa_new(false, GWC_SA_AES_GCM_16, 0x1004, 0, 0, true, (2ULL << 32) - 1, key_gcm128,
		    20);
	check_out(sa, esp_gcm128_esn_out, sizeof(esp_gcm128_esn_out));
	gwc_sa_destroy(cc, sa);
}

/* Decrypt 'frame'; @return the error (GWC_SA_ERR_*) or -1 when it decrypted to 'want'. */
static int
try_in(struct gwc_sa *sa, const uint8_t *frame, size_t len, uint32_t l3_len, size_t cut)
{
	struct rte_mbuf *m = mbuf_of(frame, len);
	uint8_t err = 0xff;
	int r;

	if (cut != 0)
		rte_pktmbuf_trim(m, (uint16_t)cut);
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = l3_len;
	if (gwc_sa_inbound(cc, sa, 0, &m, 1, &err) == 1) {
		r = mbuf_equals(m, esp_inner_in, sizeof(esp_inner_in)) ? -1 : 100;
	} else {
		r = err;
	}
	rte_pktmbuf_free(m);
	return r;
}

static void
test_inbound_vectors(void)
{
	struct gwc_sa *sa;

	sa = sa_new(true, GWC_SA_AES_GCM_16, 0x2001, 40001, 4500, false, 0, key_gcm256, 36);
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm256_natt_in, sizeof(esp_gcm256_natt_in), 28, 0), -1);
	gwc_sa_destroy(cc, sa);

	sa = sa_new(true, GWC_SA_AES_CBC_SHA256_128, 0x2002, 0, 0, false, 0, key_cbc,
		    sizeof(key_cbc));
	CU_ASSERT_EQUAL(try_in(sa, esp_cbc_in, sizeof(esp_cbc_in), 20, 0), -1);
	gwc_sa_destroy(cc, sa);

	/* ESN: high half 1 is inferred from the window's position (RFC 4303 Appendix A) */
	sa = sa_new(true, GWC_SA_AES_GCM_16, 0x2003, 0, 0, true, 1ULL << 32, key_gcm128, 20);
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm128_esn_in, sizeof(esp_gcm128_esn_in), 20, 0), -1);
	gwc_sa_destroy(cc, sa);
	/* the same packet with the window at 0 authenticates as high half 0: fails */
	sa = sa_new(true, GWC_SA_AES_GCM_16, 0x2003, 0, 0, true, 0, key_gcm128, 20);
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm128_esn_in, sizeof(esp_gcm128_esn_in), 20, 0),
			GWC_SA_ERR_AUTH);
	gwc_sa_destroy(cc, sa);
}

static void
test_replay_auth_malformed(void)
{
	uint8_t bad[sizeof(esp_gcm256_natt_in)];
	struct gwc_sa *sa;
	unsigned int before = rte_mempool_avail_count(pool);

	sa = sa_new(true, GWC_SA_AES_GCM_16, 0x2001, 40001, 4500, false, 0, key_gcm256, 36);
	/* a flipped ICV bit: refused, and it does not move the window */
	memcpy(bad, esp_gcm256_natt_in, sizeof(bad));
	bad[sizeof(bad) - 1] ^= 0x01;
	CU_ASSERT_EQUAL(try_in(sa, bad, sizeof(bad), 28, 0), GWC_SA_ERR_AUTH);
	/* a cipher text that is no multiple of 4 bytes */
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm256_natt_in, sizeof(esp_gcm256_natt_in), 28, 1),
			GWC_SA_ERR_MALFORMED);
	/* seq 5, then 5 again; 3 is inside the window; 200 moves it; 3 is now left of it */
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm256_natt_in, sizeof(esp_gcm256_natt_in), 28, 0), -1);
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm256_natt_in, sizeof(esp_gcm256_natt_in), 28, 0),
			GWC_SA_ERR_REPLAY);
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm256_natt_in_seq3, sizeof(esp_gcm256_natt_in_seq3), 28,
			       0), -1);
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm256_natt_in_seq3, sizeof(esp_gcm256_natt_in_seq3), 28,
			       0), GWC_SA_ERR_REPLAY);
	/* authentic, but its next header is not IPv4 (seq 7, in the window) */
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm256_natt_in_nh41, sizeof(esp_gcm256_natt_in_nh41), 28,
			       0), GWC_SA_ERR_TRAILER);
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm256_natt_in_seq200, sizeof(esp_gcm256_natt_in_seq200),
			       28, 0), -1);
	gwc_sa_destroy(cc, sa);
	/* a new SA, window at 0: 3 is fine again; 200 is 197 ahead, then 3 is too old */
	sa = sa_new(true, GWC_SA_AES_GCM_16, 0x2001, 40001, 4500, false, 0, key_gcm256, 36);
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm256_natt_in_seq200, sizeof(esp_gcm256_natt_in_seq200),
			       28, 0), -1);
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm256_natt_in_seq3, sizeof(esp_gcm256_natt_in_seq3), 28,
			       0), GWC_SA_ERR_REPLAY);
	gwc_sa_destroy(cc, sa);
	/* replay window 0 (charon's replay_window = 0): no replay check at all, so the
	 * same packet twice and an older one all decrypt */
	next_window = 0;
	sa = sa_new(true, GWC_SA_AES_GCM_16, 0x2001, 40001, 4500, false, 0, key_gcm256, 36);
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm256_natt_in_seq200, sizeof(esp_gcm256_natt_in_seq200),
			       28, 0), -1);
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm256_natt_in_seq200, sizeof(esp_gcm256_natt_in_seq200),
			       28, 0), -1);
	CU_ASSERT_EQUAL(try_in(sa, esp_gcm256_natt_in_seq3, sizeof(esp_gcm256_natt_in_seq3), 28,
			       0), -1);
	memcpy(bad, esp_gcm256_natt_in, sizeof(bad));   /* the ICV is still checked */
	bad[sizeof(bad) - 1] ^= 0x01;
	CU_ASSERT_EQUAL(try_in(sa, bad, sizeof(bad), 28, 0), GWC_SA_ERR_AUTH);
	gwc_sa_destroy(cc, sa);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), before);
}

/* A burst of 8 with two good, a duplicate, a bad ICV and a malformed one mixed in. */
static void
test_burst_sorting(void)
{
	struct rte_mbuf *m[5];
	uint8_t bad[sizeof(esp_gcm256_natt_in)], err[5];
	struct gwc_sa *sa;
	unsigned int i, n_auth = 0, n_replay = 0, n_mal = 0;
	uint16_t k;

	memcpy(bad, esp_gcm256_natt_in_seq3, sizeof(bad));
	bad[sizeof(bad) - 5] ^= 0x80;
	sa = sa_new(true, GWC_SA_AES_GCM_16, 0x2001, 40001, 4500, false, 0, key_gcm256, 36);
	m[0] = mbuf_of(esp_gcm256_natt_in, sizeof(esp_gcm256_natt_in));
	m[1] = mbuf_of(bad, sizeof(bad));
	m[2] = mbuf_of(esp_gcm256_natt_in, sizeof(esp_gcm256_natt_in));        /* duplicate */
	m[3] = mbuf_of(esp_gcm256_natt_in_seq200, sizeof(esp_gcm256_natt_in_seq200));
	m[4] = mbuf_of(esp_gcm256_natt_in, 60);                                /* malformed */
	for (i = 0; i < 5; i++) {
		m[i]->l2_len = RTE_ETHER_HDR_LEN;
		m[i]->l3_len = 28;
	}
	k = gwc_sa_inbound(cc, sa, 0, m, 5, err);
	CU_ASSERT_EQUAL(k, 2);
	for (i = 0; i < k; i++)
		CU_ASSERT(mbuf_equals(m[i], esp_inner_in, sizeof(esp_inner_in)));
	for (i = k; i < 5; i++) {
		n_auth += err[i - k] == GWC_SA_ERR_AUTH;
		n_replay += err[i - k] == GWC_SA_ERR_REPLAY;
		n_mal += err[i - k] == GWC_SA_ERR_MALFORMED;
	}
	CU_ASSERT_EQUAL(n_auth, 1);
	CU_ASSERT_EQUAL(n_replay, 1);
	CU_ASSERT_EQUAL(n_mal, 1);
	rte_pktmbuf_free_bulk(m, 5);
	gwc_sa_destroy(cc, sa);
}

/* An outbound GCM-256 SA (userdata 1) and its inbound twin (2); NAT-T when 'port'. */
static void
sa_pair(uint32_t spi, uint16_t port, struct gwc_sa **out, struct gwc_sa **in)
{
	struct gwc_sa_conf c = { .spi = spi, .sport = port, .dport = port,
				 .alg = GWC_SA_AES_GCM_16, .key_len = 36, .replay_window = 32 };
	struct gwc_err e = { "" };

	memcpy(c.key, key_gcm256, 36);
	c.src = RTE_BE32(RTE_IPV4(198u, 51, 100, 1));
	c.dst = RTE_BE32(RTE_IPV4(198u, 51, 100, 2));
	*out = gwc_sa_create(cc, &c, 1, &e);
	c.inbound = true;
	*in = gwc_sa_create(cc, &c, 2, &e);
	CU_ASSERT_FATAL(*out != NULL && *in != NULL);
}

/* Ours both ways: outbound GCM-256 NAT-T, then the matching inbound SA. */
static void
test_round_trip(void)
{
	uint8_t frame[sizeof(esp_inner_in) + RTE_ETHER_HDR_LEN] = { 0 };
	struct gwc_sa *out, *in;
	struct rte_mbuf *m;
	uint8_t err;
	unsigned int i;

	sa_pair(0x3001, 4500, &out, &in);
	CU_ASSERT_EQUAL(gwc_sa_userdata(in), 2);
	frame[12] = 0x08;
	memcpy(frame + RTE_ETHER_HDR_LEN, esp_inner_in, sizeof(esp_inner_in));
	for (i = 0; i < 3; i++) {
		const struct rte_ipv4_hdr *ip;

		m = mbuf_of(frame, sizeof(frame));
		m->l2_len = RTE_ETHER_HDR_LEN;
		CU_ASSERT_EQUAL_FATAL(gwc_sa_outbound(cc, out, 0, &m, 1), 1);
		ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
		CU_ASSERT_EQUAL(rte_ipv4_cksum(ip), 0);  /* checksum over a valid header */
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), m->pkt_len - RTE_ETHER_HDR_LEN);
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->l3_len = 28;
		CU_ASSERT_EQUAL(gwc_sa_inbound(cc, in, 0, &m, 1, &err), 1);
		CU_ASSERT(mbuf_equals(m, esp_inner_in, sizeof(esp_inner_in)));
		rte_pktmbuf_free(m);
	}
	gwc_sa_destroy(cc, out);
	gwc_sa_destroy(cc, in);
}

/*
 * Every sequence number is protected, whatever its bit in the window's 64-bit block:
 * DPDK 22.11's own window never marks positions 32..63, so a copy of packet 40 (or
 * 1000, 7791, ...) used to decrypt again. Packets 1..130 from our outbound SA, each
 * sent twice; window 32.
 */
static void
test_replay_every_position(void)
{
	uint8_t frame[sizeof(esp_inner_in) + RTE_ETHER_HDR_LEN] = { 0 };
	struct gwc_sa *out, *in;
	unsigned int i, ok = 0, replay = 0, before = rte_mempool_avail_count(pool);

	sa_pair(0x3002, 0, &out, &in);
	frame[12] = 0x08;
	memcpy(frame + RTE_ETHER_HDR_LEN, esp_inner_in, sizeof(esp_inner_in));
	for (i = 1; i <= 130; i++) {
		struct rte_mbuf *m[2];
		uint8_t err[2];
		uint16_t k;

		m[0] = mbuf_of(frame, sizeof(frame));
		m[0]->l2_len = RTE_ETHER_HDR_LEN;
		CU_ASSERT_EQUAL_FATAL(gwc_sa_outbound(cc, out, 0, &m[0], 1), 1);
		m[1] = rte_pktmbuf_copy(m[0], pool, 0, UINT32_MAX);
		CU_ASSERT_FATAL(m[1] != NULL);
		m[0]->l2_len = m[1]->l2_len = RTE_ETHER_HDR_LEN;
		m[0]->l3_len = m[1]->l3_len = 20;
		/* the original, then its copy in a later burst; every 8th pair in one burst */
		if (i % 8 == 0) {
			k = gwc_sa_inbound(cc, in, 0, m, 2, err);
			ok += k;
			replay += k == 1 && err[0] == GWC_SA_ERR_REPLAY;
		} else {
			k = gwc_sa_inbound(cc, in, 0, &m[0], 1, err);
			ok += k;
			k = gwc_sa_inbound(cc, in, 0, &m[1], 1, err);
			ok += k;
			replay += k == 0 && err[0] == GWC_SA_ERR_REPLAY;
		}
		rte_pktmbuf_free_bulk(m, 2);
	}
	CU_ASSERT_EQUAL(ok, 130);
	CU_ASSERT_EQUAL(replay, 130);
	CU_ASSERT_EQUAL(gwc_sa_highest(in), 130);
	CU_ASSERT_EQUAL(gwc_sa_highest(out), 0);
	gwc_sa_destroy(cc, out);
	gwc_sa_destroy(cc, in);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), before);
}

/* ------------------------------------------------------------ gwc_replay.h */

static struct gwc_replay *
window_new(uint32_t win, bool esn, uint64_t top)
{
	struct gwc_replay *r = malloc(gwc_replay_size(win, esn));

	CU_ASSERT_FATAL(r != NULL);
	gwc_replay_init(r, win, esn, top);
	return r;
}

/* check, then update, as gwc_sa_inbound() does for a packet that verifies */
static bool
window_take(struct gwc_replay *r, uint64_t seq)
{
	return gwc_replay_check(r, seq) && gwc_replay_update(r, seq);
}

/* A window of 'win' installed with 'top'; each step: a packet, and whether it gets in. */
struct window_step {
	uint64_t seq;
	bool ok;
};

static void
window_steps(uint32_t win, uint64_t top, const struct window_step *st, unsigned int n)
{
	struct gwc_replay *r = window_new(win, false, top);
	unsigned int i;

	for (i = 0; i < n; i++)
		if (window_take(r, st[i].seq) != st[i].ok) {
			fprintf(stderr, "window %u, top %" PRIu64 ": step %u (seq %" PRIu64 ") %s\n",
				win, top, i, st[i].seq, st[i].ok ? "refused" : "accepted");
			CU_FAIL("replay window step");
		}
	free(r);
}

/*
 * The spans a worker prefetches (gwc_sa_hot()) cover the whole SA head, the rte_ipsec SA
 * after it and the replay window's head after that, each from a line start: the head is two
 * lines, and prefetching only its first left the replay pointer (offset 104) a cache
 * miss per packet with 10,000 SAs.
 */
static void
test_hot_spans(void)
{
	struct gwc_sa_span h[GWC_SA_HOT];
	struct gwc_sa *in, *out;
	unsigned int i;

	in = sa_new(true, GWC_SA_AES_GCM_16, 0x2001, 40001, 4500, false, 0, key_gcm256, 36);
	out = sa_new(false, GWC_SA_AES_GCM_16, 0x1001, 4500, 40001, false, 0, key_gcm256, 36);
	CU_ASSERT_FATAL(in != NULL && out != NULL);
	gwc_sa_hot(in, h);
	for (i = 0; i < GWC_SA_HOT; i++)
		CU_ASSERT_EQUAL((uintptr_t)h[i].addr % RTE_CACHE_LINE_SIZE, 0);
	CU_ASSERT_PTR_EQUAL(h[0].addr, in);
	CU_ASSERT_EQUAL(h[0].lines, 2);
	/* one allocation: the head, then the rte_ipsec SA, then the window */
	CU_ASSERT_PTR_EQUAL((const uint8_t *)h[0].addr + h[0].lines * RTE_CACHE_LINE_SIZE,
			    h[1].addr);
	CU_ASSERT_EQUAL(h[1].lines, GWC_SA_IPSEC_LINES);
	/* then rte_ipsec's own sequence state, which a burst reads only with ESN */
	CU_ASSERT((const uint8_t *)h[1].addr + h[1].lines * RTE_CACHE_LINE_SIZE <=
		  (const uint8_t *)h[2].addr);
	CU_ASSERT_EQUAL(h[2].lines, 1);
	CU_ASSERT_PTR_NOT_NULL(h[3].addr);
	CU_ASSERT_EQUAL(h[3].lines, GWC_SA_SES_LINES);
	gwc_sa_hot(out, h);   /* outbound: no window */
	CU_ASSERT_EQUAL(h[0].lines, 2);
	CU_ASSERT_EQUAL(h[1].lines, GWC_SA_IPSEC_LINES);
	CU_ASSERT_PTR_NULL(h[2].addr);
	CU_ASSERT_EQUAL(h[2].lines, 0);
	gwc_sa_destroy(cc, in);
	gwc_sa_destroy(cc, out);
}

/* Edges, by hand: RFC 4303 section 3.4.3 with a window of 32 ([top - 31, top]). */
static void
test_window_edges(void)
{
	static const struct window_step fresh[] = {
		{ 0, false },                 /* never valid */
		{ 100, true }, { 100, false },
		{ 69, true }, { 69, false },  /* the left edge */
		{ 68, false },                /* one left of it */
		{ 101, true }, { 69, false }, /* now left of it */
		{ 101 + 128, true },          /* same block index: the block was cleared */
		{ 101 + 128, false },
		{ 1000000, true },            /* a jump over every block */
		{ 999969, true }, { 999968, false },
	};
	/* installed again with the highest seen: all of the window counts as seen */
	static const struct window_step again[] = {
		{ 1000, false }, { 980, false }, { 1001, true },
		{ 1023, true },               /* the rest of top's block is still to come */
		{ 1024, true },
	};
	static const struct window_step off[] = {   /* window 0: no check at all */
		{ 5, true }, { 5, true }, { 1, true },
	};
	struct gwc_replay *r = window_new(32, false, 0);

	window_steps(32, 0, fresh, RTE_DIM(fresh));
	window_steps(32, 1000, again, RTE_DIM(again));
	window_steps(0, 0, off, RTE_DIM(off));
	/* the check alone does not record; a second update of one number fails */
	CU_ASSERT_TRUE(gwc_replay_check(r, 5));
	CU_ASSERT_TRUE(gwc_replay_check(r, 5));
	CU_ASSERT_TRUE(gwc_replay_update(r, 5));
	CU_ASSERT_FALSE(gwc_replay_update(r, 5));
	CU_ASSERT_FALSE(gwc_replay_check(r, 5));
	free(r);
}

/* ESN: the high half from the window's position (RFC 4303 Appendix A.2.2). */
static void
test_window_esn(void)
{
	const uint64_t G = UINT64_C(1) << 32;
	struct gwc_replay *r = window_new(0, true, G + 10);   /* ESN: window at least 64 */

	CU_ASSERT_EQUAL(r->win, 64);
	/* the room asked for is the room the widened window fills (it was one block short) */
	CU_ASSERT_EQUAL(gwc_replay_size(0, true),
			sizeof(*r) + (size_t)(r->mask + 1) * sizeof(r->bits[0]));
	CU_ASSERT_EQUAL(gwc_replay_size(0, true), gwc_replay_size(64, false));
	/* case B: the window [G - 53, G + 10] spans two subspaces */
	CU_ASSERT_EQUAL(gwc_replay_seq(r, 5), G + 5);
	CU_ASSERT_EQUAL(gwc_replay_seq(r, 0xfffffff0u), 0xfffffff0u);
	CU_ASSERT_EQUAL(gwc_replay_seq(r, 0xffffffcbu), 0xffffffcbu);   /* the left edge */
	CU_ASSERT_EQUAL(gwc_replay_seq(r, 0xffffffcau), G + 0xffffffcau);
	CU_ASSERT_FALSE(window_take(r, gwc_replay_seq(r, 0xfffffff0u)));  /* installed: seen */
	CU_ASSERT_TRUE(window_take(r, gwc_replay_seq(r, 11)));
	free(r);
	/* case A: [2G - 73, 2G - 10] lies in subspace 1 */
	r = window_new(64, true, 2 * G - 10);
	CU_ASSERT_EQUAL(gwc_replay_seq(r, 3), 2 * G + 3);
	CU_ASSERT_EQUAL(gwc_replay_seq(r, 0xfffffff0u), G + 0xfffffff0u);
	CU_ASSERT_EQUAL(gwc_replay_seq(r, 0xffffffb7u), G + 0xffffffb7u);  /* left edge */
	CU_ASSERT_EQUAL(gwc_replay_seq(r, 0xffffffb6u), 2 * G + 0xffffffb6u);
	CU_ASSERT_TRUE(window_take(r, gwc_replay_seq(r, 3)));
	CU_ASSERT_EQUAL(r->top, 2 * G + 3);
	CU_ASSERT_FALSE(window_take(r, gwc_replay_seq(r, 3)));
	CU_ASSERT_TRUE(window_take(r, gwc_replay_seq(r, 0xfffffffeu)));  /* just before the wrap */
	free(r);
	/* subspace 0 with the window at its start: no high half below 0 */
	r = window_new(64, true, 10);
	CU_ASSERT_EQUAL(gwc_replay_seq(r, 0xfffffff0u), 0xfffffff0u);
	free(r);
}

/*
 * Against a model that remembers every number it accepted: random traffic around a
 * point that moves right (until it reaches 2^24) (mostly small steps, some jumps, many repeats and late
 * packets), windows of several sizes; both must agree on every packet.
 */
static void
test_window_model(void)
{
	static const uint32_t wins[] = { 1, 32, 64, 65, 100, 1024, 4096 };
	unsigned int w;
	uint64_t x = 0x9e3779b97f4a7c15ull;   /* xorshift64 */

	for (w = 0; w < RTE_DIM(wins); w++) {
		const uint32_t win = wins[w];
		struct gwc_replay *r = window_new(win, false, 0);
		uint8_t *seen = calloc(1u << 24, 1);
		uint64_t top = 0, i, disagree = 0, accepted = 0;

		CU_ASSERT_FATAL(seen != NULL);
		for (i = 0; i < 200000; i++) {
			uint64_t seq, d;
			bool want, got;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			d = x % 100;
			if (d < 50)
				seq = top + 1 + (x >> 8) % 3;                 /* in order */
			else if (d < 90)
				seq = top - RTE_MIN(top, (x >> 8) % (win + 8));  /* late, repeats, 0 */
			else if (d < 99)
				seq = top + 1 + (x >> 8) % (2 * win + 130);   /* a gap */
			else
				seq = top + 1 + (x >> 8) % 20000;             /* a jump */
			if (seq >= (1u << 24) - 1)
				break;
			want = seq != 0 && (seq > top || (top - seq < win && !seen[seq]));
			got = window_take(r, seq);
			disagree += want != got;
			if (want) {
				seen[seq] = 1;
				if (seq > top)
					top = seq;
				accepted++;
			}
		}
		CU_ASSERT_EQUAL(disagree, 0);
		CU_ASSERT(accepted > 1000);
		CU_ASSERT_EQUAL(r->top, top);
		free(seen);
		free(r);
	}
}

/* The same vectors through crypto_openssl: lookaside mode for every transform. */
static void
test_openssl_fallback(void)
{
	CU_ASSERT_FALSE(crypto_ossl.cpu);
	CU_ASSERT_TRUE(crypto_mb.cpu);
	cc = &crypto_ossl;
	test_outbound_vectors();
	test_inbound_vectors();
	test_replay_auth_malformed();
	test_round_trip();
	test_replay_every_position();
	cc = &crypto_mb;
}

static void
test_bad_conf(void)
{
	struct gwc_sa_conf c = { .spi = 0x4001, .alg = GWC_SA_AES_GCM_16, .key_len = 16 };
	struct gwc_err e = { "" };

	CU_ASSERT_PTR_NULL(gwc_sa_create(cc, &c, 0, &e));      /* salt missing */
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "20 or 36"));
	c.key_len = 20;
	c.spi = 0;
	CU_ASSERT_PTR_NULL(gwc_sa_create(cc, &c, 0, &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "SPI 0"));
	c.spi = 1;
	c.sport = 4500;
	CU_ASSERT_PTR_NULL(gwc_sa_create(cc, &c, 0, &e));
	c.sport = 0;
	c.alg = GWC_SA_AES_CBC_SHA256_128;
	c.key_len = 32;
	c.integ_key_len = 20;
	CU_ASSERT_PTR_NULL(gwc_sa_create(cc, &c, 0, &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "RFC 4868"));
}

int test_gwc_sa_register(void);

int
test_gwc_sa_register(void)
{
	CU_pSuite s = CU_add_suite("gwc_sa", suite_init, suite_clean);

	if (s == NULL)
		return -1;
	if (CU_add_test(s, "outbound ESP byte-exact (GCM, NAT-T, CBC+HMAC, ESN)",
			test_outbound_vectors) == NULL ||
	    CU_add_test(s, "inbound ESP decrypts independent packets", test_inbound_vectors) == NULL ||
	    CU_add_test(s, "replay window edges (and window 0), bad ICV, malformed, next header",
			test_replay_auth_malformed) == NULL ||
	    CU_add_test(s, "a mixed burst sorted by reason", test_burst_sorting) == NULL ||
	    CU_add_test(s, "round trip through our own SAs", test_round_trip) == NULL ||
	    CU_add_test(s, "a copy of any of packets 1..130 is refused (rte_ipsec's window misses "
			   "bits 32..63)", test_replay_every_position) == NULL ||
	    CU_add_test(s, "crypto_openssl (lookaside): the same vectors",
			test_openssl_fallback) == NULL ||
	    CU_add_test(s, "bad SA parameters refused with a reason", test_bad_conf) == NULL ||
	    CU_add_test(s, "the prefetched spans cover the SA's head, rte_ipsec SA and window",
			test_hot_spans) == NULL ||
	    CU_add_test(s, "replay window: edges, installed again, window 0", test_window_edges) ==
		    NULL ||
	    CU_add_test(s, "replay window: ESN high half (RFC 4303 A.2.2)", test_window_esn) == NULL ||
	    CU_add_test(s, "replay window agrees with a model on 200000 packets, 7 sizes",
			test_window_model) == NULL)
		return -1;
	return 0;
}
