// SPDX-License-Identifier: BSD-3-Clause
/*
 * The terminal side of the trailer front end (seed 003 section 3.1, Figure 3(B);
 * docs/trailer.md): a tc egress program that appends the AGW trailer -- application ID,
 * terminal ID and, with a key, the 8-byte HMAC-SHA-256 tag -- to the IPv4 TCP and UDP
 * packets of the configured applications, selected by the sending socket's cgroup
 * (v2) or by destination port, and fixes the IP and TCP/UDP lengths and checksums.
 *
 * Loaded and configured by `agw-trailer attach` (agw_trailer.c); maps and counters
 * in agw_trailer.h. Packets it does not tag always pass unchanged (TC_ACT_OK): the
 * tagger never drops.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "agw_trailer.h"

#define TRL_VERSION 1
#define TRL_MAGIC 0x41475754u
#define TRL_F_AUTH 0x01
#define TRL_F_FLOW_START 0x02

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct atr_cfg);
} atr_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ATR_MAX_APPS);
	__type(key, __u64);
	__type(value, __u32);
} atr_cgroup SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ATR_MAX_APPS);
	__type(key, struct atr_port_key);
	__type(value, __u32);
} atr_port SEC(".maps");

struct atr_flow {
	__u64 tagged_ns; /* when the flow last carried a trailer */
	__u64 seen_ns;   /* when the flow last sent a packet */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, ATR_MAX_FLOWS);
	__type(key, struct atr_flow_key);
	__type(value, struct atr_flow);
} atr_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ATR_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} atr_stats SEC(".maps");

/* Per-CPU scratch: the SHA-256 schedule and blocks do not fit the 512-byte stack. */
struct atr_scratch {
	__u32 w[64];
	__u8 blk[64];
	__u8 msg[32];
	__u8 trl[24]; /* tag (8), app ID, terminal ID, flags, version, length, magic */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct atr_scratch);
} atr_scratch SEC(".maps");

static __always_inline int
count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&atr_stats, &stat);

	if (v)
		*v += 1;
	return TC_ACT_OK;
}

/* The app ID of the packet's socket's cgroup, or of its nearest configured ancestor. */
static __always_inline __u32
app_of_cgroup(struct __sk_buff *skb)
{
	__u64 id = bpf_skb_cgroup_id(skb);
	__u32 *app;
	int lvl;

	if (id == 0)
		return 0;
	app = bpf_map_lookup_elem(&atr_cgroup, &id);
	if (app)
		return *app;
	for (lvl = ATR_MAX_CGROUP_DEPTH; lvl >= 1; lvl--) {
		id = bpf_skb_ancestor_cgroup_id(skb, lvl);
		if (id == 0)
			continue; /* the socket's cgroup is not that deep */
		app = bpf_map_lookup_elem(&atr_cgroup, &id);
		if (app)
			return *app;
	}
	return 0;
}

/* Flow-start mode: 1 when this packet must carry the trailer (a new flow, a TCP SYN, or
 * a flow not tagged or not seen for refresh_ns); remembers the flow. */
static __always_inline int
flow_needs_tag(const struct atr_cfg *cfg, const struct iphdr *ip, __u16 sport, __u16 dport,
	       int syn)
{
	struct atr_flow_key k = {
		.saddr = ip->saddr, .daddr = ip->daddr,
		.sport = sport, .dport = dport, .proto = ip->protocol,
	};
	__u64 now = bpf_ktime_get_ns();
	struct atr_flow *f = bpf_map_lookup_elem(&atr_flows, &k);
	struct atr_flow nf = { .tagged_ns = now, .seen_ns = now };

	if (f && !syn && now - f->tagged_ns < cfg->refresh_ns && now - f->seen_ns < cfg->refresh_ns) {
		f->seen_ns = now;
		return 0;
	}
	bpf_map_update_elem(&atr_flows, &k, &nf, BPF_ANY);
	return 1;
}

/* Store the 'len' trailer bytes at 'off'; their checksum (a 32-bit partial sum, never 0
 * since the magic is in it), or 0 when the store failed. */
static __always_inline __u32
put_trailer(struct __sk_buff *skb, __u32 off, __u8 *trl, __u32 len)
{
	if (bpf_skb_store_bytes(skb, off, trl, len, 0) != 0)
		return 0;
	return (__u32)bpf_csum_diff(NULL, 0, (__be32 *)trl, len, 0);
}

/*
 * The IPv4 packet at ETH_HLEN goes from total length 'old_tot' to 'new_tot' because
 * trailer bytes join or leave at its end (offset min(old_tot, new_tot)); 'diff' is
 * their partial sum when they join, its complement when they leave. Fixes the IPv4
 * total length and header checksum, and the TCP/UDP checksum: the bytes (swapped when
 * they start at an odd offset of the segment), the pseudo-header's length and UDP's own
 * length field. With CHECKSUM_PARTIAL the helpers change only the pseudo-header part:
 * the stack sums the data later. A UDP checksum of 0 (none) stays 0.
 * @return 0, or -1 when a helper failed.
 */
