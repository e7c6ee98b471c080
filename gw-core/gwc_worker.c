/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core fast path, run by every worker lcore on each rx burst: find the
 * frame's endpoint (VID, GRE (remote, key), or the port's untagged endpoint),
 * strip the encapsulation, learn the source MAC in the endpoint's slice, pick the
 * destination endpoint (or flood inside the slice), encapsulate for it in the mbuf
 * headroom and buffer it for tx. Frames for the AGW itself (ARP, and IPv4 to the
 * port's address that is not GRE) go to the control thread's exception ring.
 *
 * ESP: each inbound SA is decrypted by one worker (its 'lcore', the least loaded when
 * the SA was added: SA-to-lcore affinity, so one cache holds its window and keys);
 * a packet that RSS put on another worker is passed to that one's hand-off ring
 * (MP/SC, GWC_HANDOFF_RING) at the end of the burst, and taken from it at the end of
 * that worker's next burst or drain. Outbound SAs are used by any worker.
 *
 * Zero-copy: headers are pulled and pushed in place; payload bytes are never
 * copied (flood copies share the payload through rte_pktmbuf_clone() on ports that
 * transmit chained mbufs, and are copied only on ports that do not).
 * No locks (but an inbound SA's uncontended window lock, gwc_sa.c), allocation (beyond
 * flood clones), syscalls or logs here.
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "gwc_flow.h"
#include "gwc_mac.h"
#include "gwc_lcore.h"
#include "trl.h"
#include "trl_auth.h"

#define VLAN_HLEN 4

enum { LOCAL_NOT = -1, LOCAL_DONE = -2 };

/* A ones' complement sum (RFC 1071) of up to 2^32 16-bit words, folded to 16 bits. */
static inline uint16_t
csum_fold(uint64_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/*
 * The ones' complement sum of the 20-byte IPv4 header at 'ip', folded, as
 * rte_raw_cksum(ip, 20) returns it (0xffff: the header checks), from five 32-bit
 * words: GCC -O2 keeps rte_raw_cksum()'s loop of ten 16-bit additions even for a
 * constant length, and this runs for every GRE and ESP packet.
 */
static inline uint16_t
ipv4_hdr_sum20(const void *ip)
{
	uint32_t w[5];

	memcpy(w, ip, sizeof(w));
	return csum_fold((uint64_t)w[0] + w[1] + w[2] + w[3] + w[4]);
}

static inline void
drop(struct gwc_lcore *lc, struct rte_mbuf *m, enum gwc_drop r)
{
	lc->drops[r]++;
	rte_pktmbuf_free(m);
}

/* A drop that belongs to endpoint 'ep' (see struct gwc_ep_stats): counted twice. */
static inline void
ep_drop(struct gwc_lcore *lc, struct rte_mbuf *m, uint16_t ep, enum gwc_drop r)
{
	lc->ep[ep].drops[r]++;
	drop(lc, m, r);
}

/* Hand 'm' to the control thread; m->hash.usr carries the port index it came in on. */
static inline void
punt(struct gwc_lcore *lc, struct rte_mbuf *m, uint16_t port)
{
	m->hash.usr = port;
	if (unlikely(rte_ring_mp_enqueue(lc->dp->exc, m) != 0)) {
		drop(lc, m, GWC_DROP_PUNT_FULL);
		return;
	}
	lc->punted++;
}

/*
 * Move the 12 bytes of an Ethernet header's two MAC addresses from 'src' to 'dst' (the
 * two may overlap): both words are loaded before either is stored. GCC 12 made a memmove
 * of 12 overlapping bytes a call into libc.
 */
static inline void
macs_move(uint8_t *dst, const uint8_t *src)
{
	uint64_t a;
	uint32_t b;

	memcpy(&a, src, sizeof(a));
	memcpy(&b, src + sizeof(a), sizeof(b));
	memcpy(dst, &a, sizeof(a));
	memcpy(dst + sizeof(a), &b, sizeof(b));
}

/* Remove the 802.1Q tag at offset 12 of the first segment. */
static inline void
vlan_pop(struct rte_mbuf *m)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

	macs_move(p + VLAN_HLEN, p);
	rte_pktmbuf_adj(m, VLAN_HLEN);
}

/* Insert an 802.1Q tag with PCP 0 and VID 'vid_be' after the MAC addresses. */
static inline int
vlan_push(struct rte_mbuf *m, rte_be16_t vid_be)
{
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, VLAN_HLEN);
	rte_be16_t *tag;

	if (unlikely(p == NULL))
		return -1;
	macs_move(p, p + VLAN_HLEN);
	tag = (rte_be16_t *)(p + 2 * RTE_ETHER_ADDR_LEN);
	tag[0] = RTE_BE16(RTE_ETHER_TYPE_VLAN);
	tag[1] = vid_be;
	return 0;
}

/* Rewrite the VID of the tag at offset 12, keeping PCP and DEI. */
static inline void
vlan_rewrite(struct rte_mbuf *m, rte_be16_t vid_be)
{
	struct rte_vlan_hdr *v = rte_pktmbuf_mtod_offset(m, struct rte_vlan_hdr *,
							 sizeof(struct rte_ether_hdr));

	v->vlan_tci = (v->vlan_tci & RTE_BE16(0xf000)) | vid_be;
}

static inline int
gre_encap(struct rte_mbuf *m, const struct gwc_ep *ep)
{
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, ep->hdr_len);
	struct rte_ipv4_hdr *ip;
	uint32_t len;

	if (unlikely(p == NULL))
		return -1;
	rte_memcpy(p, ep->hdr, ep->hdr_len);
	ip = (struct rte_ipv4_hdr *)(p + sizeof(struct rte_ether_hdr));
	len = m->pkt_len - sizeof(struct rte_ether_hdr);
	ip->total_length = rte_cpu_to_be_16((uint16_t)len);
	/* The template's raw sum plus the length word as it lies in memory, folded. */
	ip->hdr_checksum = (uint16_t)~csum_fold((uint64_t)ep->ip_sum0 + ip->total_length);
	return 0;
}

