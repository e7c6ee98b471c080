/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPsec SAs over rte_ipsec and a cryptodev (gwc_sa.h). rte_ipsec does the ESP
 * framing, sequence numbers, ESN and the replay window; this file sets up the
 * device, the crypto sessions and the SA objects, runs a burst through either
 * synchronous CPU crypto or a lookaside queue pair, and sorts failures by reason.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_ip.h>
#include <rte_ipsec.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_spinlock.h>
#include <rte_udp.h>

#include "gwc_csum.h"
#include "gwc_log.h"
#include "gwc_replay.h"
#include "gwc_sa.h"

/* Where rte_ipsec writes the IV in a lookaside crypto op (its private area). */
#define IV_OFS (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
#define QP_DESC 2048
#define TUN_HDR_MAX 64
/* Marks a packet on its way into rte_ipsec_pkt_process(): still there after a
 * failure means the trailer check refused it (the library resets it on success). */
#define PTYPE_MARK (RTE_PTYPE_L3_IPV4 | RTE_PTYPE_TUNNEL_ESP)

struct gwc_sa {
	struct rte_ipsec_session ss;
	uint64_t userdata;
	void *ses;                /* crypto session */
	uint16_t overhead;        /* outbound: bytes added in front of the inner packet */
	uint8_t iv_len, icv_len, block;
	uint8_t esn;
	uint8_t cpu;              /* synchronous CPU crypto, else a lookaside queue pair */
	uint8_t zero_iv;          /* CBC outbound: zero the op's IV (see gwc_sa_create) */
	struct rte_ipsec_sa *sa;  /* in the same allocation, after this struct */
	/* inbound: the anti-replay window (gwc_replay.h), in the same allocation after
	 * the rte_ipsec SA; the lock serialises lcores that decrypt this SA at once */
	rte_spinlock_t replay_lock;
	struct gwc_replay *replay;
};

/* ------------------------------------------------------------ device */

static int
find_or_create(const char *pmd, uint16_t n_qp, int socket, struct gwc_err *e)
{
	char drv[64], name[64], args[96];
	uint8_t i, n = rte_cryptodev_count();
	int id;

	snprintf(drv, sizeof(drv), "crypto_%s", pmd);
	for (i = 0; i < n; i++) {
		struct rte_cryptodev_info info;

		rte_cryptodev_info_get(i, &info);
		if (info.driver_name != NULL && strcmp(info.driver_name, drv) == 0)
			return i;
	}
	snprintf(name, sizeof(name), "crypto_%s_gwc", pmd);
	snprintf(args, sizeof(args), "max_nb_queue_pairs=%u,socket_id=%d", n_qp,
		 socket < 0 ? 0 : socket);
	if (rte_vdev_init(name, args) != 0) {
		gwc_errf(e, "cryptodev %s: could not create the vdev (is the %s PMD installed? "
			    "Debian: librte-crypto-%s23)", name, drv,
			 strcmp(pmd, "aesni_mb") == 0 || strcmp(pmd, "aesni_gcm") == 0 ? "ipsec-mb"
										  : pmd);
		return -ENODEV;
	}
	id = rte_cryptodev_get_dev_id(name);
	if (id < 0) {
		gwc_errf(e, "cryptodev %s: created but not found", name);
		return -ENODEV;
	}
	return id;
}

