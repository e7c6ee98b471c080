/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The trailer codec (trl.h, docs/trailer.md). Checksums are updated incrementally,
 * RFC 1624 equation 3: HC' = ~(~HC + ~m + m'), in 32-bit one's complement sums folded
 * to 16 bits. A byte run that starts at an odd offset of the checksummed data is
 * summed as if even and then byte-swapped (RFC 1071, section 2(B)).
 */
#include <string.h>

#include "trl.h"

#define IPV4_MIN_HLEN 20
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff
#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17

static const char *const status_names[TRL_STATUS_MAX] = {
	[TRL_OK] = "ok",
	[TRL_NONE] = "none",
	[TRL_E_BAD_IP] = "bad_ip",
	[TRL_E_FRAGMENT] = "fragment",
	[TRL_E_BAD_VERSION] = "bad_version",
	[TRL_E_BAD_LENGTH] = "bad_length",
	[TRL_E_BAD_FLAGS] = "bad_flags",
	[TRL_E_BAD_ID] = "bad_id",
	[TRL_E_BAD_L4] = "bad_l4",
	[TRL_E_BAD_TAG] = "bad_tag",
	[TRL_E_TOO_BIG] = "too_big",
};

const char *
trl_status_name(enum trl_status s)
{
	return (unsigned int)s < TRL_STATUS_MAX ? status_names[s] : "?";
}

/*
 * Big-endian fields at any alignment, each one load or store and a byte swap (GCC 12
 * did not merge the byte-by-byte form into one load: ten instructions per get32).
 */
static inline uint16_t
get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap16(v);
#endif
	return v;
}

static inline uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline void
put16(uint8_t *p, uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap16(v);
#endif
	memcpy(p, &v, sizeof(v));
}

static inline void
put32(uint8_t *p, uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	memcpy(p, &v, sizeof(v));
}

static inline uint32_t
fold(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	return (s & 0xffff) + (s >> 16);
}

/*
 * One's complement sum of 'n' bytes at 'p', as if they started at an even offset. The
 * sum is byte-order independent (RFC 1071 section 2(B)): the bytes are added as host-order
 * 32-bit words, folded, and swapped to network order at the end on little-endian hosts;
 * a last odd byte is the high byte of its network-order 16-bit word.
 */
static uint32_t
sum_bytes(const uint8_t *p, size_t n)
{
	uint64_t s = 0;
	size_t i;
	uint32_t f;

	for (i = 0; i + 4 <= n; i += 4) {
		uint32_t w;

		memcpy(&w, p + i, 4);
		s += w;
	}
	if (i + 2 <= n) {
		uint16_t w;

		memcpy(&w, p + i, 2);
		s += w;
		i += 2;
	}
	if (i < n) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		s += p[i];
#else
		s += (uint32_t)p[i] << 8;
#endif
	}
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	f = fold((uint32_t)s);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	f = __builtin_bswap16((uint16_t)f);
#endif
	return f;
}

/* The sum of 'n' bytes that sit at offset 'off' of the checksummed data. */
static uint32_t
sum_at(const uint8_t *p, size_t n, size_t off)
{
	uint32_t s = sum_bytes(p, n);

	return (off & 1) ? __builtin_bswap16((uint16_t)s) : s;
}

/*
 * Update the checksum at 'ck' for data whose sum grew by 'add' and lost 'sub' (both
 * folded one's complement sums). 'udp': a 0 checksum means none and stays 0, and a
 * computed 0 is sent as 0xffff (RFC 768).
 */
static void
csum_update(uint8_t *ck, uint32_t add, uint32_t sub, int udp)
{
	uint16_t old = get16(ck);
	uint32_t s;
	uint16_t c;

	if (udp && old == 0)
		return;
	s = (uint16_t)~old;
	s += add;
	s += (uint16_t)~sub;
	c = (uint16_t)~fold(s);
	if (udp && c == 0)
		c = 0xffff;
	put16(ck, c);
}

/* IPv4 header checks shared by every entry point; sets *hlen and *tot. */
static enum trl_status
ip_check(const uint8_t *ip, size_t len, size_t *hlen, size_t *tot)
{
	if (len < IPV4_MIN_HLEN || (ip[0] >> 4) != 4)
		return TRL_E_BAD_IP;
	*hlen = (size_t)(ip[0] & 0x0f) * 4;
	*tot = get16(ip + 2);
	if (*hlen < IPV4_MIN_HLEN || *tot < *hlen || *tot > len)
		return TRL_E_BAD_IP;
	if (get16(ip + 6) & (IP_MF | IP_OFFMASK))
		return TRL_E_FRAGMENT;
	return TRL_OK;
}