/*
 * A frame leaving through a trailer endpoint with 'reappend' (toward terminals that
 * want the trailer back, docs/trailer.md): an untagged IPv4 frame gets the trailer
 * (terminal, app) of the endpoint, 16 bytes, lengths and checksums fixed; Ethernet
 * padding goes first. Other frames (ARP, fragments, IPv4 the codec refuses) leave as
 * they are. A shared or chained mbuf (a flood copy) is copied first, since its bytes
 * are not only ours. @return 'm', or its replacement; NULL when out of mbufs ('m' freed).
 */
static struct rte_mbuf *
trl_reappend(struct gwc_lcore *lc, const struct gwc_ep *ep, struct rte_mbuf *m)
{
	const uint32_t l2 = sizeof(struct rte_ether_hdr);
	struct trl_info ti = { .terminal_id = ep->conf.trl_terminal, .app_id = ep->conf.trl_app_lo };
	uint8_t *ip;
	uint32_t tot;

	if (m->pkt_len < l2 + 20 ||
	    *rte_pktmbuf_mtod_offset(m, rte_be16_t *, 12) != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return m;
	if (m->nb_segs > 1 || RTE_MBUF_CLONED(m) || rte_mbuf_refcnt_read(m) > 1) {
		struct rte_mbuf *c = rte_pktmbuf_copy(m, lc->pool, 0, UINT32_MAX);

		rte_pktmbuf_free(m);
		if (c == NULL || c->nb_segs > 1) {
			rte_pktmbuf_free(c);
			return NULL;
		}
		m = c;
	}
	ip = rte_pktmbuf_mtod_offset(m, uint8_t *, l2);
	if (trl_flow_of(ip, m->pkt_len - l2, &ti) != TRL_OK)
		return m;
	tot = (uint32_t)ip[2] << 8 | ip[3];
	if (m->pkt_len > l2 + tot)
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - l2 - tot));
	if (rte_pktmbuf_append(m, TRL_LEN) == NULL)
		return m;
	if (trl_append(ip, tot + TRL_LEN, &ti) != TRL_OK) {
		rte_pktmbuf_trim(m, TRL_LEN);
		return m;
	}
	lc->trl_reappended++;
	return m;
}

/*
 * Encapsulate 'm' for 'ep' and queue it on its port. 'tagged': the frame still
 * carries the ingress 802.1Q tag at offset 12. Takes ownership of 'm'.
 */
static inline void
ep_output(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_ep *ep,
	  struct rte_mbuf *m, bool tagged)
{
	const struct gwc_port_tab *pt = &t->port[ep->port];
	uint32_t l2 = sizeof(struct rte_ether_hdr);

	switch (ep->type) {
	case GWC_EP_VLAN:
		if (tagged)
			vlan_rewrite(m, ep->vid_be);
		else if (unlikely(vlan_push(m, ep->vid_be) != 0))
			return ep_drop(lc, m, ep->id, GWC_DROP_NO_HEADROOM);
		l2 += VLAN_HLEN;
		break;
	case GWC_EP_GRE:
		if (unlikely(!ep->nh_ok))
			return ep_drop(lc, m, ep->id, GWC_DROP_NO_NEXTHOP);
		if (tagged)
			vlan_pop(m);
		if (unlikely(gre_encap(m, ep) != 0))
			return ep_drop(lc, m, ep->id, GWC_DROP_NO_HEADROOM);
		break;
	default:
		if (tagged)
			vlan_pop(m);
		if (ep->reappend) {
			m = trl_reappend(lc, ep, m);
			if (unlikely(m == NULL)) {
				lc->drops[GWC_DROP_NO_MBUF]++;
				lc->ep[ep->id].drops[GWC_DROP_NO_MBUF]++;
				return;
			}
		}
		break;
	}
	if (unlikely(m->pkt_len - l2 > pt->mtu))
		return ep_drop(lc, m, ep->id, GWC_DROP_TOO_BIG);
	lc->ep[ep->id].tx_pkts++;
	lc->ep[ep->id].tx_bytes += m->pkt_len;
	ppm_txbuf_put(&lc->tx[ep->port], m);
}

/*
 * A copy of 'm' for one more flood target. On a port that sends chained mbufs it
 * is a fresh header mbuf holding the two MAC addresses, chained to a clone of the
 * rest of the frame (after the tag, if any), so no payload byte is copied and the
 * copy is untagged; elsewhere a full copy that keeps 'm''s tag state.
 */
static inline struct rte_mbuf *
flood_copy(struct gwc_lcore *lc, const struct gwc_port_tab *pt, struct rte_mbuf *m, bool tagged,
	   bool *copy_tagged)
{
	struct rte_mbuf *h, *c;

	if (!pt->tx_multiseg) {
		*copy_tagged = tagged;
		return rte_pktmbuf_copy(m, lc->pool, 0, UINT32_MAX);
	}
	h = rte_pktmbuf_alloc(lc->pool);
	if (unlikely(h == NULL))
		return NULL;
	c = rte_pktmbuf_clone(m, lc->pool);
	if (unlikely(c == NULL)) {
		rte_pktmbuf_free(h);
		return NULL;
	}
	rte_memcpy(rte_pktmbuf_append(h, 2 * RTE_ETHER_ADDR_LEN), rte_pktmbuf_mtod(m, void *),
		   2 * RTE_ETHER_ADDR_LEN);
	rte_pktmbuf_adj(c, 2 * RTE_ETHER_ADDR_LEN + (tagged ? VLAN_HLEN : 0));
	if (unlikely(rte_pktmbuf_chain(h, c) != 0)) {
		rte_pktmbuf_free(h);
		rte_pktmbuf_free(c);
		return NULL;
	}
	*copy_tagged = false;
	return h;
}

