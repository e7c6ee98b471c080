/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw-core control socket, framing and dispatch: a UNIX stream socket carrying one JSON
 * object per line each way (json-c), documented in docs/control-socket.md. Several
 * clients at once; each names itself with "hello" and owns what it creates. A request
 * that fails changes nothing and gets {"ok": false, "error": {...}} with the errno name
 * and a message saying what was wrong. The operations live in gwc_ctl_<object>.c
 * (gwc_ctl.h). Control thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include <rte_malloc.h>

#include "agw_sock.h"
#include "gwc_ctl.h"
#include "gwc_ep_ops.h"
#include "gwc_json.h"
#include "gwc_model.h"

/* The socket and its clients. */
struct gwc_ctl {
	int listen_fd;               /* -1: not listening */
	char sock_path[108];
	unsigned int next_client;    /* for the default owner name "client-N" */
	struct gwc_client *client[GWC_MAX_CLIENTS];
};

/* Every operation's list, in the order help shows them. */
static const struct gwc_ctl_op *const op_lists[] = {
	gwc_ctl_sys_ops, gwc_ctl_slice_ops, gwc_ctl_trailer_ops, gwc_ctl_ipsec_ops,
};

static int op_help(struct gwc *g, struct gwc_client *c, struct json_object *args,
		   struct json_object **res, struct gwc_err *e);

static const struct gwc_ctl_op help_op = { "help", op_help, "this list", false };

/* The operation called 'name', or NULL. */
static const struct gwc_ctl_op *
op_find(const char *name)
{
	const struct gwc_ctl_op *o;
	unsigned int i;

	for (i = 0; i < RTE_DIM(op_lists); i++)
		for (o = op_lists[i]; o->name != NULL; o++)
			if (strcmp(o->name, name) == 0)
				return o;
	return strcmp(name, help_op.name) == 0 ? &help_op : NULL;
}

static int
op_help(struct gwc *g, struct gwc_client *c, struct json_object *args, struct json_object **res,
	struct gwc_err *e)
{
	const struct gwc_ctl_op *o;
	char buf[2048], schema[1536];
	unsigned int i;

	RTE_SET_USED(g);
	RTE_SET_USED(c);
	RTE_SET_USED(args);
	RTE_SET_USED(e);
	*res = json_object_new_object();
	for (i = 0; i < RTE_DIM(op_lists); i++)
		for (o = op_lists[i]; o->name != NULL; o++) {
			snprintf(buf, sizeof(buf), "%s%s%s", o->help, o->ep_schema ? "; " : "",
				 o->ep_schema ? gwc_ep_schema(schema, sizeof(schema)) : "");
			agw_json_add_str(*res, o->name, buf);
		}
	agw_json_add_str(*res, help_op.name, help_op.help);
	return 0;
}

static void
reply(struct gwc_client *c, struct json_object *resp)
{
	const char *s = json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN);

	/* a client gone or stuck (SO_SNDTIMEO) is closed by the poll */
	(void)agw_sock_send_line(c->fd, s, strlen(s));
}

static void
handle_line(struct gwc *g, struct gwc_client *c, const char *line)
{
	struct json_object *req, *resp = json_object_new_object(), *res = NULL, *v, *args = NULL;
	struct gwc_err e = { "" };
	const struct gwc_ctl_op *o;
	const char *op = NULL;
	int rc = -EINVAL;

	req = json_tokener_parse(line);
	if (req == NULL || !json_object_is_type(req, json_type_object)) {
		gwc_errf(&e, "request is not a JSON object");
	} else {
		if (json_object_object_get_ex(req, "id", &v))
			json_object_object_add(resp, "id", json_object_get(v));
		if (json_object_object_get_ex(req, "args", &args) &&
		    !json_object_is_type(args, json_type_object)) {
			gwc_errf(&e, "'args' must be an object");
			goto out;
		}
		if (!json_object_object_get_ex(req, "op", &v) ||
		    !json_object_is_type(v, json_type_string)) {
			gwc_errf(&e, "'op' (a string) is required; op \"help\" lists them");
			goto out;
		}
		op = json_object_get_string(v);
		o = op_find(op);
		if (o == NULL) {
			rc = -EOPNOTSUPP;
			gwc_errf(&e, "unknown op '%s'; op \"help\" lists them", op);
			goto out;
		}
		rc = o->fn(g, c, args, &res, &e);
	}
out:
	json_object_object_add(resp, "ok", json_object_new_boolean(rc >= 0));
	if (rc >= 0) {
		json_object_object_add(resp, "result", res != NULL ? res : json_object_new_object());
	} else {
		struct json_object *err = json_object_new_object();
		const char *en = strerrorname_np(-rc);

		json_object_put(res);
		agw_json_add_str(err, "code", en != NULL ? en : "EIO");
		agw_json_add_u64(err, "errno", (uint64_t)-rc);
		agw_json_add_str(err, "message", e.msg[0] != '\0' ? e.msg : strerror(-rc));
		if (e.item != 0)
			agw_json_add_u64(err, "index", e.item - 1);
		json_object_object_add(resp, "error", err);
		if (op != NULL)
			GWC_LOG(INFO, "client %s: %s refused: %s", c->owner, op, e.msg);
	}
	reply(c, resp);
	json_object_put(resp);
	json_object_put(req);
}