/* Bytes of L4 header the checksum update and the ports need: TCP 20, UDP 8, ICMP 4. */
static size_t
l4_need(uint8_t proto)
{
	switch (proto) {
	case PROTO_TCP:
		return 20;
	case PROTO_UDP:
		return 8;
	case PROTO_ICMP:
		return 4;
	default:
		return 0;
	}
}

/* Ports (host order; 0 for other protocols) of the packet whose L4 data is ip[hlen, end). */
static enum trl_status
flow_ports(const uint8_t *ip, size_t hlen, size_t end, uint16_t *sport, uint16_t *dport)
{
	uint8_t proto = ip[9];

	*sport = *dport = 0;
	if (end - hlen < l4_need(proto))
		return TRL_E_BAD_L4;
	/* The trailer is inside the UDP datagram: its length is the whole IP payload. */
	if (proto == PROTO_UDP && get16(ip + hlen + 4) != get16(ip + 2) - hlen)
		return TRL_E_BAD_L4;
	if (proto == PROTO_TCP || proto == PROTO_UDP) {
		*sport = get16(ip + hlen);
		*dport = get16(ip + hlen + 2);
	}
	return TRL_OK;
}

/* Protocol and ports of the packet whose L4 data is ip[hlen, end) into 't'. */
static enum trl_status
flow(const uint8_t *ip, size_t hlen, size_t end, struct trl_info *t)
{
	t->proto = ip[9];
	return flow_ports(ip, hlen, end, &t->sport, &t->dport);
}

enum trl_status
trl_flow_of(const uint8_t *ip, size_t len, struct trl_info *t)
{
	size_t hlen, tot;
	enum trl_status s = ip_check(ip, len, &hlen, &tot);

	return s != TRL_OK ? s : flow(ip, hlen, tot, t);
}

/*
 * Fields are kept in scalars and stored into 'out' one by one at the end: building a
 * struct on the stack with narrow stores and copying it out with wide loads stalls on
 * store forwarding (perf: a fifth of the trailer path's cycles at 64 B).
 */
enum trl_status
trl_decode(const uint8_t *ip, size_t len, struct trl_info *out)
{
	const uint8_t *end;
	size_t hlen, tot, tlen;
	uint32_t term, app;
	uint16_t sport, dport;
	enum trl_status s;
	uint8_t flags;

	s = ip_check(ip, len, &hlen, &tot);
	if (s != TRL_OK)
		return s;
	if (tot - hlen < TRL_LEN)
		return TRL_NONE;
	end = ip + tot;
	if (get32(end - 4) != TRL_MAGIC)
		return TRL_NONE;
	if (end[-7] != TRL_VERSION)
		return TRL_E_BAD_VERSION;
	flags = end[-8];
	tlen = get16(end - 6);
	if (tlen != ((flags & TRL_F_AUTH) ? TRL_LEN_AUTH : TRL_LEN) || tlen > tot - hlen)
		return TRL_E_BAD_LENGTH;
	if (flags & TRL_F_RESERVED)
		return TRL_E_BAD_FLAGS;
	term = get32(end - 12);
	app = get32(end - 16);
	if (term == 0 || app == 0)
		return TRL_E_BAD_ID;
	s = flow_ports(ip, hlen, tot - tlen, &sport, &dport);
	if (s != TRL_OK)
		return s;
	out->terminal_id = term;
	out->app_id = app;
	out->flags = flags;
	out->len = (uint8_t)tlen;
	out->proto = ip[9];
	if (flags & TRL_F_AUTH)
		memcpy(out->tag, end - TRL_LEN_AUTH, TRL_TAG_LEN);
	else
		memset(out->tag, 0, TRL_TAG_LEN);
	out->ip_len = (uint16_t)tot;
	out->sport = sport;
	out->dport = dport;
	return TRL_OK;
}

/*
 * Account for 'n' bytes at ip[at, at + n) joining ('grow') or leaving the packet of
 * header length 'hlen' whose total length goes from 'old_tot' to 'new_tot'.
 */