/* Send 'm' to every endpoint of its slice but 'in'. Takes ownership of 'm'. */
static void
flood(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_slice_tab *st,
      uint16_t in, struct rte_mbuf *m, bool tagged)
{
	int last = -1, i;

	for (i = st->n_flood - 1; i >= 0; i--)
		if (st->flood[i] != in) {
			last = i;
			break;
		}
	if (last < 0)
		return ep_drop(lc, m, in, GWC_DROP_NO_DESTINATION);
	/* Copies first: the original is rewritten in place last. */
	for (i = 0; i < last; i++) {
		const struct gwc_ep *ep = t->ep[st->flood[i]];
		struct rte_mbuf *c;
		bool ct;

		if (ep->id == in)
			continue;
		c = flood_copy(lc, &t->port[ep->port], m, tagged, &ct);
		if (unlikely(c == NULL)) {
			lc->drops[GWC_DROP_NO_MBUF]++;
			lc->ep[ep->id].drops[GWC_DROP_NO_MBUF]++;
			continue;
		}
		ep_output(lc, t, ep, c, ct);
	}
	ep_output(lc, t, t->ep[st->flood[last]], m, tagged);
}

/* ------------------------------------------------------------ IPsec (gwc_sa.h) */

#define NATT_PORT 4500

static void slice_in(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t id,
		     struct rte_mbuf *m, bool tagged, uint64_t now);

/*
 * Is the UDP datagram at 'off' ESP in UDP (RFC 3948 section 2.2): to port 4500, at
 * least an SPI and a sequence number long, not starting with the four-zero non-ESP
 * marker (IKE) and not a one-byte NAT-keepalive? Everything else on 4500 is charon's.
 */
static inline bool
natt_esp(const struct rte_mbuf *m, uint32_t off)
{
	const uint8_t *u;
	uint32_t spi;

	if (m->data_len < off + 8 + 8)
		return false;
	u = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
	if (u[2] != NATT_PORT >> 8 || u[3] != (NATT_PORT & 0xff))
		return false;
	memcpy(&spi, u + 8, 4);
	return spi != 0;
}

/* Count and drop 'm' of SA 'sa' for reason 'err' (GWC_SA_ERR_*). */
static inline void
sa_drop(struct gwc_lcore *lc, uint16_t sa, struct rte_mbuf *m, uint8_t err)
{
	struct gwc_sa_lstats *st = &lc->sa[sa];

	switch (err) {
	case GWC_SA_ERR_REPLAY:
		st->replay++;
		return drop(lc, m, GWC_DROP_ESP_REPLAY);
	case GWC_SA_ERR_AUTH:
		st->auth++;
		return drop(lc, m, GWC_DROP_ESP_AUTH);
	case GWC_SA_ERR_TRAILER:
		st->trailer++;
		return drop(lc, m, GWC_DROP_ESP_TRAILER);
	default:
		st->malformed++;
		return drop(lc, m, GWC_DROP_ESP_MALFORMED);
	}
}

/* The IPsec endpoint that slice 's' routes IPv4 'dst' to, or GWC_EP_NONE. */
static inline uint16_t
l3_route(const struct gwc_tables *t, uint16_t s, uint32_t dst)
{
	uint64_t key = (uint64_t)s << 32 | dst;
	unsigned int i;
	void *d;

	if (t->l3_route != NULL && rte_hash_lookup_data(t->l3_route, &key, &d) >= 0)
		return (uint16_t)(uintptr_t)d;
	for (i = 0; i < t->n_l3_rules; i++)
		if (t->l3_rule[i].slice == s && (dst & t->l3_rule[i].mask) == t->l3_rule[i].addr)
			return t->l3_rule[i].ep;
	return GWC_EP_NONE;
}

static void esp_flush_out(struct gwc_lcore *lc, const struct gwc_tables *t);

/* Queue 'm' (Ethernet header of m->l2_len bytes, then IPv4) for terminal 'ep'. */
static inline void
esp_out(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_ep *ep,
	struct rte_mbuf *m)
{
	if (unlikely(ep->out_sa == GWC_SA_NONE))
		return ep_drop(lc, m, ep->id, GWC_DROP_NO_SA);
	if (unlikely(!ep->nh_ok))
		return ep_drop(lc, m, ep->id, GWC_DROP_NO_NEXTHOP);
	if (lc->n_esp_out == GWC_ESP_BATCH)
		esp_flush_out(lc, t);
	lc->esp_out[lc->n_esp_out++] = (struct gwc_esp_job){ .m = m, .sa = ep->out_sa,
							      .ep = ep->id };
}

/*
 * A decrypted packet (inner IPv4 at the mbuf's start) of SA 'sa' of terminal 'ep':
 * check it against the SA's traffic selectors (RFC 4301 section 5.2), then route it:
 * to another terminal of the slice, or onto the slice link with the router MAC as
 * source and the next hop's MAC (ARP, via the control thread) as destination.
 */
