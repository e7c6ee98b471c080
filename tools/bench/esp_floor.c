/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ESP floor of make bench (tools/bench/run_bench.py): the least an IPv4 tunnel-mode
 * ESP gateway can do per packet with the libraries gw-core and ipsec-secgw both use, on
 * the same pcap, ports and core, so that the bench can say how far above ipsec-secgw
 * any gateway could get on this machine (as macswap bounds the OVS rows).
 *
 *   esp_floor EAL-ARGS -- [-p] dec|enc KEY_HEX SPI[:N] TUN_SRC TUN_DST SECONDS [COUNT]
 *
 * EAL-ARGS must give port 0 (the input: net_pcap with infinite_rx), port 1 (the output,
 * net_null) and a cryptodev with synchronous CPU crypto (crypto_aesni_mb). KEY_HEX: the
 * AES-128-GCM key and its 4-byte salt (RFC 4106 section 8.1), 40 hex digits. SPI: the
 * SA's (decimal or 0x..); with ':N' (decrypt only), N inbound SAs of SPIs SPI to SPI+N-1,
 * all with that key and tunnel, as make bench's ESP scaling rows give gw-core.
 * TUN_SRC/TUN_DST: the tunnel's outer addresses (dotted quad).
 *
 * Per burst of 32, the work every such gateway has to do and nothing else: receive,
 * take the Ethernet header off, rte_ipsec with CPU crypto (rte_ipsec_pkt_cpu_prepare(),
 * rte_ipsec_pkt_process(); RFC 4303 section 3.4 in, 3.3 out, one SA, no replay window,
 * no SA look-up), the outer IPv4 checksum outbound (RFC 791; gw-core's own function,
 * gw-core/gwc_csum.h, so that both pay the same), an Ethernet header on, and
 * transmit. No classification, policy, route, neighbour or counter. With N SAs, the least
 * look-up there is (the SPI less the first, an array index), and each run of packets of
 * one SA handed to rte_ipsec together. No prefetch: of 10,000 SAs, fetching each packet's
 * SA and 16 lines of its session before the burst was no faster (4 interleaved rounds of
 * each: 3.8-5.3 Mpps against 4.3-6.2 without; one SA ahead, 4.1-5.6). That holds for
 * make bench's input only, whose packets come in the order the SAs were made, the order
 * their memory is in, which the core's own prefetchers follow. With the same packets
 * shuffled, the prefetch gave 4.5-6.0 Mpps against 3.6-4.4 without (4 rounds): a
 * gateway facing real terminals needs it, and gw-core has it (gwc_dp_esp.h). With -p the
 * floor does it too: after the burst's SA indexes and before rte_ipsec, for each packet
 * whose SA differs from the one before, its session, the 4 lines of its rte_ipsec SA
 * (DPDK 22.11) and the first 16 of its crypto session, as gw-core's esp_sa_prefetch()
 * at that many SAs. make bench runs it on the shuffled row (BENCH_ESP_SHUFFLED=1).
 *
 * Runs on the main lcore. After one second of warm-up, counts the packets port 1 took
 * for SECONDS and prints "pps RATE" and "failed N" (packets rte_ipsec refused: must be
 * 0 for the figure to mean anything). With COUNT, for checking the output (port 1 then
 * a net_pcap with tx_pcap): no warm-up, and it stops after COUNT packets went out, or
 * after SECONDS. Exit status 1 with a message on stderr on a setup error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <rte_cryptodev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_ipsec.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "gw-core/gwc_csum.h"

#define BURST 32
#define SA_LINES 4     /* of struct rte_ipsec_sa in DPDK 22.11, as GWC_SA_IPSEC_LINES */
#define SES_LINES 16   /* of the crypto session, as GWC_SA_SES_LINES */
#define IV_OFS (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))

static void
die(const char *what)
{
	fprintf(stderr, "esp_floor: %s\n", what);
	exit(1);
}

static void
port_up(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 1024, (unsigned int)rte_socket_id(), NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 1024, (unsigned int)rte_socket_id(), NULL) != 0 ||
	    rte_eth_dev_start(port) != 0)
		die("port setup failed (want port 0 net_pcap, port 1 net_null)");
}