static __always_inline int
fix_lengths(struct __sk_buff *skb, const struct iphdr *ip, __u32 ihl, __u32 old_tot,
	    __u32 new_tot, __u32 diff)
{
	__u32 csum_off = ETH_HLEN + ihl + 16, mangle = 0;
	__be16 be_old = ip->tot_len, be_new = bpf_htons(new_tot);

	if (bpf_l3_csum_replace(skb, ETH_HLEN + offsetof(struct iphdr, check), be_old, be_new, 2) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN + offsetof(struct iphdr, tot_len), &be_new, 2, 0))
		return -1;
	if (ip->protocol == IPPROTO_UDP) {
		csum_off = ETH_HLEN + ihl + 6;
		mangle = BPF_F_MARK_MANGLED_0;
	}
	if (((old_tot < new_tot ? old_tot : new_tot) - ihl) & 1)
		diff = (diff >> 8) | (diff << 24);
	be_old = bpf_htons(old_tot - ihl);
	be_new = bpf_htons(new_tot - ihl);
	if (bpf_l4_csum_replace(skb, csum_off, 0, diff, mangle) ||
	    bpf_l4_csum_replace(skb, csum_off, be_old, be_new, BPF_F_PSEUDO_HDR | mangle | 2))
		return -1;
	if (ip->protocol == IPPROTO_UDP &&
	    (bpf_l4_csum_replace(skb, csum_off, be_old, be_new, mangle | 2) ||
	     bpf_skb_store_bytes(skb, ETH_HLEN + ihl + 4, &be_new, 2, 0)))
		return -1;
	return 0;
}

SEC("tc")
int atr_egress(struct __sk_buff *skb)
{
	__u32 zero = 0, app = 0, n, tot, ihl, wsum;
	struct atr_port_key pk = { 0 };
	struct atr_scratch *s;
	struct atr_cfg *cfg;
	__u16 ports[2];
	struct iphdr ip;
	__u8 flags = 0, tcpflags = 0, auth;
	__be16 ulen;

	if (skb->protocol != bpf_htons(ETH_P_IP) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)) != 0 || ip.version != 4 ||
	    ip.ihl < 5 || (ip.frag_off & bpf_htons(0x3fff)) != 0 ||
	    (ip.protocol != IPPROTO_TCP && ip.protocol != IPPROTO_UDP))
		return count(ATR_NOT_TCP_UDP);
	cfg = bpf_map_lookup_elem(&atr_cfg, &zero);
	s = bpf_map_lookup_elem(&atr_scratch, &zero);
	if (!cfg || !s || cfg->terminal_id == 0)
		return count(ATR_ERR);
	ihl = ip.ihl * 4;
	tot = bpf_ntohs(ip.tot_len);
	if (tot < ihl + 8 || skb->len != ETH_HLEN + tot ||
	    bpf_skb_load_bytes(skb, ETH_HLEN + ihl, ports, sizeof(ports)) != 0)
		return count(ATR_ERR);
	if (ip.protocol == IPPROTO_TCP &&
	    (tot < ihl + 20 || bpf_skb_load_bytes(skb, ETH_HLEN + ihl + 13, &tcpflags, 1) != 0))
		return count(ATR_ERR);
	if (ip.protocol == IPPROTO_UDP &&
	    (bpf_skb_load_bytes(skb, ETH_HLEN + ihl + 4, &ulen, 2) != 0 ||
	     bpf_ntohs(ulen) != tot - ihl))
		return count(ATR_ERR); /* a UDP length the gateway would refuse (TRL_E_BAD_L4) */

	app = app_of_cgroup(skb);
	if (app == 0) {
		__u32 *a;

		pk.proto = ip.protocol;
		pk.dport = ports[1];
		a = bpf_map_lookup_elem(&atr_port, &pk);
		if (a)
			app = *a;
	}
	if (app == 0)
		return count(ATR_NOT_SELECTED);
	if (cfg->mode == ATR_MODE_FLOW_START) {
		/* SYN without ACK: a TCP connection opens */
		if (!flow_needs_tag(cfg, &ip, ports[0], ports[1], (tcpflags & 0x12) == 0x02))
			return count(ATR_FLOW_KNOWN);
		flags |= TRL_F_FLOW_START;
	}
	auth = cfg->auth != 0; /* read once: the loader may rewrite the map */
	n = auth ? 24 : 16;
	if (tot + n > cfg->path_mtu || tot + n > 0xffff)
		return count(ATR_TOO_BIG);
	if (skb->gso_segs > 1)
		return count(ATR_GSO);

	/* The trailer, in wire order after the tag's 8 bytes (docs/trailer.md, Layout). */
	if (auth)
		flags |= TRL_F_AUTH;
	trl_put_be32(&s->trl[8], app);
	trl_put_be32(&s->trl[12], cfg->terminal_id);
	s->trl[16] = flags;
	s->trl[17] = TRL_VERSION;
	s->trl[18] = 0;
	s->trl[19] = n;
	trl_put_be32(&s->trl[20], TRL_MAGIC);
	if (auth) {
		int i;

		/* the auth message: addresses, protocol, ports, the trailer without its tag */
		__builtin_memcpy(&s->msg[0], &ip.saddr, 4);
		__builtin_memcpy(&s->msg[4], &ip.daddr, 4);
		s->msg[8] = ip.protocol;
		s->msg[9] = 0;
		__builtin_memcpy(&s->msg[10], ports, 4);
		s->msg[14] = 0;
		s->msg[15] = 0;
		for (i = 0; i < 16; i++)
			s->msg[16 + i] = s->trl[8 + i];
		trl_hmac32(&cfg->pads, s->msg, &s->trl[0], s->blk, s->w);
	}

	if (bpf_skb_change_tail(skb, skb->len + n, 0) != 0)
		return count(ATR_ERR);
	/* Constant sizes in each branch: the verifier checks the scratch bounds per call. */
	if (n == 24)
		wsum = put_trailer(skb, ETH_HLEN + tot, &s->trl[0], 24);
	else
		wsum = put_trailer(skb, ETH_HLEN + tot, &s->trl[8], 16);
	if (wsum == 0)
		return count(ATR_ERR);

	if (fix_lengths(skb, &ip, ihl, tot, tot + n, wsum) != 0)
		return count(ATR_ERR);
	count(ATR_TAGGED);
	if (auth)
		count(ATR_TAGGED_AUTH);
	return TC_ACT_OK;
}

