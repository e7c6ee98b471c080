/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's HTTP server (xmlrpc-c's Abyss): listening, the request-size limit
 * (HTTP 413) and HTTP Basic credentials checked against [manager] user and
 * password_hash (HTTP 401) before any front end sees a request; the VNode XML-RPC front
 * end (mgr_xmlrpc.c) at /RPC2. Runs on the main thread; Abyss serves each connection on
 * a thread of its own.
 */
#include <crypt.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <systemd/sd-daemon.h>
#include <xmlrpc-c/abyss.h>

#include "mgr_http.h"
#include "mgr_ops.h"
#include "mgr_xmlrpc.h"

static TServer server;

struct access {
	struct mgr *m;
	pthread_mutex_t lock;
	unsigned char ok[8][SHA256_DIGEST_LENGTH];   /* Authorization values that passed */
	unsigned int n_ok, next;
};

static void
http_refuse(TSession *s, int status, const char *msg)
{
	if (status == 401)
		ResponseAddField(s, "WWW-Authenticate", "Basic realm=\"AGW manager\"");
	ResponseStatus(s, (xmlrpc_uint16_t)status);
	ResponseError2(s, msg);
}

/* Check "Basic base64(user:password)" against the configured user and crypt(3) hash. */
static bool
credentials_ok(struct access *a, const char *hdr)
{
	const struct mgr_conf *c = &a->m->conf;
	unsigned char digest[SHA256_DIGEST_LENGTH], dec[512];
	struct crypt_data *cd;
	const char *b64, *h;
	char *colon;
	size_t len;
	int n, pad = 0;
	unsigned int i;
	bool ok = false;

	if (strncasecmp(hdr, "Basic ", 6) != 0)
		return false;
	b64 = hdr + 6;
	while (*b64 == ' ')
		b64++;
	len = strlen(b64);
	if (len == 0 || len % 4 != 0 || len / 4 * 3 >= sizeof(dec))
		return false;
	SHA256((const unsigned char *)hdr, strlen(hdr), digest);
	pthread_mutex_lock(&a->lock);
	for (i = 0; i < a->n_ok; i++)
		if (CRYPTO_memcmp(a->ok[i], digest, sizeof(digest)) == 0)
			ok = true;
	pthread_mutex_unlock(&a->lock);
	if (ok)
		return true;
	n = EVP_DecodeBlock(dec, (const unsigned char *)b64, (int)len);
	if (n < 0)
		return false;
	pad = (b64[len - 1] == '=') + (b64[len - 2] == '=');
	n -= pad;
	dec[n] = '\0';
	if (memchr(dec, '\0', (size_t)n) != NULL)
		return false;
	colon = strchr((char *)dec, ':');
	if (colon == NULL)
		return false;
	*colon = '\0';
	if (strcmp((char *)dec, c->user) != 0)
		return false;
	cd = calloc(1, sizeof(*cd));
	if (cd == NULL)
		return false;
	h = crypt_r(colon + 1, c->password_hash, cd);
	ok = h != NULL && h[0] != '*' && strlen(h) == strlen(c->password_hash) &&
	     CRYPTO_memcmp(h, c->password_hash, strlen(h)) == 0;
	OPENSSL_cleanse(cd, sizeof(*cd));
	OPENSSL_cleanse(dec, sizeof(dec));
	free(cd);
	if (ok) {
		pthread_mutex_lock(&a->lock);
		memcpy(a->ok[a->next], digest, sizeof(digest));
		a->next = (a->next + 1) % 8;
		if (a->n_ok < 8)
			a->n_ok++;
		pthread_mutex_unlock(&a->lock);
	}
	return ok;
}

/* Runs before the XML-RPC handler: size limit, then credentials. */
static void
access_handler(void *ctx, TSession *s, abyss_bool *handled)
{
	struct access *a = ctx;
	char *cl = RequestHeaderValue(s, "content-length");
	char *au = RequestHeaderValue(s, "authorization");
	char msg[128];

	*handled = true;
	if (cl != NULL && strtoull(cl, NULL, 10) > a->m->conf.max_request_bytes) {
		snprintf(msg, sizeof(msg), "request body over %zu bytes (max_request_bytes)",
			 a->m->conf.max_request_bytes);
		http_refuse(s, 413, msg);
		return;
	}
	if (au == NULL || !credentials_ok(a, au)) {
		http_refuse(s, 401, "credentials required (HTTP Basic, the manager's user)");
		return;
	}
	*handled = false;   /* on to the XML-RPC handler */
}

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

int
mgr_http_run(struct mgr *m, void (*ready)(void *arg), void *arg)
{
	static struct access acc;
	struct ServerReqHandler3 h = { .handleReq = access_handler, .userdata = &acc };
	struct mgr_xmlrpc *x;
	const char *err = NULL;
	TChanSwitch *sw;
	abyss_bool ok;
	int fd;

	pthread_mutex_init(&acc.lock, NULL);
	acc.m = m;
	fd = listen_socket(m->conf.listen);
	if (fd < 0)
		return -1;
	AbyssInit(&err);
	if (err == NULL)
		ChanSwitchUnixCreateFd(fd, &sw, &err);
	if (err == NULL)
		ServerCreateSwitch(&server, sw, &err);
	if (err != NULL) {
		fprintf(stderr, "agw-manager: HTTP server: %s\n", err);
		return -1;
	}
	ServerSetName(&server, "agw-manager");
	ServerSetKeepaliveTimeout(&server, 30);
	ServerSetTimeout(&server, 30);
	ServerSetMaxConn(&server, 64);
	/* Abyss tries the most recently added handler first: access control goes last. */
	x = mgr_xmlrpc_install(m, &server, "/RPC2");
	if (x == NULL)
		return -1;
	ServerAddHandler3(&server, &h, &ok);
	if (!ok) {
		fprintf(stderr, "agw-manager: cannot install HTTP handlers\n");
		return -1;
	}
	ServerInit2(&server, &err);
	if (err != NULL) {
		fprintf(stderr, "agw-manager: HTTP server: %s\n", err);
		return -1;
	}
	ready(arg);
	ServerRun(&server);
	ServerFree(&server);
	ChanSwitchDestroy(sw);
	mgr_xmlrpc_destroy(x);
	AbyssTerm();
	return 0;
}

void
mgr_http_stop(void)
{
	ServerTerminate(&server);
}
