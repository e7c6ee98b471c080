/* SPDX-License-Identifier: BSD-3-Clause */
/* Trailer tags with OpenSSL 3's EVP_MAC HMAC and EVP_Digest SHA-256 (trl_auth.h). */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "trl_auth.h"

struct trl_key {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
};

struct trl_key *
trl_key_create(const uint8_t *key, size_t len)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	struct trl_key *k;

	if (key == NULL || len < TRL_KEY_MIN || len > TRL_KEY_MAX)
		return NULL;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return NULL;
	k->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (k->mac != NULL)
		k->ctx = EVP_MAC_CTX_new(k->mac);
	if (k->ctx == NULL || EVP_MAC_init(k->ctx, key, len, params) != 1) {
		trl_key_free(k);
		return NULL;
	}
	return k;
}

void
trl_key_free(struct trl_key *k)
{
	if (k == NULL)
		return;
	EVP_MAC_CTX_free(k->ctx);   /* clears the key schedule */
	EVP_MAC_free(k->mac);
	free(k);
}

int
trl_tag(struct trl_key *k, const uint8_t msg[TRL_AUTH_MSG_LEN], uint8_t tag[TRL_TAG_LEN])
{
	uint8_t out[EVP_MAX_MD_SIZE];
	size_t n = 0;

	/* A NULL key re-initialises the context with the key it already has. */
	if (EVP_MAC_init(k->ctx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(k->ctx, msg, TRL_AUTH_MSG_LEN) != 1 ||
	    EVP_MAC_final(k->ctx, out, &n, sizeof(out)) != 1 || n < TRL_TAG_LEN)
		return -1;
	memcpy(tag, out, TRL_TAG_LEN);
	OPENSSL_cleanse(out, sizeof(out));
	return 0;
}

enum trl_status
trl_verify(struct trl_key *k, const uint8_t *ip, size_t len, const struct trl_info *t,
	   bool required)
{
	uint8_t msg[TRL_AUTH_MSG_LEN], tag[TRL_TAG_LEN];

	if (!(t->flags & TRL_F_AUTH))
		return required ? TRL_E_BAD_TAG : TRL_OK;
	if (k == NULL || trl_auth_msg(ip, len, t, msg) != TRL_OK || trl_tag(k, msg, tag) != 0)
		return TRL_E_BAD_TAG;
	return CRYPTO_memcmp(tag, t->tag, TRL_TAG_LEN) == 0 ? TRL_OK : TRL_E_BAD_TAG;
}

enum trl_status
trl_sign(struct trl_key *k, const uint8_t *ip, size_t len, struct trl_info *t)
{
	uint8_t msg[TRL_AUTH_MSG_LEN];
	enum trl_status s;

	if (!(t->flags & TRL_F_AUTH))
		return TRL_E_BAD_FLAGS;
	s = trl_auth_msg(ip, len, t, msg);
	if (s != TRL_OK)
		return s;
	return trl_tag(k, msg, t->tag) == 0 ? TRL_OK : TRL_E_BAD_TAG;
}

uint32_t
trl_app_id_hash(const char *name)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	uint32_t v;

	if (EVP_Digest(name, strlen(name), md, &n, EVP_sha256(), NULL) != 1 || n < 4)
		return TRL_APP_HASHED;   /* cannot happen with a working libcrypto */
	v = (uint32_t)md[0] << 24 | (uint32_t)md[1] << 16 | (uint32_t)md[2] << 8 | md[3];
	return TRL_APP_HASHED | (v & 0x7fffffff);
}

int
trl_key_from_hex(const char *hex, uint8_t key[TRL_KEY_MAX])
{
	size_t n = 0;

	if (hex == NULL || OPENSSL_hexstr2buf_ex(key, TRL_KEY_MAX, &n, hex, '\0') != 1) {
		ERR_clear_error();   /* the verdict is ours to report */
		return -1;
	}
	return (int)n;
}