static void
l3_in(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t sa, const struct gwc_ep *ep,
      struct rte_mbuf *m, uint64_t now)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	struct rte_ether_hdr *eth;
	const void *dst;
	uint64_t key;
	uint32_t nh;
	uint16_t rt;
	void *d;

	if (unlikely(m->data_len < sizeof(*ip) || (ip->version_ihl >> 4) != 4))
		return ep_drop(lc, m, ep->id, GWC_DROP_NOT_IPV4);
	if (unlikely(!gwc_prefix_match(ep->conf.ts_remote, ep->conf.n_ts_remote, ip->src_addr) ||
		     !gwc_prefix_match(ep->conf.ts_local, ep->conf.n_ts_local, ip->dst_addr))) {
		lc->sa[sa].selector++;
		return ep_drop(lc, m, ep->id, GWC_DROP_ESP_SELECTOR);
	}
	rt = l3_route(t, ep->slice, ip->dst_addr);
	if (rt != GWC_EP_NONE && t->ep[rt] != NULL) {
		/* terminal to terminal inside the slice */
		eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
		if (unlikely(eth == NULL))
			return ep_drop(lc, m, ep->id, GWC_DROP_NO_HEADROOM);
		m->l2_len = sizeof(*eth);
		lc->ep[ep->id].rx_pkts++;
		lc->ep[ep->id].rx_bytes += m->pkt_len;
		return esp_out(lc, t, t->ep[rt], m);
	}
	if (ep->conf.has_gw_mac) {
		dst = &ep->conf.gw_mac;        /* a configured next hop: no ARP */
	} else {
		nh = ep->conf.l3_gateway != 0 ? ep->conf.l3_gateway : ip->dst_addr;
		key = (uint64_t)ep->slice << 32 | nh;
		if (unlikely(t->l3_neigh == NULL ||
			     rte_hash_lookup_data(t->l3_neigh, &key, &d) < 0)) {
			/* the control thread sends the ARP request; this packet is lost */
			lc->drops[GWC_DROP_NO_NEIGHBOUR]++;
			lc->ep[ep->id].drops[GWC_DROP_NO_NEIGHBOUR]++;
			m->hash.usr = GWC_EXC_TAG | GWC_EXC_RESOLVE << 16 | ep->id;
			if (rte_ring_mp_enqueue(lc->dp->exc, m) != 0)
				rte_pktmbuf_free(m);
			return;
		}
		key = (uint64_t)(uintptr_t)d - 1;   /* gwc_mac48's layout */
		dst = &key;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (unlikely(eth == NULL))
		return ep_drop(lc, m, ep->id, GWC_DROP_NO_HEADROOM);
	memcpy(&eth->dst_addr, dst, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(&lc->dp->l3_mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	slice_in(lc, t, ep->id, m, false, now);
}

/* Decrypt what esp_in() queued, SA by SA, and route it into the slices. */
static void
esp_flush_in(struct gwc_lcore *lc, const struct gwc_tables *t, uint64_t now)
{
	struct rte_mbuf *pkts[GWC_ESP_BATCH];
	uint8_t err[GWC_ESP_BATCH];
	unsigned int i = 0, j, n = lc->n_esp_in;

	lc->n_esp_in = 0;
	while (i < n) {
		uint16_t sa = lc->esp_in[i].sa, k, c = 0, x;
		const struct gwc_ep *ep = t->ep[lc->esp_in[i].ep];
		struct gwc_sa_lstats *st = &lc->sa[sa];

		for (j = i; j < n && lc->esp_in[j].sa == sa; j++)
			pkts[c++] = lc->esp_in[j].m;
		i = j;
		k = gwc_sa_inbound(lc->dp->crypto, t->sa[sa].sa, (uint16_t)lc->index, pkts, c, err);
		for (x = 0; x < k; x++) {
			st->pkts++;
			st->bytes += pkts[x]->pkt_len;
			l3_in(lc, t, sa, ep, pkts[x], now);
		}
		if (k != 0)
			st->last_tsc = now;
		for (x = k; x < c; x++)
			sa_drop(lc, sa, pkts[x], err[x - k]);
	}
}

/* The inbound SA of ESP packet 'm' (m->l2_len, l3_len set) by its SPI; -1: dropped. */
static inline int
esp_sa(struct gwc_lcore *lc, const struct gwc_tables *t, struct rte_mbuf *m)
{
	uint32_t spi;
	void *d;

	memcpy(&spi, rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len + m->l3_len), 4);
	spi = rte_be_to_cpu_32(spi);
	if (t->spi == NULL || rte_hash_lookup_data(t->spi, &spi, &d) < 0 ||
	    t->sa[(uintptr_t)d].sa == NULL || t->ep[t->sa[(uintptr_t)d].ep] == NULL) {
		drop(lc, m, GWC_DROP_NO_SA);
		return -1;
	}
	return (int)(uintptr_t)d;
}

/* Queue 'm' of inbound SA 'sa' for decryption at the end of the burst. */
static inline void
esp_queue(struct gwc_lcore *lc, const struct gwc_tables *t, struct rte_mbuf *m, uint16_t sa,
	  uint64_t now)
{
	if (lc->n_esp_in == GWC_ESP_BATCH)
		esp_flush_in(lc, t, now);
	lc->esp_in[lc->n_esp_in++] = (struct gwc_esp_job){ .m = m, .sa = sa, .ep = t->sa[sa].ep };
}

/* Decrypt and encrypt what the burst queued (esp_in(), esp_out()). */
static inline void
esp_flush(struct gwc_lcore *lc, const struct gwc_tables *t, uint64_t now)
{
	if (lc->n_esp_in != 0)
		esp_flush_in(lc, t, now);
	if (lc->n_esp_out != 0)
		esp_flush_out(lc, t);
}

/* Pass what this burst collected for other workers' SAs to their hand-off rings. */
static void
handoff_flush(struct gwc_lcore *lc)
{
	unsigned int w, k, n;

	for (w = 0; w < lc->dp->n_workers; w++) {
		n = lc->n_ho[w];
		if (n == 0)
			continue;
		lc->n_ho[w] = 0;
		k = rte_ring_mp_enqueue_burst(lc->dp->handoff[w], (void **)lc->ho[w], n, NULL);
		lc->handed_off += k;
		for (; k < n; k++)
			drop(lc, lc->ho[w][k], GWC_DROP_HANDOFF_FULL);
	}
}

/* ESP that RSS gave another worker, for the SAs this one decrypts: queue it here. */
static void
handoff_in(struct gwc_lcore *lc, const struct gwc_tables *t, uint64_t now)
{
	struct rte_mbuf *pkts[32];
	unsigned int i, n;
	int sa;

	n = rte_ring_sc_dequeue_burst(lc->handoff, (void **)pkts, RTE_DIM(pkts), NULL);
	lc->handed_in += n;
	for (i = 0; i < n; i++) {
		/* the tables may have changed since: look the SA up again; never pass it on */
		sa = esp_sa(lc, t, pkts[i]);
		if (sa >= 0)
			esp_queue(lc, t, pkts[i], (uint16_t)sa, now);
	}
}

/*
 * An ESP packet to us (validated outer IPv4, padding trimmed): find its SA by SPI and
 * queue it for decryption at the end of the burst, here or, when another worker
 * decrypts that SA, on that worker's hand-off ring. 'hl': outer IPv4 header length,
 * plus 8 when UDP-encapsulated. @return LOCAL_DONE.
 */
static inline int
esp_in(struct gwc_lcore *lc, const struct gwc_tables *t, struct rte_mbuf *m, uint32_t hl,
       uint64_t now)
{
	const uint32_t eh = sizeof(struct rte_ether_hdr);
	uint16_t w;
	int sa;

	if (unlikely(m->data_len < eh + hl + 8)) {
		drop(lc, m, GWC_DROP_ESP_MALFORMED);
		return LOCAL_DONE;
	}
	m->l2_len = eh;
	m->l3_len = hl;
	sa = esp_sa(lc, t, m);
	if (sa < 0)
		return LOCAL_DONE;
	w = t->sa[sa].lcore;
	if (lc->handoff != NULL && w != lc->index) {
		if (lc->n_ho[w] == GWC_ESP_BATCH)
			handoff_flush(lc);
		lc->ho[w][lc->n_ho[w]++] = m;
		return LOCAL_DONE;
	}
	esp_queue(lc, t, m, (uint16_t)sa, now);
	return LOCAL_DONE;
}

/* Encrypt what esp_out() queued, SA by SA, and send it to the terminals. */
static void
esp_flush_out(struct gwc_lcore *lc, const struct gwc_tables *t)
{
	struct rte_mbuf *pkts[GWC_ESP_BATCH];
	uint32_t len[GWC_ESP_BATCH];
	unsigned int i = 0, j, n = lc->n_esp_out;
	uint64_t now = rte_rdtsc();

	lc->n_esp_out = 0;
	while (i < n) {
		uint16_t sa = lc->esp_out[i].sa, k, c = 0, x;
		const struct gwc_ep *ep = t->ep[lc->esp_out[i].ep];
		const struct gwc_port_tab *pt = &t->port[ep->port];
		struct gwc_sa_lstats *st = &lc->sa[sa];

		for (j = i; j < n && lc->esp_out[j].sa == sa; j++) {
			len[c] = lc->esp_out[j].m->pkt_len - lc->esp_out[j].m->l2_len;
			pkts[c++] = lc->esp_out[j].m;
		}
		i = j;
		k = gwc_sa_outbound(lc->dp->crypto, t->sa[sa].sa, (uint16_t)lc->index, pkts, c);
		for (x = k; x < c; x++)
			ep_drop(lc, pkts[x], ep->id, GWC_DROP_ESP_ENCRYPT);
		for (x = 0; x < k; x++) {
			struct rte_mbuf *m = pkts[x];

			rte_memcpy(rte_pktmbuf_mtod(m, void *), ep->hdr, 2 * RTE_ETHER_ADDR_LEN);
			if (unlikely(m->pkt_len - sizeof(struct rte_ether_hdr) > pt->mtu)) {
				ep_drop(lc, m, ep->id, GWC_DROP_TOO_BIG);
				continue;
			}
			st->pkts++;
			st->bytes += len[x];
			st->last_tsc = now;
			lc->ep[ep->id].tx_pkts++;
			lc->ep[ep->id].tx_bytes += m->pkt_len;
			ppm_txbuf_put(&lc->tx[ep->port], m);
		}
	}
}

/*
 * A frame in a slice with IPsec endpoints, from endpoint 'in': ARP goes (as a copy)
 * to the control thread, which answers for the terminals and learns next hops; a
 * frame to the router MAC is routed to its terminal. @return true when 'm' is taken.
 */
static inline bool
l3_frame(struct gwc_lcore *lc, const struct gwc_tables *t, const struct gwc_ep *in,
	 struct rte_mbuf *m, bool tagged)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint32_t l2 = sizeof(*eth) + (tagged ? VLAN_HLEN : 0);
	const struct rte_ipv4_hdr *ip;
	rte_be16_t et;
	uint16_t rt;

	if (unlikely(m->data_len < l2))
		return false;
	et = *rte_pktmbuf_mtod_offset(m, const rte_be16_t *, l2 - 2);
	if (et == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		struct rte_mbuf *c = rte_pktmbuf_copy(m, lc->pool, 0, UINT32_MAX);

		if (c != NULL) {
			c->hash.usr = GWC_EXC_TAG | GWC_EXC_ARP << 16 | in->id;
			if (rte_ring_mp_enqueue(lc->dp->exc, c) != 0) {
				lc->drops[GWC_DROP_PUNT_FULL]++;
				rte_pktmbuf_free(c);
			}
		}
		return false;
	}
	if (!rte_is_same_ether_addr(&eth->dst_addr, &lc->dp->l3_mac))
		return false;
	if (unlikely(et != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
		     m->data_len < l2 + sizeof(struct rte_ipv4_hdr))) {
		ep_drop(lc, m, in->id, GWC_DROP_NOT_IPV4);
		return true;
	}
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l2);
	rt = l3_route(t, in->slice, ip->dst_addr);
	if (unlikely(rt == GWC_EP_NONE || t->ep[rt] == NULL)) {
		ep_drop(lc, m, in->id, GWC_DROP_NO_ROUTE);
		return true;
	}
	m->l2_len = l2;
	esp_out(lc, t, t->ep[rt], m);
	return true;
}

