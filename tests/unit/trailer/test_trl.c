/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The trailer codec (trailer/trl.h, trl_auth.h) against packets scapy built
 * (tests/unit/vectors/gen_trailer_vectors.py): append gives scapy's tagged packet byte
 * for byte, strip gives the plain one back, decode reads every field; then every
 * validation failure of docs/trailer.md, each leaving the packet unchanged.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "trl.h"
#include "trl_auth.h"
#include "trl_sha256.h"
#include "trl_vectors.h"

#define NCASES (sizeof(tv_cases) / sizeof(tv_cases[0]))

static void
test_vectors(void)
{
	struct trl_key *k = trl_key_create(tv_key, sizeof(tv_key));
	unsigned int i;

	CU_ASSERT_FATAL(k != NULL);
	for (i = 0; i < NCASES; i++) {
		const struct tv_case *c = &tv_cases[i];
		struct trl_info t = { .terminal_id = c->term, .app_id = c->app, .flags = c->flags };
		struct trl_info d;
		uint8_t buf[2048];

		memset(buf, 0xee, sizeof(buf));
		memcpy(buf, c->plain, c->plain_len);
		CU_ASSERT_EQUAL(trl_decode(buf, c->plain_len, &d), TRL_NONE);
		CU_ASSERT_EQUAL_FATAL(trl_flow_of(buf, c->plain_len, &t), TRL_OK);
		if (c->auth)
			CU_ASSERT_EQUAL(trl_sign(k, buf, c->plain_len, &t), TRL_OK);
		CU_ASSERT_EQUAL(trl_append(buf, sizeof(buf), &t), TRL_OK);
		CU_ASSERT_EQUAL(t.len, c->tagged_len - c->plain_len);
		if (memcmp(buf, c->tagged, c->tagged_len) != 0) {
			CU_FAIL("append differs from scapy's packet");
			fprintf(stderr, "\n    case %s: append differs from scapy\n", c->name);
		}

		/* decode scapy's packet, with 4 bytes of Ethernet padding after it */
		memcpy(buf, c->tagged, c->tagged_len);
		memset(buf + c->tagged_len, 0, 4);
		memset(&d, 0x55, sizeof(d));
		CU_ASSERT_EQUAL_FATAL(trl_decode(buf, c->tagged_len + 4, &d), TRL_OK);
		CU_ASSERT_EQUAL(d.terminal_id, c->term);
		CU_ASSERT_EQUAL(d.app_id, c->app);
		CU_ASSERT_EQUAL(d.flags, c->flags);
		CU_ASSERT_EQUAL(d.len, c->tagged_len - c->plain_len);
		CU_ASSERT_EQUAL(d.ip_len, c->tagged_len);
		CU_ASSERT_EQUAL(d.proto, c->plain[9]);
		CU_ASSERT_EQUAL(d.sport, t.sport);
		CU_ASSERT_EQUAL(d.dport, t.dport);
		if (c->auth) {
			CU_ASSERT(memcmp(d.tag, t.tag, TRL_TAG_LEN) == 0);
			CU_ASSERT_EQUAL(trl_verify(k, buf, c->tagged_len, &d, true), TRL_OK);
		} else {
			CU_ASSERT_EQUAL(trl_verify(k, buf, c->tagged_len, &d, false), TRL_OK);
			CU_ASSERT_EQUAL(trl_verify(k, buf, c->tagged_len, &d, true), TRL_E_BAD_TAG);
		}
		CU_ASSERT_EQUAL(trl_strip(buf, c->tagged_len + 4, &d), TRL_OK);
		if (memcmp(buf, c->plain, c->plain_len) != 0) {
			CU_FAIL("strip differs from scapy's plain packet");
			fprintf(stderr, "\n    case %s: strip differs from scapy\n", c->name);
		}
	}
	trl_key_free(k);
}

/* A copy of the doc example's tagged packet in 'buf'; @return its length. */
static size_t
doc_tagged(uint8_t *buf)
{
	memcpy(buf, tv_udp_doc_tagged, sizeof(tv_udp_doc_tagged));
	return sizeof(tv_udp_doc_tagged);
}

static enum trl_status
decode_mut(size_t off, uint8_t val)
{
	struct trl_info d;
	uint8_t buf[128];
	size_t n = doc_tagged(buf);

	buf[off] = val;
	return trl_decode(buf, n, &d);
}

