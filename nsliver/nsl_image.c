/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot images (nsl.h): fetched with libcurl (http, https, file) into [nsliver]
 * cache_dir, cut at image_max_mib, checked against an optional SHA-256 (OpenSSL EVP)
 * before the cache file is renamed into place. The cache key is the SHA-256 of the URL
 * and the digest asked, so a URL fetched without a digest is fetched again with one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "agw_fs.h"
#include "nsl.h"

struct sink {
	FILE *f;
	EVP_MD_CTX *md;
	uint64_t bytes, max;
	bool too_big;
};

static size_t
on_data(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;

	if (s->bytes + n > s->max) {
		s->too_big = true;
		return 0;   /* libcurl stops: CURLE_WRITE_ERROR */
	}
	s->bytes += n;
	if (fwrite(buf, 1, n, s->f) != n || EVP_DigestUpdate(s->md, buf, n) != 1)
		return 0;
	return n;
}

static void
hex(const unsigned char *b, unsigned int n, char *out)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

int
nsl_image_fetch(const struct nsl_conf *c, const char *url, const char *sha256, char *path,
		size_t len, char *err, size_t errlen)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	char key[65], got[65], part[600];
	struct sink s = { .max = c->image_max_mib << 20 };
	unsigned int dl = 0;
	long status = 0;
	CURLcode cc;
	CURL *h;
	int rc = -1;

	/* the cache key: SHA-256 of "URL\nDIGEST" */
	snprintf(part, sizeof(part), "%s\n%s", url, sha256);
	if (EVP_Digest(part, strlen(part), d, &dl, EVP_sha256(), NULL) != 1) {
		snprintf(err, errlen, "SHA-256 unavailable");
		return -1;
	}
	hex(d, dl, key);
	if (agw_fs_mkdir_p(c->cache_dir) != 0) {
		snprintf(err, errlen, "image cache %s: %s ([nsliver] cache_dir)", c->cache_dir,
			 strerror(errno));
		return -1;
	}
	snprintf(path, len, "%s/%s", c->cache_dir, key);
	if (access(path, R_OK) == 0)
		return 0;   /* fetched and checked before */
	snprintf(part, sizeof(part), "%s.part", path);
	s.f = fopen(part, "wb");
	s.md = EVP_MD_CTX_new();
	h = curl_easy_init();
	if (s.f == NULL || s.md == NULL || h == NULL ||
	    EVP_DigestInit_ex(s.md, EVP_sha256(), NULL) != 1) {
		snprintf(err, errlen, "image %s: cannot write %s: %s", url, part, strerror(errno));
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->fetch_timeout_s);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s.max);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (s.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, errlen, "image %s is larger than %llu MiB ([nsliver] image_max_mib)",
			 url, (unsigned long long)c->image_max_mib);
		goto out;
	}
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "image %s: %s", url, curl_easy_strerror(cc));
		goto out;
	}
	if (strncmp(url, "http", 4) == 0 && status != 200) {
		snprintf(err, errlen, "image %s: the server answered HTTP %ld", url, status);
		goto out;
	}
	if (EVP_DigestFinal_ex(s.md, d, &dl) != 1 || fflush(s.f) != 0) {
		snprintf(err, errlen, "image %s: cannot write %s", url, part);
		goto out;
	}
	hex(d, dl, got);
	if (sha256[0] != '\0' && strcmp(got, sha256) != 0) {
		snprintf(err, errlen, "image %s has SHA-256 %s, not bootImage_sha256 %s", url, got,
			 sha256);
		goto out;
	}
	if (rename(part, path) != 0) {
		snprintf(err, errlen, "image %s: rename to %s: %s", url, path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (s.f != NULL)
		fclose(s.f);
	if (rc != 0)
		unlink(part);
	EVP_MD_CTX_free(s.md);
	if (h != NULL)
		curl_easy_cleanup(h);
	return rc;
}