/*
 * Ingress: an IPv4 TCP/UDP packet ending in a valid version-1 trailer that carries this
 * terminal's ID (an AGW endpoint with reappend wrote it) loses it, so the application
 * gets its bytes as sent. Anything else passes untouched.
 */
SEC("tc")
int atr_ingress(struct __sk_buff *skb)
{
	__u32 zero = 0, ihl, tot, n, wsum;
	struct atr_scratch *s;
	struct atr_cfg *cfg;
	struct iphdr ip;
	__be16 ulen;
	__u8 *t;

	if (skb->protocol != bpf_htons(ETH_P_IP) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)) != 0 || ip.version != 4 ||
	    ip.ihl < 5 || (ip.frag_off & bpf_htons(0x3fff)) != 0 ||
	    (ip.protocol != IPPROTO_TCP && ip.protocol != IPPROTO_UDP))
		return TC_ACT_OK;
	cfg = bpf_map_lookup_elem(&atr_cfg, &zero);
	s = bpf_map_lookup_elem(&atr_scratch, &zero);
	if (!cfg || !s)
		return TC_ACT_OK;
	ihl = ip.ihl * 4;
	tot = bpf_ntohs(ip.tot_len);
	if (tot < ihl + 20 + 16 || skb->len < ETH_HLEN + tot ||
	    bpf_skb_load_bytes(skb, ETH_HLEN + tot - 16, &s->trl[8], 16) != 0)
		return TC_ACT_OK;
	t = &s->trl[8];
	if (t[12] != 0x41 || t[13] != 0x47 || t[14] != 0x57 || t[15] != 0x54 || t[9] != 1 ||
	    (t[8] & 0xfc) != 0 || t[10] != 0 ||
	    t[11] != ((t[8] & TRL_F_AUTH) ? 24 : 16) ||
	    trl_get_be32(&t[4]) != cfg->terminal_id ||
	    cfg->terminal_id == 0)
		return TC_ACT_OK;
	n = t[11];
	if (tot < ihl + (ip.protocol == IPPROTO_TCP ? 20 : 8) + n)
		return TC_ACT_OK;
	if (ip.protocol == IPPROTO_UDP &&
	    (bpf_skb_load_bytes(skb, ETH_HLEN + ihl + 4, &ulen, 2) != 0 ||
	     bpf_ntohs(ulen) != tot - ihl))
		return TC_ACT_OK;
	if (n == 24) {
		if (bpf_skb_load_bytes(skb, ETH_HLEN + tot - 24, &s->trl[0], 8) != 0)
			return TC_ACT_OK;
		wsum = (__u32)bpf_csum_diff(NULL, 0, (__be32 *)&s->trl[0], 24, 0);
	} else {
		wsum = (__u32)bpf_csum_diff(NULL, 0, (__be32 *)&s->trl[8], 16, 0);
	}
	/* lengths first, then the bytes go (and any Ethernet padding after the packet) */
	if (fix_lengths(skb, &ip, ihl, tot, tot - n, ~wsum) != 0 ||
	    bpf_skb_change_tail(skb, ETH_HLEN + tot - n, 0) != 0)
		return count(ATR_STRIP_ERR);
	return count(ATR_STRIPPED);
}

char _license[] SEC("license") = "Dual BSD/GPL";