static int
crypto_open(struct gwc_crypto *c, const char *pmd, uint16_t n_qp, unsigned int max_sas,
	    int socket, struct gwc_err *e)
{
	struct rte_cryptodev_config dc = { .socket_id = socket, .nb_queue_pairs = n_qp };
	struct rte_cryptodev_info info;
	char pool[RTE_MEMPOOL_NAMESIZE];
	uint16_t q;
	int id;

	id = find_or_create(pmd, n_qp, socket, e);
	if (id < 0)
		return id;
	c->dev_id = (uint8_t)id;
	rte_cryptodev_info_get(c->dev_id, &info);
	snprintf(c->driver, sizeof(c->driver), "%s", info.driver_name);
	c->cpu = (info.feature_flags & RTE_CRYPTODEV_FF_SYM_CPU_CRYPTO) != 0;
	if (info.max_nb_queue_pairs < n_qp) {
		gwc_errf(e, "cryptodev %s: %u queue pairs, %u workers need one each", c->driver,
			 info.max_nb_queue_pairs, n_qp);
		return -ENODEV;
	}
	snprintf(pool, sizeof(pool), "gwc_ses_%u", c->dev_id);
	c->ses_pool = rte_cryptodev_sym_session_pool_create(
		pool, 2 * max_sas + 64, rte_cryptodev_sym_get_private_session_size(c->dev_id), 0,
		0, socket);
	if (c->ses_pool == NULL) {
		gwc_errf(e, "cryptodev %s: no memory for %u sessions", c->driver, 2 * max_sas);
		return -ENOMEM;
	}
	/* lookaside ops: for devices without CPU crypto, and for AES-CBC on any device */
	snprintf(pool, sizeof(pool), "gwc_cop_%u", c->dev_id);
	c->op_pool = rte_crypto_op_pool_create(pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC,
					       (unsigned int)n_qp * 2 * 64 + 1024, 64, 16, socket);
	if (c->op_pool == NULL) {
		gwc_errf(e, "cryptodev %s: no memory for crypto ops", c->driver);
		return -ENOMEM;
	}
	if (rte_cryptodev_configure(c->dev_id, &dc) != 0) {
		gwc_errf(e, "cryptodev %s: configure failed", c->driver);
		return -EIO;
	}
	for (q = 0; q < n_qp; q++) {
		struct rte_cryptodev_qp_conf qc = { .nb_descriptors = QP_DESC,
						    .mp_session = c->ses_pool };

		if (rte_cryptodev_queue_pair_setup(c->dev_id, q, &qc, socket) != 0) {
			gwc_errf(e, "cryptodev %s: queue pair %u setup failed", c->driver, q);
			return -EIO;
		}
	}
	if (rte_cryptodev_start(c->dev_id) != 0) {
		gwc_errf(e, "cryptodev %s: start failed", c->driver);
		return -EIO;
	}
	c->n_qp = n_qp;
	c->ready = true;
	return 0;
}

int
gwc_crypto_init(struct gwc_crypto *c, const char *pmd, uint16_t n_qp, unsigned int max_sas,
		int socket, struct gwc_err *e)
{
	static const char *const dflt[] = { "aesni_mb", "openssl" };
	unsigned int i;
	int rc = -ENODEV;

	memset(c, 0, sizeof(*c));
	if (n_qp == 0)
		n_qp = 1;
	if (pmd != NULL && pmd[0] != '\0')
		return crypto_open(c, pmd, n_qp, max_sas, socket, e);
	for (i = 0; i < RTE_DIM(dflt); i++) {
		gwc_crypto_fini(c);
		rc = crypto_open(c, dflt[i], n_qp, max_sas, socket, e);
		if (rc == 0)
			return 0;
	}
	return rc;
}

