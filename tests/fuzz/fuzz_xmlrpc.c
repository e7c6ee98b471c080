/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the manager's request path: an XML-RPC body, as the HTTP server
 * hands it over, through the gate (mgr_xml.c), xmlrpc-c's decoding, the VNode front end
 * (mgr_xmlrpc.c) and the operations (mgr_ops.c: planning, the SQLite store in memory,
 * gw-core not reachable, charon off), as a principal that is not an admin. For any
 * input:
 *  - the answer is one well-formed methodResponse (xmlrpc-c parses it back);
 *  - a fault carries a code of docs/manager-api.md's table and a message;
 *  - nothing crashes, leaks or reads out of bounds.
 * Each input starts from an empty manager. Seeds: tests/fuzz/xmlrpc-seeds/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xmlrpc-c/base.h>

#include "mgr_ops.h"
#include "mgr_xmlrpc.h"

static struct mgr m;
static struct mgr_xmlrpc *x;
static const struct mgr_caller who = { .principal = "gk-a", .admin = false,
					.domains = "domA,domB" };
static struct mgr_capi_peer peers[] = {   /* the gateway side of the Common API */
	{ .domain = "domB", .port = "core", .type = MGR_EP_GRE, .remote = "198.51.100.3" },
	{ .domain = "domC", .port = "access", .type = MGR_EP_VLAN },
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const ports[] = { "access", "core", NULL };
	struct mgr_err e = { 0 };

	(void)argc;
	(void)argv;
	pthread_mutex_init(&m.lock, NULL);
	pthread_mutex_init(&m.io_lock, NULL);
	snprintf(m.conf.user, sizeof(m.conf.user), "snc");
	m.conf.max_request_bytes = 1 << 20;
	m.conf.limits.max_xml_depth = 64;
	snprintf(m.conf.capi.domain, sizeof(m.conf.capi.domain), "domA");
	m.conf.capi.peers = peers;
	m.conf.capi.n_peers = 2;
	m.conf.limits.max_string_bytes = 1 << 20;
	m.conf.limits.max_array_items = 10000;
	snprintf(m.conf.plan.uplink_port, sizeof(m.conf.plan.uplink_port), "core");
	snprintf(m.conf.plan.access_port, sizeof(m.conf.plan.access_port), "access");
	m.conf.plan.vid_min = 100;
	m.conf.plan.vid_max = 4094;
	m.conf.plan.key_min = 1;
	m.conf.plan.key_max = 65535;
	snprintf(m.conf.plan.gre_remote, sizeof(m.conf.plan.gre_remote), "198.51.100.2");
	m.conf.plan.ports = ports;
	m.st = mgr_store_open(":memory:", &e);
	mgr_gwc_init(&m.gwc, "/nonexistent/agw-fuzz.sock", "manager", 100);
	if (m.st == NULL || mgr_charon_init(&m.charon, &m.conf.charon, &e) != 0 ||
	    (x = mgr_xmlrpc_new(&m)) == NULL) {
		fprintf(stderr, "fuzz_xmlrpc: set-up: %s\n", e.msg);
		abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mgr_err e = { 0 };
	xmlrpc_value *res = NULL;
	const char *msg = NULL;
	xmlrpc_env env;
	size_t out_len;
	char *out;
	int code = 0;

	if (mgr_xmlrpc_call(x, &who, (const char *)data, size, &out, &out_len) != 0)
		abort();   /* only out of memory may fail */
	xmlrpc_env_init(&env);
	xmlrpc_parse_response2(&env, out, out_len, &res, &code, &msg);
	if (env.fault_occurred || (msg != NULL && (!mgr_fault_known(code) || msg[0] == '\0'))) {
		fprintf(stderr, "bad answer (%s; fault %d '%s'):\n%.*s\n",
			env.fault_occurred ? env.fault_string : "parsed", code, msg ? msg : "",
			(int)out_len, out);
		abort();
	}
	if (res != NULL)
		xmlrpc_DECREF(res);
	free((char *)msg);
	xmlrpc_env_clean(&env);
	free(out);
	/* the next input starts from an empty manager */
	if (m.reg.n > 0) {
		mgr_reg_clear(&m.reg);
		mgr_store_close(m.st);
		m.st = mgr_store_open(":memory:", &e);
		if (m.st == NULL)
			abort();
	}
	return 0;
}