static void
test_validation(void)
{
	const size_t n = sizeof(tv_udp_doc_tagged), end = n;
	struct trl_info d;
	uint8_t buf[128];

	CU_ASSERT_EQUAL(decode_mut(0, 0x65), TRL_E_BAD_IP);           /* version 6 */
	CU_ASSERT_EQUAL(decode_mut(0, 0x44), TRL_E_BAD_IP);           /* IHL 4 */
	CU_ASSERT_EQUAL(decode_mut(0, 0x4f), TRL_E_BAD_IP);           /* IHL 15 > total */
	CU_ASSERT_EQUAL(decode_mut(3, (uint8_t)(n + 1)), TRL_E_BAD_IP); /* total > bytes */
	CU_ASSERT_EQUAL(decode_mut(6, 0x20), TRL_E_FRAGMENT);         /* MF */
	CU_ASSERT_EQUAL(decode_mut(7, 0x01), TRL_E_FRAGMENT);         /* offset 8 */
	CU_ASSERT_EQUAL(decode_mut(end - 1, 0x55), TRL_NONE);         /* magic */
	CU_ASSERT_EQUAL(decode_mut(end - 7, 2), TRL_E_BAD_VERSION);
	CU_ASSERT_EQUAL(decode_mut(end - 5, 17), TRL_E_BAD_LENGTH);
	CU_ASSERT_EQUAL(decode_mut(end - 5, 24), TRL_E_BAD_LENGTH);   /* 24 without AUTH */
	CU_ASSERT_EQUAL(decode_mut(end - 8, TRL_F_AUTH), TRL_E_BAD_LENGTH); /* AUTH, 16 */
	CU_ASSERT_EQUAL(decode_mut(end - 8, 0x04), TRL_E_BAD_FLAGS);
	CU_ASSERT_EQUAL(decode_mut(end - 8, 0x80), TRL_E_BAD_FLAGS);
	{
		uint8_t b[128];
		size_t m = doc_tagged(b);

		memset(b + end - 12, 0, 4);                           /* terminal 0 */
		CU_ASSERT_EQUAL(trl_decode(b, m, &d), TRL_E_BAD_ID);
		m = doc_tagged(b);
		memset(b + end - 16, 0, 4);                           /* app 0 */
		CU_ASSERT_EQUAL(trl_decode(b, m, &d), TRL_E_BAD_ID);
	}
	CU_ASSERT_EQUAL(trl_decode(buf, 19, &d), TRL_E_BAD_IP);      /* < 20 bytes */

	/* Payload of 10 bytes: too short for any trailer. */
	memcpy(buf, tv_udp_doc_plain, sizeof(tv_udp_doc_plain));
	CU_ASSERT_EQUAL(trl_decode(buf, sizeof(tv_udp_doc_plain), &d), TRL_NONE);

	/* A trailer whose length (24, AUTH) exceeds an IP payload of 16 bytes: rewrite the
	 * doc packet as protocol 253 with only the trailer as payload. */
	{
		uint8_t b[64];

		memcpy(b, tv_udp_doc_tagged, 20);
		memcpy(b + 20, tv_udp_doc_tagged + n - 16, 16);
		b[2] = 0;
		b[3] = 36;
		b[9] = 253;
		CU_ASSERT_EQUAL(trl_decode(b, 36, &d), TRL_OK);
		b[20 + 8] = TRL_F_AUTH;
		b[20 + 11] = 24;
		CU_ASSERT_EQUAL(trl_decode(b, 36, &d), TRL_E_BAD_LENGTH);
		/* Same as UDP: 0 bytes of UDP header before the trailer. */
		b[20 + 8] = 0;
		b[20 + 11] = 16;
		b[9] = 17;
		CU_ASSERT_EQUAL(trl_decode(b, 36, &d), TRL_E_BAD_L4);
	}

	/* Strip refuses an info that does not belong to the packet. */
	CU_ASSERT_EQUAL_FATAL(doc_tagged(buf), n);
	CU_ASSERT_EQUAL_FATAL(trl_decode(buf, n, &d), TRL_OK);
	d.ip_len++;
	CU_ASSERT_EQUAL(trl_strip(buf, n, &d), TRL_E_BAD_IP);
	CU_ASSERT(memcmp(buf, tv_udp_doc_tagged, n) == 0);
}