void
gwc_crypto_fini(struct gwc_crypto *c)
{
	if (c->ready) {
		rte_cryptodev_stop(c->dev_id);
		rte_cryptodev_close(c->dev_id);
	}
	rte_mempool_free(c->op_pool);
	rte_mempool_free(c->ses_pool);
	memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------ SAs */

static int
xforms(const struct gwc_sa_conf *conf, struct rte_crypto_sym_xform x[2], uint32_t *salt,
       struct gwc_sa *s, struct gwc_err *e)
{
	memset(x, 0, 2 * sizeof(x[0]));
	switch (conf->alg) {
	case GWC_SA_AES_GCM_16:
		if (conf->key_len != 20 && conf->key_len != 36) {
			gwc_errf(e, "aes-gcm-16: key is %u bytes; want 20 or 36 (AES-128/256 key + "
				    "4-byte salt, RFC 4106 section 8.1)", conf->key_len);
			return -EINVAL;
		}
		x[0].type = RTE_CRYPTO_SYM_XFORM_AEAD;
		x[0].aead.op = conf->inbound ? RTE_CRYPTO_AEAD_OP_DECRYPT : RTE_CRYPTO_AEAD_OP_ENCRYPT;
		x[0].aead.algo = RTE_CRYPTO_AEAD_AES_GCM;
		x[0].aead.key.data = conf->key;
		x[0].aead.key.length = conf->key_len - 4;
		x[0].aead.iv.offset = IV_OFS;
		x[0].aead.iv.length = 12;
		x[0].aead.digest_length = 16;
		x[0].aead.aad_length = conf->esn ? 12 : 8;
		memcpy(salt, conf->key + conf->key_len - 4, 4);
		s->iv_len = 8;
		s->icv_len = 16;
		s->block = 4;
		return 0;
	case GWC_SA_AES_CBC_SHA256_128: {
		struct rte_crypto_sym_xform *ci, *au;

		if (conf->key_len != 16 && conf->key_len != 24 && conf->key_len != 32) {
			gwc_errf(e, "aes-cbc: key is %u bytes; want 16, 24 or 32", conf->key_len);
			return -EINVAL;
		}
		if (conf->integ_key_len != 32) {
			gwc_errf(e, "hmac-sha256-128: key is %u bytes; want 32 (RFC 4868 section "
				    "2.1.1)", conf->integ_key_len);
			return -EINVAL;
		}
		/* encrypt then MAC out; verify then decrypt in */
		ci = conf->inbound ? &x[1] : &x[0];
		au = conf->inbound ? &x[0] : &x[1];
		ci->type = RTE_CRYPTO_SYM_XFORM_CIPHER;
		ci->cipher.op = conf->inbound ? RTE_CRYPTO_CIPHER_OP_DECRYPT
					      : RTE_CRYPTO_CIPHER_OP_ENCRYPT;
		ci->cipher.algo = RTE_CRYPTO_CIPHER_AES_CBC;
		ci->cipher.key.data = conf->key;
		ci->cipher.key.length = conf->key_len;
		ci->cipher.iv.offset = IV_OFS;
		ci->cipher.iv.length = 16;
		au->type = RTE_CRYPTO_SYM_XFORM_AUTH;
		au->auth.op = conf->inbound ? RTE_CRYPTO_AUTH_OP_VERIFY
					    : RTE_CRYPTO_AUTH_OP_GENERATE;
		au->auth.algo = RTE_CRYPTO_AUTH_SHA256_HMAC;
		au->auth.key.data = conf->integ_key;
		au->auth.key.length = conf->integ_key_len;
		au->auth.digest_length = 16;
		x[0].next = &x[1];
		*salt = 0;
		s->iv_len = 16;
		s->icv_len = 16;
		s->block = 16;
		return 0;
	}
	}
	gwc_errf(e, "unknown ESP transform %d", (int)conf->alg);
	return -EINVAL;
}

/* Outer Ethernet (MACs zero) + IPv4 template; rte_ipsec appends the UDP header for NAT-T. */
static uint8_t
tun_template(const struct gwc_sa_conf *conf, uint8_t *hdr)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)hdr;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

	memset(hdr, 0, TUN_HDR_MAX);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->time_to_live = 64;
	ip->next_proto_id = conf->sport != 0 ? IPPROTO_UDP : IPPROTO_ESP;
	ip->src_addr = conf->src;
	ip->dst_addr = conf->dst;
	return sizeof(*eth) + sizeof(*ip);
}

struct gwc_sa *
gwc_sa_create(const struct gwc_crypto *c, const struct gwc_sa_conf *conf, uint64_t userdata,
	      struct gwc_err *e)
{
	struct rte_crypto_sym_xform x[2];
	struct rte_ipsec_sa_prm prm;
	uint8_t hdr[TUN_HDR_MAX];
	struct gwc_sa tmp, *s;
	uint32_t salt;
	size_t head = RTE_ALIGN_CEIL(sizeof(*s), RTE_CACHE_LINE_SIZE), rsz, wsz;
	int sz;

	if (!c->ready) {
		gwc_errf(e, "no crypto device: IPsec is off (see the [ipsec] section of the config)");
		return NULL;
	}
	if (conf->spi == 0) {
		gwc_errf(e, "SPI 0 is reserved (RFC 4303 section 2.1)");
		return NULL;
	}
	if ((conf->sport == 0) != (conf->dport == 0)) {
		gwc_errf(e, "NAT-T needs both UDP ports, or neither");
		return NULL;
	}
	memset(&tmp, 0, sizeof(tmp));
	if (xforms(conf, x, &salt, &tmp, e) != 0)
		return NULL;