/*
 * An untagged IPv4 or ARP frame on a port that has an address: is it for us?
 * @return an endpoint id (a GRE packet, now decapsulated), LOCAL_NOT (slice traffic),
 *   or LOCAL_DONE (punted or dropped).
 */
static inline int
local_in(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t port, struct rte_mbuf *m,
	 uint16_t ether_type, uint64_t now)
{
	const struct gwc_port_tab *pt = &t->port[port];
	const uint32_t eh = sizeof(struct rte_ether_hdr);
	struct rte_ipv4_hdr *ip;
	uint32_t ihl, tot, off, need, key;
	uint16_t flags, proto;
	struct gwc_gre_key k;
	const uint8_t *gre;
	void *data;

	if (ether_type == RTE_ETHER_TYPE_ARP) {
		const struct rte_arp_hdr *a;

		if (unlikely(m->data_len < eh + sizeof(*a)))
			return LOCAL_NOT;
		a = rte_pktmbuf_mtod_offset(m, const struct rte_arp_hdr *, eh);
		if (a->arp_data.arp_tip != pt->ip)
			return LOCAL_NOT;
		punt(lc, m, port);
		return LOCAL_DONE;
	}

	if (unlikely(m->data_len < eh + sizeof(*ip)))
		return LOCAL_NOT;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, eh);
	if (ip->dst_addr != pt->ip)
		return LOCAL_NOT;
	ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;
	if (ip->next_proto_id != IPPROTO_GRE && ip->next_proto_id != IPPROTO_ESP &&
	    (ip->next_proto_id != IPPROTO_UDP || !natt_esp(m, eh + ihl))) {
		punt(lc, m, port);   /* ICMP, IKE (UDP 500, 4500 with the non-ESP marker), ... */
		return LOCAL_DONE;
	}
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) || tot < ihl ||
		     eh + tot > m->pkt_len || m->data_len < eh + ihl)) {
		drop(lc, m, GWC_DROP_BAD_IPV4);
		return LOCAL_DONE;
	}
	if (unlikely((likely(ihl == sizeof(*ip)) ? ipv4_hdr_sum20(ip) : rte_raw_cksum(ip, ihl))
		     != 0xffff)) {
		drop(lc, m, GWC_DROP_BAD_IPV4);
		return LOCAL_DONE;
	}
	if (unlikely(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))) {
		drop(lc, m, GWC_DROP_IP_FRAGMENT);
		return LOCAL_DONE;
	}
	/* Ethernet padding after the IP packet is not part of the inner frame. */
	if (m->pkt_len > eh + tot)
		rte_pktmbuf_trim(m, m->pkt_len - (eh + tot));

	if (ip->next_proto_id != IPPROTO_GRE)
		return esp_in(lc, t, m, ihl + (ip->next_proto_id == IPPROTO_UDP ? 8 : 0), now);
	off = eh + ihl;
	if (unlikely(m->data_len < off + 4)) {
		drop(lc, m, GWC_DROP_TRUNCATED);
		return LOCAL_DONE;
	}
	data = rte_pktmbuf_mtod(m, uint8_t *);
	gre = (const uint8_t *)data + off;
	flags = (uint16_t)(gre[0] << 8 | gre[1]);
	proto = (uint16_t)(gre[2] << 8 | gre[3]);
	if (unlikely((flags & GWC_GRE_F_MBZ) != 0 || proto != GWC_GRE_PROTO_TEB)) {
		drop(lc, m, GWC_DROP_BAD_GRE);
		return LOCAL_DONE;
	}
	need = 4 + ((flags & GWC_GRE_F_CSUM) ? 4 : 0) + ((flags & GWC_GRE_F_KEY) ? 4 : 0) +
	       ((flags & GWC_GRE_F_SEQ) ? 4 : 0);
	if (unlikely(m->data_len < off + need + sizeof(struct rte_ether_hdr))) {
		drop(lc, m, GWC_DROP_TRUNCATED);
		return LOCAL_DONE;
	}
	if (unlikely(flags & GWC_GRE_F_CSUM)) {
		uint16_t ck;

		/* RFC 2784: the checksum covers the GRE header and the payload. */
		if (rte_raw_cksum_mbuf(m, off, tot - ihl, &ck) != 0 || ck != 0xffff) {
			drop(lc, m, GWC_DROP_BAD_GRE_CSUM);
			return LOCAL_DONE;
		}
	}
	key = 0;
	if (flags & GWC_GRE_F_KEY) {
		rte_be32_t kb;

		memcpy(&kb, gre + 4 + ((flags & GWC_GRE_F_CSUM) ? 4 : 0), 4);
		key = rte_be_to_cpu_32(kb);
	}
	gwc_gre_key_set(&k, ip->src_addr, key, port, (flags & GWC_GRE_F_KEY) != 0);
	if (t->gre != NULL) {
		void *d;

		if (rte_hash_lookup_with_hash_data(t->gre, &k, gwc_gre_hash(&k), &d) >= 0) {
			rte_pktmbuf_adj(m, (uint16_t)(off + need));
			return (int)(uintptr_t)d;
		}
	}
	drop(lc, m, GWC_DROP_UNKNOWN_GRE_KEY);
	return LOCAL_DONE;
}