static void
test_append_errors(void)
{
	const size_t n = sizeof(tv_udp_doc_plain);
	struct {
		struct trl_info t;
		size_t cap;
		uint8_t frag;
		enum trl_status want;
	} cases[] = {
		{ { .terminal_id = 7, .app_id = 1, .flags = 0x10 }, 128, 0, TRL_E_BAD_FLAGS },
		{ { .terminal_id = 0, .app_id = 1 }, 128, 0, TRL_E_BAD_ID },
		{ { .terminal_id = 7, .app_id = 0 }, 128, 0, TRL_E_BAD_ID },
		{ { .terminal_id = 7, .app_id = 1 }, n + 15, 0, TRL_E_TOO_BIG },
		{ { .terminal_id = 7, .app_id = 1, .flags = TRL_F_AUTH }, n + 23, 0, TRL_E_TOO_BIG },
		{ { .terminal_id = 7, .app_id = 1 }, 128, 0x20, TRL_E_FRAGMENT },
		{ { .terminal_id = 7, .app_id = 1 }, n - 1, 0, TRL_E_BAD_IP },
	};
	uint8_t buf[128], before[128];
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(buf, 0xee, sizeof(buf));
		memcpy(buf, tv_udp_doc_plain, n);
		buf[6] |= cases[i].frag;
		memcpy(before, buf, sizeof(buf));
		CU_ASSERT_EQUAL(trl_append(buf, cases[i].cap, &cases[i].t), cases[i].want);
		CU_ASSERT(memcmp(buf, before, sizeof(buf)) == 0);
	}
	/* 65535 bytes is the ceiling even with room in the buffer. */
	{
		static uint8_t big[70000];
		struct trl_info t = { .terminal_id = 7, .app_id = 1 };

		memcpy(big, tv_udp_doc_plain, 20);
		big[2] = 0xff;
		big[3] = 0xf0;       /* total 65520: +16 = 65536 */
		big[9] = 253;
		CU_ASSERT_EQUAL(trl_append(big, sizeof(big), &t), TRL_E_TOO_BIG);
		big[3] = 0xef;       /* 65519 + 16 = 65535: fits */
		CU_ASSERT_EQUAL(trl_append(big, sizeof(big), &t), TRL_OK);
	}
	/* A UDP length that is not the IP payload's. */
	{
		struct trl_info t = { .terminal_id = 7, .app_id = 1 }, d;

		memcpy(buf, tv_udp_doc_plain, n);
		buf[25]--;
		CU_ASSERT_EQUAL(trl_append(buf, sizeof(buf), &t), TRL_E_BAD_L4);
		memcpy(buf, tv_udp_doc_tagged, sizeof(tv_udp_doc_tagged));
		buf[25]++;
		CU_ASSERT_EQUAL(trl_decode(buf, sizeof(tv_udp_doc_tagged), &d), TRL_E_BAD_L4);
	}
	/* An ICMP header cut short. */
	{
		struct trl_info t = { .terminal_id = 7, .app_id = 1 };

		memcpy(buf, tv_icmp_odd_plain, 20);
		buf[2] = 0;
		buf[3] = 22;
		CU_ASSERT_EQUAL(trl_append(buf, sizeof(buf), &t), TRL_E_BAD_L4);
	}
}

static void
test_auth(void)
{
	static const uint8_t other_key[20] = { 9, 9, 9 };
	struct trl_key *k = trl_key_create(tv_key, sizeof(tv_key));
	struct trl_key *k2 = trl_key_create(other_key, sizeof(other_key));
	const size_t n = sizeof(tv_udp_auth_tagged);
	struct trl_info d;
	uint8_t buf[128];

	CU_ASSERT_FATAL(k != NULL && k2 != NULL);
	CU_ASSERT(trl_key_create(tv_key, TRL_KEY_MIN - 1) == NULL);
	CU_ASSERT(trl_key_create(tv_key, TRL_KEY_MAX + 1) == NULL);
	memcpy(buf, tv_udp_auth_tagged, n);
	CU_ASSERT_EQUAL_FATAL(trl_decode(buf, n, &d), TRL_OK);
	CU_ASSERT_EQUAL(trl_verify(k, buf, n, &d, true), TRL_OK);
	CU_ASSERT_EQUAL(trl_verify(k2, buf, n, &d, true), TRL_E_BAD_TAG);   /* wrong key */
	CU_ASSERT_EQUAL(trl_verify(NULL, buf, n, &d, true), TRL_E_BAD_TAG);
	d.tag[7] ^= 1;
	CU_ASSERT_EQUAL(trl_verify(k, buf, n, &d, true), TRL_E_BAD_TAG);    /* one bit */
	/* Forged terminal ID: the tag of terminal 7 does not cover terminal 8. */
	buf[n - 9] = 8;
	CU_ASSERT_EQUAL_FATAL(trl_decode(buf, n, &d), TRL_OK);
	CU_ASSERT_EQUAL(d.terminal_id, 8);
	CU_ASSERT_EQUAL(trl_verify(k, buf, n, &d, true), TRL_E_BAD_TAG);
	/* The same trailer on another flow (source port changed). */
	memcpy(buf, tv_udp_auth_tagged, n);
	buf[21] ^= 1;
	CU_ASSERT_EQUAL_FATAL(trl_decode(buf, n, &d), TRL_OK);
	CU_ASSERT_EQUAL(trl_verify(k, buf, n, &d, true), TRL_E_BAD_TAG);
	/* sign refuses without AUTH */
	d.flags = 0;
	CU_ASSERT_EQUAL(trl_sign(k, buf, n, &d), TRL_E_BAD_FLAGS);
	trl_key_free(k);
	trl_key_free(k2);
	trl_key_free(NULL);
}