	memset(&prm, 0, sizeof(prm));
	prm.userdata = userdata;
	/* Several lcores may use one SA: its sequence state is shared. Inbound, the replay
	 * window is ours (gwc_replay.h: rte_ipsec 22.11's misses half the sequence
	 * numbers), so rte_ipsec gets none, except with ESN, where it needs one to rebuild
	 * the high half; without a window it has no sequence state to lock (and SQN_ATOM
	 * would lock the window it did not allocate). */
	if (!conf->inbound || conf->esn)
		prm.flags = RTE_IPSEC_SAFLAG_SQN_ATOM;
	prm.ipsec_xform.spi = conf->spi;
	prm.ipsec_xform.salt = salt;
	prm.ipsec_xform.options.esn = conf->esn;
	/* Outbound only: rte_ipsec 22.11 leaves an inbound NAT-T SA uninitialised (its
	 * init switch has no inbound NAT-T case). Inbound, the caller's l3_len covers
	 * the UDP header instead, which is all the library needs to find the ESP header. */
	prm.ipsec_xform.options.udp_encap = !conf->inbound && conf->sport != 0;
	prm.ipsec_xform.direction = conf->inbound ? RTE_SECURITY_IPSEC_SA_DIR_INGRESS
						  : RTE_SECURITY_IPSEC_SA_DIR_EGRESS;
	prm.ipsec_xform.proto = RTE_SECURITY_IPSEC_SA_PROTO_ESP;
	prm.ipsec_xform.mode = RTE_SECURITY_IPSEC_SA_MODE_TUNNEL;
	prm.ipsec_xform.tunnel.type = RTE_SECURITY_IPSEC_TUNNEL_IPV4;
	memcpy(&prm.ipsec_xform.tunnel.ipv4.src_ip, &conf->src, 4);
	memcpy(&prm.ipsec_xform.tunnel.ipv4.dst_ip, &conf->dst, 4);
	prm.ipsec_xform.tunnel.ipv4.ttl = 64;
	prm.ipsec_xform.replay_win_sz = conf->inbound && conf->esn ? conf->replay_window : 0;
	/* outbound: the first sequence number to send; inbound: the highest seen */
	prm.ipsec_xform.esn.value = conf->inbound ? conf->sqn : conf->sqn + 1;
	prm.ipsec_xform.udp.sport = conf->sport;
	prm.ipsec_xform.udp.dport = conf->dport;
	prm.crypto_xform = &x[0];
	prm.tun.hdr_len = tun_template(conf, hdr);
	prm.tun.hdr_l3_off = sizeof(struct rte_ether_hdr);
	prm.tun.next_proto = IPPROTO_IPIP;
	prm.tun.hdr = hdr;

	sz = rte_ipsec_sa_size(&prm);
	if (sz < 0) {
		gwc_errf(e, "SA parameters refused by rte_ipsec (replay window %u too large?)",
			 conf->replay_window);
		return NULL;
	}
	rsz = RTE_ALIGN_CEIL((size_t)sz, RTE_CACHE_LINE_SIZE);
	wsz = conf->inbound ? gwc_replay_size(conf->replay_window, conf->esn) : 0;
	s = rte_zmalloc("gwc_sa", head + rsz + wsz, RTE_CACHE_LINE_SIZE);
	if (s == NULL) {
		gwc_errf(e, "out of memory for an SA");
		return NULL;
	}
	*s = tmp;
	s->sa = (struct rte_ipsec_sa *)((uint8_t *)s + head);
	if (conf->inbound) {
		s->replay = (struct gwc_replay *)((uint8_t *)s + head + rsz);
		gwc_replay_init(s->replay, conf->replay_window, conf->esn, conf->sqn);
		rte_spinlock_init(&s->replay_lock);
	}
	s->userdata = userdata;
	s->esn = conf->esn;
	s->overhead = (uint16_t)(sizeof(struct rte_ipv4_hdr) + (conf->sport != 0 ? 8 : 0) + 8 +
				 s->iv_len);
	/*
	 * rte_ipsec 22.11 makes a CBC packet's IV by writing the sequence number into the
	 * IV field and encrypting from that field on: the IV sent is E(k, seq || 0 XOR
	 * IV'), unique and unpredictable when IV' is zero (NIST SP 800-38A Appendix C;
	 * RFC 3602 section 3). Lookaside mode leaves IV' in the crypto op, which we zero;
	 * CPU crypto passes the sequence number itself as IV', so every packet would get
	 * E(k, 0): CBC therefore always goes lookaside.
	 */
	s->cpu = c->cpu && conf->alg == GWC_SA_AES_GCM_16;
	s->zero_iv = !conf->inbound && conf->alg == GWC_SA_AES_CBC_SHA256_128;
	sz = rte_ipsec_sa_init(s->sa, &prm, (uint32_t)sz);
	if (sz < 0) {
		gwc_errf(e, "rte_ipsec_sa_init failed (%d)", sz);
		rte_free(s);
		return NULL;
	}
	s->ses = rte_cryptodev_sym_session_create(c->dev_id, &x[0], c->ses_pool);
	if (s->ses == NULL) {
		gwc_errf(e, "cryptodev %s refused the session (transform not supported?)",
			 c->driver);
		rte_ipsec_sa_fini(s->sa);
		rte_free(s);
		return NULL;
	}
	s->ss.sa = s->sa;
	s->ss.type = s->cpu ? RTE_SECURITY_ACTION_TYPE_CPU_CRYPTO
			    : RTE_SECURITY_ACTION_TYPE_NONE;
	s->ss.crypto.ses = s->ses;
	s->ss.crypto.dev_id = c->dev_id;
	if (rte_ipsec_session_prepare(&s->ss) != 0) {
		gwc_errf(e, "rte_ipsec_session_prepare failed");
		gwc_sa_destroy(c, s);
		return NULL;
	}
	return s;
}

