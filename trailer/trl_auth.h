/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * AGW trailer authentication (docs/trailer.md, "Authentication tag"): the tag is the
 * first 8 bytes of HMAC-SHA-256 (RFC 2104) over trl_auth_msg()'s 32 bytes, keyed per
 * terminal. HMAC and SHA-256 are OpenSSL's (libcrypto); nothing here is our own crypto.
 *
 * A struct trl_key holds one terminal's key as a keyed HMAC context (OpenSSL EVP_MAC),
 * re-initialised for every tag without re-keying. A key is used by one thread at a
 * time: give each lcore its own with trl_key_create().
 */
#ifndef TRL_AUTH_H
#define TRL_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trl.h"

#define TRL_KEY_MIN 16   /**< shortest terminal key, bytes */
#define TRL_KEY_MAX 64   /**< longest terminal key, bytes (one SHA-256 block) */

struct trl_key;

/**
 * A keyed HMAC-SHA-256 context for one terminal. 'key' (TRL_KEY_MIN..TRL_KEY_MAX
 * bytes) is copied into the context and stays with the caller.
 * @return the context, or NULL if 'len' is out of range or memory ran out.
 */
struct trl_key *trl_key_create(const uint8_t *key, size_t len);

/** Free 'k' (NULL is allowed); its key material is cleared first. */
void trl_key_free(struct trl_key *k);

/**
 * tag = HMAC-SHA-256(k, msg)[0..8).
 * @return 0, or -1 if OpenSSL failed (tag unchanged).
 */
int trl_tag(struct trl_key *k, const uint8_t msg[TRL_AUTH_MSG_LEN], uint8_t tag[TRL_TAG_LEN]);

/**
 * Check the tag of a decoded trailer: recompute it over trl_auth_msg() of 'ip' and
 * 't' and compare in constant time (CRYPTO_memcmp).
 * @param required  the terminal must authenticate: a trailer without TRL_F_AUTH fails.
 * @return TRL_OK (tag good, or not required and absent), or TRL_E_BAD_TAG.
 */
enum trl_status trl_verify(struct trl_key *k, const uint8_t *ip, size_t len,
			   const struct trl_info *t, bool required);

/**
 * Compute t->tag for the packet 'ip' (without its trailer yet) and the fields of 't'
 * (TRL_F_AUTH must be set); t->sport/dport must come from trl_flow_of().
 * @return TRL_OK, TRL_E_BAD_FLAGS (no TRL_F_AUTH), TRL_E_BAD_IP, or TRL_E_BAD_TAG if
 *   OpenSSL failed.
 */
enum trl_status trl_sign(struct trl_key *k, const uint8_t *ip, size_t len, struct trl_info *t);

/**
 * A terminal key written as hex digits (2 a byte, either case, nothing else) into 'key',
 * with OpenSSL's OPENSSL_hexstr2buf_ex. The caller checks the length against
 * TRL_KEY_MIN, and clears 'key' after use.
 * @return the number of bytes (0..TRL_KEY_MAX), or -1 when 'hex' is not hex digits in
 *   pairs or holds more than TRL_KEY_MAX bytes ('key' may be partly written then).
 */
int trl_key_from_hex(const char *hex, uint8_t key[TRL_KEY_MAX]);

/**
 * The hashed application ID of 'name' (UTF-8): TRL_APP_HASHED | the first 4 bytes of
 * SHA-256(name), big-endian, & 0x7fffffff (docs/trailer.md, "Application IDs").
 * @return the ID (never 0).
 */
uint32_t trl_app_id_hash(const char *name);

#endif /* TRL_AUTH_H */