static void
test_names(void)
{
	CU_ASSERT_STRING_EQUAL(trl_status_name(TRL_E_BAD_TAG), "bad_tag");
	CU_ASSERT_STRING_EQUAL(trl_status_name(TRL_NONE), "none");
	CU_ASSERT_STRING_EQUAL(trl_status_name(TRL_STATUS_MAX), "?");
	CU_ASSERT_EQUAL(trl_app_id_hash(TV_APP_NAME), TV_APP_HASH);
	CU_ASSERT(trl_app_id_hash("") & TRL_APP_HASHED);
}

/* The terminal's BPF HMAC (trl_sha256.h, from pad states) against OpenSSL's (trl_tag)
 * for keys of 16 to 64 bytes and varied messages; and its refusals. */
static void
test_bpf_hmac(void)
{
	unsigned int klen, m, i;

	for (klen = TRL_KEY_MIN; klen <= TRL_KEY_MAX; klen += 8) {
		uint8_t key[TRL_KEY_MAX], msg[TRL_AUTH_MSG_LEN], want[TRL_TAG_LEN], got[TRL_TAG_LEN];
		uint8_t blk[64];
		uint32_t w[64];
		struct trl_hmac_pads p;
		struct trl_key *k;

		for (i = 0; i < klen; i++)
			key[i] = (uint8_t)(i * 37 + klen);
		k = trl_key_create(key, klen);
		CU_ASSERT_FATAL(k != NULL);
		CU_ASSERT_EQUAL_FATAL(trl_hmac_pads_init(&p, key, klen), 0);
		for (m = 0; m < 16; m++) {
			for (i = 0; i < sizeof(msg); i++)
				msg[i] = (uint8_t)(m * 251 + i * 13 + (m & 1 ? 0x80 : 0));
			CU_ASSERT_EQUAL_FATAL(trl_tag(k, msg, want), 0);
			memset(got, 0, sizeof(got));
			trl_hmac32(&p, msg, got, blk, w);
			CU_ASSERT(memcmp(got, want, sizeof(got)) == 0);
		}
		trl_key_free(k);
	}
	{
		uint8_t key[TRL_KEY_MAX];
		char hex[2 * TRL_KEY_MAX + 3];

		CU_ASSERT_EQUAL(trl_key_from_hex("000102030405060708090a0B0c0D0e0F", key), 16);
		CU_ASSERT(key[0] == 0 && key[11] == 0x0b && key[15] == 0x0f);
		CU_ASSERT_EQUAL(trl_key_from_hex("0001020", key), -1);     /* odd */
		CU_ASSERT_EQUAL(trl_key_from_hex("zz01", key), -1);        /* not hex */
		CU_ASSERT_EQUAL(trl_key_from_hex("00:01", key), -1);       /* separators */
		CU_ASSERT_EQUAL(trl_key_from_hex("0a0b", key), 2);         /* short: caller's call */
		memset(hex, 'a', 2 * TRL_KEY_MAX);
		hex[2 * TRL_KEY_MAX] = '\0';
		CU_ASSERT_EQUAL(trl_key_from_hex(hex, key), TRL_KEY_MAX);
		strcpy(hex + 2 * TRL_KEY_MAX, "aa");                       /* 65 bytes */
		CU_ASSERT_EQUAL(trl_key_from_hex(hex, key), -1);
	}
	{
		struct trl_hmac_pads p;
		uint8_t key[65] = { 0 };

		CU_ASSERT_EQUAL(trl_hmac_pads_init(&p, key, 0), -1);
		CU_ASSERT_EQUAL(trl_hmac_pads_init(&p, key, 65), -1);
	}
}

int test_trl_register(void);

int
test_trl_register(void)
{
	CU_pSuite s = CU_add_suite("trailer_codec", NULL, NULL);

	if (s == NULL ||
	    CU_add_test(s, "append/strip/decode vs scapy, byte for byte", test_vectors) == NULL ||
	    CU_add_test(s, "every validation failure", test_validation) == NULL ||
	    CU_add_test(s, "append refusals leave the packet", test_append_errors) == NULL ||
	    CU_add_test(s, "tags: keys, bits, forged IDs, other flows", test_auth) == NULL ||
	    CU_add_test(s, "names and hashed app IDs", test_names) == NULL ||
	    CU_add_test(s, "BPF HMAC from pad states vs OpenSSL; keys from hex", test_bpf_hmac) == NULL)
		return -1;
	return 0;
}