void
gwc_sa_destroy(const struct gwc_crypto *c, struct gwc_sa *s)
{
	if (s == NULL)
		return;
	if (s->ses != NULL)
		rte_cryptodev_sym_session_free(c->dev_id, s->ses);
	rte_ipsec_sa_fini(s->sa);
	rte_free(s);
}

void
gwc_sa_hot(const struct gwc_sa *s, struct gwc_sa_span hot[GWC_SA_HOT])
{
	hot[0] = (struct gwc_sa_span){ s, RTE_ALIGN_CEIL(sizeof(*s), RTE_CACHE_LINE_SIZE) /
					      RTE_CACHE_LINE_SIZE };
	/* rte_ipsec_sa_size() is at least the struct's size: its lines are all there */
	hot[1] = (struct gwc_sa_span){ s->sa, GWC_SA_IPSEC_LINES };
	hot[2] = (struct gwc_sa_span){ s->replay, s->replay != NULL ? 1 : 0 };
	hot[3] = (struct gwc_sa_span){ s->ses, GWC_SA_SES_LINES };
}

uint64_t
gwc_sa_userdata(const struct gwc_sa *s)
{
	return s->userdata;
}

unsigned int
gwc_sa_overhead(const struct gwc_sa *s)
{
	return s->overhead;
}

/* ------------------------------------------------------------ data path */

/*
 * Lookaside: prepare ops for 'n' packets, run them through queue pair 'qp' and wait
 * for them (a software PMD completes them at once). Failed ops are flagged in
 * their mbufs as rte_ipsec expects. @return packets that reached the device; the
 * rest are moved after them.
 */
static uint16_t
lookaside(const struct gwc_crypto *c, struct gwc_sa *s, uint16_t qp, struct rte_mbuf **pkts,
	  uint16_t n)
{
	struct rte_crypto_op *cop[n];
	uint16_t k, enq, deq = 0, i;
	unsigned int spins = 0;

	if (rte_crypto_op_bulk_alloc(c->op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC, cop, n) == 0)
		return 0;
	k = rte_ipsec_pkt_crypto_prepare(&s->ss, pkts, cop, n);
	if (s->zero_iv)
		for (i = 0; i < k; i++)
			memset(rte_crypto_op_ctod_offset(cop[i], uint8_t *, IV_OFS), 0, s->iv_len);
	enq = rte_cryptodev_enqueue_burst(c->dev_id, qp, cop, k);
	while (deq < enq && spins++ < 1000000)
		deq += rte_cryptodev_dequeue_burst(c->dev_id, qp, cop + deq, enq - deq);
	for (i = 0; i < deq; i++) {
		struct rte_mbuf *m = cop[i]->sym->m_src;

		if (cop[i]->status != RTE_CRYPTO_OP_STATUS_SUCCESS)
			m->ol_flags |= RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED;
		pkts[i] = m;
	}
	rte_mempool_put_bulk(c->op_pool, (void **)cop, n);
	/* not enqueued (ring full) or lost: they still sit in pkts[deq..k-1] by op order */
	return deq;
}

/* The low half of the sequence number of ESP packet 'm' (host order). */
static inline uint32_t
esp_seql(const struct rte_mbuf *m)
{
	rte_be32_t v;

	memcpy(&v, rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len + m->l3_len + 4), 4);
	return rte_be_to_cpu_32(v);
}

