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
#include <unistd.h>

#include <json-c/json.h>

#include "gwc_client.h"

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

int
main(int argc, char **argv)
{
	const char *sock = getenv("GWC_SOCKET"), *client = getenv("GWC_CLIENT");
	struct json_object *args, *res = NULL;
	struct gwc_conn c;
	struct gwc_conn_err e;
	int opt, i, rc;
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

	args = json_object_new_object();
	for (i = optind + 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq == NULL) {
			fprintf(stderr, "gwcctl: '%s' is not key=value\n", argv[i]);
			json_object_put(args);
			return 2;
		}
		*eq = '\0';
		json_object_object_add(args, argv[i], value(eq + 1));
	}
	if (gwc_conn_open(&c, sock, client, 10000, &e) != 0) {
		fprintf(stderr, "gwcctl: %s (-s names the socket)\n", e.message);
		json_object_put(args);
		return 2;
	}
	rc = gwc_conn_call(&c, op, args, &res, &e);
	gwc_conn_close(&c);
	if (rc == -2) {
		fprintf(stderr, "gwcctl: %s: %s\n", op, e.message);
		return 2;
	}
	if (rc != 0) {
		fprintf(stderr, "gwcctl: %s: %s: %s\n", op, e.code, e.message);
		return 1;
	}
	printf("%s\n", res == NULL ? "null" :
	       json_object_to_json_string_ext(res, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
	json_object_put(res);
	return 0;
}