static void
client_close(struct gwc *g, unsigned int i)
{
	close(g->ctl->client[i]->fd);
	rte_free(g->ctl->client[i]);
	g->ctl->client[i] = NULL;
}

int
gwc_ctl_listen(struct gwc *g, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	char *slash;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		GWC_LOG(ERR, "control socket %s: path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0750);   /* one level, like /run/agw; an existing one is fine */
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (g->ctl == NULL) {
		g->ctl = rte_zmalloc("gwc_ctl", sizeof(*g->ctl), 0);
		if (g->ctl == NULL)
			return -ENOMEM;
		g->ctl->listen_fd = -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 16) != 0) {
		int rc = -errno;

		GWC_LOG(ERR, "control socket %s: %s", path, strerror(-rc));
		close(fd);
		return rc;
	}
	chmod(path, 0660);
	g->ctl->listen_fd = fd;
	snprintf(g->ctl->sock_path, sizeof(g->ctl->sock_path), "%s", path);
	GWC_LOG(INFO, "control socket %s: listening", path);
	return 0;
}

void
gwc_ctl_close(struct gwc *g)
{
	unsigned int i;

	if (g->ctl == NULL)
		return;
	for (i = 0; i < GWC_MAX_CLIENTS; i++)
		if (g->ctl->client[i] != NULL)
			client_close(g, i);
	if (g->ctl->listen_fd >= 0) {
		close(g->ctl->listen_fd);
		unlink(g->ctl->sock_path);
		g->ctl->listen_fd = -1;
	}
	rte_free(g->ctl);
	g->ctl = NULL;
}

static void
accept_client(struct gwc *g)
{
	struct timeval tv = { .tv_sec = 1 };
	unsigned int i;
	int fd;

	fd = accept4(g->ctl->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < GWC_MAX_CLIENTS && g->ctl->client[i] != NULL; i++)
		;
	if (i == GWC_MAX_CLIENTS) {
		static const char full[] = "{\"ok\":false,\"error\":{\"code\":\"EMFILE\",\"errno\":24,"
					   "\"message\":\"too many control clients\"}}\n";

		(void)send(fd, full, sizeof(full) - 1, MSG_NOSIGNAL);
		close(fd);
		return;
	}
	g->ctl->client[i] = rte_zmalloc("gwc_client", sizeof(struct gwc_client), 0);
	if (g->ctl->client[i] == NULL) {
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	g->ctl->client[i]->fd = fd;
	snprintf(g->ctl->client[i]->owner, sizeof(g->ctl->client[i]->owner), "client-%u",
		 ++g->ctl->next_client);
}

/* Read what client 'i' sent and answer each complete line. @return false to close it. */
static bool
client_read(struct gwc *g, unsigned int i)
{
	struct gwc_client *c = g->ctl->client[i];
	ssize_t n;
	char *nl;

	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return false;
	if (n < 0)
		return true;
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
		size_t used = (size_t)(nl - c->buf) + 1;

		*nl = '\0';
		if (nl != c->buf)
			handle_line(g, c, c->buf);
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
		c->buf[c->len] = '\0';
	}
	if (c->len == sizeof(c->buf) - 1) {
		struct json_object *r = json_object_new_object(), *err = json_object_new_object();

		agw_json_add_str(err, "code", "EMSGSIZE");
		agw_json_add_u64(err, "errno", EMSGSIZE);
		agw_json_add_str(err, "message", "request longer than 64 KiB");
		json_object_object_add(r, "ok", json_object_new_boolean(false));
		json_object_object_add(r, "error", err);
		reply(c, r);
		json_object_put(r);
		return false;
	}
	return true;
}

int
gwc_ctl_poll(struct gwc *g, int timeout_ms)
{
	struct pollfd pfd[GWC_MAX_CLIENTS + 1];
	unsigned int idx[GWC_MAX_CLIENTS + 1], n = 0, i;
	int rc;

	if (g->ctl != NULL && g->ctl->listen_fd >= 0) {
		pfd[n].fd = g->ctl->listen_fd;
		pfd[n].events = POLLIN;
		idx[n++] = UINT32_MAX;
	}
	for (i = 0; g->ctl != NULL && i < GWC_MAX_CLIENTS; i++)
		if (g->ctl->client[i] != NULL) {
			pfd[n].fd = g->ctl->client[i]->fd;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
	rc = poll(pfd, n, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n && rc > 0; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (idx[i] == UINT32_MAX)
			accept_client(g);
		else if (!client_read(g, idx[i]))
			client_close(g, idx[i]);
	}
	return 0;
}