/* The drop of each trailer verdict that is an error. */
static const uint8_t trl_drop[TRL_STATUS_MAX] = {
	[TRL_E_BAD_VERSION] = GWC_DROP_TRAILER_BAD_VERSION,
	[TRL_E_BAD_LENGTH] = GWC_DROP_TRAILER_BAD_LENGTH,
	[TRL_E_BAD_FLAGS] = GWC_DROP_TRAILER_BAD_FLAGS,
	[TRL_E_BAD_ID] = GWC_DROP_TRAILER_BAD_ID,
	[TRL_E_BAD_L4] = GWC_DROP_TRAILER_BAD_L4,
	[TRL_E_BAD_TAG] = GWC_DROP_TRAILER_BAD_TAG,
};

/* The key entry of 'terminal' in the published tables, or NULL (binary search). */
static inline const struct gwc_trl_term *
term_find(const struct gwc_tables *t, uint32_t terminal)
{
	unsigned int lo = 0, hi = t->n_terms;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (t->term[mid].terminal == terminal)
			return &t->term[mid];
		if (t->term[mid].terminal < terminal)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * An untagged IPv4 frame on a port with trailer endpoints (seed 003 Figure 3(B)): a
 * valid trailer (its tag checked with the terminal's key, if it has one) picks the
 * endpoint by (terminal ID, app ID), is stripped, lengths and checksums fixed
 * (docs/trailer.md), and the flow is remembered; a frame without one
 * goes where its flow went before. Only the first segment is read: a frame longer
 * than it is treated as carrying no trailer.
 * @return an endpoint id; LOCAL_NOT (no trailer, no known flow: the port's untagged
 *   endpoint, if any, takes it); LOCAL_DONE (dropped and counted).
 */
static inline int
trailer_in(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t port, struct rte_mbuf *m,
	   uint64_t now)
{
	const struct gwc_port_tab *pt = &t->port[port];
	const uint32_t eh = sizeof(struct rte_ether_hdr);
	const struct gwc_trl_term *te;
	struct trl_info ti;
	enum trl_status st;
	uint64_t k0, k1;
	uint16_t id;
	uint8_t *ip;
	unsigned int i;

	if (m->nb_segs != 1 || m->data_len <= eh)
		return LOCAL_NOT;
	ip = rte_pktmbuf_mtod_offset(m, uint8_t *, eh);
	st = trl_decode(ip, m->data_len - eh, &ti);
	if (st == TRL_NONE) {
		uint32_t ihl = (uint32_t)(ip[0] & 0x0f) * 4;

		if ((ip[9] == IPPROTO_TCP || ip[9] == IPPROTO_UDP) &&
		    rte_be_to_cpu_16(*(const rte_be16_t *)(ip + 2)) < ihl + 4)
			return LOCAL_NOT;
		gwc_flow_key(ip, port, &k0, &k1);
		id = gwc_flow_lookup(lc->dp->flows, k0, k1, now);
		/* the entry may outlive its endpoint's move: trust it only as it is now */
		if (id == GWC_EP_NONE || t->ep[id] == NULL || t->ep[id]->type != GWC_EP_TRAILER ||
		    t->ep[id]->port != port)
			return LOCAL_NOT;
		lc->flow_hits++;
		return id;
	}
	if (st != TRL_OK) {
		if (st == TRL_E_BAD_IP || st == TRL_E_FRAGMENT)
			return LOCAL_NOT;
		drop(lc, m, (enum gwc_drop)trl_drop[st]);
		return LOCAL_DONE;
	}
	/* The tag, before anything is believed: with the terminal's key, or no tag at all. */
	te = term_find(t, ti.terminal_id);
	if (te != NULL ? trl_verify(lc->trl_key[te->slot], ip, m->data_len - eh, &ti,
				    te->required) != TRL_OK
		       : (ti.flags & TRL_F_AUTH) != 0) {
		drop(lc, m, GWC_DROP_TRAILER_BAD_TAG);
		return LOCAL_DONE;
	}
	for (i = 0; i < pt->n_trl; i++) {
		const struct gwc_trl_rule *r = &pt->trl[i];

		if ((r->terminal == 0 || r->terminal == ti.terminal_id) &&
		    ti.app_id >= r->app_lo && ti.app_id <= r->app_hi)
			break;
	}
	if (i == pt->n_trl) {
		drop(lc, m, GWC_DROP_TRAILER_NO_MATCH);
		return LOCAL_DONE;
	}
	id = pt->trl[i].ep;
	gwc_flow_key(ip, port, &k0, &k1);
	if (gwc_flow_learn(lc->dp->flows, k0, k1, id, now))
		lc->flows_learned++;
	trl_strip(ip, m->data_len - eh, &ti);
	/* the trailer, and any Ethernet padding after the packet */
	rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - (eh + ti.ip_len - ti.len)));
	return id;
}

