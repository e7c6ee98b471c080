/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SHA-256 block compression and HMAC-SHA-256 from precomputed pad states, header-only,
 * for the terminal's tc BPF program (trailer/agw_trailer.bpf.c), where no crypto helper
 * computes a hash. The same code is compiled into the userspace loader (which computes
 * the pad states from the terminal's key) and into the unit tests, which check it
 * against OpenSSL's HMAC-SHA-256 (trl_tag) byte for byte. Everywhere else AGW uses
 * OpenSSL (trl_auth.h).
 *
 * Implements FIPS 180-4 section 6.2.2 (one 512-bit block) and RFC 2104 HMAC with keys
 * of at most 64 bytes (the trailer's keys are 16 to 64 bytes, docs/trailer.md), over
 * the trailer's 32-byte message: inner and outer hash are one block each.
 *
 * Context: any; no allocation, no I/O. State words are host-order uint32; blocks and
 * digests are big-endian bytes as on the wire.
 */
#ifndef TRL_SHA256_H
#define TRL_SHA256_H

#include <linux/types.h>

#ifndef TRL_INLINE
#define TRL_INLINE static inline __attribute__((always_inline))
#endif

/* Fixed-count loops are unrolled on the host. In BPF they stay loops (bounded, which the
 * verifier walks): unrolled rounds keep more values live than BPF's 10 registers and
 * spill past the 512-byte stack. */
#if defined(__bpf__)
#define TRL_UNROLL _Pragma("nounroll")
#elif defined(__clang__)
#define TRL_UNROLL _Pragma("unroll")
#else
#define TRL_UNROLL _Pragma("GCC unroll 64")
#endif

#define TRL_SHA256_BLOCK 64   /**< bytes per compressed block */
#define TRL_SHA256_WORDS 8    /**< 32-bit words of state (and of a digest) */

/** HMAC-SHA-256 keyed state: the SHA-256 states after (key ^ ipad) and (key ^ opad). */
struct trl_hmac_pads {
	__u32 inner[TRL_SHA256_WORDS];
	__u32 outer[TRL_SHA256_WORDS];
};

#define TRL_ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/** trl_get_be32 - the big-endian word at @p (4 bytes, any alignment). */
TRL_INLINE __u32 trl_get_be32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

/** trl_put_be32 - store @v at @p big-endian (4 bytes, any alignment). */
TRL_INLINE void trl_put_be32(__u8 *p, __u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/**
 * trl_sha256_block - compress one 64-byte block into @st (FIPS 180-4 6.2.2).
 * @st: 8 words of state, updated in place.
 * @blk: 64 bytes, big-endian words.
 * @w: caller's scratch for the message schedule, 64 words (a BPF program keeps it in a
 *     per-CPU map: it does not fit its stack beside the rest).
 */
TRL_INLINE void trl_sha256_block(__u32 st[8], const __u8 blk[64], __u32 w[64])
{
	static const __u32 k[64] = {
		0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
		0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
		0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
		0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
		0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
		0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
		0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
		0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
		0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
		0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
		0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
	};
	__u32 a, b, c, d, e, f, g, h, t1, t2;
	int i;

TRL_UNROLL
	for (i = 0; i < 16; i++)
		w[i] = trl_get_be32(&blk[4 * i]);
TRL_UNROLL
	for (i = 16; i < 64; i++) {
		__u32 s0 = TRL_ROR(w[i - 15], 7) ^ TRL_ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		__u32 s1 = TRL_ROR(w[i - 2], 17) ^ TRL_ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = st[0]; b = st[1]; c = st[2]; d = st[3];
	e = st[4]; f = st[5]; g = st[6]; h = st[7];
TRL_UNROLL
	for (i = 0; i < 64; i++) {
		t1 = h + (TRL_ROR(e, 6) ^ TRL_ROR(e, 11) ^ TRL_ROR(e, 25)) + ((e & f) ^ (~e & g)) +
		     k[i] + w[i];
		t2 = (TRL_ROR(a, 2) ^ TRL_ROR(a, 13) ^ TRL_ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	st[0] += a; st[1] += b; st[2] += c; st[3] += d;
	st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

/**
 * trl_sha256_pad32 - the last block of a hash over a 64-byte prefix (an HMAC pad) and a
 * 32-byte message: the message, 0x80, zeros and the 64-bit bit length 8 * (64 + 32).
 * @blk: 64 bytes out; @msg: 32 bytes in.
 */
TRL_INLINE void trl_sha256_pad32(__u8 blk[64], const __u8 msg[32])
{
	int i;

TRL_UNROLL
	for (i = 0; i < 32; i++)
		blk[i] = msg[i];
	blk[32] = 0x80;
TRL_UNROLL
	for (i = 33; i < 62; i++)
		blk[i] = 0;
	blk[62] = (8 * 96) >> 8; /* 768 bits = 0x0300 */
	blk[63] = (8 * 96) & 0xff;
}

/**
 * trl_hmac32 - the first 8 bytes of HMAC-SHA-256 over a 32-byte message, from the key's
 * pad states (trl_hmac_pads_init).
 * @p: the pads; not changed.
 * @msg: 32 bytes (the trailer's auth message, docs/trailer.md).
 * @tag: 8 bytes out.
 * @blk: 64 bytes of scratch; @w: 64 words of scratch.
 */
TRL_INLINE void trl_hmac32(const struct trl_hmac_pads *p, const __u8 msg[32], __u8 tag[8],
			   __u8 blk[64], __u32 w[64])
{
	__u32 st[8];
	__u8 dig[32];
	int i;

TRL_UNROLL
	for (i = 0; i < 8; i++)
		st[i] = p->inner[i];
	trl_sha256_pad32(blk, msg);
	trl_sha256_block(st, blk, w);
TRL_UNROLL
	for (i = 0; i < 8; i++) {
		trl_put_be32(&dig[4 * i], st[i]);
		st[i] = p->outer[i];
	}
	trl_sha256_pad32(blk, dig);
	trl_sha256_block(st, blk, w);
TRL_UNROLL
	for (i = 0; i < 2; i++)
		trl_put_be32(&tag[4 * i], st[i]);
}

/**
 * trl_hmac_pads_init - the pad states of an HMAC-SHA-256 key (RFC 2104 section 2).
 * @key: @len bytes, 1..64 (longer keys would first be hashed; the trailer's are not).
 * Returns 0, or -1 when @len is 0 or over 64 (nothing written).
 */
TRL_INLINE int trl_hmac_pads_init(struct trl_hmac_pads *p, const __u8 *key, unsigned int len)
{
	static const __u32 iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	__u8 ib[64], ob[64];
	__u32 w[64];
	unsigned int i;

	if (len == 0 || len > 64)
		return -1;
	for (i = 0; i < 64; i++) {
		__u8 kb = i < len ? key[i] : 0;

		ib[i] = kb ^ 0x36;
		ob[i] = kb ^ 0x5c;
	}
	for (i = 0; i < 8; i++) {
		p->inner[i] = iv[i];
		p->outer[i] = iv[i];
	}
	trl_sha256_block(p->inner, ib, w);
	trl_sha256_block(p->outer, ob, w);
	return 0;
}

#endif /* TRL_SHA256_H */
