/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A QMP client (QEMU Machine Protocol, docs/interop/qmp-spec in QEMU's tree): JSON
 * objects over a UNIX stream socket. The server greets ({"QMP": ...}); the client must
 * send {"execute": "qmp_capabilities"} first; each command gets one {"return": ...} or
 * {"error": {"class", "desc"}}; asynchronous {"event": ...} objects may come between
 * and are skipped. json-c's incremental tokener splits the stream into objects.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "nsl.h"

struct qmp {
	int fd;
	struct json_tokener *tok;
	char buf[4096];
	size_t len, off;        /* bytes in buf, bytes handed to the tokener */
	int64_t deadline_ms;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next JSON object from the peer (new reference), or NULL with 'err'. */
static struct json_object *
next_obj(struct qmp *q, char *err, size_t errlen)
{
	for (;;) {
		struct json_object *o;
		struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
		int64_t left;
		ssize_t n;

		while (q->off < q->len) {
			size_t before = q->off;

			o = json_tokener_parse_ex(q->tok, q->buf + q->off, (int)(q->len - q->off));
			q->off = before + json_tokener_get_parse_end(q->tok);
			if (o != NULL) {
				if (json_object_is_type(o, json_type_object))
					return o;
				json_object_put(o);
				continue;
			}
			if (json_tokener_get_error(q->tok) != json_tokener_continue) {
				snprintf(err, errlen, "QMP: not JSON from QEMU (%s)",
					 json_tokener_error_desc(json_tokener_get_error(q->tok)));
				return NULL;
			}
			q->off = q->len;   /* all of it is inside the tokener */
		}
		q->len = q->off = 0;
		left = q->deadline_ms - now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) != 1) {
			snprintf(err, errlen, "QMP: no answer from QEMU in time");
			return NULL;
		}
		n = read(q->fd, q->buf, sizeof(q->buf));
		if (n <= 0) {
			snprintf(err, errlen, "QMP: QEMU closed the connection");
			return NULL;
		}
		q->len = (size_t)n;
	}
}

/* Send 'cmd' and wait for its answer (events skipped). @return 0 with '*ret' (NULL:
 * not wanted); -1 with 'err' (an error answer: its desc). */
static int
exec(struct qmp *q, const char *cmd, struct json_object **ret, char *err, size_t errlen)
{
	size_t n = strlen(cmd), done = 0;

	while (done < n) {
		ssize_t w = send(q->fd, cmd + done, n - done, MSG_NOSIGNAL);

		if (w <= 0) {
			/* a QEMU that went away mid-command: as when the answer never comes */
			if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
				snprintf(err, errlen, "QMP: QEMU closed the connection");
			else
				snprintf(err, errlen, "QMP: send: %s", strerror(errno));
			return -1;
		}
		done += (size_t)w;
	}
	for (;;) {
		struct json_object *o = next_obj(q, err, errlen), *v;

		if (o == NULL)
			return -1;
		if (json_object_object_get_ex(o, "return", &v)) {
			if (ret != NULL)
				*ret = json_object_get(v);
			json_object_put(o);
			return 0;
		}
		if (json_object_object_get_ex(o, "error", &v)) {
			struct json_object *d;

			snprintf(err, errlen, "QMP: %s",
				 json_object_object_get_ex(v, "desc", &d) ? json_object_get_string(d)
									  : "error");
			json_object_put(o);
			return -1;
		}
		json_object_put(o);   /* an event */
	}
}

int
nsl_qmp(const char *path, const char *cmd, int timeout_ms, struct json_object **ret, char *err,
	size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct qmp q = { .fd = -1 };
	struct json_object *greet;
	int rc = -1;

	if (ret != NULL)
		*ret = NULL;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "QMP socket path too long: %s", path);
		return -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	q.deadline_ms = now_ms() + timeout_ms;
	q.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	q.tok = json_tokener_new();
	if (q.fd < 0 || q.tok == NULL ||
	    connect(q.fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		snprintf(err, errlen, "QMP %s: %s", path, strerror(errno));
		goto out;
	}
	greet = next_obj(&q, err, errlen);
	if (greet == NULL)
		goto out;
	if (!json_object_object_get_ex(greet, "QMP", NULL)) {
		json_object_put(greet);
		snprintf(err, errlen, "QMP %s: no greeting (not QEMU's QMP socket?)", path);
		goto out;
	}
	json_object_put(greet);
	if (exec(&q, "{\"execute\": \"qmp_capabilities\"}\r\n", NULL, err, errlen) != 0 ||
	    exec(&q, cmd, ret, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	if (q.fd >= 0)
		close(q.fd);
	if (q.tok != NULL)
		json_tokener_free(q.tok);
	return rc;
}