/*
 * The endpoint frame 'm' from port index 'port' enters by: its VID, the port's
 * untagged endpoint, or what local_in() (GRE, ESP, ARP and IPv4 for the AGW) or
 * trailer_in() found, with the encapsulation (but for a VLAN tag) already removed;
 * '*tagged_out': the frame still carries its ingress tag.
 * @return the endpoint id, or GWC_EP_NONE when 'm' was consumed (dropped, punted,
 * queued for decryption).
 */
static inline uint16_t
classify(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t port, struct rte_mbuf *m,
	 uint64_t now, bool *tagged_out)
{
	const struct gwc_port_tab *pt = &t->port[port];
	struct rte_ether_hdr *eth;
	uint16_t et, id;
	bool tagged = false;

	if (unlikely(m->data_len < sizeof(*eth)))
		return drop(lc, m, GWC_DROP_RUNT), GWC_EP_NONE;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	et = rte_be_to_cpu_16(eth->ether_type);

	if (unlikely(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)) {
		/* The device took the tag off; the frame in the buffer is untagged. */
		m->ol_flags &= ~(RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED);
		id = pt->vlan_ep[m->vlan_tci & 0xfff];
		if (id == GWC_EP_NONE)
			return drop(lc, m, GWC_DROP_UNKNOWN_VID), GWC_EP_NONE;
	} else if (et == RTE_ETHER_TYPE_VLAN) {
		const struct rte_vlan_hdr *v;

		if (unlikely(m->data_len < sizeof(*eth) + VLAN_HLEN))
			return drop(lc, m, GWC_DROP_TRUNCATED), GWC_EP_NONE;
		v = (const struct rte_vlan_hdr *)(eth + 1);
		id = pt->vlan_ep[rte_be_to_cpu_16(v->vlan_tci) & 0xfff];
		if (id == GWC_EP_NONE)
			return drop(lc, m, GWC_DROP_UNKNOWN_VID), GWC_EP_NONE;
		tagged = true;
	} else {
		int r = LOCAL_NOT;

		if (pt->has_ip && (et == RTE_ETHER_TYPE_IPV4 || et == RTE_ETHER_TYPE_ARP))
			r = local_in(lc, t, port, m, et, now);
		if (r == LOCAL_NOT && pt->n_trl != 0 && et == RTE_ETHER_TYPE_IPV4)
			r = trailer_in(lc, t, port, m, now);
		if (r == LOCAL_DONE)
			return GWC_EP_NONE;
		if (r >= 0) {
			id = (uint16_t)r;
		} else {
			id = pt->untagged_ep;
			if (id == GWC_EP_NONE)
				return drop(lc, m, GWC_DROP_NO_SLICE), GWC_EP_NONE;
		}
	}

	*tagged_out = tagged;
	return id;
}

/*
 * Frame 'm' entering its slice from endpoint 'id' (decapsulated; 'tagged': it still
 * carries the ingress tag): count it, learn its source MAC (not from IPsec endpoints,
 * whose frames carry the router MAC), route it if it is for the slice's router, else
 * forward it by destination MAC or flood it inside the slice.
 */
