/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's HTTP server, on GNU libmicrohttpd (with GnuTLS for HTTPS): listening,
 * TLS, the limits every request meets before a front end sees it (header bytes: HTTP
 * 431; body bytes: 413; path and method: 404, 405) and authentication, which names the
 * caller's principal (docs/manager-api.md):
 *   - a client certificate, when [manager] tls_client_ca is set: verified against that
 *     CA by GnuTLS; its subject CN or a subjectAltName (DNS, e-mail, URI) must equal a
 *     principal's cert_name (the GENI AM API v3 way);
 *   - otherwise HTTP Basic: a principal's name and the password of its crypt(3) hash.
 *     Over TLS, or in clear only on a loopback address (mgr_conf.c enforces it).
 * No credentials: 401; a certificate that names no principal: 403. The body then goes
 * to the VNode XML-RPC front end (mgr_xmlrpc.c) at /RPC2.
 *
 * Threads: libmicrohttpd serves each connection on a thread of its own (so a call
 * waiting for gw-core does not hold up Status); mgr_http_run() blocks the main thread.
 */
#define _GNU_SOURCE
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "mgr_http.h"
#include "mgr_ops.h"
#include "mgr_xmlrpc.h"

#define CACHE_SLOTS 8

/* The server: what every connection thread reads, and the Basic credentials cache. */
struct http {
	struct mgr *m;
	struct mgr_xmlrpc *x;
	pthread_mutex_t lock;           /* guards the cache */
	struct {
		unsigned char digest[SHA256_DIGEST_LENGTH];   /* of "user\0password" */
		const struct mgr_principal *p;
	} ok[CACHE_SLOTS];              /* credentials that passed (crypt(3) is slow on purpose) */
	unsigned int n_ok, next;
};

/* One request, from its headers to its answer. */
struct req {
	const struct mgr_principal *who;
	char *body;
	size_t len;
	bool too_big;
};

static int stop_pipe[2] = { -1, -1 };

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned int status, const char *type, char *body, size_t len,
      bool basic_challenge)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (basic_challenge)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Basic realm=\"AGW manager\", charset=\"UTF-8\"");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "POST");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A refusal: status and one line saying why and what to do. */
static enum MHD_Result
refuse(struct MHD_Connection *c, unsigned int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum MHD_Result
refuse(struct MHD_Connection *c, unsigned int status, const char *fmt, ...)
{
	char *msg = NULL, *nl;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return MHD_NO;
	nl = realloc(msg, (size_t)n + 2);
	if (nl == NULL) {
		free(msg);
		return MHD_NO;
	}
	msg = nl;
	strcat(msg, "\n");
	return reply(c, status, "text/plain; charset=utf-8", msg, (size_t)n + 1,
		     status == MHD_HTTP_UNAUTHORIZED);
}

static enum MHD_Result
count_header(void *arg, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *sum = arg;

	(void)kind;
	*sum += strlen(key) + (value != NULL ? strlen(value) : 0) + 4;   /* ": " and CRLF */
	return MHD_YES;
}

/* ---------------------------------------------------------------- authentication */

/* The principal 'user' if 'pass' matches its hash. */
static const struct mgr_principal *
basic_ok(struct http *h, const char *user, const char *pass)
{
	const struct mgr_principal *p = mgr_conf_principal(&h->m->conf, user), *hit = NULL;
	unsigned char digest[SHA256_DIGEST_LENGTH];
	struct crypt_data *cd;
	size_t ul = strlen(user), pl = strlen(pass);
	unsigned char *up;
	const char *hs;
	unsigned int i;

	if (p == NULL || p->password_hash[0] == '\0' || (up = malloc(ul + pl + 1)) == NULL)
		return NULL;
	memcpy(up, user, ul + 1);
	memcpy(up + ul + 1, pass, pl);
	SHA256(up, ul + 1 + pl, digest);
	OPENSSL_cleanse(up, ul + 1 + pl);
	free(up);
	pthread_mutex_lock(&h->lock);
	for (i = 0; i < h->n_ok; i++)
		if (CRYPTO_memcmp(h->ok[i].digest, digest, sizeof(digest)) == 0)
			hit = h->ok[i].p;
	pthread_mutex_unlock(&h->lock);
	if (hit != NULL)
		return hit;
	cd = calloc(1, sizeof(*cd));
	if (cd == NULL)
		return NULL;
	hs = crypt_r(pass, p->password_hash, cd);
	if (hs != NULL && hs[0] != '*' && strlen(hs) == strlen(p->password_hash) &&
	    CRYPTO_memcmp(hs, p->password_hash, strlen(hs)) == 0)
		hit = p;
	OPENSSL_cleanse(cd, sizeof(*cd));
	free(cd);
	if (hit != NULL) {
		pthread_mutex_lock(&h->lock);
		memcpy(h->ok[h->next].digest, digest, sizeof(digest));
		h->ok[h->next].p = hit;
		h->next = (h->next + 1) % CACHE_SLOTS;
		if (h->n_ok < CACHE_SLOTS)
			h->n_ok++;
		pthread_mutex_unlock(&h->lock);
	}
	return hit;
}

static bool
cert_names(const struct mgr_principal *p, const char *name)
{
	return strcmp(p->cert_name[0] != '\0' ? p->cert_name : p->name, name) == 0;
}

/* The principal a verified client certificate names. '*presented' tells whether the
 * client sent one at all; 'why' gets the reason when it names none. */
static const struct mgr_principal *
cert_ok(struct http *h, struct MHD_Connection *c, bool *presented, char *why, size_t wl)
{
	const union MHD_ConnectionInfo *ci;
	const gnutls_datum_t *peer;
	const struct mgr_principal *hit = NULL;
	gnutls_x509_crt_t crt = NULL;
	unsigned int n = 0, status = 0, i, k;
	char name[256];
	size_t sz;
	int ret;

	*presented = false;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return NULL;
	peer = gnutls_certificate_get_peers((gnutls_session_t)ci->tls_session, &n);
	if (peer == NULL || n == 0)
		return NULL;
	*presented = true;
	if (gnutls_certificate_verify_peers2((gnutls_session_t)ci->tls_session, &status) < 0 ||
	    status != 0) {
		gnutls_datum_t out = { 0 };

		if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) ==
		    0) {
			snprintf(why, wl, "client certificate refused: %s", (char *)out.data);
			gnutls_free(out.data);
		} else
			snprintf(why, wl, "client certificate refused");
		return NULL;
	}
	if (gnutls_x509_crt_init(&crt) < 0 ||
	    gnutls_x509_crt_import(crt, &peer[0], GNUTLS_X509_FMT_DER) < 0) {
		snprintf(why, wl, "client certificate cannot be read");
		goto out;
	}
	snprintf(why, wl, "the client certificate names no principal (cert_name)");
	/* subject CN, then every subjectAltName of a kind that names someone */
	for (k = 0; hit == NULL; k++) {
		sz = sizeof(name);
		if (k == 0)
			ret = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
							    name, &sz);
		else {
			ret = gnutls_x509_crt_get_subject_alt_name(crt, k - 1, name, &sz, NULL);
			if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
				break;
			if (ret != GNUTLS_SAN_DNSNAME && ret != GNUTLS_SAN_RFC822NAME &&
			    ret != GNUTLS_SAN_URI)
				continue;
		}
		if (ret < 0 || sz >= sizeof(name) || memchr(name, '\0', sz) != NULL)
			continue;
		name[sz] = '\0';
		for (i = 0; i < h->m->conf.n_principals && hit == NULL; i++)
			if (cert_names(&h->m->conf.principals[i], name))
				hit = &h->m->conf.principals[i];
	}
