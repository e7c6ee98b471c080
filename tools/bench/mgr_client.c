/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager bench's C client (tools/bench/mgr_bench.py, BENCH_MGR_CLIENT=c): the same
 * calls as its Python client, made with xmlrpc-c's client (libcurl, one keep-alive
 * connection), so that the figure is the manager's and gw-core's and not the client's.
 *   mgr_client URL USER PASSWORD SPECS N
 * SPECS holds N slice specs, each ended by a NUL byte. For i in 0..N-1: CreateSlice
 * ("b<i>", spec i) and Run("b<i>"); then DeleteSlice of each. Prints one line per
 * CreateSlice+Run ("lat MS"), then "up S" (seconds to create and run all) and "total S"
 * (to delete them too). Exit 0; 1 on the first fault, printed to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xmlrpc-c/base.h>
#include <xmlrpc-c/client.h>

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Call 'method' with the string arguments a (and b, unless NULL); 0, or -1 (printed). */
static int
call(xmlrpc_client *c, xmlrpc_server_info *srv, const char *method, const char *a,
     const char *b)
{
	xmlrpc_env env;
	xmlrpc_value *params, *v, *res = NULL;
	int rc = 0;

	xmlrpc_env_init(&env);
	params = xmlrpc_array_new(&env);
	v = xmlrpc_string_new(&env, a);
	xmlrpc_array_append_item(&env, params, v);
	xmlrpc_DECREF(v);
	if (b != NULL) {
		v = xmlrpc_string_new(&env, b);
		xmlrpc_array_append_item(&env, params, v);
		xmlrpc_DECREF(v);
	}
	xmlrpc_client_call2(&env, c, srv, method, params, &res);
	if (env.fault_occurred) {
		fprintf(stderr, "mgr_client: %s(%s): %s\n", method, a, env.fault_string);
		rc = -1;
	}
	if (res != NULL)
		xmlrpc_DECREF(res);
	xmlrpc_DECREF(params);
	xmlrpc_env_clean(&env);
	return rc;
}

int
main(int argc, char **argv)
{
	struct xmlrpc_clientparms cp = { .transport = "curl" };
	xmlrpc_server_info *srv;
	xmlrpc_client *c;
	xmlrpc_env env;
	char *specs, *p, id[32];
	double t0, a, up;
	long n, i, sz;
	FILE *f;

	if (argc != 6) {
		fprintf(stderr, "usage: mgr_client URL USER PASSWORD SPECS N\n");
		return 2;
	}
	n = strtol(argv[5], NULL, 10);
	f = fopen(argv[4], "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (specs = malloc((size_t)sz + 1)) == NULL ||
	    fread(specs, 1, (size_t)sz, f) != (size_t)sz) {
		fprintf(stderr, "mgr_client: cannot read %s\n", argv[4]);
		return 2;
	}
	fclose(f);
	specs[sz] = '\0';
	xmlrpc_env_init(&env);
	xmlrpc_client_setup_global_const(&env);
	xmlrpc_client_create(&env, XMLRPC_CLIENT_NO_FLAGS, "agw-mgr-bench", "0.1", &cp,
			     XMLRPC_CPSIZE(transport), &c);
	srv = xmlrpc_server_info_new(&env, argv[1]);
	xmlrpc_server_info_set_user(&env, srv, argv[2], argv[3]);
	xmlrpc_server_info_allow_auth_basic(&env, srv);
	if (env.fault_occurred) {
		fprintf(stderr, "mgr_client: %s\n", env.fault_string);
		return 2;
	}
	t0 = now_s();
	for (i = 0, p = specs; i < n; i++, p += strlen(p) + 1) {
		if (p >= specs + sz) {
			fprintf(stderr, "mgr_client: %s holds fewer than %ld specs\n", argv[4], n);
			return 2;
		}
		snprintf(id, sizeof(id), "b%ld", i);
		a = now_s();
		if (call(c, srv, "CreateSlice", id, p) != 0 || call(c, srv, "Run", id, NULL) != 0)
			return 1;
		printf("lat %.4f\n", (now_s() - a) * 1000);
	}
	up = now_s() - t0;
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "b%ld", i);
		if (call(c, srv, "DeleteSlice", id, NULL) != 0)
			return 1;
	}
	printf("up %.3f\ntotal %.3f\n", up, now_s() - t0);
	xmlrpc_server_info_free(srv);
	xmlrpc_client_destroy(c);
	xmlrpc_client_teardown_global_const();
	free(specs);
	return 0;
}
