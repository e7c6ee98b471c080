/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gwcctl: send one request to gw-core's control socket and print the reply.
 *   gwcctl [-s SOCKET] [-n CLIENT] OP [key=value ...]
 * Values that are whole numbers are sent as JSON integers, the rest as strings.
 * Prints the "result" as indented JSON; on an error prints "gwcctl: OP: CODE: message"
 * to stderr and exits 1 (2 when gw-core cannot be reached).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

static int
usage(FILE *f, int rc)
{
	fprintf(f, "usage: gwcctl [-s SOCKET] [-n CLIENT] OP [key=value ...]\n"
		   "  -s SOCKET  gw-core control socket (default $GWC_SOCKET or /run/agw/gw-core.sock)\n"
		   "  -n CLIENT  client name sent with hello (default $GWC_CLIENT or gwcctl)\n"
		   "  gwcctl help   lists the operations\n");
	return rc;
}

static struct json_object *
value(const char *v)
{
	char *end;
	long long x;

	if (*v != '\0' && (*v != '0' || v[1] == '\0')) {
		errno = 0;
		x = strtoll(v, &end, 10);
		if (errno == 0 && *end == '\0')
			return json_object_new_int64(x);
	}
	return json_object_new_string(v);
}

/* Send 'req' and read one reply line. @return the reply, or NULL. */
static struct json_object *
call(int fd, struct json_object *req)
{
	const char *s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	static char buf[1 << 22];
	size_t len = 0;

	if (send(fd, s, strlen(s), MSG_NOSIGNAL) < 0 || send(fd, "\n", 1, MSG_NOSIGNAL) < 0)
		return NULL;
	for (;;) {
		ssize_t n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
		char *nl;

		if (n <= 0)
			return NULL;
		len += (size_t)n;
		buf[len] = '\0';
		nl = strchr(buf, '\n');
		if (nl != NULL) {
			*nl = '\0';
			return json_tokener_parse(buf);
		}
		if (len == sizeof(buf) - 1)
			return NULL;
	}
}

int
main(int argc, char **argv)
{
	const char *sock = getenv("GWC_SOCKET"), *client = getenv("GWC_CLIENT");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct json_object *req, *args, *resp, *v, *err, *hello;
	int opt, fd, i, rc = 0;
	const char *op;

	if (sock == NULL)
		sock = "/run/agw/gw-core.sock";
	if (client == NULL)
		client = "gwcctl";
	while ((opt = getopt(argc, argv, "+s:n:h")) != -1) {
		switch (opt) {
		case 's':
			sock = optarg;
			break;
		case 'n':
			client = optarg;
			break;
		case 'h':
			return usage(stdout, 0);
		default:
			return usage(stderr, 2);
		}
	}
	if (optind >= argc)
		return usage(stderr, 2);
	op = argv[optind];

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "gwcctl: cannot reach gw-core at %s: %s (is gw-core running? "
				"-s names the socket)\n", sock, strerror(errno));
		return 2;
	}

	hello = json_object_new_object();
	args = json_object_new_object();
	json_object_object_add(args, "client", json_object_new_string(client));
	json_object_object_add(hello, "op", json_object_new_string("hello"));
	json_object_object_add(hello, "args", args);
	resp = call(fd, hello);
	json_object_put(hello);
	if (resp == NULL) {
		fprintf(stderr, "gwcctl: no reply from gw-core at %s\n", sock);
		return 2;
	}
	json_object_put(resp);

	req = json_object_new_object();
	args = json_object_new_object();
	json_object_object_add(req, "op", json_object_new_string(op));
	for (i = optind + 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq == NULL) {
			fprintf(stderr, "gwcctl: '%s' is not key=value\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		json_object_object_add(args, argv[i], value(eq + 1));
	}
	json_object_object_add(req, "args", args);
	resp = call(fd, req);
	json_object_put(req);
	close(fd);
	if (resp == NULL) {
		fprintf(stderr, "gwcctl: %s: no reply (gw-core closed the connection)\n", op);
		return 2;
	}
	if (json_object_object_get_ex(resp, "ok", &v) && json_object_get_boolean(v)) {
		json_object_object_get_ex(resp, "result", &v);
		printf("%s\n", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PRETTY |
								    JSON_C_TO_STRING_SPACED));
	} else {
		struct json_object *code = NULL, *msg = NULL;

		json_object_object_get_ex(resp, "error", &err);
		json_object_object_get_ex(err, "code", &code);
		json_object_object_get_ex(err, "message", &msg);
		fprintf(stderr, "gwcctl: %s: %s: %s\n", op, json_object_get_string(code),
			json_object_get_string(msg));
		rc = 1;
	}
	json_object_put(resp);
	return rc;
}