out:
	if (crt != NULL)
		gnutls_x509_crt_deinit(crt);
	return hit;
}

/* ---------------------------------------------------------------- requests */

/* First call of a request (headers read): every check that needs no body. */
static enum MHD_Result
admit(struct http *h, struct MHD_Connection *c, const char *url, const char *method,
      struct req *r)
{
	const struct mgr_conf *conf = &h->m->conf;
	const char *cl;
	char why[160] = "";
	size_t hdr = 0;
	bool presented = false;
	char *pass = NULL, *user;

	MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &hdr);
	if (hdr > conf->limits.max_header_bytes)
		return refuse(c, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
			      "request headers of %zu bytes, over %zu (max_header_bytes)", hdr,
			      conf->limits.max_header_bytes);
	if (strcmp(url, "/RPC2") != 0)
		return refuse(c, MHD_HTTP_NOT_FOUND, "no resource %.64s: XML-RPC is at /RPC2", url);
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
		return refuse(c, MHD_HTTP_METHOD_NOT_ALLOWED, "XML-RPC calls are POSTed");
	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && strtoull(cl, NULL, 10) > conf->max_request_bytes)
		return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE,
			      "request body over %zu bytes (max_request_bytes)",
			      conf->max_request_bytes);
	if (conf->tls_client_ca[0] != '\0') {
		r->who = cert_ok(h, c, &presented, why, sizeof(why));
		if (r->who == NULL && presented)
			return refuse(c, MHD_HTTP_FORBIDDEN, "%s", why);
	}
	if (r->who == NULL) {
		user = MHD_basic_auth_get_username_password(c, &pass);
		if (user != NULL && pass != NULL)
			r->who = basic_ok(h, user, pass);
		if (pass != NULL)
			OPENSSL_cleanse(pass, strlen(pass));
		MHD_free(user);
		MHD_free(pass);
	}
	if (r->who == NULL)
		return refuse(c, MHD_HTTP_UNAUTHORIZED, "credentials required: %s",
			      conf->tls_client_ca[0] != '\0'
				      ? "a client certificate from tls_client_ca, or HTTP Basic"
				      : "HTTP Basic, a principal's name and password");
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	   const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct http *h = cls;
	struct req *r = *con_cls;
	struct mgr_caller who;
	char *out;
	size_t out_len;

	(void)version;
	if (r == NULL) {
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return MHD_NO;
		*con_cls = r;
		return admit(h, c, url, method, r);
	}
	if (*upload_size > 0) {
		/* a body without (or beyond) its Content-Length: read and dropped past the
		 * limit, then refused */
		if (!r->too_big && r->len + *upload_size <= h->m->conf.max_request_bytes) {
			char *nb = realloc(r->body, r->len + *upload_size + 1);

			if (nb == NULL)
				return MHD_NO;
			r->body = nb;
			memcpy(r->body + r->len, upload, *upload_size);
			r->len += *upload_size;
		} else
			r->too_big = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->who == NULL)   /* refused at the headers; nothing more to say */
		return MHD_NO;
	if (r->too_big)
		return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE,
			      "request body over %zu bytes (max_request_bytes)",
			      h->m->conf.max_request_bytes);
	who.principal = r->who->name;
	who.admin = r->who->admin;
	who.domains = r->who->domains;
	if (mgr_xmlrpc_call(h->x, &who, r->body != NULL ? r->body : "", r->len, &out,
			    &out_len) != 0)
		return refuse(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	return reply(c, MHD_HTTP_OK, "text/xml; charset=utf-8", out, out_len, false);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (r == NULL)
		return;
	free(r->body);
	free(r);
	*con_cls = NULL;
}