static int
hexkey(const char *s, uint8_t *k, size_t n)
{
	size_t i;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++)
		if (sscanf(s + 2 * i, "%2hhx", &k[i]) != 1)
			return -1;
	return 0;
}

/* One SA of the floor: its rte_ipsec state and CPU-crypto session. */
static void
sa_make(struct rte_ipsec_session *ss, struct rte_ipsec_sa_prm *prm, struct rte_mempool *sp,
	uint8_t cdev)
{
	struct rte_ipsec_sa *sa;
	int sz = rte_ipsec_sa_size(prm);

	sa = sz < 0 ? NULL : rte_zmalloc("floor_sa", (size_t)sz, RTE_CACHE_LINE_SIZE);
	if (sa == NULL || rte_ipsec_sa_init(sa, prm, (uint32_t)sz) < 0)
		die("rte_ipsec refused the SA");
	memset(ss, 0, sizeof(*ss));
	ss->sa = sa;
	ss->type = RTE_SECURITY_ACTION_TYPE_CPU_CRYPTO;
	ss->crypto.dev_id = cdev;
	ss->crypto.ses = rte_cryptodev_sym_session_create(cdev, prm->crypto_xform, sp);
	if (ss->crypto.ses == NULL || rte_ipsec_session_prepare(ss) != 0)
		die("the crypto session failed (does the cryptodev have CPU crypto? "
		    "crypto_aesni_mb does; with many SAs, is -m large enough?)");
}

/* The SA of ESP packet 'm' (IPv4 header of 20 bytes at its start) among the 'n_sa' of
 * SPIs 'spi' on: its index, or UINT32_MAX for another SPI. */
static inline uint32_t
sa_index(const struct rte_mbuf *m, uint32_t spi, unsigned long n_sa)
{
	uint32_t v;

	memcpy(&v, rte_pktmbuf_mtod_offset(m, const uint8_t *, sizeof(struct rte_ipv4_hdr)), 4);
	v = rte_be_to_cpu_32(v) - spi;
	return v < n_sa ? v : UINT32_MAX;
}

/* With -p: what rte_ipsec will read of each packet's SA, fetched before it does (a run of
 * one SA asks once). */
static void
burst_prefetch(const struct rte_ipsec_session *ss, const uint32_t *idx, uint16_t n)
{
	const struct rte_ipsec_session *q;
	unsigned int i, l;

	for (i = 0; i < n; i++) {
		if (idx[i] == UINT32_MAX || (i > 0 && idx[i] == idx[i - 1]))
			continue;
		q = &ss[idx[i]];
		rte_prefetch0(q);
		for (l = 0; l < SA_LINES; l++)
			rte_prefetch0((const uint8_t *)q->sa + l * RTE_CACHE_LINE_SIZE);
		for (l = 0; l < SES_LINES; l++)
			rte_prefetch0((const uint8_t *)q->crypto.ses + l * RTE_CACHE_LINE_SIZE);
	}
}

/*
 * rte_ipsec on the 'n' packets of 'pkts' (Ethernet header off), each of SA 'idx[i]'
 * (UINT32_MAX: none), a run of one SA at a time: the packets it passes go to 'out', the
 * others to 'bad'. @return the packets in 'out'.
 */
static uint16_t
burst_ipsec(struct rte_ipsec_session *ss, const uint32_t *idx, struct rte_mbuf **pkts,
	    uint16_t n, struct rte_mbuf **out, struct rte_mbuf **bad, uint16_t *n_bad)
{
	uint16_t i = 0, j, k, d, n_out = 0;

	while (i < n) {
		for (j = i + 1; j < n && idx[j] == idx[i]; j++)
			;
		if (idx[i] == UINT32_MAX) {
			d = 0;
		} else {
			k = rte_ipsec_pkt_cpu_prepare(&ss[idx[i]], pkts + i, j - i);
			d = k == 0 ? 0 : rte_ipsec_pkt_process(&ss[idx[i]], pkts + i, k);
		}
		memcpy(out + n_out, pkts + i, d * sizeof(*out));
		n_out += d;
		memcpy(bad + *n_bad, pkts + i + d, (size_t)(j - i - d) * sizeof(*bad));
		*n_bad += j - i - d;
		i = j;
	}
	return n_out;
}