static void
lengths_and_sums(uint8_t *ip, size_t hlen, size_t old_tot, size_t new_tot, size_t at, size_t n,
		 int grow)
{
	uint32_t bytes = sum_at(ip + at, n, at - hlen);
	uint32_t old_l4 = (uint32_t)(old_tot - hlen), new_l4 = (uint32_t)(new_tot - hlen);
	uint8_t *l4 = ip + hlen;

	put16(ip + 2, (uint16_t)new_tot);
	csum_update(ip + 10, (uint32_t)new_tot, (uint32_t)old_tot, 0);
	switch (ip[9]) {
	case PROTO_UDP:
		/* the length counts twice: in the UDP header and in the pseudo-header */
		put16(l4 + 4, (uint16_t)new_l4);
		csum_update(l4 + 6, fold(2 * new_l4 + (grow ? bytes : 0)),
			    fold(2 * old_l4 + (grow ? 0 : bytes)), 1);
		break;
	case PROTO_TCP:
		csum_update(l4 + 16, fold(new_l4 + (grow ? bytes : 0)),
			    fold(old_l4 + (grow ? 0 : bytes)), 0);
		break;
	case PROTO_ICMP:
		csum_update(l4 + 2, grow ? bytes : 0, grow ? 0 : bytes, 0);
		break;
	default:
		break;
	}
}

enum trl_status
trl_strip(uint8_t *ip, size_t len, const struct trl_info *t)
{
	size_t hlen, tot;
	enum trl_status s = ip_check(ip, len, &hlen, &tot);

	if (s != TRL_OK)
		return s;
	if (tot != t->ip_len || (t->len != TRL_LEN && t->len != TRL_LEN_AUTH) ||
	    tot - hlen < (size_t)t->len + l4_need(ip[9]))
		return TRL_E_BAD_IP;
	lengths_and_sums(ip, hlen, tot, tot - t->len, tot - t->len, t->len, 0);
	return TRL_OK;
}

enum trl_status
trl_append(uint8_t *ip, size_t cap, struct trl_info *t)
{
	size_t hlen, tot, n = (t->flags & TRL_F_AUTH) ? TRL_LEN_AUTH : TRL_LEN;
	enum trl_status s = ip_check(ip, cap, &hlen, &tot);
	uint8_t *p;

	if (s != TRL_OK)
		return s;
	if (t->flags & TRL_F_RESERVED)
		return TRL_E_BAD_FLAGS;
	if (t->terminal_id == 0 || t->app_id == 0)
		return TRL_E_BAD_ID;
	if (tot - hlen < l4_need(ip[9]) ||
	    (ip[9] == PROTO_UDP && get16(ip + hlen + 4) != tot - hlen))
		return TRL_E_BAD_L4;
	if (tot + n > cap || tot + n > 0xffff)
		return TRL_E_TOO_BIG;
	p = ip + tot;
	if (t->flags & TRL_F_AUTH) {
		memcpy(p, t->tag, TRL_TAG_LEN);
		p += TRL_TAG_LEN;
	}
	put32(p, t->app_id);
	put32(p + 4, t->terminal_id);
	p[8] = t->flags;
	p[9] = TRL_VERSION;
	put16(p + 10, (uint16_t)n);
	put32(p + 12, TRL_MAGIC);
	t->len = (uint8_t)n;
	lengths_and_sums(ip, hlen, tot, tot + n, tot, n, 1);
	return TRL_OK;
}

enum trl_status
trl_auth_msg(const uint8_t *ip, size_t len, const struct trl_info *t,
	     uint8_t msg[TRL_AUTH_MSG_LEN])
{
	uint8_t *p = msg + 16;

	if (len < IPV4_MIN_HLEN)
		return TRL_E_BAD_IP;
	memset(msg, 0, TRL_AUTH_MSG_LEN);
	memcpy(msg, ip + 12, 8);            /* source, destination */
	msg[8] = ip[9];
	put16(msg + 10, t->sport);
	put16(msg + 12, t->dport);
	put32(p, t->app_id);
	put32(p + 4, t->terminal_id);
	p[8] = t->flags;
	p[9] = TRL_VERSION;
	put16(p + 10, (t->flags & TRL_F_AUTH) ? TRL_LEN_AUTH : TRL_LEN);
	put32(p + 12, TRL_MAGIC);
	return TRL_OK;
}