static void
slice_in(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t id, struct rte_mbuf *m,
	 bool tagged, uint64_t now)
{
	const struct gwc_ep *in = t->ep[id];
	const struct gwc_slice_tab *st = &t->slice[in->slice];
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	uint32_t len = m->pkt_len - (tagged ? VLAN_HLEN : 0);   /* the frame inside the slice */
	uint64_t dst;
	uint16_t out;

	lc->ep[id].rx_pkts++;
	lc->ep[id].rx_bytes += len;
	lc->slice[in->slice].rx_pkts++;
	lc->slice[in->slice].rx_bytes += len;

	if (likely(in->type != GWC_EP_IPSEC)) {
		uint64_t src = gwc_eth_src48(eth);

		if (unlikely(gwc_mac48_group(src) || src == 0))
			return ep_drop(lc, m, id, GWC_DROP_BAD_SRC_MAC);
		if (unlikely(gwc_mac_learn(st->mac, src, id, now)))
			lc->slice[in->slice].learned++;
		if (unlikely(st->l3) && l3_frame(lc, t, in, m, tagged))
			return;
	}

	dst = gwc_eth_dst48(eth);
	if (likely(!gwc_mac48_group(dst))) {
		out = gwc_mac_lookup(st->mac, dst, now);
		if (likely(out != GWC_EP_NONE)) {
			const struct gwc_ep *oep = t->ep[out];

			if (unlikely(out == id))
				return ep_drop(lc, m, id, GWC_DROP_SAME_ENDPOINT);
			/* An entry may outlive its endpoint: trust it only inside this slice. */
			if (likely(oep != NULL && oep->slice == in->slice))
				return ep_output(lc, t, oep, m, tagged);
		}
	}
	lc->slice[in->slice].flooded++;
	flood(lc, t, st, id, m, tagged);
}

/* Frames one pass of the burst loop takes at a time (an rx burst is at most PPM_TXBUF_MAX). */
#define GWC_PASS PPM_TXBUF_MAX

/*
 * 'n' <= GWC_PASS frames from one rx queue, in two passes: first each frame's
 * endpoint (decapsulation, frames for the AGW, trailer classification), then each
 * remaining frame into its slice. One frame's table look-ups are a chain of dependent
 * loads; with the passes apart, the chains of consecutive frames overlap (VID rewrite
 * at 64 B on hugepages, interleaved runs: about 101 to 94 cycles a frame).
 */
static inline void
burst_pass(struct gwc_lcore *lc, const struct gwc_tables *t, uint16_t port,
	   struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	struct rte_mbuf *ms[GWC_PASS];
	uint16_t ids[GWC_PASS], i, k = 0;
	bool tg[GWC_PASS];

	for (i = 0; i < n; i++) {
		uint16_t id = classify(lc, t, port, pkts[i], now, &tg[k]);

		if (id != GWC_EP_NONE) {
			ms[k] = pkts[i];
			ids[k++] = id;
		}
	}
	for (i = 0; i < k; i++)
		slice_in(lc, t, ids[i], ms[i], tg[i], now);
}

void
gwc_worker_burst(void *ctx, const struct ppm_rxq *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct gwc_lcore *lc = ctx;
	const struct gwc_tables *t = __atomic_load_n(&lc->dp->tables, __ATOMIC_ACQUIRE);
	uint64_t now = rte_rdtsc();
	uint16_t i;

	for (i = 0; i < n; i += GWC_PASS)
		burst_pass(lc, t, q->port_idx, pkts + i, RTE_MIN((uint16_t)(n - i), (uint16_t)GWC_PASS),
			   now);
	if (lc->handoff != NULL) {
		handoff_flush(lc);
		handoff_in(lc, t, now);
	}
	esp_flush(lc, t, now);
}

/* A frame from the control thread for an endpoint (GWC_INJ_EP) or a slice (GWC_INJ_FLOOD). */
static void
inject_ep(struct gwc_lcore *lc, struct rte_mbuf *m)
{
	const struct gwc_tables *t = __atomic_load_n(&lc->dp->tables, __ATOMIC_ACQUIRE);
	uint32_t usr = m->hash.usr, kind = (usr >> 16) & 0x7fff;
	uint16_t id = (uint16_t)(usr & 0xffff);
	const struct gwc_ep *ep = id < GWC_MAX_EPS ? t->ep[id] : NULL;

	if (ep == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	lc->injected++;
	if (kind == GWC_INJ_FLOOD)
		flood(lc, t, &t->slice[ep->slice], id, m, false);
	else
		ep_output(lc, t, ep, m, false);
	if (lc->n_esp_out != 0)
		esp_flush_out(lc, t);
}

void
gwc_worker_drain(void *ctx)
{
	struct gwc_lcore *lc = ctx;
	struct rte_mbuf *pkts[32];
	unsigned int i, n;
	uint16_t p;

	/* ESP from the other workers for this one's SAs, also while its own rx is idle */
	if (lc->handoff != NULL) {
		const struct gwc_tables *t = __atomic_load_n(&lc->dp->tables, __ATOMIC_ACQUIRE);
		uint64_t now = rte_rdtsc();

		handoff_in(lc, t, now);
		esp_flush(lc, t, now);
	}
	/* Frames from the control thread (TAP, ARP requests): m->hash.usr is the port index. */
	n = rte_ring_sc_dequeue_burst(lc->inject, (void **)pkts, RTE_DIM(pkts), NULL);
	for (i = 0; i < n; i++) {
		uint32_t port = pkts[i]->hash.usr;

		if (port & GWC_EXC_TAG) {
			inject_ep(lc, pkts[i]);
			continue;
		}
		if (unlikely(port >= lc->dp->n_ports)) {
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		lc->injected++;
		ppm_txbuf_put(&lc->tx[port], pkts[i]);
	}
	for (p = 0; p < lc->dp->n_ports; p++)
		ppm_txbuf_flush(&lc->tx[p]);
}