int
main(int argc, char **argv)
{
	static const struct rte_ether_addr dmac = { { 0x02, 0, 0, 0, 0, 0x99 } };
	static const struct rte_ether_addr smac = { { 0x02, 0, 0, 0, 0, 0x01 } };
	struct rte_cryptodev_config dc = { .socket_id = (int)rte_socket_id(), .nb_queue_pairs = 1 };
	struct rte_cryptodev_qp_conf qc = { .nb_descriptors = 256 };
	struct rte_crypto_sym_xform x;
	struct rte_ipsec_sa_prm prm;
	struct rte_ipsec_session *ss;
	struct rte_mempool *mp, *sp;
	uint8_t key[20], hdr[sizeof(struct rte_ipv4_hdr)];
	struct rte_ipv4_hdr *tun = (struct rte_ipv4_hdr *)hdr;
	struct in_addr src, dst;
	uint64_t hz, t_end, t_start, sent = 0, failed = 0, count = UINT64_MAX;
	unsigned long spi, n_sa = 1;
	char *end;
	double secs;
	bool dec, pf = false;
	int n, cdev;
	uint32_t i;

	n = rte_eal_init(argc, argv);
	if (n < 0)
		die("EAL init failed");
	argc -= n;
	argv += n;
	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		pf = true;
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	if ((argc != 7 && argc != 8) || (strcmp(argv[1], "dec") != 0 && strcmp(argv[1], "enc") != 0) ||
	    hexkey(argv[2], key, sizeof(key)) != 0 || inet_pton(AF_INET, argv[4], &src) != 1 ||
	    inet_pton(AF_INET, argv[5], &dst) != 1)
		die("usage: esp_floor EAL-ARGS -- [-p] dec|enc KEY_HEX(40) SPI[:N] TUN_SRC TUN_DST "
		    "SECONDS [COUNT]");
	dec = strcmp(argv[1], "dec") == 0;
	spi = strtoul(argv[3], &end, 0);
	if (*end == ':')
		n_sa = strtoul(end + 1, &end, 10);
	secs = atof(argv[6]);
	if (argc == 8)
		count = strtoull(argv[7], NULL, 0);
	if (*end != '\0' || spi == 0 || n_sa == 0 || n_sa > 65536 || spi + n_sa - 1 > UINT32_MAX ||
	    (n_sa > 1 && !dec) || secs <= 0)
		die("SPI must be 1..2^32-1, N 1..65536 (decrypt only) and SECONDS above 0");
	if (rte_eth_dev_count_avail() < 2 || rte_cryptodev_count() < 1)
		die("want two ports and a cryptodev (--vdev net_pcap0,... --vdev net_null0 "
		    "--vdev crypto_aesni_mb0)");

	mp = rte_pktmbuf_pool_create("floor_mb", 32767, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     (int)rte_socket_id());
	if (mp == NULL)
		die("no memory for mbufs");
	port_up(0, mp);
	port_up(1, mp);

	cdev = 0;
	sp = rte_cryptodev_sym_session_pool_create("floor_ses", (uint32_t)RTE_MAX(n_sa, 16UL),
		rte_cryptodev_sym_get_private_session_size((uint8_t)cdev), 0, 0,
		(int)rte_socket_id());
	qc.mp_session = sp;
	if (sp == NULL || rte_cryptodev_configure((uint8_t)cdev, &dc) != 0 ||
	    rte_cryptodev_queue_pair_setup((uint8_t)cdev, 0, &qc, (int)rte_socket_id()) != 0 ||
	    rte_cryptodev_start((uint8_t)cdev) != 0)
		die("cryptodev setup failed");

	memset(&x, 0, sizeof(x));
	x.type = RTE_CRYPTO_SYM_XFORM_AEAD;
	x.aead.op = dec ? RTE_CRYPTO_AEAD_OP_DECRYPT : RTE_CRYPTO_AEAD_OP_ENCRYPT;
	x.aead.algo = RTE_CRYPTO_AEAD_AES_GCM;
	x.aead.key.data = key;
	x.aead.key.length = 16;
	x.aead.iv.offset = IV_OFS;
	x.aead.iv.length = 12;
	x.aead.digest_length = 16;
	x.aead.aad_length = 8;

	memset(hdr, 0, sizeof(hdr));
	tun->version_ihl = RTE_IPV4_VHL_DEF;
	tun->time_to_live = 64;
	tun->next_proto_id = IPPROTO_ESP;
	tun->src_addr = src.s_addr;
	tun->dst_addr = dst.s_addr;

	memset(&prm, 0, sizeof(prm));
	if (!dec)
		prm.flags = RTE_IPSEC_SAFLAG_SQN_ATOM;
	memcpy(&prm.ipsec_xform.salt, key + 16, 4);
	prm.ipsec_xform.direction = dec ? RTE_SECURITY_IPSEC_SA_DIR_INGRESS
					: RTE_SECURITY_IPSEC_SA_DIR_EGRESS;
	prm.ipsec_xform.proto = RTE_SECURITY_IPSEC_SA_PROTO_ESP;
	prm.ipsec_xform.mode = RTE_SECURITY_IPSEC_SA_MODE_TUNNEL;
	prm.ipsec_xform.tunnel.type = RTE_SECURITY_IPSEC_TUNNEL_IPV4;
	memcpy(&prm.ipsec_xform.tunnel.ipv4.src_ip, &src, 4);
	memcpy(&prm.ipsec_xform.tunnel.ipv4.dst_ip, &dst, 4);
	prm.ipsec_xform.tunnel.ipv4.ttl = 64;
	prm.ipsec_xform.esn.value = dec ? 0 : 1;
	prm.crypto_xform = &x;
	prm.tun.hdr = hdr;
	prm.tun.hdr_len = sizeof(hdr);
	prm.tun.hdr_l3_off = 0;
	prm.tun.next_proto = IPPROTO_IPIP;
	ss = calloc(n_sa, sizeof(*ss));
	if (ss == NULL)
		die("no memory for the SAs");
	for (i = 0; i < n_sa; i++) {
		prm.ipsec_xform.spi = (uint32_t)(spi + i);
		sa_make(&ss[i], &prm, sp, (uint8_t)cdev);
	}

	hz = rte_get_tsc_hz();
	t_start = rte_rdtsc() + (count == UINT64_MAX ? hz : 0);
	t_end = t_start + (uint64_t)(secs * (double)hz);
	for (;;) {
		struct rte_mbuf *pkts[BURST], *out[BURST], *bad[BURST];
		uint32_t idx[BURST];
		uint16_t nb, d, tx, n_bad = 0;
		uint64_t now = rte_rdtsc();

		if (now >= t_end || sent >= count)
			break;
		nb = rte_eth_rx_burst(0, 0, pkts,
				      (uint16_t)RTE_MIN((uint64_t)BURST, count - sent));
		for (i = 0; i < nb; i++) {
			rte_pktmbuf_adj(pkts[i], RTE_ETHER_HDR_LEN);
			pkts[i]->l2_len = 0;
			pkts[i]->l3_len = sizeof(struct rte_ipv4_hdr);
			idx[i] = n_sa == 1 ? 0 : sa_index(pkts[i], (uint32_t)spi, n_sa);
		}
		if (pf)
			burst_prefetch(ss, idx, nb);
		d = burst_ipsec(ss, idx, pkts, nb, out, bad, &n_bad);
		for (i = 0; i < d; i++) {
			struct rte_mbuf *m = out[i];
			struct rte_ether_hdr *eh;

			if (!dec)
				gwc_ipv4_cksum_set(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *));
			eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, RTE_ETHER_HDR_LEN);
			rte_ether_addr_copy(&dmac, &eh->dst_addr);
			rte_ether_addr_copy(&smac, &eh->src_addr);
			eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		}
		if (n_bad != 0) {
			if (now >= t_start)
				failed += n_bad;
			rte_pktmbuf_free_bulk(bad, n_bad);
		}
		tx = d == 0 ? 0 : rte_eth_tx_burst(1, 0, out, d);
		if (tx < d)
			rte_pktmbuf_free_bulk(out + tx, d - tx);
		if (now >= t_start)
			sent += tx;
	}
	printf("pps %.0f\nfailed %" PRIu64 "\n", (double)sent / secs, failed);
	rte_eth_dev_stop(0);
	rte_eth_dev_stop(1);
	rte_eal_cleanup();
	return 0;
}