/* ---------------------------------------------------------------- start, stop */

static int
listen_socket(const char *spec)
{
	char host[128], *colon;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int fd, one = 1, rc;

	snprintf(host, sizeof(host), "%s", spec);
	colon = strrchr(host, ':');
	if (colon == NULL) {
		fprintf(stderr, "agw-manager: listen '%s' is not ADDRESS:PORT\n", spec);
		return -1;
	}
	*colon = '\0';
	if (host[0] == '[') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	rc = getaddrinfo(host, colon + 1, &hints, &ai);
	if (rc != 0) {
		fprintf(stderr, "agw-manager: listen '%s': %s\n", spec, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 64) != 0) {
		fprintf(stderr, "agw-manager: cannot listen on %s: %s\n", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* The whole of a PEM file, NUL-terminated (malloc'd), or NULL with the reason printed. */
static char *
read_pem(const char *key, const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	long n;

	if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < (1 << 20) &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) == (size_t)n && strstr(buf, "-----BEGIN") != NULL)
			buf[n] = '\0';
		else {
			free(buf);
			buf = NULL;
		}
	}
	if (buf == NULL)
		fprintf(stderr, "agw-manager: [manager] %s = %s: %s\n", key, path,
			f == NULL ? strerror(errno) : "not a PEM file under 1 MiB");
	if (f != NULL)
		fclose(f);
	return buf;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fprintf(stderr, "agw-manager: http: ");
	vfprintf(stderr, fmt, ap);
}

int
mgr_http_run(struct mgr *m, void (*ready)(void *arg), void *arg)
{
	static struct http h;
	const struct mgr_conf *conf = &m->conf;
	char *cert = NULL, *key = NULL, *ca = NULL, b;
	struct MHD_OptionItem opts[8];
	struct MHD_Daemon *d = NULL;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			     MHD_USE_ERROR_LOG;
	int fd, n = 0, rc = -1;

	h.m = m;
	pthread_mutex_init(&h.lock, NULL);
	if (pipe2(stop_pipe, O_CLOEXEC) != 0)
		return -1;
	if (conf->tls) {
		cert = read_pem("tls_cert", conf->tls_cert);
		key = read_pem("tls_key", conf->tls_key);
		if (cert == NULL || key == NULL)
			goto out;
		if (conf->tls_client_ca[0] != '\0' &&
		    (ca = read_pem("tls_client_ca", conf->tls_client_ca)) == NULL)
			goto out;
		flags |= MHD_USE_TLS;
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, cert };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, key };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0,
						     (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2" };
		if (ca != NULL)
			opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0, ca };
	}
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	h.x = mgr_xmlrpc_new(m);
	if (h.x == NULL)
		goto out;
	fd = listen_socket(conf->listen);
	if (fd < 0)
		goto out;
	/* headers beyond max_header_bytes are refused by admit(); the pool holds them and
	 * the read buffer, so give it room to get there */
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &h,
			     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			     MHD_OPTION_LISTEN_SOCKET, fd,
			     MHD_OPTION_CONNECTION_LIMIT, 64u,
			     MHD_OPTION_CONNECTION_TIMEOUT, 30u,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT,
			     conf->limits.max_header_bytes * 2 + 65536,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "agw-manager: HTTP server on %s did not start (libmicrohttpd; "
				"TLS certificate and key must match)\n", conf->listen);
		close(fd);
		goto out;
	}
	ready(arg);
	while (read(stop_pipe[0], &b, 1) < 0 && errno == EINTR)
		;
	MHD_stop_daemon(d);
	close(fd);
	rc = 0;
out:
	mgr_xmlrpc_destroy(h.x);
	if (key != NULL)
		OPENSSL_cleanse(key, strlen(key));
	free(cert);
	free(key);
	free(ca);
	return rc;
}

void
mgr_http_stop(void)
{
	ssize_t n;

	if (stop_pipe[1] >= 0)
		n = write(stop_pipe[1], "x", 1);
	(void)n;
}
