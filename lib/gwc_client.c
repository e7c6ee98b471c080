/* SPDX-License-Identifier: BSD-3-Clause */
/* Client side of gw-core's control socket: see gwc_client.h. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "agw_sock.h"
#include "gwc_client.h"

#define REPLY_MAX (1u << 24)   /* bytes: a stats reply of 4096 endpoints fits */

static void
seterr(struct gwc_conn_err *e, const char *code, int err, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	snprintf(e->code, sizeof(e->code), "%s", code);
	e->err = err;
	e->index = -1;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
gwc_conn_close(struct gwc_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}

static int
transport_fail(struct gwc_conn *c, struct gwc_conn_err *e, int err, const char *what)
{
	seterr(e, "ETRANSPORT", err, "gw-core control socket: %s%s%s", what,
	       err != 0 ? ": " : "", err != 0 ? strerror(err) : "");
	gwc_conn_close(c);
	return -2;
}

/* Send 'line' and a newline; read until a full reply line. @return the parsed reply. */
static struct json_object *
roundtrip(struct gwc_conn *c, const char *line, struct gwc_conn_err *e, int *rc)
{
	long long deadline = now_ms() + c->timeout_ms;
	size_t n = strlen(line);
	struct json_object *reply;
	char *nl;

	if (agw_sock_send_line(c->fd, line, n) != 0) {
		*rc = transport_fail(c, e, errno, "send");
		return NULL;
	}
	c->len = 0;
	for (;;) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			*rc = transport_fail(c, e, ETIMEDOUT, "no reply in time");
			return NULL;
		}
		if (c->cap - c->len < 4096) {
			size_t cap = c->cap == 0 ? 65536 : c->cap * 2;
			char *b;

			if (cap > REPLY_MAX || (b = realloc(c->buf, cap)) == NULL) {
				*rc = transport_fail(c, e, EMSGSIZE, "reply too large");
				return NULL;
			}
			c->buf = b;
			c->cap = cap;
		}
		r = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			*rc = transport_fail(c, e, r == 0 ? ECONNRESET : errno,
					     r == 0 ? "gw-core closed the connection" : "recv");
			return NULL;
		}
		c->len += (size_t)r;
		c->buf[c->len] = '\0';
		nl = memchr(c->buf, '\n', c->len);
		if (nl != NULL)
			break;
	}
	*nl = '\0';
	reply = json_tokener_parse(c->buf);
	if (reply == NULL || !json_object_is_type(reply, json_type_object)) {
		json_object_put(reply);
		*rc = transport_fail(c, e, EBADMSG, "reply is not a JSON object");
		return NULL;
	}
	return reply;
}

int
gwc_conn_call(struct gwc_conn *c, const char *op, struct json_object *args,
		struct json_object **result, struct gwc_conn_err *e)
{
	struct json_object *req, *reply, *v, *err;
	int rc = 0;

	if (c->fd < 0) {
		json_object_put(args);
		seterr(e, "ETRANSPORT", ENOTCONN, "gw-core control socket: not connected");
		return -2;
	}
	req = json_object_new_object();
	json_object_object_add(req, "op", json_object_new_string(op));
	if (args != NULL)
		json_object_object_add(req, "args", args);
	reply = roundtrip(c, json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN), e, &rc);
	json_object_put(req);
	if (reply == NULL)
		return rc;
	if (json_object_object_get_ex(reply, "ok", &v) && json_object_get_boolean(v)) {
		if (result != NULL)
			*result = json_object_object_get_ex(reply, "result", &v) ?
					  json_object_get(v) : NULL;
	} else {
		struct json_object *code = NULL, *no = NULL, *msg = NULL, *idx = NULL;

		json_object_object_get_ex(reply, "error", &err);
		json_object_object_get_ex(err, "code", &code);
		json_object_object_get_ex(err, "errno", &no);
		json_object_object_get_ex(err, "message", &msg);
		json_object_object_get_ex(err, "index", &idx);
		seterr(e, code != NULL ? json_object_get_string(code) : "EPROTO",
		       no != NULL ? json_object_get_int(no) : EPROTO, "%s",
		       msg != NULL ? json_object_get_string(msg) : "gw-core gave no reason");
		if (e != NULL && idx != NULL && json_object_is_type(idx, json_type_int))
			e->index = json_object_get_int(idx);
		rc = -1;
	}
	json_object_put(reply);
	return rc;
}

int
gwc_conn_open(struct gwc_conn *c, const char *sock, const char *name, int timeout_ms,
		   struct gwc_conn_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct json_object *args, *res = NULL, *v;
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = timeout_ms % 1000 * 1000 };
	int rc;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	if (strlen(sock) >= sizeof(sa.sun_path)) {
		seterr(e, "ENAMETOOLONG", ENAMETOOLONG, "gw-core socket path '%s' is too long", sock);
		return -1;
	}
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		seterr(e, "ETRANSPORT", errno, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int err = errno;

		gwc_conn_close(c);
		seterr(e, "ETRANSPORT", err, "cannot reach gw-core at %s: %s (is gw-core running?)",
		       sock, strerror(err));
		return -1;
	}
	args = json_object_new_object();
	json_object_object_add(args, "client", json_object_new_string(name));
	rc = gwc_conn_call(c, "hello", args, &res, e);
	if (rc != 0) {
		gwc_conn_close(c);
		return -1;
	}
	if (json_object_object_get_ex(res, "version", &v))
		snprintf(c->version, sizeof(c->version), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(res, "role", &v))
		snprintf(c->role, sizeof(c->role), "%s", json_object_get_string(v));
	json_object_put(res);
	return 0;
}