/*
 * RFC 4303 section 3.4.3 in three passes over the burst: the window check before any
 * crypto (a replay costs no decryption), rte_ipsec's decryption and ICV check, and
 * the window update for what verified, which drops a second copy that got this far
 * (two in one burst, or on two lcores at once). m->hash.usr carries a packet's index
 * into seq[] meanwhile: rte_ipsec reorders the burst.
 */
uint16_t
gwc_sa_inbound(const struct gwc_crypto *c, struct gwc_sa *s, uint16_t qp,
	       struct rte_mbuf **pkts, uint16_t n, uint8_t *err)
{
	struct rte_mbuf *go[n], *bad[n];
	uint8_t bad_err[n];
	uint64_t seq[n];
	uint16_t ng = 0, nb = 0, k, d, i, out = 0;
	/* window 0 (no ESN): every check and update would say yes; skip them and the lock */
	struct gwc_replay *r = s->replay != NULL && s->replay->win != 0 ? s->replay : NULL;

	if (r != NULL)
		rte_spinlock_lock(&s->replay_lock);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		m->ol_flags &= ~RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED;
		m->packet_type = PTYPE_MARK;
		if (r != NULL) {
			seq[i] = gwc_replay_seq(r, esp_seql(m));
			if (!gwc_replay_check(r, seq[i])) {
				bad[nb] = m;
				bad_err[nb++] = GWC_SA_ERR_REPLAY;
				continue;
			}
			m->hash.usr = i;
		}
		go[ng++] = m;
	}
	if (r != NULL)
		rte_spinlock_unlock(&s->replay_lock);

	k = ng == 0 ? 0
		    : s->cpu ? rte_ipsec_pkt_cpu_prepare(&s->ss, go, ng) : lookaside(c, s, qp, go, ng);
	/* refused before crypto: a length that cannot be ESP, or (ESN) rte_ipsec's window */
	for (i = k; i < ng; i++) {
		const struct rte_mbuf *m = go[i];
		int32_t clen = (int32_t)m->pkt_len - m->l2_len - m->l3_len - 8 - s->iv_len -
			       s->icv_len;

		bad[nb] = go[i];
		bad_err[nb++] = clen < 2 || clen % s->block != 0 ? GWC_SA_ERR_MALFORMED
								 : GWC_SA_ERR_REPLAY;
	}
	d = k == 0 ? 0 : rte_ipsec_pkt_process(&s->ss, go, k);
	for (i = d; i < k; i++) {
		const struct rte_mbuf *m = go[i];

		bad[nb] = go[i];
		if (m->ol_flags & RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED)
			bad_err[nb++] = GWC_SA_ERR_AUTH;
		else if (m->packet_type == PTYPE_MARK)
			bad_err[nb++] = GWC_SA_ERR_TRAILER;
		else
			bad_err[nb++] = GWC_SA_ERR_REPLAY;   /* (ESN) rte_ipsec's window */
	}

	if (r != NULL && d != 0)
		rte_spinlock_lock(&s->replay_lock);
	for (i = 0; i < d; i++) {
		struct rte_mbuf *m = go[i];

		if (r != NULL && !gwc_replay_update(r, seq[m->hash.usr])) {
			bad[nb] = m;
			bad_err[nb++] = GWC_SA_ERR_REPLAY;
			continue;
		}
		m->packet_type = RTE_PTYPE_L3_IPV4;
		pkts[out++] = m;
	}
	if (r != NULL && d != 0)
		rte_spinlock_unlock(&s->replay_lock);

	for (i = 0; i < nb; i++) {
		pkts[out + i] = bad[i];
		err[i] = bad_err[i];
	}
	return out;
}

uint64_t
gwc_sa_highest(const struct gwc_sa *s)
{
	return s->replay != NULL ? __atomic_load_n(&s->replay->top, __ATOMIC_RELAXED) : 0;
}

uint16_t
gwc_sa_outbound(const struct gwc_crypto *c, struct gwc_sa *s, uint16_t qp,
		struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t k, d, i;

	k = s->cpu ? rte_ipsec_pkt_cpu_prepare(&s->ss, pkts, n) : lookaside(c, s, qp, pkts, n);
	if (k == 0)
		return 0;
	d = rte_ipsec_pkt_process(&s->ss, pkts, k);
	for (i = 0; i < d; i++) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(pkts[i], struct rte_ipv4_hdr *,
								  RTE_ETHER_HDR_LEN);

		gwc_ipv4_cksum_set(ip);
	}
	return d;
}
